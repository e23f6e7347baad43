//! The typed client of the portal API: bearer tokens from the session, retries on transient
//! failures with full-jitter backoff, `Retry-After` on 429 and 503, and problem+json errors
//! mapped to typed errors. Documents upload as multipart with their progress reported.
//!
//! Submitting an application is the one request that is not naturally safe to repeat, so it
//! travels under an `Idempotency-Key` that the caller made and stored before the first try:
//! every retry, here or after a restart, sends the same key and the portal answers a repeat
//! with the response it gave the first time. A reply to a clarification request travels the
//! same way, under a key the caller derives from the reply.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use kabinet_api::documents::upload_fields;
use kabinet_api::events::POLL_INTERVAL_HEADER;
use kabinet_api::{
    Application, ApplicationStatus, ApplicationSubmission, ApplicationSummary, ApplicationsPage,
    ClarificationReply, ClarificationRequest, Decision, Document, DocumentKind, DocumentList,
    ErrorCode, EventsPage, FieldProblem, MediaType, Problem, Profile, ServiceCatalog, idempotency,
    routes,
};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;

use crate::retry::{Backoff, Jitter, OsJitter, retry_after};
use crate::session::{Activity, Session};
use crate::{Error, PortalProfile};

/// The longest `Retry-After` the client honours; longer waits are the poller's business.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The answer of the change feed.
#[derive(Debug)]
pub enum EventsResponse {
    /// Nothing new since the ETag.
    NotModified {
        /// The server's hint for the next poll.
        poll_interval: Option<Duration>,
    },
    /// Events after the cursor.
    Page {
        /// The page.
        page: EventsPage,
        /// The feed's ETag, for the next request.
        etag: Option<String>,
        /// The server's hint for the next poll.
        poll_interval: Option<Duration>,
    },
}

/// The answer of the service catalog.
#[derive(Debug)]
pub enum CatalogResponse {
    /// The catalog has not changed since the ETag sent.
    NotModified,
    /// The catalog, with the ETag to send next time.
    Fresh {
        /// The services.
        catalog: ServiceCatalog,
        /// Its ETag, when the portal sent one.
        etag: Option<String>,
    },
}

/// How the portal answered a submission that reached it.
///
/// Transport failures, 5xx and 429 are not here: they are [`Error::Offline`], after the
/// client's own retries, and the submission may be sent again under the same key.
#[derive(Debug)]
pub enum SubmitOutcome {
    /// The application was created (or had been, and the portal replayed its answer).
    Created(Application),
    /// The portal found problems with the answers or attachments, each by field.
    NeedsFix(Vec<FieldProblem>),
    /// The first request under this key is still being processed; ask again shortly.
    InFlight,
    /// The key was already used for a different request. Resending under it can never
    /// succeed: a changed request needs a key of its own.
    KeyReused,
}

/// How the portal answered a reply to a Требуется уточнение request that reached it.
///
/// Transport failures, 5xx and 429 are [`Error::Offline`]; the reply may be sent again under
/// the same key.
#[derive(Debug)]
pub enum ReplyOutcome {
    /// The reply was received (or had been, and the portal replayed its answer): the
    /// application as it is now, В обработке again.
    Answered(Application),
    /// The portal found problems with the reply, each by field.
    NeedsFix(Vec<FieldProblem>),
    /// The first request under this key is still being processed; ask again shortly.
    InFlight,
    /// The key was already used for a different reply.
    KeyReused,
}

/// The largest result document the client accepts: far above any real decision's PDF, and
/// small enough that a broken portal cannot fill the memory.
pub const MAX_RESULT_SIZE: usize = 20 * 1024 * 1024;

/// The portal API client of one session.
#[derive(Clone)]
pub struct PortalClient {
    http: reqwest::Client,
    session: Arc<Session>,
    jitter: Arc<dyn Jitter>,
    backoff: Backoff,
    attempts: u32,
    activity: Activity,
}

impl PortalClient {
    /// A client acting for the person.
    pub fn new(http: reqwest::Client, session: Arc<Session>) -> Self {
        Self {
            http,
            session,
            jitter: Arc::new(OsJitter),
            backoff: Backoff { base: Duration::from_millis(300), cap: Duration::from_secs(5) },
            attempts: 4,
            activity: Activity::Person,
        }
    }

