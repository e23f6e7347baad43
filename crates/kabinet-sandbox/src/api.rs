//! The portal API (`/api/v1`): the service catalog, profile, applications and their
//! submission, documents, the change feed and the activity log.
//! Every request but the catalog's carries a bearer access token, checked in full each time.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kabinet_api::documents::{MAX_NAME_CHARS, upload_fields};
use kabinet_api::events::{MAX_WAIT_SECONDS, POLL_INTERVAL_HEADER};
use kabinet_api::problem::PROBLEM_CONTENT_TYPE;
use kabinet_api::{
    ActivityPage, Application, ApplicationStatus, ApplicationSubmission, ApplicationsPage,
    ApplicationsQuery, ClarificationReply, ClarificationRequest, Decision, Document, DocumentKind,
    DocumentList, ErrorCode, EventsPage, EventsQuery, MAX_DOCUMENT_SIZE, Problem, Profile,
    ServiceCatalog, idempotency as key_rules, routes,
};
use serde_json::Value;

use crate::Portal;
use crate::applications::Transition;
use crate::documents::{self, NewDocument, Refusal};
use crate::idempotency::{self, Claim, StoredResponse};
use crate::oidc::{bearer, challenge};
use crate::submissions::{self, SubmitError};
use crate::tokens::{self, AccessClaims, Rejection};
use crate::{accounts, applications, feed, outcomes, workflow};

/// Room for the form parts around the file in an upload's body.
const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// The API's routes.
pub fn router() -> Router<Portal> {
    Router::new()
        .route(routes::SERVICES, get(services))
        .route(routes::ME, get(me))
        .route(routes::APPLICATIONS, get(list_applications).post(submit_application))
        .route(routes::APPLICATION, get(application))
        .route(routes::APPLICATION_CLARIFICATION, get(clarification).post(reply_to_clarification))
        .route(routes::APPLICATION_DECISION, get(decision))
        .route(routes::APPLICATION_RESULT, get(result))
        .route(routes::EVENTS, get(events))
        .route(routes::ACTIVITY, get(activity))
        .route(
            routes::DOCUMENTS,
            get(list_documents)
                .post(upload_document)
                .layer(DefaultBodyLimit::max(MAX_DOCUMENT_SIZE as usize + UPLOAD_OVERHEAD)),
        )
        .route(routes::DOCUMENT, get(document).delete(delete_document))
        .route(routes::OPENAPI, get(openapi))
}

/// An API error, sent as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError {
    problem: Problem,
    rejection: Option<Option<Rejection>>,
}

impl ApiError {
    /// A 400 with a detail the person can act on.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(
            ErrorCode::InvalidRequest,
            StatusCode::BAD_REQUEST,
            "invalid request",
            Some(detail.into()),
        )
    }

    /// A 404.
    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, StatusCode::NOT_FOUND, "not found", None)
    }

    /// A 422 for an idempotency key already used with a different request.
    pub fn key_reused() -> Self {
        Self::new(
            ErrorCode::IdempotencyKeyReused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency key reused",
            Some("this Idempotency-Key was used for a different request".to_owned()),
        )
    }

    /// A 409 for a request whose twin under the same idempotency key is still in flight.
    pub fn key_in_use() -> Self {
        Self::new(
            ErrorCode::IdempotencyKeyInUse,
            StatusCode::CONFLICT,
            "request in progress",
            Some("a request with this Idempotency-Key is still being processed".to_owned()),
        )
    }

    /// A 409 for a request the resource's state does not allow.
    pub fn conflict(detail: &str) -> Self {
        Self::new(ErrorCode::Conflict, StatusCode::CONFLICT, "conflict", Some(detail.to_owned()))
    }

    /// A 403.
    pub fn forbidden(detail: &str) -> Self {
        Self::new(ErrorCode::Forbidden, StatusCode::FORBIDDEN, "forbidden", Some(detail.to_owned()))
    }

    /// A 401 for a missing or refused token.
    pub fn unauthorized(rejection: Option<Rejection>) -> Self {
        let detail = rejection.map_or("a bearer token is required", Rejection::describe);
        let mut err = Self::new(
            ErrorCode::InvalidToken,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            Some(detail.to_owned()),
        );
        err.rejection = Some(rejection);
        err
    }

    /// A 500 whose cause goes to the log, not to the client.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(ErrorCode::Internal, StatusCode::INTERNAL_SERVER_ERROR, "internal error", None)
    }

    /// An upload the portal will not keep.
    pub fn refused(refusal: &Refusal) -> Self {
        let (code, status) = match refusal {
            Refusal::TooLarge { .. } => {
                (ErrorCode::DocumentTooLarge, StatusCode::PAYLOAD_TOO_LARGE)
            }
            Refusal::ChecksumMismatch => {
                (ErrorCode::ChecksumMismatch, StatusCode::UNPROCESSABLE_ENTITY)
            }
            Refusal::Empty | Refusal::UnsupportedType | Refusal::Malformed(_) => {
                (ErrorCode::UnsupportedDocument, StatusCode::UNSUPPORTED_MEDIA_TYPE)
            }
        };
        Self::new(code, status, "document refused", Some(refusal.to_string()))
    }

    fn new(code: ErrorCode, status: StatusCode, title: &str, detail: Option<String>) -> Self {
        Self { problem: Problem::new(code, status.as_u16(), title, detail), rejection: None }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        Self::internal(&err)
    }
}

