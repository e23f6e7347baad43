//! Signing in with OpenID Connect from a native app (RFC 8252), and the token endpoint calls
//! that follow.

pub mod discovery;
pub mod id_token;
pub mod loopback;
pub mod pkce;

use std::future::Future;
use std::time::Duration;

use kabinet_api::SecretString;
use kabinet_api::oauth::OAuthErrorBody;
use serde::Deserialize;
use url::Url;

pub use discovery::ProviderMetadata;
pub use id_token::{IdClaims, KeyCache};
pub use loopback::PageLanguage;

use crate::browser::Browser;
use crate::{Error, PortalProfile};

/// A token endpoint response, as any provider sends it.
#[derive(Deserialize)]
pub struct TokenSet {
    /// The access token.
    pub access_token: SecretString,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires, if the provider says.
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// A refresh token, if granted.
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
    /// The ID token.
    #[serde(default)]
    pub id_token: Option<SecretString>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// How a token request failed.
#[derive(Debug)]
pub enum TokenError {
    /// The grant is invalid, expired, revoked or reused: the session is over.
    InvalidGrant(String),
    /// Anything else.
    Other(Error),
}

impl From<TokenError> for Error {
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::InvalidGrant(_) => Error::SignedOut,
            TokenError::Other(err) => err,
        }
    }
}

async fn token_request(
    http: &reqwest::Client,
    endpoint: &Url,
    form: &[(&str, &str)],
) -> Result<TokenSet, TokenError> {
    let response = http
        .post(endpoint.clone())
        .form(form)
        .send()
        .await
        .map_err(|err| TokenError::Other(Error::Offline(err.to_string())))?;
    let status = response.status();
    if status.is_success() {
        let tokens: TokenSet = response.json().await.map_err(|err| {
            TokenError::Other(Error::SignInFailed(format!("malformed token response: {err}")))
        })?;
        if !tokens.token_type.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Other(Error::SignInFailed(format!(
                "unsupported token type {}",
                tokens.token_type
            ))));
        }
        return Ok(tokens);
    }
    let body: Option<OAuthErrorBody> = response.json().await.ok();
    let description = body
        .as_ref()
        .map(|b| b.error_description.clone().unwrap_or_else(|| b.error.clone()))
        .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
    match body.as_ref().map(|b| b.error.as_str()) {
        Some("invalid_grant") => Err(TokenError::InvalidGrant(description)),
        _ if status.is_server_error() => Err(TokenError::Other(Error::Offline(description))),
        _ => Err(TokenError::Other(Error::SignInFailed(description))),
    }
}

/// Exchanges an authorization code (RFC 6749 §4.1.3 with the PKCE verifier).
///
/// # Errors
/// [`TokenError`] as the provider answers.
pub async fn exchange_code(
    http: &reqwest::Client,
    metadata: &ProviderMetadata,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &pkce::PkceVerifier,
) -> Result<TokenSet, TokenError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id),
        ("code_verifier", verifier.expose()),
    ];
    token_request(http, &metadata.token_endpoint, &form).await
}

/// Uses a refresh token (RFC 6749 §6).
///
/// # Errors
/// [`TokenError::InvalidGrant`] when the session is over.
pub async fn refresh(
    http: &reqwest::Client,
    metadata: &ProviderMetadata,
    client_id: &str,
    refresh_token: &SecretString,
) -> Result<TokenSet, TokenError> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose()),
        ("client_id", client_id),
    ];
    token_request(http, &metadata.token_endpoint, &form).await
}

/// Revokes a refresh token (RFC 7009). Best effort: a provider without the endpoint, or one
/// that cannot be reached, leaves nothing to do but forget the token locally.
pub async fn revoke(
    http: &reqwest::Client,
    metadata: &ProviderMetadata,
    client_id: &str,
    refresh_token: &SecretString,
) {
    let Some(endpoint) = &metadata.revocation_endpoint else { return };
    let form = [
        ("token", refresh_token.expose()),
        ("token_type_hint", "refresh_token"),
        ("client_id", client_id),
    ];
    match http.post(endpoint.clone()).form(&form).send().await {
        Ok(response) if response.status().is_success() => tracing::info!("refresh token revoked"),
        Ok(response) => tracing::warn!(status = response.status().as_u16(), "revocation refused"),
        Err(err) => {
            tracing::warn!(error = %err, "revocation failed; the token is forgotten locally")
        }
    }
}