    /// The same client for a background task: its requests do not count as activity.
    pub fn for_background(&self) -> Self {
        Self { activity: Activity::Background, ..self.clone() }
    }

    /// Replaces the jitter source (tests make it deterministic).
    pub fn with_jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// The session behind this client.
    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    fn profile(&self) -> &PortalProfile {
        self.session.profile()
    }

    /// Sends a GET with the bearer token, retrying transient failures. A 401 leads to one
    /// refresh and one more try.
    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        etag: Option<&str>,
    ) -> Result<reqwest::Response, Error> {
        let url = self.profile().api_url(path)?;
        self.send(path, |http, token| {
            let mut request = http.get(url.clone()).bearer_auth(token).query(query);
            if let Some(etag) = etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            request
        })
        .await
    }

    /// Sends the request `build` makes with the bearer token, retrying transient failures
    /// (only for requests that are safe to repeat). A 401 leads to one refresh and one more
    /// try.
    async fn send(
        &self,
        path: &str,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, Error> {
        let mut token = self.session.access_token(self.activity).await?;
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            let outcome = build(&self.http, token.expose()).send().await;
            attempt += 1;
            let wait = match outcome {
                Ok(response) if response.status() == StatusCode::UNAUTHORIZED && !refreshed => {
                    refreshed = true;
                    token = self.session.refresh_after_rejection(&token).await?;
                    continue;
                }
                Ok(response) if is_transient(response.status()) => {
                    if attempt >= self.attempts {
                        return Err(problem(response).await);
                    }
                    let hinted = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry_after(v, SystemTime::now()));
                    hinted.map_or_else(
                        || self.backoff.delay(attempt - 1, self.jitter.as_ref()),
                        |d| d.min(MAX_RETRY_AFTER),
                    )
                }
                Ok(response) => return Ok(response),
                Err(err) => {
                    if attempt >= self.attempts {
                        return Err(Error::Offline(err.to_string()));
                    }
                    self.backoff.delay(attempt - 1, self.jitter.as_ref())
                }
            };
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                path,
                "retrying a portal request"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, Error> {
        let response = self.get(path, query, None).await?;
        if !response.status().is_success() {
            return Err(problem(response).await);
        }
        response.json().await.map_err(|err| Error::Internal(format!("unreadable answer: {err}")))
    }

    /// The person's profile.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn me(&self) -> Result<Profile, Error> {
        self.get_json(routes::ME, &[]).await
    }

    /// One page of applications.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn applications_page(
        &self,
        status: Option<ApplicationStatus>,
        cursor: Option<&str>,
    ) -> Result<ApplicationsPage, Error> {
        let mut query = vec![("limit", "100".to_owned())];
        if let Some(status) = status {
            query.push(("status", status.code().to_owned()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        self.get_json(routes::APPLICATIONS, &query).await
    }

    /// Every application, following the pages.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn applications(
        &self,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<ApplicationSummary>, Error> {
        let mut items = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.applications_page(status, cursor.as_deref()).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// One application with its journal.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the account has no such application.
    pub async fn application(&self, id: &str) -> Result<Application, Error> {
        self.get_json(&routes::with_id(routes::APPLICATION, id), &[]).await
    }

    /// The change feed after `after`, conditional on `etag`.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn events(
        &self,
        after: Option<&str>,
        etag: Option<&str>,
    ) -> Result<EventsResponse, Error> {
        let query: Vec<(&str, String)> =
            after.map(|a| vec![("after", a.to_owned())]).unwrap_or_default();
        let response = self.get(routes::EVENTS, &query, etag).await?;
        let poll_interval = response
            .headers()
            .get(POLL_INTERVAL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(EventsResponse::NotModified { poll_interval });
        }
        if !response.status().is_success() {
            return Err(problem(response).await);
        }
        let etag = response.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let page: EventsPage = response
            .json()
            .await
            .map_err(|err| Error::Internal(format!("unreadable feed: {err}")))?;
        let poll_interval =
            poll_interval.or(Some(Duration::from_secs(u64::from(page.poll_interval_seconds))));
        Ok(EventsResponse::Page { page, etag, poll_interval })
    }
}

impl PortalClient {
    /// The service catalog, unless it is unchanged since `etag`. The catalog is public, but
    /// the request goes with the session's token like the others.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn services(&self, etag: Option<&str>) -> Result<CatalogResponse, Error> {
        let response = self.get(routes::SERVICES, &[], etag).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(CatalogResponse::NotModified);
        }
        if !response.status().is_success() {
            return Err(problem(response).await);
        }
        let etag = response.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let catalog = response
            .json()
            .await
            .map_err(|err| Error::Internal(format!("unreadable catalog: {err}")))?;
        Ok(CatalogResponse::Fresh { catalog, etag })
    }

    /// Submits an application under `key`. Transient failures are retried here with the same
    /// key, which the portal's idempotency makes safe.
    ///
    /// # Errors
    /// [`Error::Offline`] when the portal cannot be reached or keeps failing (send again
    /// later, under the same key); [`Error::SignedOut`] or [`Error::SessionLocked`] when the
    /// session is over; [`Error::Portal`] for any other refusal.
    pub async fn submit_application(
        &self,
        key: &str,
        submission: &ApplicationSubmission,
    ) -> Result<SubmitOutcome, Error> {
        let url = self.profile().api_url(routes::APPLICATIONS)?;
        Ok(match self.post_keyed(routes::APPLICATIONS, url, key, submission).await? {
            Keyed::Done(application) => SubmitOutcome::Created(application),
            Keyed::NeedsFix(problems) => SubmitOutcome::NeedsFix(problems),
            Keyed::InFlight => SubmitOutcome::InFlight,
            Keyed::KeyReused => SubmitOutcome::KeyReused,
        })
    }

    /// Posts `body` to `url` under idempotency key `key` and sorts the portal's answer: the
    /// created or changed resource, field problems, the key in flight, or the key reused.
    async fn post_keyed<B, T>(
        &self,
        route: &'static str,
        url: url::Url,
        key: &str,
        body: &B,
    ) -> Result<Keyed<T>, Error>
    where
        B: serde::Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let response = self
            .send(route, |http, token| {
                http.post(url.clone())
                    .bearer_auth(token)
                    .header(idempotency::HEADER, key)
                    .json(body)
            })
            .await?;

        let status = response.status();
        if status.is_success() {
            let value = response
                .json()
                .await
                .map_err(|err| Error::Internal(format!("unreadable answer: {err}")))?;
            return Ok(Keyed::Done(value));
        }
        if status != StatusCode::CONFLICT && status != StatusCode::UNPROCESSABLE_ENTITY {
            return Err(problem(response).await);
        }

        let body: Option<Problem> = response.json().await.ok();
        match body {
            Some(p) if p.code == ErrorCode::ValidationFailed => Ok(Keyed::NeedsFix(p.errors)),
            Some(p) if p.code == ErrorCode::IdempotencyKeyInUse => Ok(Keyed::InFlight),
            Some(p) if p.code == ErrorCode::IdempotencyKeyReused => Ok(Keyed::KeyReused),
            other => Err(Error::Portal {
                status: status.as_u16(),
                code: other.as_ref().map(|p| p.code),
                message: other
                    .and_then(|p| p.detail.or(Some(p.title)))
                    .unwrap_or_else(|| format!("HTTP {}", status.as_u16())),
            }),
        }
    }
}