impl From<SubmitError> for ApiError {
    fn from(err: SubmitError) -> Self {
        Self::internal(&err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        if let Some(rejection) = self.rejection {
            headers.insert(header::WWW_AUTHENTICATE, challenge(rejection));
        }
        response
    }
}

/// The person a request acts for, from a verified access token.
pub struct Caller {
    /// The person id.
    pub oid: i64,
    /// The token's claims.
    pub claims: AccessClaims,
}

impl FromRequestParts<Portal> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, portal: &Portal) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(|| ApiError::unauthorized(None))?;
        let claims =
            tokens::verify_access(portal, token).map_err(|r| ApiError::unauthorized(Some(r)))?;
        let oid = claims.oid().ok_or_else(|| ApiError::unauthorized(Some(Rejection::Invalid)))?;
        Ok(Self { oid, claims })
    }
}

fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

/// The person's profile.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile, as far as the token's scopes allow",
         body = Profile),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn me(State(portal): State<Portal>, caller: Caller) -> Result<Response, ApiError> {
    let account = accounts::by_oid(&portal.store().lock(), caller.oid)?
        .ok_or_else(|| ApiError::unauthorized(Some(Rejection::Invalid)))?;
    Ok(private(Json(account.profile(&caller.claims.scopes())).into_response()))
}

/// The person's applications, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    security(("bearer" = [])),
    params(ApplicationsQuery),
    responses(
        (status = 200, description = "One page of applications", body = ApplicationsPage),
        (status = 400, description = "A bad cursor, limit or status", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_applications(
    State(portal): State<Portal>,
    caller: Caller,
    query: Result<Query<ApplicationsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|err| ApiError::invalid(err.body_text()))?;
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 100"));
    }
    let before = match query.cursor.as_deref() {
        Some(cursor) => Some(
            applications::decode_cursor(cursor)
                .ok_or_else(|| ApiError::invalid("the cursor is not one this API issued"))?,
        ),
        None => None,
    };
    let (items, next_cursor) =
        applications::page(&portal.store().lock(), caller.oid, query.status, before, limit)?;
    Ok(private(Json(ApplicationsPage { items, next_cursor }).into_response()))
}

/// One application with its journal.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application id")),
    responses(
        (status = 200, description = "The application and every status change", body = Application),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such application in this account", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn application(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let found = applications::get(&portal.store().lock(), caller.oid, id)?;
    Ok(private(Json(found.ok_or_else(ApiError::not_found)?).into_response()))
}

