//! The names this portal uses in OAuth 2.0 and OpenID Connect.

use serde::{Deserialize, Serialize};

use crate::SecretString;

/// The pre-registered public native client: the Kabinet desktop app.
pub const DESKTOP_CLIENT_ID: &str = "kabinet-desktop";

/// The audience of access tokens for the portal API.
pub const API_AUDIENCE: &str = "kabinet-portal-api";

/// The JOSE `typ` of access tokens (RFC 9068).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// The authorization request parameter that asks for a refresh token, as ESIA names it.
pub const ACCESS_TYPE_OFFLINE: &str = "offline";

/// Scopes as ESIA names them.
pub mod scopes {
    /// OpenID Connect itself.
    pub const OPENID: &str = "openid";
    /// Last, first and middle name.
    pub const FULLNAME: &str = "fullname";
    /// Date of birth.
    pub const BIRTHDATE: &str = "birthdate";
    /// SNILS, the insurance number.
    pub const SNILS: &str = "snils";
    /// INN, the taxpayer number.
    pub const INN: &str = "inn";
    /// Email and mobile phone.
    pub const CONTACTS: &str = "contacts";
    /// The identity document (internal passport).
    pub const ID_DOC: &str = "id_doc";

    /// Every scope the portal knows, in the order consent pages list them.
    pub const ALL: [&str; 7] = [OPENID, FULLNAME, BIRTHDATE, SNILS, INN, CONTACTS, ID_DOC];
}

/// A successful token endpoint response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token, a signed JWT for the portal API.
    pub access_token: SecretString,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
    /// Present only when the authorization asked for offline access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<SecretString>,
    /// The ID token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<SecretString>,
    /// The granted scopes, space separated.
    pub scope: String,
}

/// An error of the OAuth endpoints (RFC 6749 §5.2).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OAuthErrorBody {
    /// The RFC 6749 error code, such as `invalid_grant`.
    pub error: String,
    /// A human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}
