//! Grants and the tokens issued for them: minting access and ID tokens, rotating refresh
//! tokens, revoking, and checking an access token presented to the API.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kabinet_api::oauth::{ACCESS_TOKEN_TYPE, API_AUDIENCE, TokenResponse};
use kabinet_api::{ActivityKind, SecretString};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Portal;
use crate::accounts::log_activity;
use crate::crypto::{random_token, storage_hash};

/// Claims of an access token (RFC 9068).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// The person id.
    pub sub: String,
    /// Always [`API_AUDIENCE`].
    pub aud: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Token id, for revocation of this one token.
    pub jti: String,
    /// The client it was issued to.
    pub client_id: String,
    /// Granted scopes, space separated.
    pub scope: String,
    /// The grant (session) id.
    pub sid: String,
}

impl AccessClaims {
    /// The person id as a number.
    pub fn oid(&self) -> Option<i64> {
        self.sub.parse().ok()
    }

    /// The granted scopes.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope.split_whitespace().collect()
    }
}

/// Claims of an ID token (OpenID Connect Core §2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdClaims {
    /// Issuer.
    pub iss: String,
    /// The person id.
    pub sub: String,
    /// The client id.
    pub aud: String,
    /// Expiry.
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// When the person authenticated.
    pub auth_time: i64,
    /// The nonce of the authorization request, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The grant (session) id.
    pub sid: String,
    /// Authentication methods (RFC 8176).
    pub amr: Vec<String>,
    /// Left half of the access token's SHA-256.
    pub at_hash: String,
}

/// A grant as stored.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Its id, the `sid` of its tokens.
    pub id: String,
    /// The person.
    pub oid: i64,
    /// The client.
    pub client_id: String,
    /// Granted scopes.
    pub scope: String,
    /// When the person authenticated.
    pub auth_time: i64,
    /// Authentication methods, space separated.
    pub amr: String,
    /// End of the family's absolute lifetime.
    pub expires_at: i64,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

impl Grant {
    /// Whether tokens of this grant are still good at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// Reads a grant.
///
/// # Errors
/// When the query fails.
pub fn grant(conn: &Connection, id: &str) -> rusqlite::Result<Option<Grant>> {
    conn.query_row(
        "SELECT id, oid, client_id, scope, auth_time, amr, expires_at, revoked_at
         FROM grants WHERE id = ?1",
        [id],
        |row| {
            Ok(Grant {
                id: row.get(0)?,
                oid: row.get(1)?,
                client_id: row.get(2)?,
                scope: row.get(3)?,
                auth_time: row.get(4)?,
                amr: row.get(5)?,
                expires_at: row.get(6)?,
                revoked_at: row.get(7)?,
            })
        },
    )
    .optional()
}

/// Creates a grant whose family lives until `expires_at`.
///
/// # Errors
/// When the insert fails.
pub fn create_grant(conn: &Connection, template: &Grant, now: i64) -> rusqlite::Result<Grant> {
    let grant = Grant { id: random_token(), revoked_at: None, ..template.clone() };
    conn.execute(
        "INSERT INTO grants (id, oid, client_id, scope, auth_time, amr, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            grant.id,
            grant.oid,
            grant.client_id,
            grant.scope,
            grant.auth_time,
            grant.amr,
            now,
            grant.expires_at
        ],
    )?;
    Ok(grant)
}

/// Revokes a grant: every refresh, access and ID token it issued stops working.
///
/// # Errors
/// When the update fails.
pub fn revoke_grant(conn: &Connection, grant_id: &str, now: i64) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE grants SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![grant_id, now],
    )?;
    Ok(changed > 0)
}

fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// Mints tokens for a grant: an access token, an ID token, and a new refresh token of the
/// grant's family when `offline`.
///
/// # Errors
/// When storing the refresh token fails.
pub fn issue(
    portal: &Portal,
    conn: &Connection,
    grant: &Grant,
    nonce: Option<String>,
    offline: bool,
) -> rusqlite::Result<TokenResponse> {
    let now = portal.now();
    let config = portal.config();
    let access_ttl = config.lifetimes.access_token.as_secs();

    let access = AccessClaims {
        iss: config.issuer.clone(),
        sub: grant.oid.to_string(),
        aud: API_AUDIENCE.to_owned(),
        exp: now + access_ttl as i64,
        iat: now,
        jti: random_token(),
        client_id: grant.client_id.clone(),
        scope: grant.scope.clone(),
        sid: grant.id.clone(),
    };
    let access_token = portal.keys().sign(ACCESS_TOKEN_TYPE, &access);

    let id = IdClaims {
        iss: config.issuer.clone(),
        sub: grant.oid.to_string(),
        aud: grant.client_id.clone(),
        exp: now + config.lifetimes.id_token.as_secs() as i64,
        iat: now,
        auth_time: grant.auth_time,
        nonce,
        sid: grant.id.clone(),
        amr: grant.amr.split_whitespace().map(str::to_owned).collect(),
        at_hash: at_hash(&access_token),
    };
    let id_token = portal.keys().sign("JWT", &id);

    let refresh_token = if offline {
        let token = random_token();
        conn.execute(
            "INSERT INTO refresh_tokens (token_hash, grant_id, created_at) VALUES (?1, ?2, ?3)",
            params![storage_hash(&token), grant.id, now],
        )?;
        Some(SecretString::new(token))
    } else {
        None
    };

    Ok(TokenResponse {
        access_token: SecretString::new(access_token),
        token_type: "Bearer".to_owned(),
        expires_in: access_ttl,
        refresh_token,
        id_token: Some(SecretString::new(id_token)),
        scope: grant.scope.clone(),
    })
}

