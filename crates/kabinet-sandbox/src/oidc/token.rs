//! The token, userinfo, revocation and end-session endpoints.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{RawForm, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kabinet_api::ActivityKind;
use kabinet_api::oauth::OAuthErrorBody;
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value, json};

use super::flow;
use crate::Portal;
use crate::accounts;
use crate::clients;
use crate::crypto::{pkce_s256, storage_hash};
use crate::pages::{self, Language};
use crate::tokens::{self, Grant, IdClaims, RefreshOutcome, Rejection};

/// An error of the OAuth endpoints, as RFC 6749 §5.2 shapes it.
struct OAuthError {
    status: StatusCode,
    body: OAuthErrorBody,
}

impl OAuthError {
    fn new(error: &str, description: &str) -> Self {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        Self {
            status,
            body: OAuthErrorBody {
                error: error.to_owned(),
                error_description: Some(description.to_owned()),
            },
        }
    }

    fn server(err: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %err, "token endpoint failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: OAuthErrorBody { error: "server_error".to_owned(), error_description: None },
        }
    }
}

impl From<rusqlite::Error> for OAuthError {
    fn from(err: rusqlite::Error) -> Self {
        Self::server(&err)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        no_store((self.status, Json(self.body)).into_response())
    }
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn parse_form(raw: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let mut params = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(raw) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(OAuthError::new("invalid_request", &format!("{name} is repeated")));
        }
    }
    Ok(params)
}