/// How the portal answered a request made under an idempotency key.
enum Keyed<T> {
    Done(T),
    NeedsFix(Vec<FieldProblem>),
    InFlight,
    KeyReused,
}

impl PortalClient {
    /// The open Требуется уточнение request of an application, or `None` when none is open
    /// (the application is in another status, or its request is answered).
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn clarification(&self, id: &str) -> Result<Option<ClarificationRequest>, Error> {
        let path = routes::with_id(routes::APPLICATION_CLARIFICATION, id);
        match self.get_json(&path, &[]).await {
            Ok(request) => Ok(Some(request)),
            Err(Error::NotFound) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Replies to the open request of application `id` under `key`. Transient failures are
    /// retried here with the same key, so a reply whose answer was lost is not sent twice.
    ///
    /// # Errors
    /// [`Error::Offline`] when the portal cannot be reached or keeps failing (send again
    /// under the same key); [`Error::Portal`] with [`ErrorCode::Conflict`] when no request
    /// is open any more; [`Error::NotFound`] when the account has no such application.
    pub async fn reply_to_clarification(
        &self,
        id: &str,
        reply: &ClarificationReply,
        key: &str,
    ) -> Result<ReplyOutcome, Error> {
        let path = routes::with_id(routes::APPLICATION_CLARIFICATION, id);
        let url = self.profile().api_url(&path)?;
        let route = routes::APPLICATION_CLARIFICATION;
        Ok(match self.post_keyed(route, url, key, reply).await? {
            Keyed::Done(application) => ReplyOutcome::Answered(application),
            Keyed::NeedsFix(problems) => ReplyOutcome::NeedsFix(problems),
            Keyed::InFlight => ReplyOutcome::InFlight,
            Keyed::KeyReused => ReplyOutcome::KeyReused,
        })
    }

    /// The decision of a finished application, or `None` while it is not finished.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn decision(&self, id: &str) -> Result<Option<Decision>, Error> {
        match self.get_json(&routes::with_id(routes::APPLICATION_DECISION, id), &[]).await {
            Ok(decision) => Ok(Some(decision)),
            Err(Error::NotFound) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The result document of an approved application: a PDF, checked by its content and
    /// read up to [`MAX_RESULT_SIZE`].
    ///
    /// # Errors
    /// [`Error::NotFound`] when the application has no result (it is not approved);
    /// [`Error::Portal`] when the answer is not a PDF or is larger than the limit; as the
    /// portal answers otherwise.
    pub async fn result(&self, id: &str) -> Result<Vec<u8>, Error> {
        let path = routes::with_id(routes::APPLICATION_RESULT, id);
        let mut response = self.get(&path, &[], None).await?;
        if !response.status().is_success() {
            return Err(problem(response).await);
        }
        if response.content_length().is_some_and(|length| length > MAX_RESULT_SIZE as u64) {
            return Err(result_refused(ResultProblem::TooLarge));
        }

        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| Error::Offline(format!("the result stopped arriving: {err}")))?
        {
            append_capped(&mut bytes, &chunk)?;
        }
        checked_pdf(bytes)
    }
}

/// Why a result document was not taken.
#[derive(Debug, Clone, Copy)]
enum ResultProblem {
    TooLarge,
    NotPdf,
}

fn result_refused(problem: ResultProblem) -> Error {
    let message = match problem {
        ResultProblem::TooLarge => "the result document is larger than 20 MiB",
        ResultProblem::NotPdf => "the result document is not a PDF",
    };
    Error::Portal { status: StatusCode::OK.as_u16(), code: None, message: message.to_owned() }
}

/// Appends a piece of a result document, refusing to grow past [`MAX_RESULT_SIZE`].
fn append_capped(bytes: &mut Vec<u8>, chunk: &[u8]) -> Result<(), Error> {
    if bytes.len() + chunk.len() > MAX_RESULT_SIZE {
        return Err(result_refused(ResultProblem::TooLarge));
    }
    bytes.extend_from_slice(chunk);
    Ok(())
}

/// The bytes when they are a PDF by content, whatever the `Content-Type` said.
fn checked_pdf(bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    if !bytes.starts_with(b"%PDF-") {
        tracing::warn!(size = bytes.len(), "the portal's result is not a PDF");
        return Err(result_refused(ResultProblem::NotPdf));
    }
    Ok(bytes)
}

/// A file to upload as a document.
pub struct Upload<'a> {
    /// The name the portal shows.
    pub name: &'a str,
    /// What it shows.
    pub kind: DocumentKind,
    /// Its type, for the part's header (the portal decides by content anyway).
    pub media_type: MediaType,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// Their lowercase hex SHA-256.
    pub sha256: &'a str,
    /// The `Idempotency-Key` of this upload, made and stored before its first attempt, so
    /// that an attempt whose answer was lost is answered with the first response.
    pub idempotency_key: Option<&'a str>,
}

/// How much of an upload has gone: bytes sent and bytes in all.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The size of the pieces an upload is sent in, and so how often its progress moves.
const UPLOAD_CHUNK: usize = 64 * 1024;

impl PortalClient {
    /// The person's documents at the portal, newest first.
    ///
    /// # Errors
    /// As the portal answers.
    pub async fn documents(&self) -> Result<Vec<Document>, Error> {
        let list: DocumentList = self.get_json(routes::DOCUMENTS, &[]).await?;
        Ok(list.items)
    }

