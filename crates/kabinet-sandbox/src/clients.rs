//! The clients registered with the identity provider, and how their redirect URIs match.

use kabinet_api::oauth::DESKTOP_CLIENT_ID;
use url::{Host, Url};

/// A registered OAuth client. Every client is public (no secret) and must use PKCE.
#[derive(Debug)]
pub struct Client {
    /// The client id.
    pub id: &'static str,
    /// The name consent pages show.
    pub name: &'static str,
    /// Registered redirect URIs.
    pub redirect_uris: &'static [&'static str],
    /// Registered post-logout redirect URIs.
    pub post_logout_redirect_uris: &'static [&'static str],
}

/// The clients this portal knows.
pub const CLIENTS: &[Client] = &[Client {
    id: DESKTOP_CLIENT_ID,
    name: "Kabinet",
    redirect_uris: &["http://127.0.0.1/callback", "http://[::1]/callback"],
    post_logout_redirect_uris: &["http://127.0.0.1/signed-out", "http://[::1]/signed-out"],
}];

/// Finds a registered client.
pub fn find(id: &str) -> Option<&'static Client> {
    CLIENTS.iter().find(|client| client.id == id)
}

fn is_loopback_literal(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// Whether `presented` matches the registered URI `registered`: exactly, except that an
/// `http` loopback IP literal matches on any port (RFC 8252 §7.3). `localhost` gets no such
/// exception, as RFC 8252 §8.3 advises.
pub fn redirect_matches(registered: &str, presented: &str) -> bool {
    if registered == presented {
        return true;
    }
    let (Ok(registered), Ok(presented)) = (Url::parse(registered), Url::parse(presented)) else {
        return false;
    };
    registered.scheme() == "http"
        && is_loopback_literal(&registered)
        && presented.scheme() == "http"
        && presented.host() == registered.host()
        && presented.username().is_empty()
        && presented.password().is_none()
        && presented.path() == registered.path()
        && presented.query() == registered.query()
        && presented.fragment().is_none()
}

impl Client {
    /// Whether `uri` is one of this client's redirect URIs.
    pub fn accepts_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|registered| redirect_matches(registered, uri))
    }

    /// Whether `uri` is one of this client's post-logout redirect URIs.
    pub fn accepts_post_logout_redirect(&self, uri: &str) -> bool {
        self.post_logout_redirect_uris.iter().any(|registered| redirect_matches(registered, uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port_only() {
        let desktop = find(DESKTOP_CLIENT_ID).unwrap();

        assert!(desktop.accepts_redirect("http://127.0.0.1:49152/callback"));
        assert!(desktop.accepts_redirect("http://[::1]:8080/callback"));
        assert!(desktop.accepts_redirect("http://127.0.0.1/callback"));
        assert!(!desktop.accepts_redirect("http://127.0.0.1:49152/other"), "path must match");
        assert!(!desktop.accepts_redirect("http://localhost:49152/callback"), "no localhost");
        assert!(!desktop.accepts_redirect("https://127.0.0.1:49152/callback"), "scheme matters");
        assert!(!desktop.accepts_redirect("http://127.0.0.1:1/callback?x=1"), "no extra query");
        assert!(!desktop.accepts_redirect("http://127.0.0.1:1/callback#f"), "no fragment");
        assert!(!desktop.accepts_redirect("http://evil@127.0.0.1:1/callback"), "no userinfo");
        assert!(!desktop.accepts_redirect("https://evil.example/callback"));
    }
}