/// What became of a presented refresh token.
#[derive(Debug)]
pub enum RefreshOutcome {
    /// Valid and now used; its grant goes on.
    Rotated(Grant),
    /// Unknown, expired or of a revoked grant.
    Invalid,
    /// Already used: its whole family has just been revoked.
    Reused,
}

/// Uses a refresh token once. A token presented a second time revokes its grant, so a
/// stolen token stops working for its thief and its owner alike (RFC 9700 §4.14.2).
///
/// # Errors
/// When the store fails.
pub fn use_refresh_token(
    conn: &Connection,
    token: &str,
    client_id: &str,
    now: i64,
) -> rusqlite::Result<RefreshOutcome> {
    let hash = storage_hash(token);
    let found: Option<(String, Option<i64>)> = conn
        .query_row(
            "SELECT grant_id, used_at FROM refresh_tokens WHERE token_hash = ?1",
            [&hash],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((grant_id, used_at)) = found else { return Ok(RefreshOutcome::Invalid) };
    let Some(grant) = grant(conn, &grant_id)? else { return Ok(RefreshOutcome::Invalid) };
    if grant.client_id != client_id {
        return Ok(RefreshOutcome::Invalid);
    }

    let claimed = used_at.is_none()
        && conn.execute(
            "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
            params![hash, now],
        )? == 1;
    if !claimed {
        if revoke_grant(conn, &grant.id, now)? {
            log_activity(conn, grant.oid, ActivityKind::TokenReuse, now)?;
            tracing::warn!(grant = %short(&grant.id), "refresh token reused; family revoked");
        }
        return Ok(RefreshOutcome::Reused);
    }
    if !grant.is_live(now) {
        return Ok(RefreshOutcome::Invalid);
    }
    Ok(RefreshOutcome::Rotated(grant))
}

/// A short, non-secret prefix of an id for logs.
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Malformed, wrong type, bad signature or unknown key.
    Invalid,
    /// Issued by someone else.
    WrongIssuer,
    /// Meant for another audience (an ID token, say).
    WrongAudience,
    /// Past its expiry.
    Expired,
    /// Revoked, alone or with its grant.
    Revoked,
}

impl Rejection {
    /// A description for the `WWW-Authenticate` header and the problem body.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Invalid => "the access token is malformed or its signature does not verify",
            Self::WrongIssuer => "the access token was issued by another provider",
            Self::WrongAudience => "the access token is not meant for this API",
            Self::Expired => "the access token has expired",
            Self::Revoked => "the access token has been revoked",
        }
    }
}

/// Checks an access token presented to the API: type, signature, issuer, audience, expiry,
/// and revocation of the token and of its grant.
///
/// # Errors
/// [`Rejection`] for the first check that fails; a store failure counts as `Invalid`.
pub fn verify_access(portal: &Portal, token: &str) -> Result<AccessClaims, Rejection> {
    let claims: AccessClaims =
        portal.keys().verify(token, ACCESS_TOKEN_TYPE).map_err(|_| Rejection::Invalid)?;
    if claims.iss != portal.config().issuer {
        return Err(Rejection::WrongIssuer);
    }
    if claims.aud != API_AUDIENCE {
        return Err(Rejection::WrongAudience);
    }
    let now = portal.now();
    if claims.exp <= now {
        return Err(Rejection::Expired);
    }

    let conn = portal.store().lock();
    let revoked_alone = conn
        .query_row("SELECT 1 FROM revoked_access_tokens WHERE jti = ?1", [&claims.jti], |_| Ok(()))
        .optional()
        .map_err(|_| Rejection::Invalid)?
        .is_some();
    let grant = grant(&conn, &claims.sid).map_err(|_| Rejection::Invalid)?;
    if revoked_alone || !grant.is_some_and(|grant| grant.is_live(now)) {
        return Err(Rejection::Revoked);
    }
    Ok(claims)
}

/// Revokes one access token until it would have expired.
///
/// # Errors
/// When the insert fails.
pub fn revoke_access(conn: &Connection, claims: &AccessClaims) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO revoked_access_tokens (jti, expires_at) VALUES (?1, ?2)",
        params![claims.jti, claims.exp],
    )?;
    Ok(())
}

/// Finds the grant of a refresh token without using it (for revocation).
///
/// # Errors
/// When the query fails.
pub fn grant_of_refresh_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<Grant>> {
    let grant_id: Option<String> = conn
        .query_row(
            "SELECT grant_id FROM refresh_tokens WHERE token_hash = ?1",
            [storage_hash(token)],
            |row| row.get(0),
        )
        .optional()?;
    match grant_id {
        Some(id) => grant(conn, &id),
        None => Ok(None),
    }
}