/// The open Требуется уточнение request of an application: what the department asks for.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/clarification",
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application id")),
    responses(
        (status = 200, description = "The open request", body = ClarificationRequest),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such application, or it is not waiting for an answer",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn clarification(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let open = outcomes::open_request(&portal.store().lock(), caller.oid, id)?;
    let (_, request) = open.ok_or_else(ApiError::not_found)?;
    Ok(private(Json(request).into_response()))
}

/// Answers the open Требуется уточнение request with text and documents; the application
/// returns to В обработке. An optional `Idempotency-Key` makes a retry safe: the same reply
/// under the same key gets the first answer again, not a 409 (see `kabinet_api::idempotency`).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/clarification",
    tag = "applications",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The application id"),
        ("Idempotency-Key" = Option<String>, Header,
         description = "A key the client made for this reply, kept at least 30 days")
    ),
    request_body = ClarificationReply,
    responses(
        (status = 200, description = "Received; the application is В обработке again",
         body = Application,
         headers(("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "A body that is not a reply, or a malformed key",
         body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such application in this account", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The application is not waiting for an answer \
         (`conflict`), or the same key's first request is still in flight \
         (`idempotency_key_in_use`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field problems (`validation_failed`): no text, text over \
         4000 characters, unknown documents, or a requested document missing; or the key was \
         used for a different request (`idempotency_key_reused`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn reply_to_clarification(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let key = idempotency_key(&headers)?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|err| ApiError::invalid(format!("the body is not JSON: {err}")))?;
    let reply: ClarificationReply = serde_json::from_value(value.clone())
        .map_err(|err| ApiError::invalid(format!("the body is not a reply: {err}")))?;
    let now = portal.now();

    // With a key, claim it first: a replay or a refusal of the key ends the request here.
    let mut claimed = None;
    if let Some(key) = key {
        let route =
            format!("POST {}", routes::with_id(routes::APPLICATION_CLARIFICATION, &id.to_string()));
        let fingerprint = idempotency::fingerprint(&route, &value);
        match claim_key(&portal, caller.oid, key, &fingerprint, "reply").await? {
            Claimed::New(guard) => claimed = Some(guard),
            Claimed::Replay(response) => return Ok(response),
        }
    }

    // The verdict and its effect commit together with the response kept under the key. A
    // refusal by field problems is kept too, as for submissions; a 404 or 409 describes the
    // application rather than the reply, so its claim is released and a retry asks again.
    let (response, event) = portal.store().transaction(|tx| {
        if applications::get(tx, caller.oid, id)?.is_none() {
            return Err(ApiError::not_found());
        }
        let (request_id, request) = outcomes::open_request(tx, caller.oid, id)?
            .ok_or_else(|| ApiError::conflict("the application is not waiting for an answer"))?;
        let problems = outcomes::reply_problems(tx, caller.oid, &request, &reply)?;
        if !problems.is_empty() {
            let body = serde_json::to_string(&Problem::validation(problems))
                .map_err(|err| ApiError::internal(&err))?;
            let response = StoredResponse { status: 422, body, location: None };
            if let Some(key) = key {
                idempotency::complete(tx, caller.oid, key, &response)?;
            }
            return Ok((response, None));
        }

        outcomes::record_reply(tx, request_id, &reply, now)?;
        let change = Transition {
            id,
            status: ApplicationStatus::InProgress,
            comment: Some("Получен ответ заявителя на запрос ведомства"),
            at: now,
            next_step_at: workflow::next_step_at(&portal, ApplicationStatus::InProgress, now),
        };
        let event = applications::transition(tx, &change)?;
        let application = applications::get(tx, caller.oid, id)?.ok_or_else(ApiError::not_found)?;
        let body = serde_json::to_string(&application).map_err(|err| ApiError::internal(&err))?;
        let response = StoredResponse { status: 200, body, location: None };
        if let Some(key) = key {
            idempotency::complete(tx, caller.oid, key, &response)?;
        }
        Ok((response, event))
    })?;
    if let Some(claimed) = claimed.as_mut() {
        claimed.settled = true;
    }

    if let Some(event) = event {
        portal.announce_events(event);
    }
    if response.status == 200 {
        tracing::info!(oid = caller.oid, application = id, "clarification answered");
    } else {
        tracing::info!(oid = caller.oid, application = id, "clarification reply refused");
    }
    Ok(stored_response(response, Delivery::First))
}

/// The outcome of a finished application: for Отклонено the reasons and what to fix, for
/// Одобрено the path of the result document.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/decision",
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application id")),
    responses(
        (status = 200, description = "The decision", body = Decision),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such application, or it is not finished", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn decision(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let found = outcomes::decision(&portal.store().lock(), caller.oid, id)?;
    Ok(private(Json(found.ok_or_else(ApiError::not_found)?).into_response()))
}

/// The result document of an approved application, a PDF.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/result",
    tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application id")),
    responses(
        (status = 200, description = "The result document", content_type = "application/pdf",
         body = Vec<u8>),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such application, or it is not approved", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn result(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let (application, decision) = {
        let conn = portal.store().lock();
        let application = applications::get(&conn, caller.oid, id)?;
        (application, outcomes::decision(&conn, caller.oid, id)?)
    };
    let (Some(application), Some(decision)) = (application, decision) else {
        return Err(ApiError::not_found());
    };
    if decision.status != ApplicationStatus::Approved {
        return Err(ApiError::not_found());
    }

    let pdf = outcomes::result_pdf(&application.summary, decision.decided_at);
    let disposition = format!("attachment; filename=\"result-{}.pdf\"", application.summary.number);
    let mut response = ([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(private(response))
}

/// The service catalog: every service with its form and required documents. It needs no
/// token, since it says nothing about anyone; clients cache it (ETag, `If-None-Match`) so that
/// forms can be filled offline.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "services",
    params(
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the cached catalog")
    ),
    responses(
        (status = 200, description = "The catalog", body = ServiceCatalog,
         headers(("ETag" = String, description = "Identifies this version of the catalog"))),
        (status = 304, description = "The cached catalog is current", headers(("ETag" = String))),
    )
)]
pub(crate) async fn services(State(portal): State<Portal>, headers: HeaderMap) -> Response {
    let catalog = portal.catalog();
    let mut response = if if_none_match(&headers, catalog.etag()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], catalog.body().to_owned()).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    if let Ok(value) = HeaderValue::from_str(catalog.etag()) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// What a submission's fingerprint is computed over besides its body.
const SUBMIT_ROUTE: &str = "POST /api/v1/applications";

/// What an upload's fingerprint is computed over besides its parts.
const UPLOAD_ROUTE: &str = "POST /api/v1/documents";

/// The request's `Idempotency-Key`, if it has one.
///
/// # Errors
/// `400` for a key that is not 1 to 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(key_rules::HEADER) else { return Ok(None) };
    let key = value.to_str().ok().and_then(key_rules::parse_key).ok_or_else(|| {
        ApiError::invalid(format!(
            "the Idempotency-Key must be 1 to {} visible ASCII characters",
            key_rules::MAX_KEY_CHARS
        ))
    })?;
    Ok(Some(key))
}

/// What claiming a request's idempotency key decided.
enum Claimed<'a> {
    /// The key is this request's now; the guard releases it unless a response is recorded.
    New(ClaimGuard<'a>),
    /// The key already holds the response to this same request: send it again.
    Replay(Response),
}

/// Claims `key` for a request of `oid` with `fingerprint`, then waits at the back office's
/// gate (which tests hold to keep a request in flight). `what` names the request in the log.
///
/// # Errors
/// `422` when the key was used for another request, `409` while its request is in flight,
/// and store failures.
async fn claim_key<'a>(
    portal: &'a Portal,
    oid: i64,
    key: &'a str,
    fingerprint: &str,
    what: &'static str,
) -> Result<Claimed<'a>, ApiError> {
    let now = portal.now();
    let claim =
        portal.store().transaction(|tx| idempotency::claim(tx, oid, key, fingerprint, now))?;
    match claim {
        Claim::New => {}
        Claim::Replay(stored) => {
            tracing::info!(oid, status = stored.status, request = what, "response replayed");
            return Ok(Claimed::Replay(stored_response(stored, Delivery::Replay)));
        }
        Claim::Mismatch => return Err(ApiError::key_reused()),
        Claim::InFlight => return Err(ApiError::key_in_use()),
    }

    // Guarded before the wait, so that a client going away while it waits frees the key.
    let guard = ClaimGuard { portal, oid, key, settled: false };
    portal.pass_submission_gate().await;
    Ok(Claimed::New(guard))
}