/// How to run a sign-in.
#[derive(Debug, Clone)]
pub struct SignInOptions {
    /// How long to wait for the browser to come back.
    pub timeout: Duration,
    /// The language of the pages.
    pub language: PageLanguage,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(300), language: PageLanguage::Ru }
    }
}

/// A completed sign-in.
pub struct SignedIn {
    /// The provider's metadata.
    pub metadata: ProviderMetadata,
    /// The validated ID token's claims.
    pub claims: IdClaims,
    /// The tokens.
    pub tokens: TokenSet,
}

/// Signs in through the system browser: discovery, a loopback listener, the authorization
/// request with PKCE S256, `state` and `nonce`, the browser, the callback (checking `state`
/// and `iss`), the code exchange and the ID token.
///
/// # Errors
/// [`Error::SignInCancelled`], [`Error::SignInTimedOut`], [`Error::SignInFailed`] naming the
/// check that failed, [`Error::Offline`], [`Error::InvalidProfile`].
pub async fn sign_in(
    http: &reqwest::Client,
    profile: &PortalProfile,
    browser: &dyn Browser,
    options: &SignInOptions,
    now: impl Fn() -> i64,
    cancel: impl Future<Output = ()>,
) -> Result<SignedIn, Error> {
    profile.validate()?;
    let metadata = discovery::discover(http, &profile.issuer).await?;
    let listener = loopback::LoopbackListener::bind().await?;
    let redirect_uri = listener.redirect_uri();
    let verifier = pkce::PkceVerifier::new();
    let state = pkce::random_value();
    let nonce = pkce::random_value();

    let mut url = metadata.authorization_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &profile.client_id)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", &profile.scopes)
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &verifier.challenge())
        .append_pair("code_challenge_method", "S256")
        .append_pair("access_type", kabinet_api::oauth::ACCESS_TYPE_OFFLINE)
        .append_pair(
            "ui_locales",
            match options.language {
                PageLanguage::Ru => "ru en",
                PageLanguage::En => "en ru",
            },
        );
    browser.open(url.as_str())?;
    tracing::info!(portal = %profile.id, "waiting for the browser to finish signing in");

    let callback = listener.wait(&state, options.timeout, options.language, cancel).await?;
    check_issuer(&metadata, profile, callback.iss.as_deref())?;
    if let Some(error) = callback.error {
        if error == "access_denied" {
            return Err(Error::SignInCancelled);
        }
        let detail = callback.error_description.unwrap_or(error);
        return Err(Error::SignInFailed(format!("the provider refused: {detail}")));
    }
    let code = callback.code.ok_or_else(|| Error::SignInFailed("no code came back".into()))?;

    let tokens =
        exchange_code(http, &metadata, &profile.client_id, &code, &redirect_uri, &verifier)
            .await
            .map_err(|err| match err {
            TokenError::InvalidGrant(detail) => Error::SignInFailed(detail),
            TokenError::Other(err) => err,
        })?;
    let id_token = tokens
        .id_token
        .as_ref()
        .ok_or_else(|| Error::SignInFailed("the provider sent no ID token".into()))?;
    let keys = KeyCache::new(metadata.jwks_uri.clone());
    let expect = id_token::Expectations {
        issuer: &metadata.issuer,
        client_id: &profile.client_id,
        nonce: Some(&nonce),
        now: now(),
    };
    let claims = id_token::validate(http, &keys, id_token.expose(), &expect).await?;
    tracing::info!(portal = %profile.id, "signed in");
    Ok(SignedIn { metadata, claims, tokens })
}

/// RFC 9207: a response's `iss` must be the provider's; a provider that promises to send it
/// must have sent it. This stops a mix-up between providers.
fn check_issuer(
    metadata: &ProviderMetadata,
    profile: &PortalProfile,
    iss: Option<&str>,
) -> Result<(), Error> {
    match iss {
        Some(iss) if iss == metadata.issuer || discovery::same_issuer(&profile.issuer, iss) => {
            Ok(())
        }
        Some(_) => Err(Error::SignInFailed(
            "the answer came from another provider (iss mismatch)".to_owned(),
        )),
        None if metadata.authorization_response_iss_parameter_supported => {
            Err(Error::SignInFailed("the provider's answer lacks the iss parameter".to_owned()))
        }
        None => Ok(()),
    }
}
