//! ID token validation (OpenID Connect Core §3.1.3.7): signature from the provider's JWKS with
//! an allowed algorithm, exact `iss`, `aud` (and `azp`), `exp`, and `nonce`. An unknown `kid`
//! triggers one refresh of the JWKS, so a provider's key rotation does not break sign-in.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;
use url::Url;

use crate::Error;

/// Signature algorithms accepted for ID tokens: asymmetric only. `none` and HMAC are refused
/// (a public client has no secret to verify HMAC with).
pub const ALLOWED_ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Leeway for clock differences with the provider, in seconds.
pub const LEEWAY_SECONDS: i64 = 60;

/// The claims the client reads from an ID token.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    /// Issuer.
    pub iss: String,
    /// The person's id at the provider.
    pub sub: String,
    /// Expiry.
    pub exp: i64,
    /// Issued at.
    #[serde(default)]
    pub iat: Option<i64>,
    /// The nonce of the request.
    #[serde(default)]
    pub nonce: Option<String>,
    /// The authorized party, when there are several audiences.
    #[serde(default)]
    pub azp: Option<String>,
    /// The session id, if the provider has one.
    #[serde(default)]
    pub sid: Option<String>,
}

/// The provider's keys, fetched on first use and again when a token names an unknown key.
pub struct KeyCache {
    uri: Url,
    keys: RwLock<Option<JwkSet>>,
}

impl KeyCache {
    /// A cache for the keys at `uri`.
    pub fn new(uri: Url) -> Self {
        Self { uri, keys: RwLock::new(None) }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<JwkSet, Error> {
        let response = http
            .get(self.uri.clone())
            .send()
            .await
            .map_err(|err| Error::Offline(err.to_string()))?;
        if !response.status().is_success() {
            return Err(Error::SignInFailed(format!(
                "the provider's keys answered HTTP {}",
                response.status().as_u16()
            )));
        }
        let set: JwkSet = response
            .json()
            .await
            .map_err(|err| Error::SignInFailed(format!("malformed JWKS: {err}")))?;
        *self.keys.write().await = Some(set.clone());
        Ok(set)
    }

    /// The key for `kid` (or the only key, when the token names none), refreshing the set
    /// once if the key is unknown.
    async fn key(&self, http: &reqwest::Client, kid: Option<&str>) -> Result<Jwk, Error> {
        let cached = self.keys.read().await.clone();
        if let Some(key) = cached.as_ref().and_then(|set| pick(set, kid)) {
            return Ok(key);
        }
        let fresh = self.fetch(http).await?;
        pick(&fresh, kid).ok_or_else(|| {
            Error::SignInFailed(
                "the ID token is signed with a key the provider does not publish".into(),
            )
        })
    }
}

fn pick(set: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => set.find(kid).cloned(),
        None if set.keys.len() == 1 => set.keys.first().cloned(),
        None => None,
    }
}

/// What an ID token is checked against.
pub struct Expectations<'a> {
    /// The configured issuer, compared exactly.
    pub issuer: &'a str,
    /// The client id.
    pub client_id: &'a str,
    /// The nonce sent, or `None` for a token from a refresh (which carries none).
    pub nonce: Option<&'a str>,
    /// The current time, Unix seconds.
    pub now: i64,
}

/// Validates an ID token and returns its claims.
///
/// # Errors
/// [`Error::SignInFailed`] naming the check that failed; [`Error::Offline`] if the keys
/// cannot be fetched.
pub async fn validate(
    http: &reqwest::Client,
    keys: &KeyCache,
    token: &str,
    expect: &Expectations<'_>,
) -> Result<IdClaims, Error> {
    let fail = |what: &str| Error::SignInFailed(format!("the ID token {what}"));
    let header = jsonwebtoken::decode_header(token).map_err(|_| fail("is malformed"))?;
    if !ALLOWED_ALGORITHMS.contains(&header.alg) {
        return Err(fail("uses an algorithm Kabinet does not accept"));
    }
    let jwk = keys.key(http, header.kid.as_deref()).await?;
    if jwk.common.key_algorithm.is_some_and(|alg| format!("{alg:?}") != format!("{:?}", header.alg))
    {
        return Err(fail("names an algorithm its key is not for"));
    }
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| fail("names an unusable key"))?;

    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[expect.issuer]);
    validation.set_audience(&[expect.client_id]);
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["iss", "sub", "aud", "exp"]);
    let data =
        jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation).map_err(|err| {
            use jsonwebtoken::errors::ErrorKind;
            match err.kind() {
                ErrorKind::InvalidIssuer => fail("was issued by another provider"),
                ErrorKind::InvalidAudience => fail("is meant for another client"),
                ErrorKind::InvalidSignature => fail("has a bad signature"),
                _ => fail("does not validate"),
            }
        })?;
    let claims: IdClaims =
        serde_json::from_value(data.claims.clone()).map_err(|_| fail("lacks required claims"))?;

    if claims.exp + LEEWAY_SECONDS <= expect.now {
        return Err(fail("has expired"));
    }
    let audiences = match &data.claims["aud"] {
        serde_json::Value::Array(list) => list.len(),
        _ => 1,
    };
    if (audiences > 1 || claims.azp.is_some()) && claims.azp.as_deref() != Some(expect.client_id) {
        return Err(fail("was authorized for another client (azp)"));
    }
    if let Some(nonce) = expect.nonce
        && claims.nonce.as_deref() != Some(nonce)
    {
        return Err(fail("does not carry the nonce of this sign-in"));
    }
    Ok(claims)
}