/// Releases an idempotency claim if the request ends without recording a response: on a
/// store failure, or when the client goes away while the request waits.
struct ClaimGuard<'a> {
    portal: &'a Portal,
    oid: i64,
    key: &'a str,
    settled: bool,
}

impl Drop for ClaimGuard<'_> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if let Err(err) = idempotency::release(&self.portal.store().lock(), self.oid, self.key) {
            tracing::warn!(oid = self.oid, error = %err, "releasing an idempotency claim failed");
        }
    }
}

/// Whether a response is sent for the first time or replayed from an idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    First,
    Replay,
}

fn stored_response(stored: StoredResponse, delivery: Delivery) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if status.is_success() { "application/json" } else { PROBLEM_CONTENT_TYPE };
    let mut response =
        (status, [(header::CONTENT_TYPE, content_type)], stored.body).into_response();
    let headers = response.headers_mut();
    if let Some(value) = stored.location.and_then(|location| HeaderValue::from_str(&location).ok())
    {
        headers.insert(header::LOCATION, value);
    }
    if delivery == Delivery::Replay {
        headers.insert(key_rules::REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    private(response)
}

/// Submits an application. The answers are judged against the service's form and its
/// attachment rules; every problem comes back at once, by field. The `Idempotency-Key`
/// header is required and makes retries safe: see `kabinet_api::idempotency`.
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = String, Header,
         description = "A key the client made for this submission, kept at least 30 days")
    ),
    request_body = ApplicationSubmission,
    responses(
        (status = 201, description = "Accepted (Принято); on the feed and in the workflow",
         body = Application,
         headers(("Location" = String, description = "The application"),
                 ("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "No or a malformed key, or a body that is not a submission",
         body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The same key's first request is still in flight",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field problems (`validation_failed`, with `errors`), or \
         the key was used for a different request (`idempotency_key_reused`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn submit_application(
    State(portal): State<Portal>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?
        .ok_or_else(|| ApiError::invalid("the Idempotency-Key header is required"))?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|err| ApiError::invalid(format!("the body is not JSON: {err}")))?;
    let submission: ApplicationSubmission = serde_json::from_value(value.clone())
        .map_err(|err| ApiError::invalid(format!("the body is not a submission: {err}")))?;

    let fingerprint = idempotency::fingerprint(SUBMIT_ROUTE, &value);
    let mut claimed = match claim_key(&portal, caller.oid, key, &fingerprint, "submission").await? {
        Claimed::New(guard) => guard,
        Claimed::Replay(response) => return Ok(response),
    };
    let outcome = submissions::submit(&portal, caller.oid, key, &submission)?;
    claimed.settled = true;

    if let Some(event) = outcome.event {
        portal.announce_events(event);
    }
    Ok(stored_response(outcome.response, Delivery::First))
}

fn etag_for(latest: i64) -> String {
    format!("\"feed-{latest}\"")
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
        })
}