    /// Uploads a document, reporting progress as its bytes go out, under the upload's
    /// `Idempotency-Key` when it has one. The portal keeps identical bytes once, and answers a
    /// repeat under the same key with its first response, so a retry is safe either way.
    ///
    /// # Errors
    /// [`Error::Portal`] with the portal's code when it refuses the file (`409` with
    /// `idempotency_key_in_use` while an attempt under the same key is in flight); as the
    /// portal answers otherwise.
    pub async fn upload_document(
        &self,
        upload: &Upload<'_>,
        progress: Progress,
    ) -> Result<Document, Error> {
        let url = self.profile().api_url(routes::DOCUMENTS)?;
        let total = upload.bytes.len() as u64;
        let response = self
            .send(routes::DOCUMENTS, |http, token| {
                let progress = progress.clone();
                let chunks: Vec<Vec<u8>> =
                    upload.bytes.chunks(UPLOAD_CHUNK).map(<[u8]>::to_vec).collect();
                let mut sent = 0u64;
                progress(0, total);
                let body = futures_util::stream::iter(chunks.into_iter().map(move |chunk| {
                    sent += chunk.len() as u64;
                    progress(sent, total);
                    Ok::<_, std::io::Error>(chunk)
                }));
                let file = Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
                    .file_name(format!("document.{}", upload.media_type.extension()))
                    .mime_str(upload.media_type.as_str())
                    .expect("the media types are valid MIME types");
                let form = Form::new()
                    .text(upload_fields::NAME, upload.name.to_owned())
                    .text(upload_fields::KIND, upload.kind.as_str())
                    .text(upload_fields::SHA256, upload.sha256.to_owned())
                    .part(upload_fields::FILE, file);
                let request = http.post(url.clone()).bearer_auth(token).multipart(form);
                match upload.idempotency_key {
                    Some(key) => request.header(idempotency::HEADER, key),
                    None => request,
                }
            })
            .await?;
        if !response.status().is_success() {
            return Err(problem(response).await);
        }
        response.json().await.map_err(|err| Error::Internal(format!("unreadable answer: {err}")))
    }

