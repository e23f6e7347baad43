//! Portal profiles: which portal to talk to and how.

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::Error;

/// The scopes Kabinet asks for.
pub const DEFAULT_SCOPES: &str = "openid fullname birthdate snils inn contacts id_doc";

/// One portal: its identity provider, the client id registered there, the scopes to ask
/// for, and the base URL of its API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalProfile {
    /// A short name, such as `sandbox`.
    pub id: String,
    /// The OpenID Connect issuer; discovery is fetched below it.
    pub issuer: Url,
    /// The client id of Kabinet at this provider.
    pub client_id: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// The base URL of the portal API (the `/api/v1/...` routes are joined to it).
    pub api_base: Url,
}

/// Whether a URL's host is a loopback address (`127.0.0.0/8`, `::1`, or `localhost`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Refuses a URL that would carry tokens in the clear: anything but `https`, except plain
/// `http` to a loopback address.
///
/// # Errors
/// [`Error::InvalidProfile`] naming the URL.
pub fn require_secure(url: &Url) -> Result<(), Error> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(Error::InvalidProfile(format!(
            "{url} is not HTTPS; plain HTTP is allowed only to this computer (loopback)"
        ))),
    }
}

impl PortalProfile {
    /// The local sandbox at its default address.
    pub fn sandbox() -> Self {
        Self::sandbox_at(Url::parse("http://127.0.0.1:8787").expect("a valid URL"))
    }

    /// The sandbox at `base` (demo mode runs it on a port of its own).
    pub fn sandbox_at(base: Url) -> Self {
        Self {
            id: "sandbox".to_owned(),
            issuer: base.clone(),
            client_id: kabinet_api::oauth::DESKTOP_CLIENT_ID.to_owned(),
            scopes: DEFAULT_SCOPES.to_owned(),
            api_base: base,
        }
    }

    /// Checks the profile: secure URLs, a client id, and the `openid` scope.
    ///
    /// # Errors
    /// [`Error::InvalidProfile`] saying what is wrong.
    pub fn validate(&self) -> Result<(), Error> {
        require_secure(&self.issuer)?;
        require_secure(&self.api_base)?;
        if self.client_id.trim().is_empty() {
            return Err(Error::InvalidProfile("the client id is empty".to_owned()));
        }
        if !self.scopes.split_whitespace().any(|scope| scope == "openid") {
            return Err(Error::InvalidProfile("the scopes must include openid".to_owned()));
        }
        Ok(())
    }

    /// A URL of the portal API.
    ///
    /// # Errors
    /// When the path cannot be joined.
    pub fn api_url(&self, path: &str) -> Result<Url, Error> {
        let base = self.api_base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|err| Error::InvalidProfile(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_issuer(issuer: &str) -> PortalProfile {
        PortalProfile { issuer: Url::parse(issuer).unwrap(), ..PortalProfile::sandbox() }
    }

    #[test]
    fn plain_http_is_allowed_only_to_loopback() {
        assert!(with_issuer("http://127.0.0.1:8787").validate().is_ok());
        assert!(with_issuer("http://[::1]:8787").validate().is_ok());
        assert!(with_issuer("http://localhost:8787").validate().is_ok());
        assert!(with_issuer("https://esia.example.ru").validate().is_ok());

        let remote = with_issuer("http://esia.example.ru").validate().unwrap_err();
        assert_eq!(remote.code(), crate::ErrorCode::InvalidProfile, "tokens never travel in clear");
        assert!(with_issuer("http://127.0.0.1.example.ru").validate().is_err());
    }

    #[test]
    fn api_urls_join_below_the_base() {
        let mut profile = PortalProfile::sandbox();
        profile.api_base = Url::parse("https://portal.example.ru/lk/").unwrap();
        assert_eq!(
            profile.api_url("/api/v1/me").unwrap().as_str(),
            "https://portal.example.ru/lk/api/v1/me"
        );
    }
}
