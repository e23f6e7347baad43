//! Route paths of the portal. The server mounts them and the client calls them, so they live
//! in one place.

/// OpenID Connect discovery document.
pub const DISCOVERY: &str = "/.well-known/openid-configuration";
/// The provider's public signing keys (JWKS).
pub const JWKS: &str = "/oauth/jwks";
/// Authorization endpoint; the person's browser is sent here.
pub const AUTHORIZE: &str = "/oauth/authorize";
/// Sign-in form submission (login and password).
pub const AUTHORIZE_LOGIN: &str = "/oauth/authorize/login";
/// Second factor submission (one-time code or TOTP).
pub const AUTHORIZE_CODE: &str = "/oauth/authorize/code";
/// Asks for a new one-time code.
pub const AUTHORIZE_RESEND: &str = "/oauth/authorize/resend";
/// Consent submission.
pub const AUTHORIZE_CONSENT: &str = "/oauth/authorize/consent";
/// Switches the language of a sign-in page.
pub const AUTHORIZE_LANGUAGE: &str = "/oauth/authorize/language";
/// Stylesheet of the sign-in pages.
pub const SIGN_IN_STYLE: &str = "/oauth/static/style.css";
/// Token endpoint.
pub const TOKEN: &str = "/oauth/token";
/// UserInfo endpoint.
pub const USERINFO: &str = "/oauth/userinfo";
/// Token revocation endpoint (RFC 7009).
pub const REVOKE: &str = "/oauth/revoke";
/// RP-initiated logout endpoint.
pub const END_SESSION: &str = "/oauth/logout";

/// The person's profile.
pub const ME: &str = "/api/v1/me";
/// The service catalog (GET, no token needed).
pub const SERVICES: &str = "/api/v1/services";
/// The person's applications: list, paged (GET); submit one (POST, with an `Idempotency-Key`).
pub const APPLICATIONS: &str = "/api/v1/applications";
/// One application with its journal; `{id}` is the application id.
pub const APPLICATION: &str = "/api/v1/applications/{id}";
/// The open Требуется уточнение request of an application (GET), and the reply (POST).
pub const APPLICATION_CLARIFICATION: &str = "/api/v1/applications/{id}/clarification";
/// The outcome of a finished application: reasons of a refusal, or the result's path.
pub const APPLICATION_DECISION: &str = "/api/v1/applications/{id}/decision";
/// The result document (PDF) of an approved application.
pub const APPLICATION_RESULT: &str = "/api/v1/applications/{id}/result";
/// The account's change feed.
pub const EVENTS: &str = "/api/v1/events";
/// The account's activity (security) log.
pub const ACTIVITY: &str = "/api/v1/activity";
/// The person's documents: list (GET) and upload (POST, multipart).
pub const DOCUMENTS: &str = "/api/v1/documents";
/// One document; `{id}` is the document id (DELETE).
pub const DOCUMENT: &str = "/api/v1/documents/{id}";
/// The OpenAPI document of this API.
pub const OPENAPI: &str = "/api/v1/openapi.json";

/// Admin: pushes a status change (loopback only, admin token).
pub const ADMIN_APPLICATION_STATUS: &str = "/admin/applications/{id}/status";
/// Admin: rotates the signing key (loopback only, admin token).
pub const ADMIN_ROTATE_KEY: &str = "/admin/keys/rotate";
/// Development: the message outbox where one-time codes are delivered (loopback only).
pub const DEV_OUTBOX: &str = "/dev/outbox";

/// Fills `{id}` in a route such as [`APPLICATION`].
pub fn with_id(route: &str, id: &str) -> String {
    route.replace("{id}", id)
}