    /// Deletes a document at the portal.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the account has no such document; as the portal answers.
    pub async fn delete_document(&self, id: &str) -> Result<(), Error> {
        let url = self.profile().api_url(&routes::with_id(routes::DOCUMENT, id))?;
        let response = self
            .send(routes::DOCUMENT, |http, token| http.delete(url.clone()).bearer_auth(token))
            .await?;
        if !response.status().is_success() {
            return Err(problem(response).await);
        }
        Ok(())
    }
}

fn is_transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Maps an error response to a typed error, reading problem+json when the portal sent it.
async fn problem(response: reqwest::Response) -> Error {
    let status = response.status();
    let body: Option<Problem> = response.json().await.ok();
    if status == StatusCode::NOT_FOUND {
        return Error::NotFound;
    }
    if status == StatusCode::UNAUTHORIZED {
        return Error::SignedOut;
    }
    if is_transient(status) || status.is_server_error() {
        let detail =
            body.and_then(|p| p.detail).unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
        return Error::Offline(detail);
    }
    Error::Portal {
        status: status.as_u16(),
        code: body.as_ref().map(|p| p.code),
        message: body
            .and_then(|p| p.detail.or(Some(p.title)))
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_taken_only_when_it_is_a_pdf_by_content() {
        assert!(checked_pdf(b"%PDF-1.4\n%%EOF\n".to_vec()).is_ok());
        let html = checked_pdf(b"<html>error</html>".to_vec()).unwrap_err();
        assert!(html.to_string().contains("not a PDF"), "an error page is not a result: {html}");
        assert!(checked_pdf(Vec::new()).is_err(), "nor is an empty body");
    }

    #[test]
    fn a_result_cannot_grow_past_the_cap() {
        let mut bytes = vec![0; MAX_RESULT_SIZE - 4];
        append_capped(&mut bytes, b"%%EO").expect("exactly at the cap is fine");
        let err = append_capped(&mut bytes, b"F").unwrap_err();
        assert!(err.to_string().contains("20 MiB"), "{err}");
        assert_eq!(bytes.len(), MAX_RESULT_SIZE, "nothing past the cap was kept");
    }
}