fn is_pkce_verifier(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `POST /oauth/token`.
pub async fn token(State(portal): State<Portal>, RawForm(raw): RawForm) -> Response {
    match exchange(&portal, &raw) {
        Ok(response) => no_store(Json(response).into_response()),
        Err(err) => err.into_response(),
    }
}

fn exchange(portal: &Portal, raw: &[u8]) -> Result<kabinet_api::oauth::TokenResponse, OAuthError> {
    let params = parse_form(raw)?;
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = param("client_id")
        .ok_or_else(|| OAuthError::new("invalid_client", "client_id is required"))?;
    if clients::find(client_id).is_none() {
        return Err(OAuthError::new("invalid_client", "unknown client"));
    }

    match param("grant_type") {
        Some("authorization_code") => exchange_code(portal, client_id, &param),
        Some("refresh_token") => {
            let token = param("refresh_token")
                .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required"))?;
            refresh(portal, client_id, token, param("scope"))
        }
        Some("password") => Err(OAuthError::new(
            "unsupported_grant_type",
            "the password grant is not supported; use the authorization code flow",
        )),
        Some(_) => Err(OAuthError::new("unsupported_grant_type", "unsupported grant type")),
        None => Err(OAuthError::new("invalid_request", "grant_type is required")),
    }
}

struct CodeRow {
    oid: i64,
    client_id: String,
    redirect_uri: String,
    scope: String,
    nonce: Option<String>,
    code_challenge: String,
    offline: bool,
    auth_time: i64,
    amr: String,
    expires_at: i64,
}

fn exchange_code<'a>(
    portal: &Portal,
    client_id: &str,
    param: &impl Fn(&str) -> Option<&'a str>,
) -> Result<kabinet_api::oauth::TokenResponse, OAuthError> {
    let code =
        param("code").ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
    let redirect_uri = param("redirect_uri")
        .ok_or_else(|| OAuthError::new("invalid_request", "redirect_uri is required"))?;
    let verifier = param("code_verifier")
        .ok_or_else(|| OAuthError::new("invalid_request", "code_verifier is required (PKCE)"))?;
    if !is_pkce_verifier(verifier) {
        return Err(OAuthError::new("invalid_request", "code_verifier is malformed"));
    }
    let invalid = || OAuthError::new("invalid_grant", "the code is invalid, expired or used");
    let now = portal.now();
    let hash = storage_hash(code);

    // Refusals are committed too: the claim of the code and any revocation must stick.
    portal.store().transaction(|tx| -> rusqlite::Result<_> {
        // Claim the code first: whatever follows, it cannot be used again.
        let claimed = tx
            .query_row(
                "UPDATE auth_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL
                 RETURNING oid, client_id, redirect_uri, scope, nonce, code_challenge, offline,
                           auth_time, amr, expires_at",
                params![hash, now],
                |row| {
                    Ok(CodeRow {
                        oid: row.get(0)?,
                        client_id: row.get(1)?,
                        redirect_uri: row.get(2)?,
                        scope: row.get(3)?,
                        nonce: row.get(4)?,
                        code_challenge: row.get(5)?,
                        offline: row.get(6)?,
                        auth_time: row.get(7)?,
                        amr: row.get(8)?,
                        expires_at: row.get(9)?,
                    })
                },
            )
            .optional()?;
        let Some(row) = claimed else {
            // A used code presented again: revoke what it issued (RFC 6749 §4.1.2).
            let issued: Option<Option<String>> = tx
                .query_row("SELECT grant_id FROM auth_codes WHERE code_hash = ?1", [&hash], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(Some(grant_id)) = issued
                && tokens::revoke_grant(tx, &grant_id, now)?
            {
                let grant = tokens::short(&grant_id);
                tracing::warn!(grant = %grant, "authorization code reused; grant revoked");
            }
            return Ok(Err(invalid()));
        };
        if row.expires_at <= now || row.client_id != client_id || row.redirect_uri != redirect_uri {
            return Ok(Err(invalid()));
        }
        if pkce_s256(verifier) != row.code_challenge {
            return Ok(Err(OAuthError::new(
                "invalid_grant",
                "code_verifier does not match (PKCE)",
            )));
        }

        let lifetime = if row.offline {
            portal.config().lifetimes.refresh_family
        } else {
            portal.config().lifetimes.access_token
        };
        let template = Grant {
            id: String::new(),
            oid: row.oid,
            client_id: row.client_id.clone(),
            scope: row.scope.clone(),
            auth_time: row.auth_time,
            amr: row.amr.clone(),
            expires_at: now + lifetime.as_secs() as i64,
            revoked_at: None,
        };
        let grant = tokens::create_grant(tx, &template, now)?;
        tx.execute(
            "UPDATE auth_codes SET grant_id = ?2 WHERE code_hash = ?1",
            params![hash, grant.id],
        )?;
        tracing::info!(oid = row.oid, grant = %tokens::short(&grant.id), "tokens issued");
        Ok(Ok(tokens::issue(portal, tx, &grant, row.nonce, row.offline)?))
    })?
}

fn refresh(
    portal: &Portal,
    client_id: &str,
    token: &str,
    scope: Option<&str>,
) -> Result<kabinet_api::oauth::TokenResponse, OAuthError> {
    let now = portal.now();
    // Refusals are committed too: a reuse must leave the family revoked.
    portal.store().transaction(|tx| -> rusqlite::Result<_> {
        let grant = match tokens::use_refresh_token(tx, token, client_id, now)? {
            RefreshOutcome::Rotated(grant) => grant,
            RefreshOutcome::Invalid => {
                return Ok(Err(OAuthError::new(
                    "invalid_grant",
                    "the refresh token is invalid or expired",
                )));
            }
            RefreshOutcome::Reused => {
                return Ok(Err(OAuthError::new(
                    "invalid_grant",
                    "the refresh token was already used; the session has been revoked",
                )));
            }
        };
        let mut grant = grant;
        if let Some(scope) = scope {
            let granted: Vec<&str> = grant.scope.split_whitespace().collect();
            if !scope.split_whitespace().all(|s| granted.contains(&s)) {
                return Ok(Err(OAuthError::new("invalid_scope", "scope exceeds the grant")));
            }
            grant.scope = scope.to_owned();
        }
        Ok(Ok(tokens::issue(portal, tx, &grant, None, true)?))
    })?
}

/// The bearer token of a request (RFC 6750 §2.1).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// `WWW-Authenticate` for a refused bearer token.
pub fn challenge(rejection: Option<Rejection>) -> HeaderValue {
    let value = match rejection {
        Some(rejection) => {
            format!(r#"Bearer error="invalid_token", error_description="{}""#, rejection.describe())
        }
        None => "Bearer".to_owned(),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

/// `GET|POST /oauth/userinfo`: the claims the granted scopes allow.
pub async fn userinfo(State(portal): State<Portal>, headers: HeaderMap) -> Response {
    let refused = |rejection| {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge(rejection));
        response
    };
    let Some(token) = bearer(&headers) else { return refused(None) };
    let claims = match tokens::verify_access(&portal, token) {
        Ok(claims) => claims,
        Err(rejection) => return refused(Some(rejection)),
    };
    let account =
        claims.oid().and_then(|oid| accounts::by_oid(&portal.store().lock(), oid).ok().flatten());
    let Some(account) = account else { return refused(Some(Rejection::Invalid)) };

    let profile = account.profile(&claims.scopes());
    let mut body = Map::new();
    body.insert("sub".into(), json!(claims.sub));
    if let Some(name) = &profile.full_name {
        let full = [Some(&name.first_name), name.middle_name.as_ref(), Some(&name.last_name)]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        body.insert("family_name".into(), json!(name.last_name));
        body.insert("given_name".into(), json!(name.first_name));
        body.insert("middle_name".into(), json!(name.middle_name));
        body.insert("name".into(), json!(full));
    }
    if let Some(birth_date) = &profile.birth_date {
        body.insert("birthdate".into(), json!(birth_date));
    }
    if let Some(snils) = &profile.snils {
        body.insert("snils".into(), json!(snils.expose()));
    }
    if let Some(inn) = &profile.inn {
        body.insert("inn".into(), json!(inn.expose()));
    }
    if let Some(contacts) = &profile.contacts {
        body.insert("email".into(), json!(contacts.email));
        body.insert("phone_number".into(), json!(contacts.phone));
    }
    if let Some(passport) = &profile.passport {
        body.insert("id_doc".into(), serde_json::to_value(passport).unwrap_or(Value::Null));
    }
    no_store(Json(Value::Object(body)).into_response())
}

/// `POST /oauth/revoke` (RFC 7009): revokes a refresh token's whole grant, or one access
/// token. Unknown tokens are not an error.
pub async fn revoke(State(portal): State<Portal>, RawForm(raw): RawForm) -> Response {
    let params = match parse_form(&raw) {
        Ok(params) => params,
        Err(err) => return err.into_response(),
    };
    let Some(client_id) = params.get("client_id").filter(|id| clients::find(id).is_some()) else {
        return OAuthError::new("invalid_client", "client_id is required").into_response();
    };
    let Some(token) = params.get("token") else {
        return OAuthError::new("invalid_request", "token is required").into_response();
    };
    let now = portal.now();

    let result = portal.store().transaction(|tx| {
        if let Some(grant) = tokens::grant_of_refresh_token(tx, token)? {
            if &grant.client_id != client_id {
                return Ok(Some(OAuthError::new("unauthorized_client", "not your token")));
            }
            if tokens::revoke_grant(tx, &grant.id, now)? {
                accounts::log_activity(tx, grant.oid, ActivityKind::SignOut, now)?;
            }
            return Ok(None);
        }
        if let Ok(claims) = portal
            .keys()
            .verify::<tokens::AccessClaims>(token, kabinet_api::oauth::ACCESS_TOKEN_TYPE)
            && &claims.client_id == client_id
        {
            tokens::revoke_access(tx, &claims)?;
        }
        Ok::<_, rusqlite::Error>(None)
    });
    match result {
        Ok(None) => no_store(StatusCode::OK.into_response()),
        Ok(Some(err)) => err.into_response(),
        Err(err) => OAuthError::server(&err).into_response(),
    }
}

/// `GET /oauth/logout`: RP-initiated logout. Ends the session named by `id_token_hint` and
/// returns to the client's registered post-logout URI, or shows a signed-out page.
pub async fn end_session(State(portal): State<Portal>, RawQuery(raw): RawQuery) -> Response {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let lang = Language::from_ui_locales(params.get("ui_locales").map(String::as_str));
    let hint = params.get("id_token_hint").and_then(|token| {
        portal
            .keys()
            .verify::<IdClaims>(token, "JWT")
            .ok()
            .filter(|c| c.iss == portal.config().issuer)
    });
    let client = hint
        .as_ref()
        .map(|claims| claims.aud.as_str())
        .or(params.get("client_id").map(String::as_str))
        .and_then(clients::find);

    if let Some(claims) = &hint {
        let now = portal.now();
        let ended = portal.store().transaction(|tx| {
            if tokens::revoke_grant(tx, &claims.sid, now)?
                && let Ok(oid) = claims.sub.parse()
            {
                accounts::log_activity(tx, oid, ActivityKind::SignOut, now)?;
            }
            Ok::<_, rusqlite::Error>(())
        });
        if let Err(err) = ended {
            tracing::error!(error = %err, "ending a session failed");
        }
    }

    let target = params.get("post_logout_redirect_uri");
    match (client, target) {
        (Some(client), Some(target)) if client.accepts_post_logout_redirect(target) => {
            let mut url = match url::Url::parse(target) {
                Ok(url) => url,
                Err(_) => return flow::page(StatusCode::OK, pages::signed_out(lang), None),
            };
            if let Some(state) = params.get("state") {
                url.query_pairs_mut().append_pair("state", state);
            }
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(url.as_str()) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        _ => flow::page(StatusCode::OK, pages::signed_out(lang), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifiers_follow_rfc_7636() {
        assert!(is_pkce_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!is_pkce_verifier("too-short"));
        assert!(!is_pkce_verifier(&"a".repeat(129)));
        assert!(!is_pkce_verifier(&format!("{}!", "a".repeat(43))));
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer abc"));
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
    }
}