/// The account's change feed. Answers `304 Not Modified` when the `If-None-Match` ETag is
/// still current; with `wait`, holds the request until an event arrives or the wait ends.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    security(("bearer" = [])),
    params(
        EventsQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the last answer")
    ),
    responses(
        (status = 200, description = "Events after the cursor, oldest first", body = EventsPage,
         headers(("ETag" = String, description = "Identifies the feed's state"),
                 ("Kabinet-Poll-Interval" = u32, description = "Seconds until the next poll"))),
        (status = 304, description = "Nothing new since the ETag",
         headers(("ETag" = String), ("Kabinet-Poll-Interval" = u32))),
        (status = 400, description = "A bad cursor", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn events(
    State(portal): State<Portal>,
    caller: Caller,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|err| ApiError::invalid(err.body_text()))?;
    let after: i64 = match query.after.as_deref() {
        Some(cursor) => cursor
            .parse()
            .ok()
            .filter(|n: &i64| *n >= 0)
            .ok_or_else(|| ApiError::invalid("the cursor is not one this API issued"))?,
        None => 0,
    };
    let wait = Duration::from_secs(u64::from(query.wait.unwrap_or(0).min(MAX_WAIT_SECONDS)));

    // Subscribe before reading, so that an event appended in between still wakes us.
    let mut changes = portal.watch_events();
    let deadline = tokio::time::Instant::now() + wait;
    let latest = loop {
        let latest = feed::latest_for_account(&portal.store().lock(), caller.oid)?;
        if latest > after || tokio::time::Instant::now() >= deadline {
            break latest;
        }
        match tokio::time::timeout_at(deadline, changes.changed()).await {
            Ok(Ok(())) => continue,
            Ok(Err(_)) | Err(_) => break latest,
        }
    };

    let etag = etag_for(latest);
    let interval = portal.config().poll_interval.as_secs() as u32;
    let mut response = if latest <= after && if_none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let limit = 100;
        let mut events = feed::after(&portal.store().lock(), caller.oid, after, limit + 1)?;
        let has_more = events.len() > limit as usize;
        events.truncate(limit as usize);
        let cursor = events.last().map_or_else(|| after.to_string(), |event| event.id.clone());
        Json(EventsPage { events, cursor, has_more, poll_interval_seconds: interval })
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(POLL_INTERVAL_HEADER, HeaderValue::from(interval));
    Ok(response)
}

/// The newest entries of the account's activity log.
#[utoipa::path(
    get,
    path = "/api/v1/activity",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Up to 100 entries, newest first", body = ActivityPage),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn activity(
    State(portal): State<Portal>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let items = accounts::activity(&portal.store().lock(), caller.oid, 100)?;
    Ok(private(Json(ActivityPage { items }).into_response()))
}

