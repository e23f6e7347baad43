//! Kabinet's client core: everything the desktop app and the command-line client share.
//!
//! It owns signing in to a portal's OpenID Connect provider from a native app (RFC 8252: the
//! system browser, a loopback redirect, PKCE, `state`, `nonce`, the `iss` of the response),
//! validating ID tokens, keeping the refresh token in the OS keychain and the access token in
//! memory, calling the portal API with retries, the local SQLite cache, drafts of applications
//! and the outbox that submits each of them exactly once, and the change poller that hands each
//! new event to a notifier exactly once.
//!
//! It must not depend on Tauri or on any UI: the app and the CLI plug in a browser opener and
//! a notifier through traits. It must work with any standards-compliant provider, not only
//! the sandbox; what is ESIA-specific (the `access_type=offline` parameter) is harmless
//! elsewhere.
//!
//! Terms: a *profile* describes one portal (issuer, client id, scopes, API base); a *session*
//! is a signed-in person at one portal; the *store* is the local database.

pub mod browser;
pub mod client;
pub mod error;
pub mod oidc;
pub mod outbox;
pub mod poller;
pub mod profile;
pub mod retry;
pub mod session;
pub mod store;

pub use error::{Error, ErrorCode};
pub use profile::PortalProfile;
pub use session::Session;

/// Builds the HTTP client the core uses: the platform's TLS and trust store, no redirects
/// followed (token and API endpoints never redirect; a redirect would be a misconfiguration),
/// sensible timeouts.
///
/// # Errors
/// When the TLS backend cannot be set up.
pub fn http_client() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(45))
        .user_agent(concat!("Kabinet/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| Error::Internal(format!("cannot build the HTTP client: {err}")))
}
