//! The OpenID Connect provider: discovery, keys, the sign-in pages, and the token, userinfo,
//! revocation and end-session endpoints.

mod authorize;
mod flow;
mod token;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kabinet_api::oauth::scopes;
use kabinet_api::routes;
use serde_json::json;

pub use token::{bearer, challenge};

use crate::Portal;
use crate::keys::ALGORITHM;

/// The provider's routes.
pub fn router() -> Router<Portal> {
    Router::new()
        .route(routes::DISCOVERY, get(discovery))
        .route(routes::JWKS, get(jwks))
        .route(routes::SIGN_IN_STYLE, get(style))
        .route(routes::AUTHORIZE, get(authorize::start))
        .route(routes::AUTHORIZE_LOGIN, post(authorize::submit_login))
        .route(routes::AUTHORIZE_CODE, post(authorize::submit_code))
        .route(routes::AUTHORIZE_RESEND, post(authorize::resend_code))
        .route(routes::AUTHORIZE_CONSENT, post(authorize::submit_consent))
        .route(routes::AUTHORIZE_LANGUAGE, post(authorize::switch_language))
        .route(routes::TOKEN, post(token::token))
        .route(routes::USERINFO, get(token::userinfo).post(token::userinfo))
        .route(routes::REVOKE, post(token::revoke))
        .route(routes::END_SESSION, get(token::end_session))
}

async fn discovery(State(portal): State<Portal>) -> Response {
    let config = portal.config();
    let alg = format!("{ALGORITHM:?}");
    let body = json!({
        "issuer": config.issuer,
        "authorization_endpoint": config.url(routes::AUTHORIZE),
        "token_endpoint": config.url(routes::TOKEN),
        "userinfo_endpoint": config.url(routes::USERINFO),
        "jwks_uri": config.url(routes::JWKS),
        "revocation_endpoint": config.url(routes::REVOKE),
        "end_session_endpoint": config.url(routes::END_SESSION),
        "scopes_supported": scopes::ALL,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [alg],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "amr", "at_hash",
            "family_name", "given_name", "middle_name", "name", "birthdate", "snils", "inn",
            "email", "phone_number", "id_doc"
        ],
        "ui_locales_supported": ["ru", "en"],
    });
    cacheable(Json(body).into_response())
}

async fn jwks(State(portal): State<Portal>) -> Response {
    if let Err(err) = portal.prune_keys() {
        tracing::error!(error = %err, "pruning retired signing keys failed");
    }
    cacheable(Json(portal.keys().jwks()).into_response())
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], crate::pages::STYLE).into_response()
}

/// Lets clients cache a public document briefly; key rotation shows within a minute.
fn cacheable(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    response
}