/// The person's documents, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/documents",
    tag = "documents",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every document of the account", body = DocumentList),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_documents(
    State(portal): State<Portal>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let items = documents::list(&portal.store().lock(), caller.oid)?;
    Ok(private(Json(DocumentList { items }).into_response()))
}

/// The parts of an upload, as read.
#[derive(Default)]
struct Upload {
    file: Option<Vec<u8>>,
    name: Option<String>,
    kind: Option<String>,
    sha256: Option<String>,
}

/// Reads the parts of an upload, refusing a file over the limit as soon as it passes it.
async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    let too_large = |size: u64| ApiError::refused(&Refusal::TooLarge { size });
    let broken = |err: axum::extract::multipart::MultipartError| {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(MAX_DOCUMENT_SIZE + 1)
        } else {
            ApiError::invalid(format!("the multipart body cannot be read: {}", err.body_text()))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        let Some(part) = field.name().map(str::to_owned) else { continue };
        if part == upload_fields::FILE {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
                    return Err(too_large(bytes.len() as u64));
                }
            }
            upload.file = Some(bytes);
            continue;
        }
        let text = field.text().await.map_err(broken)?;
        match part.as_str() {
            upload_fields::NAME => upload.name = Some(text),
            upload_fields::KIND => upload.kind = Some(text),
            upload_fields::SHA256 => upload.sha256 = Some(text),
            _ => {}
        }
    }
    Ok(upload)
}

