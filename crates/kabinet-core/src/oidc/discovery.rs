//! OpenID Connect discovery: the provider's endpoints, checked against the issuer.

use serde::Deserialize;
use url::Url;

use crate::Error;
use crate::profile::require_secure;

/// What the client needs from a provider's discovery document.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    /// The issuer; must equal the configured one exactly.
    pub issuer: String,
    /// Where the browser goes.
    pub authorization_endpoint: Url,
    /// Where codes and refresh tokens are exchanged.
    pub token_endpoint: Url,
    /// The provider's keys.
    pub jwks_uri: Url,
    /// Token revocation (RFC 7009), if offered.
    #[serde(default)]
    pub revocation_endpoint: Option<Url>,
    /// RP-initiated logout, if offered.
    #[serde(default)]
    pub end_session_endpoint: Option<Url>,
    /// UserInfo, if offered.
    #[serde(default)]
    pub userinfo_endpoint: Option<Url>,
    /// Whether the provider puts `iss` in authorization responses (RFC 9207).
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// PKCE methods; absent means the provider did not say.
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// ID token signature algorithms.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
}

/// The discovery URL of an issuer (OpenID Connect Discovery §4).
pub fn discovery_url(issuer: &Url) -> Result<Url, Error> {
    let base = issuer.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}/.well-known/openid-configuration"))
        .map_err(|err| Error::InvalidProfile(err.to_string()))
}

/// Whether two issuer identifiers are the same. They are compared as strings (OpenID Connect
/// Discovery §4.3), except that the trailing slash `Url` adds to a bare origin is ignored.
pub fn same_issuer(configured: &Url, claimed: &str) -> bool {
    let configured = configured.as_str();
    configured == claimed
        || (configured.ends_with('/')
            && Url::parse(configured).is_ok_and(|url| url.path() == "/")
            && configured.trim_end_matches('/') == claimed)
}

/// Fetches and checks the discovery document of `issuer`.
///
/// # Errors
/// [`Error::Offline`] when the provider cannot be reached, [`Error::SignInFailed`] when the
/// document is malformed, names another issuer, uses insecure endpoints or does not offer
/// PKCE S256.
pub async fn discover(http: &reqwest::Client, issuer: &Url) -> Result<ProviderMetadata, Error> {
    let url = discovery_url(issuer)?;
    let response = http.get(url).send().await.map_err(|err| Error::Offline(err.to_string()))?;
    if !response.status().is_success() {
        return Err(Error::SignInFailed(format!(
            "the provider's discovery document answered HTTP {}",
            response.status().as_u16()
        )));
    }
    let metadata: ProviderMetadata = response
        .json()
        .await
        .map_err(|err| Error::SignInFailed(format!("malformed discovery document: {err}")))?;

    if !same_issuer(issuer, &metadata.issuer) {
        return Err(Error::SignInFailed(format!(
            "the provider calls itself {} instead of {issuer}",
            metadata.issuer
        )));
    }
    for endpoint in [&metadata.authorization_endpoint, &metadata.token_endpoint, &metadata.jwks_uri]
    {
        require_secure(endpoint)?;
    }
    if let Some(methods) = &metadata.code_challenge_methods_supported
        && !methods.iter().any(|method| method == "S256")
    {
        return Err(Error::SignInFailed("the provider does not offer PKCE S256".to_owned()));
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_compare_exactly() {
        let bare = Url::parse("http://127.0.0.1:8787").unwrap();
        assert!(same_issuer(&bare, "http://127.0.0.1:8787"), "Url's own trailing slash is noise");
        assert!(same_issuer(&bare, "http://127.0.0.1:8787/"));
        assert!(!same_issuer(&bare, "http://127.0.0.1:8788"));

        let path = Url::parse("https://idp.example/realms/kabinet").unwrap();
        assert!(same_issuer(&path, "https://idp.example/realms/kabinet"));
        assert!(!same_issuer(&path, "https://idp.example/realms/kabinet/"), "exact, with a path");
    }

    #[test]
    fn discovery_is_below_the_issuer() {
        let issuer = Url::parse("https://idp.example/realms/kabinet").unwrap();
        assert_eq!(
            discovery_url(&issuer).unwrap().as_str(),
            "https://idp.example/realms/kabinet/.well-known/openid-configuration"
        );
    }
}
