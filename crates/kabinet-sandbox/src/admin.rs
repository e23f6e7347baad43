//! Endpoints for tests and demonstrations, reachable only from the loopback interface: pushing
//! a status change and rotating the signing key (both behind the admin token), and reading the
//! message outbox where one-time codes are delivered.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kabinet_api::{StatusChange, routes};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Portal;
use crate::api::ApiError;
use crate::applications::{self, Transition};
use crate::crypto::constant_time_eq;
use crate::oidc::bearer;
use crate::outcomes::{self, Details};
use crate::{accounts, pages, workflow};

/// The admin routes.
pub fn router() -> Router<Portal> {
    Router::new()
        .route(routes::ADMIN_APPLICATION_STATUS, post(push_status))
        .route(routes::ADMIN_ROTATE_KEY, post(rotate_key))
        .route(routes::DEV_OUTBOX, get(outbox))
}

/// A request that came from this machine.
pub struct Loopback;

impl FromRequestParts<Portal> for Loopback {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, portal: &Portal) -> Result<Self, ApiError> {
        let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, portal).await;
        match peer {
            Ok(ConnectInfo(addr)) if addr.ip().is_loopback() => Ok(Self),
            _ => Err(ApiError::forbidden("this endpoint answers only on the loopback interface")),
        }
    }
}

/// A loopback request that carries the admin token.
pub struct Admin;

impl FromRequestParts<Portal> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, portal: &Portal) -> Result<Self, ApiError> {
        Loopback::from_request_parts(parts, portal).await?;
        match bearer(&parts.headers) {
            Some(token) if constant_time_eq(token, &portal.config().admin_token) => Ok(Self),
            _ => Err(ApiError::forbidden("the admin token is missing or wrong")),
        }
    }
}

/// Pushes a status change onto an application, as a department would.
#[utoipa::path(
    post,
    path = "/admin/applications/{id}/status",
    tag = "admin",
    security(("admin" = [])),
    params(("id" = String, Path, description = "The application id")),
    request_body = StatusChange,
    responses(
        (status = 204, description = "Applied; the change is on the account's feed"),
        (status = 403, description = "Not loopback, or a wrong admin token",
         body = kabinet_api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = kabinet_api::Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn push_status(
    State(portal): State<Portal>,
    _: Admin,
    Path(id): Path<String>,
    Json(change): Json<StatusChange>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let now = portal.now();
    let transition = Transition {
        id,
        status: change.status,
        comment: change.comment.as_deref(),
        at: now,
        next_step_at: workflow::next_step_at(&portal, change.status, now),
    };
    let details = Details {
        documents: change.documents.clone(),
        answers: change.answers.clone(),
        how_to_fix: change.how_to_fix.clone(),
    };
    let event = portal.store().transaction(|tx| {
        let event = applications::transition(tx, &transition)?;
        if event.is_some() {
            outcomes::record(tx, id, change.status, change.comment.as_deref(), now, &details)?;
        }
        Ok::<_, rusqlite::Error>(event)
    })?;
    let event = event.ok_or_else(ApiError::not_found)?;
    portal.announce_events(event);
    tracing::info!(application = id, status = change.status.code(), "admin pushed a status change");
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// The new signing key.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RotatedKey {
    /// Its `kid`.
    pub kid: String,
}

/// Rotates the identity provider's signing key.
#[utoipa::path(
    post,
    path = "/admin/keys/rotate",
    tag = "admin",
    security(("admin" = [])),
    responses(
        (status = 200,
         description = "The new key is active; the old one stays published until its tokens expire",
         body = RotatedKey),
        (status = 403, description = "Not loopback, or a wrong admin token",
         body = kabinet_api::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn rotate_key(
    State(portal): State<Portal>,
    _: Admin,
) -> Result<Response, ApiError> {
    let kid = portal.rotate_signing_key().map_err(|err| ApiError::internal(&err))?;
    tracing::info!(kid = %kid, "signing key rotated");
    Ok(Json(RotatedKey { kid }).into_response())
}

/// Query of the outbox.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// The login of the account (email, phone or SNILS).
    pub login: String,
}

/// A message in the outbox.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OutboxMessage {
    /// Where it was "sent".
    pub recipient: String,
    /// Its text.
    pub body: String,
    /// The one-time code in it.
    pub code: Option<String>,
    /// When, as Unix seconds.
    pub created_at: i64,
}

/// The messages sent to an account, newest first.
#[utoipa::path(
    get,
    path = "/dev/outbox",
    tag = "admin",
    params(OutboxQuery),
    responses(
        (status = 200, description = "Up to 20 messages, newest first", body = [OutboxMessage]),
        (status = 403, description = "Not loopback", body = kabinet_api::Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn outbox(
    State(portal): State<Portal>,
    _: Loopback,
    headers: HeaderMap,
    Query(query): Query<OutboxQuery>,
) -> Result<Response, ApiError> {
    let messages = outbox_messages(&portal, &query.login)?;
    if !wants_html(&headers) {
        return Ok(Json(messages).into_response());
    }

    // A person reading the demo outbox in a browser gets a page, in the language it asks for.
    let lang = pages::Language::from_accept_language(
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    let entries: Vec<pages::OutboxEntry<'_>> = messages
        .iter()
        .map(|message| pages::OutboxEntry {
            recipient: &message.recipient,
            body: &message.body,
            code: message.code.as_deref(),
            sent_at: time::OffsetDateTime::from_unix_timestamp(message.created_at)
                .ok()
                .and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default(),
        })
        .collect();
    let mut response = Html(pages::outbox(lang, &entries)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Whether a request comes from a browser that prefers a page to JSON.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn outbox_messages(portal: &Portal, login: &str) -> Result<Vec<OutboxMessage>, ApiError> {
    let conn = portal.store().lock();
    let Some(account) = accounts::find_by_login(&conn, login)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare(
        "SELECT recipient, body, created_at FROM outbox WHERE oid = ?1 ORDER BY id DESC LIMIT 20",
    )?;
    let messages = stmt
        .query_map([account.oid], |row| {
            let body: String = row.get(1)?;
            let code = body
                .split(|c: char| !c.is_ascii_digit())
                .find(|word| word.len() == 6)
                .map(str::to_owned);
            Ok(OutboxMessage { recipient: row.get(0)?, body, code, created_at: row.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(messages)
}