/// Uploads a document: `multipart/form-data` with `file`, `name`, `kind` and `sha256`.
/// The same bytes uploaded again return the document already stored, so a retry is safe.
/// An optional `Idempotency-Key` has the semantics it has for submissions: the same key with
/// the same parts (name, kind and bytes) replays the first response, with other parts is
/// `422`, and while the first is in flight is `409`. A refused file is not kept under its key.
#[utoipa::path(
    post,
    path = "/api/v1/documents",
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header,
         description = "A key the client made for this upload, kept at least 30 days")
    ),
    request_body(content_type = "multipart/form-data",
                 description = "Parts: file, name, kind (a DocumentKind), sha256 (hex)"),
    responses(
        (status = 201, description = "Stored", body = Document,
         headers(("Location" = String, description = "The document"),
                 ("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 200, description = "The account already had these bytes", body = Document),
        (status = 400, description = "A missing or bad part, or a malformed key", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The same key's first upload is still in flight",
         body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 5 MiB", body = Problem,
         content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, JPEG or PNG by content", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "The SHA-256 does not match the bytes \
         (`checksum_mismatch`), or the key was used for another upload \
         (`idempotency_key_reused`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn upload_document(
    State(portal): State<Portal>,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let multipart = multipart.map_err(|err| ApiError::invalid(err.body_text()))?;
    let upload = read_upload(multipart).await?;
    let missing = |part: &str| ApiError::invalid(format!("the `{part}` part is missing"));
    let bytes = upload.file.ok_or_else(|| missing(upload_fields::FILE))?;
    let sha256 = upload.sha256.ok_or_else(|| missing(upload_fields::SHA256))?;
    let kind = upload.kind.ok_or_else(|| missing(upload_fields::KIND))?;
    let kind = DocumentKind::parse(kind.trim())
        .ok_or_else(|| ApiError::invalid(format!("`{}` is not a document kind", kind.trim())))?;
    let name = upload.name.ok_or_else(|| missing(upload_fields::NAME))?;
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(format!(
            "the name must be 1 to {MAX_NAME_CHARS} characters without control characters"
        )));
    }

    let mut claimed = None;
    if let Some(key) = key {
        let parts = serde_json::json!({
            "name": name,
            "kind": kind.as_str(),
            "sha256": documents::sha256_hex(&bytes),
        });
        let fingerprint = idempotency::fingerprint(UPLOAD_ROUTE, &parts);
        match claim_key(&portal, caller.oid, key, &fingerprint, "upload").await? {
            Claimed::New(guard) => claimed = Some(guard),
            Claimed::Replay(response) => return Ok(response),
        }
    }

    // A refused file leaves no response under its key (the guard releases the claim): the
    // same bytes are refused the same way again.
    let media_type = documents::check(&bytes, sha256.trim()).map_err(|refusal| {
        tracing::info!(oid = caller.oid, %refusal, "document refused");
        ApiError::refused(&refusal)
    })?;
    let new =
        NewDocument { oid: caller.oid, name, kind, media_type, bytes: &bytes, now: portal.now() };
    let (document, created, response) = portal.store().transaction(|tx| {
        let (document, created) = documents::insert(tx, &new)?;
        let status = if created { StatusCode::CREATED } else { StatusCode::OK };
        let response = StoredResponse {
            status: status.as_u16(),
            body: serde_json::to_string(&document)
                .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))?,
            location: Some(routes::with_id(routes::DOCUMENT, &document.id)),
        };
        if let Some(guard) = &claimed {
            idempotency::complete(tx, caller.oid, guard.key, &response)?;
        }
        Ok::<_, rusqlite::Error>((document, created, response))
    })?;
    if let Some(guard) = &mut claimed {
        guard.settled = true;
    }
    tracing::info!(oid = caller.oid, document = %document.id, created, "document stored");
    Ok(stored_response(response, Delivery::First))
}

/// One of the person's documents, without its bytes.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}",
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The document id")),
    responses(
        (status = 200, description = "The document", body = Document),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such document in this account", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn document(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let found = documents::get(&portal.store().lock(), caller.oid, id)?;
    Ok(private(Json(found.ok_or_else(ApiError::not_found)?).into_response()))
}

/// Deletes one of the person's documents.
#[utoipa::path(
    delete,
    path = "/api/v1/documents/{id}",
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The document id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or refused token", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such document in this account", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub(crate) async fn delete_document(
    State(portal): State<Portal>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    if !documents::delete(&portal.store().lock(), caller.oid, id)? {
        return Err(ApiError::not_found());
    }
    tracing::info!(oid = caller.oid, document = id, "document deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi::document()).into_response()
}
