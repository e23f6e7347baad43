//! The outbox: submissions written down before they are sent, and sent until the portal has
//! answered them, exactly once.
//!
//! Submitting a draft *enqueues* it. The draft's answers are first judged by the same
//! validator the portal uses ([`kabinet_api::validate_answers`]); a form with problems is
//! refused with all of them at once. Otherwise one transaction writes an item holding the
//! sealed request and a fresh random idempotency key, and commits it to disk (the store runs
//! with `synchronous = FULL`) before anything goes out. From then on the key never changes,
//! and the request changes only by learning the portal ids of its uploaded scans.
//!
//! [`Outbox::send_due`] sends the items that are due. For each one it records `sending` and
//! commits, posts the request under the stored key, and records the answer in a transaction:
//!
//! ```text
//!   queued ──▶ sending ──▶ sent        (the application's id and number; the draft is gone)
//!     ▲           │ ├────▶ needs_fix   (the portal's problems, by field)
//!     │           │ └────▶ failed      (a refusal that no retry can change)
//!     └───────────┘  offline, 5xx, 429, key in use: back to queued, due after a backoff
//! ```
//!
//! A process that dies at any point leaves the item `queued` or `sending`; both are sent
//! again, under the same key, and the portal answers a repeat with its first response. So an
//! application is created once whatever fails in between, and nothing queued is lost. Two
//! processes sending at once are safe for the same reason (the second gets the replay, or
//! `409` while the first is in flight).
//!
//! Attachments: an item attaches documents already at the portal ([`Attachment::Document`])
//! and vault scans still to upload ([`Attachment::Scan`]). Each scan gets an upload key of its
//! own when the item is written, so the key is on disk before the first upload attempt.
//! Before sending the application, the sender uploads every scan whose portal document id
//! the item does not know yet, through an injected [`ScanUploader`] (the core does not know
//! the vault), under that key, and seals the returned id into the item before doing anything
//! else. An upload that is not answered is retried like a send; a scan gone from the vault or
//! refused by the portal makes the item `needs_fix`, with a problem on `attachments/<kind>`.
//!
//! Times here are Unix milliseconds from an injected [`Clock`]; the backoff's randomness is
//! an injected [`Jitter`], so schedules test without sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use kabinet_api::{
    Application, ApplicationSubmission, DocumentKind, ErrorCode, FieldProblem, FieldProblemCode,
    Service,
};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::Error;
use crate::client::{PortalClient, SubmitOutcome};
use crate::retry::{Backoff, Jitter, OsJitter};
use crate::store::{AccountKey, DraftKind, LocalStore, random_hex};

/// The source of the current time, injected so that schedules test deterministically.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Where an item is on its way to the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent, now or after a backoff.
    Queued,
    /// Being sent, or its sender stopped mid-way; it is sent again under the same key.
    Sending,
    /// The portal created the application.
    Sent,
    /// The portal found problems; the person fixes the draft and submits it again.
    NeedsFix,
    /// The portal refused it for a reason no retry can change.
    Failed,
}

impl OutboxState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::NeedsFix => "needs_fix",
            Self::Failed => "failed",
        }
    }

    fn parse(value: &str) -> Result<Self, Error> {
        Ok(match value {
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "needs_fix" => Self::NeedsFix,
            "failed" => Self::Failed,
            other => return Err(Error::Storage(format!("unknown outbox state {other:?}"))),
        })
    }
}

/// The application an item became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentApplication {
    /// Its id at the portal.
    pub id: String,
    /// Its number, as the person quotes it.
    pub number: String,
}

/// What the portal said about an item, sealed in the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Outcome {
    application: Option<SentApplication>,
    problems: Vec<FieldProblem>,
    /// For `failed`: the portal's code or status, for the log and the UI.
    reason: Option<String>,
}

/// A document attached to a submission in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attachment {
    /// A document already at the portal, by its id there.
    Document(String),
    /// A scan in the person's vault, uploaded by the sender before the application goes.
    Scan {
        /// The scan's id in the vault.
        id: String,
        /// The service attachment it fills; the document is uploaded as this kind.
        kind: DocumentKind,
    },
}

/// A scan of a queued request, with its upload key and, once uploaded, its portal id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct QueuedScan {
    id: String,
    kind: DocumentKind,
    /// 128 random bits, made when the item is written and sent with every upload attempt.
    upload_key: String,
    /// The portal's id of the uploaded document, recorded before the application is sent.
    #[serde(default)]
    document_id: Option<String>,
}

/// The request of an item, sealed in the store. Items written before scans were queued hold
/// an `ApplicationSubmission`, which reads as a request without scans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct QueuedRequest {
    service_code: String,
    answers: Map<String, Value>,
    /// Documents attached as they are at the portal.
    #[serde(default)]
    document_ids: Vec<String>,
    /// Scans to upload first.
    #[serde(default)]
    scans: Vec<QueuedScan>,
}

impl QueuedRequest {
    /// The index of the first scan not uploaded yet.
    fn next_upload(&self) -> Option<usize> {
        self.scans.iter().position(|scan| scan.document_id.is_none())
    }

    /// The application to send: every document, the uploaded scans' after the others.
    /// `None` while a scan is still to upload.
    fn submission(&self) -> Option<ApplicationSubmission> {
        let mut document_ids = self.document_ids.clone();
        for scan in &self.scans {
            document_ids.push(scan.document_id.clone()?);
        }
        Some(ApplicationSubmission {
            service_code: self.service_code.clone(),
            answers: self.answers.clone(),
            document_ids,
        })
    }
}

/// A scan to upload for an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanUpload {
    /// The scan's id in the vault.
    pub scan_id: String,
    /// The kind to upload it as.
    pub kind: DocumentKind,
    /// The idempotency key of this scan's upload; the same on every attempt.
    pub key: String,
}

/// Why a scan could not be uploaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The scan is no longer in the vault.
    #[error("the scan is no longer in the vault")]
    NotInVault,
    /// The upload failed as the client reports it: offline and 5xx are retried, a 4xx
    /// refusal needs a fix, and a session that ended stops the round.
    #[error(transparent)]
    Portal(#[from] Error),
}

/// A future an uploader returns.
pub type UploadFuture<'a> = Pin<Box<dyn Future<Output = Result<String, UploadError>> + Send + 'a>>;

/// Uploads a vault scan to the portal for the outbox. The app implements it over its vault
/// and [`PortalClient::upload_document`]; the core knows no vault.
pub trait ScanUploader: Send + Sync {
    /// Uploads `scan` through `client` under `scan.key` and returns the portal's document id.
    /// A scan the portal already has (the vault knows its id) may return that id at once.
    ///
    /// # Errors
    /// [`UploadError::NotInVault`]; [`UploadError::Portal`] as the client answers.
    fn upload<'a>(&'a self, client: &'a PortalClient, scan: &'a ScanUpload) -> UploadFuture<'a>;
}

/// One submission in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    /// Its local id.
    pub id: String,
    /// The draft it came from.
    pub draft_id: String,
    /// The service applied for.
    pub service_code: String,
    /// Where it is.
    pub state: OutboxState,
    /// How many times it was sent.
    pub attempts: u32,
    /// When it is next due, in Unix milliseconds.
    pub due_at: i64,
    /// When it was enqueued, in Unix milliseconds.
    pub created_at: i64,
    /// The application, once sent.
    pub application: Option<SentApplication>,
    /// The portal's problems, when it needs a fix.
    pub problems: Vec<FieldProblem>,
    /// Why it failed, when it did.
    pub reason: Option<String>,
}

/// Why a draft could not be enqueued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// The answers have problems; every one is listed, by field.
    #[error("the application has {} problem(s)", .0.len())]
    Problems(Vec<FieldProblem>),
    /// No draft has this id (a template is not a draft: start a draft from it).
    #[error("no such draft")]
    NoDraft,
    /// The store or the account's key failed.
    #[error(transparent)]
    Store(#[from] Error),
}

/// What one round of [`Outbox::send_due`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Items the portal accepted.
    pub sent: usize,
    /// Items the portal found problems with.
    pub needs_fix: usize,
    /// Items refused for good.
    pub failed: usize,
    /// Items put back in the queue for later.
    pub deferred: usize,
    /// Whether the round stopped early because the portal could not be reached.
    pub offline: bool,
}

/// A point in sending an item, reported to an observer (the crash drill stops the process
/// at these points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The item is recorded as `sending` and the request is about to go.
    Claimed,
    /// The portal answered and the answer is not yet recorded.
    Answered,
}

type Observer = Arc<dyn Fn(Stage) + Send + Sync>;

/// What the answer to a send does to its item.
#[derive(Debug)]
enum Next {
    /// The application exists: record it, and the draft goes.
    Sent(Box<Application>),
    /// The portal's problems, for the person to fix.
    NeedsFix(Vec<FieldProblem>),
    /// A refusal no retry can change, with its code.
    Failed(String),
    /// Back to the queue for `after`; `unreachable` when the portal did not answer, which
    /// ends the round.
    Retry { after: Duration, unreachable: bool },
    /// The session is over: back to the queue, due at once, and the round ends with `Error`.
    Stop(Error),
}

/// Decides what an answer does to an item sent for the `attempts`th time.
fn next_step(
    answer: Result<SubmitOutcome, Error>,
    attempts: u32,
    backoff: &Backoff,
    jitter: &dyn Jitter,
) -> Next {
    match answer {
        Ok(SubmitOutcome::Created(application)) => Next::Sent(Box::new(application)),
        Ok(SubmitOutcome::NeedsFix(problems)) => Next::NeedsFix(problems),
        Ok(SubmitOutcome::InFlight) => Next::Retry { after: IN_FLIGHT_WAIT, unreachable: false },
        Ok(SubmitOutcome::KeyReused) => Next::Failed("idempotency_key_reused".to_owned()),
        Err(err @ (Error::SignedOut | Error::SessionLocked)) => Next::Stop(err),
        Err(Error::Portal { status, code, .. }) => Next::Failed(
            code.and_then(|c| serde_json::to_value(c).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("http_{status}")),
        ),
        // Offline, 5xx, 429 after the client's own retries, or an answer that did not read:
        // the request may or may not have been processed, and the key makes asking again safe.
        Err(_) => Next::Retry {
            after: backoff.delay(attempts.saturating_sub(1), jitter),
            unreachable: true,
        },
    }
}

/// The problem on `attachments/<kind>` for a scan that is gone from the vault (`refusal`
/// `None`) or that the portal refused with `refusal`.
fn upload_problem(
    kind: DocumentKind,
    service: Option<&Service>,
    refusal: Option<Option<ErrorCode>>,
) -> FieldProblem {
    let title = service
        .and_then(|s| s.attachments.iter().find(|a| a.kind == kind))
        .map_or_else(String::new, |a| format!(" для «{}»", a.title));
    let (code, message) = match refusal {
        None => (
            FieldProblemCode::MissingAttachment,
            format!("Скан{title} больше не хранится на этом компьютере — приложите его снова"),
        ),
        Some(Some(ErrorCode::DocumentTooLarge)) => (
            FieldProblemCode::AttachmentTooLarge,
            format!("Портал не принял скан{title}: файл слишком большой"),
        ),
        Some(_) => (
            FieldProblemCode::AttachmentFormat,
            format!("Портал не принял скан{title} — приложите другой файл"),
        ),
    };
    FieldProblem { field: format!("attachments/{}", kind.as_str()), code, message }
}

/// Decides what a failed upload of a scan of `kind` does to an item sent for the
/// `attempts`th time: a problem to fix when the scan is gone or refused (4xx), and otherwise
/// what a send that failed the same way would do.
fn upload_step(
    error: UploadError,
    kind: DocumentKind,
    service: Option<&Service>,
    attempts: u32,
    backoff: &Backoff,
    jitter: &dyn Jitter,
) -> Next {
    match error {
        UploadError::NotInVault => Next::NeedsFix(vec![upload_problem(kind, service, None)]),
        UploadError::Portal(Error::Portal {
            code: Some(ErrorCode::IdempotencyKeyInUse), ..
        }) => Next::Retry { after: IN_FLIGHT_WAIT, unreachable: false },
        UploadError::Portal(Error::Portal { status: 400..=499, code, .. }) => {
            Next::NeedsFix(vec![upload_problem(kind, service, Some(code))])
        }
        UploadError::Portal(err) => next_step(Err(err), attempts, backoff, jitter),
    }
}

/// The outbox of one account.
pub struct Outbox {
    store: Arc<LocalStore>,
    account: AccountKey,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    backoff: Backoff,
    observer: Option<Observer>,
    uploader: Option<Arc<dyn ScanUploader>>,
}

/// How long a portal that is still processing the same key is given before asking again.
const IN_FLIGHT_WAIT: Duration = Duration::from_secs(2);

impl Outbox {
    /// The outbox of `account` in `store`, with the system clock and randomness and a
    /// backoff from 5 seconds up to 15 minutes.
    pub fn new(store: Arc<LocalStore>, account: AccountKey) -> Self {
        Self {
            store,
            account,
            clock: Arc::new(SystemClock),
            jitter: Arc::new(OsJitter),
            backoff: Backoff { base: Duration::from_secs(5), cap: Duration::from_secs(15 * 60) },
            observer: None,
            uploader: None,
        }
    }

    /// Uploads the items' scans with `uploader`. Without one, an item with a scan still to
    /// upload stays queued.
    pub fn with_uploader(mut self, uploader: Arc<dyn ScanUploader>) -> Self {
        self.uploader = Some(uploader);
        self
    }

    /// Replaces the clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the backoff's randomness.
    pub fn with_jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// Replaces the backoff between sends of an item the portal did not answer.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Calls `observer` at each [`Stage`] of sending an item.
    pub fn on_stage(mut self, observer: impl Fn(Stage) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    fn now(&self) -> i64 {
        millis(self.clock.now())
    }

    fn context(&self, id: &str, part: &str) -> String {
        format!("outbox:{}:{}:{id}:{part}", self.account.portal, self.account.subject)
    }

    /// Enqueues draft `draft_id` with `attachments`, after checking its answers against the
    /// cached catalog's form. Each scan gets its upload key here, written with the item.
    /// Enqueuing a draft that is already queued or being sent returns that item instead of
    /// making another; an earlier item of the draft that needed a fix or failed is replaced.
    ///
    /// # Errors
    /// [`EnqueueError::Problems`] with every problem when the answers do not pass (an unknown
    /// service, or no cached catalog, is a problem of `service_code`);
    /// [`EnqueueError::NoDraft`]; [`EnqueueError::Store`] when the account is locked or the
    /// store fails.
    pub fn enqueue(
        &self,
        draft_id: &str,
        attachments: Vec<Attachment>,
    ) -> Result<OutboxItem, EnqueueError> {
        let key = self.store.key(&self.account).ok_or(Error::SignedOut)?;
        let draft = self.store.draft(&self.account, draft_id)?.ok_or(EnqueueError::NoDraft)?;
        if draft.kind == DraftKind::Template {
            // A template is kept for reuse; submitting it would delete it once sent.
            return Err(EnqueueError::NoDraft);
        }
        let content = draft.content;

        let now = self.clock.now();
        let catalog = self.store.cached_catalog(&self.account.portal)?;
        let service = catalog
            .as_ref()
            .and_then(|(catalog, _)| catalog.items.iter().find(|s| s.code == content.service_code));
        let Some(service) = service else {
            return Err(EnqueueError::Problems(vec![FieldProblem {
                field: "service_code".to_owned(),
                code: FieldProblemCode::UnknownService,
                message: "Услуга не найдена в каталоге; обновите каталог".to_owned(),
            }]));
        };
        let problems = kabinet_api::validate_answers(
            &service.form,
            &content.answers,
            kabinet_api::forms::portal_date(now),
        )
        .map_err(|err| Error::Internal(format!("the service's form is unusable: {err}")))?;
        if !problems.is_empty() {
            return Err(EnqueueError::Problems(problems));
        }

        let mut request = QueuedRequest {
            service_code: content.service_code,
            answers: content.answers,
            document_ids: Vec::new(),
            scans: Vec::new(),
        };
        for attachment in attachments {
            match attachment {
                Attachment::Document(id) => request.document_ids.push(id),
                Attachment::Scan { id, kind } => request.scans.push(QueuedScan {
                    id,
                    kind,
                    upload_key: random_hex(16)?,
                    document_id: None,
                }),
            }
        }
        let id = random_hex(16)?;
        let idempotency_key = random_hex(16)?;
        let sealed = LocalStore::seal_json(&key, &self.context(&id, "request"), &request)?;
        let now = millis(now);

        let mut conn = self.store.lock();
        let tx = conn.transaction().map_err(Error::from)?;
        let active: Option<String> = tx
            .query_row(
                "SELECT id FROM outbox WHERE portal = ?1 AND subject = ?2 AND draft_id = ?3
                   AND state IN ('queued', 'sending', 'sent')",
                params![self.account.portal, self.account.subject, draft_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::from)?;
        if let Some(active) = active {
            drop(tx);
            drop(conn);
            tracing::debug!(item = %active, "the draft is already in the outbox");
            return self.item(&active)?.ok_or(EnqueueError::NoDraft);
        }
        tx.execute(
            "DELETE FROM outbox WHERE portal = ?1 AND subject = ?2 AND draft_id = ?3",
            params![self.account.portal, self.account.subject, draft_id],
        )
        .map_err(Error::from)?;
        tx.execute(
            "INSERT INTO outbox (portal, subject, id, draft_id, idempotency_key, request, state,
                 attempts, due_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', 0, ?7, ?7, ?7)",
            params![
                self.account.portal,
                self.account.subject,
                id,
                draft_id,
                idempotency_key,
                sealed,
                now
            ],
        )
        .map_err(Error::from)?;
        tx.commit().map_err(Error::from)?;
        drop(conn);

        tracing::info!(item = %id, "application queued");
        self.item(&id)?.ok_or(EnqueueError::NoDraft)
    }

    /// Every item of the account, oldest first.
    ///
    /// # Errors
    /// [`Error::SignedOut`] when the account is locked; [`Error::Storage`].
    pub fn items(&self) -> Result<Vec<OutboxItem>, Error> {
        let ids: Vec<String> = {
            let conn = self.store.lock();
            let mut stmt = conn.prepare(
                "SELECT id FROM outbox WHERE portal = ?1 AND subject = ?2
                 ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map(params![self.account.portal, self.account.subject], |r| {
                r.get::<_, String>(0)
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut items = Vec::new();
        for id in ids {
            if let Some(item) = self.item(&id)? {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// One item, or `None` when there is none with this id or it does not open.
    ///
    /// # Errors
    /// [`Error::SignedOut`] when the account is locked; [`Error::Storage`].
    pub fn item(&self, id: &str) -> Result<Option<OutboxItem>, Error> {
        let key = self.store.key(&self.account).ok_or(Error::SignedOut)?;
        type Row = (String, Vec<u8>, String, u32, i64, i64, Option<Vec<u8>>);
        let row: Option<Row> = self
            .store
            .lock()
            .query_row(
                "SELECT draft_id, request, state, attempts, due_at, created_at, outcome
                 FROM outbox WHERE portal = ?1 AND subject = ?2 AND id = ?3",
                params![self.account.portal, self.account.subject, id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((draft_id, request, state, attempts, due_at, created_at, outcome)) = row else {
            return Ok(None);
        };
        let Some(request) =
            LocalStore::open_json::<QueuedRequest>(&key, &self.context(id, "request"), &request)
        else {
            return Ok(None);
        };
        let outcome: Outcome = outcome
            .and_then(|sealed| LocalStore::open_json(&key, &self.context(id, "outcome"), &sealed))
            .unwrap_or_default();
        Ok(Some(OutboxItem {
            id: id.to_owned(),
            draft_id,
            service_code: request.service_code,
            state: OutboxState::parse(&state)?,
            attempts,
            due_at,
            created_at,
            application: outcome.application,
            problems: outcome.problems,
            reason: outcome.reason,
        }))
    }

    /// The ids of the items to send now: every `sending` one (its sender stopped), and the
    /// `queued` ones that are due, oldest first.
    fn due(&self, now: i64) -> Result<Vec<String>, Error> {
        let conn = self.store.lock();
        let mut stmt = conn.prepare(
            "SELECT id FROM outbox WHERE portal = ?1 AND subject = ?2
               AND (state = 'sending' OR (state = 'queued' AND due_at <= ?3))
             ORDER BY created_at, id",
        )?;
        let rows = stmt
            .query_map(params![self.account.portal, self.account.subject, now], |r| {
                r.get::<_, String>(0)
            })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When the next queued item is due, in Unix milliseconds, if any is queued.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn next_due(&self) -> Result<Option<i64>, Error> {
        Ok(self.store.lock().query_row(
            "SELECT min(due_at) FROM outbox WHERE portal = ?1 AND subject = ?2
               AND state IN ('queued', 'sending')",
            params![self.account.portal, self.account.subject],
            |r| r.get(0),
        )?)
    }

    /// Sends every item that is due, one after another, and records each answer. A round
    /// stops at the first item the portal does not answer, since the others would not fare
    /// better; that item is due again after a backoff.
    ///
    /// # Errors
    /// [`Error::SignedOut`] or [`Error::SessionLocked`] when the session is over (the item
    /// stays queued, due now); [`Error::Storage`].
    pub async fn send_due(&self, client: &PortalClient) -> Result<SendReport, Error> {
        let mut report = SendReport::default();
        for id in self.due(self.now())? {
            if !self.send_one(client, &id, &mut report).await? {
                break;
            }
        }
        Ok(report)
    }

    /// Sends one item; returns whether the round should go on.
    async fn send_one(
        &self,
        client: &PortalClient,
        id: &str,
        report: &mut SendReport,
    ) -> Result<bool, Error> {
        let key = self.store.key(&self.account).ok_or(Error::SignedOut)?;

        // Claim: `sending` is committed before the request goes, so that a sender that dies
        // from here on leaves an item that is sent again under the same key.
        let claimed: Option<(String, Vec<u8>, u32)> = {
            let mut conn = self.store.lock();
            let tx = conn.transaction()?;
            let updated = tx.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?4
                 WHERE portal = ?1 AND subject = ?2 AND id = ?3
                   AND state IN ('queued', 'sending')",
                params![self.account.portal, self.account.subject, id, self.now()],
            )?;
            let row = if updated == 1 {
                tx.query_row(
                    "SELECT idempotency_key, request, attempts FROM outbox
                     WHERE portal = ?1 AND subject = ?2 AND id = ?3",
                    params![self.account.portal, self.account.subject, id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
            } else {
                None
            };
            tx.commit()?;
            row
        };
        let Some((idempotency_key, request, attempts)) = claimed else { return Ok(true) };
        let Some(mut request) =
            LocalStore::open_json::<QueuedRequest>(&key, &self.context(id, "request"), &request)
        else {
            let reason = "the queued request does not open with this key".to_owned();
            self.record(
                id,
                OutboxState::Failed,
                Outcome { reason: Some(reason), ..Outcome::default() },
                None,
            )?;
            report.failed += 1;
            return Ok(true);
        };
        self.observe(Stage::Claimed);

        // Scans first, one at a time; each id is sealed into the item before the next step,
        // so a sender that dies after an upload does not upload that scan again.
        while let Some(index) = request.next_upload() {
            let Some(uploader) = self.uploader.clone() else {
                tracing::warn!(item = %id, "a scan is still to upload and no uploader is set");
                let after = self.backoff.delay(attempts.saturating_sub(1), self.jitter.as_ref());
                return self.settle(
                    id,
                    Next::Retry { after, unreachable: false },
                    attempts,
                    report,
                );
            };
            let scan = &request.scans[index];
            let upload = ScanUpload {
                scan_id: scan.id.clone(),
                kind: scan.kind,
                key: scan.upload_key.clone(),
            };
            match uploader.upload(client, &upload).await {
                Ok(document_id) => {
                    tracing::info!(item = %id, document = %document_id, "a scan was uploaded");
                    request.scans[index].document_id = Some(document_id);
                    self.record_request(id, &request)?;
                }
                Err(err) => {
                    tracing::info!(item = %id, error = %err, "a scan did not upload");
                    let catalog = self.store.cached_catalog(&self.account.portal)?;
                    let service = catalog.as_ref().and_then(|(catalog, _)| {
                        catalog.items.iter().find(|s| s.code == request.service_code)
                    });
                    let next = upload_step(
                        err,
                        upload.kind,
                        service,
                        attempts,
                        &self.backoff,
                        self.jitter.as_ref(),
                    );
                    return self.settle(id, next, attempts, report);
                }
            }
        }
        let Some(submission) = request.submission() else {
            return Err(Error::Internal("a queued scan has no document id".to_owned()));
        };

        let answer = client.submit_application(&idempotency_key, &submission).await;
        self.observe(Stage::Answered);

        let next = next_step(answer, attempts, &self.backoff, self.jitter.as_ref());
        self.settle(id, next, attempts, report)
    }

    /// Records what `next` does to item `id`; returns whether the round should go on.
    fn settle(
        &self,
        id: &str,
        next: Next,
        attempts: u32,
        report: &mut SendReport,
    ) -> Result<bool, Error> {
        match next {
            Next::Sent(application) => {
                self.record_sent(id, &application)?;
                let application_id = &application.summary.id;
                tracing::info!(item = %id, application = %application_id, "application sent");
                report.sent += 1;
                Ok(true)
            }
            Next::NeedsFix(problems) => {
                tracing::info!(item = %id, problems = problems.len(), "the portal found problems");
                let outcome = Outcome { problems, ..Outcome::default() };
                self.record(id, OutboxState::NeedsFix, outcome, None)?;
                report.needs_fix += 1;
                Ok(true)
            }
            Next::Failed(reason) => {
                tracing::error!(item = %id, %reason, "the portal refused a submission for good");
                let outcome = Outcome { reason: Some(reason), ..Outcome::default() };
                self.record(id, OutboxState::Failed, outcome, None)?;
                report.failed += 1;
                Ok(true)
            }
            Next::Retry { after, unreachable } => {
                tracing::warn!(
                    item = %id,
                    attempts,
                    wait_ms = after.as_millis() as u64,
                    "a submission did not get through; it stays queued"
                );
                self.defer(id, self.now().saturating_add(after.as_millis() as i64))?;
                report.deferred += 1;
                report.offline |= unreachable;
                Ok(!unreachable)
            }
            Next::Stop(err) => {
                self.defer(id, self.now())?;
                Err(err)
            }
        }
    }

    /// Seals `request` into item `id` again, now knowing more of its scans' document ids.
    fn record_request(&self, id: &str, request: &QueuedRequest) -> Result<(), Error> {
        let key = self.store.key(&self.account).ok_or(Error::SignedOut)?;
        let sealed = LocalStore::seal_json(&key, &self.context(id, "request"), request)?;
        self.store.lock().execute(
            "UPDATE outbox SET request = ?4, updated_at = ?5
             WHERE portal = ?1 AND subject = ?2 AND id = ?3",
            params![self.account.portal, self.account.subject, id, sealed, self.now()],
        )?;
        Ok(())
    }

    fn observe(&self, stage: Stage) {
        if let Some(observer) = &self.observer {
            observer(stage);
        }
    }

    /// Puts an item back in the queue, due at `due_at`.
    fn defer(&self, id: &str, due_at: i64) -> Result<(), Error> {
        self.store.lock().execute(
            "UPDATE outbox SET state = 'queued', due_at = ?4, updated_at = ?5
             WHERE portal = ?1 AND subject = ?2 AND id = ?3 AND state = 'sending'",
            params![self.account.portal, self.account.subject, id, due_at, self.now()],
        )?;
        Ok(())
    }

    /// Records a final state with its sealed outcome; with `draft_id`, deletes that draft in
    /// the same transaction.
    fn record(
        &self,
        id: &str,
        state: OutboxState,
        outcome: Outcome,
        draft_id: Option<&str>,
    ) -> Result<(), Error> {
        let key = self.store.key(&self.account).ok_or(Error::SignedOut)?;
        let sealed = LocalStore::seal_json(&key, &self.context(id, "outcome"), &outcome)?;
        let application_id = outcome.application.as_ref().map(|a| a.id.clone());

        let mut conn = self.store.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE outbox SET state = ?4, outcome = ?5, application_id = ?6, updated_at = ?7
             WHERE portal = ?1 AND subject = ?2 AND id = ?3",
            params![
                self.account.portal,
                self.account.subject,
                id,
                state.as_str(),
                sealed,
                application_id,
                self.now()
            ],
        )?;
        if let Some(draft_id) = draft_id {
            tx.execute(
                "DELETE FROM drafts WHERE portal = ?1 AND subject = ?2 AND id = ?3",
                params![self.account.portal, self.account.subject, draft_id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records that an item became `application`, and removes its draft with it.
    fn record_sent(&self, id: &str, application: &Application) -> Result<(), Error> {
        let draft_id: String = self.store.lock().query_row(
            "SELECT draft_id FROM outbox WHERE portal = ?1 AND subject = ?2 AND id = ?3",
            params![self.account.portal, self.account.subject, id],
            |r| r.get(0),
        )?;
        let sent = SentApplication {
            id: application.summary.id.clone(),
            number: application.summary.number.clone(),
        };
        let outcome = Outcome { application: Some(sent), ..Outcome::default() };
        self.record(id, OutboxState::Sent, outcome, Some(&draft_id))?;

        // The cache only saves a fetch; the item is recorded, which is what matters.
        if let Err(err) = self.store.cache_application(&self.account, application) {
            tracing::warn!(item = %id, error = %err, "could not cache a sent application");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use kabinet_api::ServiceCatalog;
    use kabinet_seal::DataKey;
    use serde_json::json;

    use super::*;
    use crate::retry::FixedJitter;
    use crate::store::{Draft, DraftContent};

    struct TestClock(Mutex<OffsetDateTime>);

    impl Clock for TestClock {
        fn now(&self) -> OffsetDateTime {
            *self.0.lock().unwrap()
        }
    }

    fn account() -> AccountKey {
        AccountKey { portal: "sandbox".into(), subject: "1000001".into() }
    }

    fn catalog() -> ServiceCatalog {
        serde_json::from_value(json!({ "items": [{
            "code": "note",
            "title": "Заявление",
            "department": "Отдел",
            "description": "Пример",
            "fee_kopecks": 0,
            "processing_days": 1,
            "form": {
                "type": "object",
                "title": "Заявление",
                "properties": {
                    "text": {
                        "type": "string", "title": "Текст", "description": "", "minLength": 2
                    }
                },
                "required": ["text"],
                "x-order": ["text"],
                "additionalProperties": false
            },
            "attachments": []
        }]}))
        .unwrap()
    }

    fn outbox() -> (Outbox, Arc<TestClock>) {
        let store = Arc::new(LocalStore::open_in_memory().unwrap());
        store.unlock(&account(), Arc::new(DataKey::from_bytes([4; 32])));
        store.cache_catalog("sandbox", &catalog(), None, 0).unwrap();
        let start = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let clock = Arc::new(TestClock(Mutex::new(start)));
        let outbox = Outbox::new(store, account())
            .with_clock(clock.clone())
            .with_jitter(Arc::new(FixedJitter(0.5)))
            .with_backoff(Backoff { base: Duration::from_secs(4), cap: Duration::from_secs(60) });
        (outbox, clock)
    }

    fn draft(outbox: &Outbox, text: &str) -> String {
        let answers = json!({ "text": text }).as_object().unwrap().clone();
        let content =
            DraftContent { service_code: "note".into(), answers, scan_ids: vec![], name: None };
        let draft = Draft::new(DraftKind::Draft, content, 0).unwrap();
        outbox.store.save_draft(&account(), &draft).unwrap();
        draft.id
    }

    fn claim(outbox: &Outbox, id: &str) {
        outbox
            .store
            .lock()
            .execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1",
                [id],
            )
            .unwrap();
    }

    fn raw_key(outbox: &Outbox, id: &str) -> String {
        outbox
            .store
            .lock()
            .query_row("SELECT idempotency_key FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_draft_with_problems_is_refused_with_all_of_them_and_nothing_is_queued() {
        let (outbox, _) = outbox();
        let id = draft(&outbox, "");

        match outbox.enqueue(&id, vec![]) {
            Err(EnqueueError::Problems(problems)) => {
                assert_eq!(problems.len(), 1, "{problems:?}");
                assert_eq!(problems[0].field, "text");
            }
            other => panic!("a blank required answer is a problem: {other:?}"),
        }
        assert!(outbox.items().unwrap().is_empty(), "nothing is queued for a refused draft");
    }

    #[test]
    fn a_template_is_not_submitted_itself() {
        let (outbox, _) = outbox();
        let id = draft(&outbox, "Заявление");
        let template = outbox.store.draft(&account(), &id).unwrap().unwrap();
        let template = template.to_template("Шаблон", 1).unwrap();
        outbox.store.save_draft(&account(), &template).unwrap();

        assert!(matches!(outbox.enqueue(&template.id, vec![]), Err(EnqueueError::NoDraft)));
        assert!(outbox.items().unwrap().is_empty());
    }

    #[test]
    fn an_unknown_service_is_a_problem_of_its_code() {
        let (outbox, _) = outbox();
        let answers = json!({}).as_object().unwrap().clone();
        let content =
            DraftContent { service_code: "nope".into(), answers, scan_ids: vec![], name: None };
        let draft = Draft::new(DraftKind::Draft, content, 0).unwrap();
        outbox.store.save_draft(&account(), &draft).unwrap();

        let Err(EnqueueError::Problems(problems)) = outbox.enqueue(&draft.id, vec![]) else {
            panic!("an unknown service cannot be queued");
        };
        assert_eq!(problems[0].code, FieldProblemCode::UnknownService);
    }

    #[test]
    fn a_queued_item_has_a_fresh_128_bit_key_and_a_sealed_request() {
        let (outbox, clock) = outbox();
        let first = outbox.enqueue(&draft(&outbox, "Первое заявление"), vec![]).unwrap();
        let second = outbox.enqueue(&draft(&outbox, "Второе заявление"), vec![]).unwrap();

        assert_eq!(first.state, OutboxState::Queued);
        assert_eq!(first.due_at, millis(*clock.0.lock().unwrap()), "due at once");
        let (a, b) = (raw_key(&outbox, &first.id), raw_key(&outbox, &second.id));
        assert_eq!(a.len(), 32, "16 random bytes in hex: 128 bits");
        assert_ne!(a, b, "every item has a key of its own");
        let sealed: Vec<u8> = outbox
            .store
            .lock()
            .query_row("SELECT request FROM outbox WHERE id = ?1", [&first.id], |r| r.get(0))
            .unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("Первое"), "the request is sealed");
    }

    #[test]
    fn enqueuing_a_draft_twice_keeps_one_item_and_one_key() {
        let (outbox, _) = outbox();
        let id = draft(&outbox, "Заявление");

        let first = outbox.enqueue(&id, vec![]).unwrap();
        let key = raw_key(&outbox, &first.id);
        claim(&outbox, &first.id);
        let again = outbox.enqueue(&id, vec![]).unwrap();

        assert_eq!(again.id, first.id, "a double submit is the same item");
        assert_eq!(raw_key(&outbox, &again.id), key, "under the same key");
        assert_eq!(outbox.items().unwrap().len(), 1);
    }

    #[test]
    fn a_stopped_sender_leaves_an_item_that_is_due_again_at_once() {
        let (outbox, clock) = outbox();
        let item = outbox.enqueue(&draft(&outbox, "Заявление"), vec![]).unwrap();
        claim(&outbox, &item.id);
        *clock.0.lock().unwrap() -= time::Duration::hours(1);

        assert_eq!(
            outbox.due(outbox.now()).unwrap(),
            vec![item.id.clone()],
            "an item left `sending` is sent again whenever the outbox runs, whatever its due time"
        );
    }

    #[test]
    fn a_transient_failure_puts_the_item_back_after_a_jittered_backoff() {
        let (outbox, clock) = outbox();
        let item = outbox.enqueue(&draft(&outbox, "Заявление"), vec![]).unwrap();
        let start = outbox.now();

        claim(&outbox, &item.id);
        claim(&outbox, &item.id);
        claim(&outbox, &item.id);
        let attempts = outbox.item(&item.id).unwrap().unwrap().attempts;
        let wait = outbox.backoff.delay(attempts - 1, outbox.jitter.as_ref());
        outbox.defer(&item.id, start + wait.as_millis() as i64).unwrap();

        assert_eq!(wait, Duration::from_secs(8), "half of min(60 s, 4 s · 2²) with jitter 0.5");
        let queued = outbox.item(&item.id).unwrap().unwrap();
        assert_eq!((queued.state, queued.due_at), (OutboxState::Queued, start + 8_000));
        assert!(outbox.due(outbox.now()).unwrap().is_empty(), "not due before its time");
        *clock.0.lock().unwrap() += time::Duration::seconds(8);
        assert_eq!(outbox.due(outbox.now()).unwrap(), vec![item.id], "due when its time comes");
    }

    #[test]
    fn sent_removes_the_draft_and_needs_fix_keeps_it() {
        let (outbox, _) = outbox();
        let kept = draft(&outbox, "Заявление");
        let gone = draft(&outbox, "Другое");
        let fix = outbox.enqueue(&kept, vec![]).unwrap();
        let sent = outbox.enqueue(&gone, vec![]).unwrap();
        let problem = FieldProblem {
            field: "text".into(),
            code: FieldProblemCode::TooShort,
            message: "Слишком коротко".into(),
        };

        let outcome = Outcome { problems: vec![problem.clone()], ..Outcome::default() };
        outbox.record(&fix.id, OutboxState::NeedsFix, outcome, None).unwrap();
        let application = SentApplication { id: "7".into(), number: "3014567807".into() };
        let outcome = Outcome { application: Some(application.clone()), ..Outcome::default() };
        outbox.record(&sent.id, OutboxState::Sent, outcome, Some(&gone)).unwrap();

        let fix = outbox.item(&fix.id).unwrap().unwrap();
        assert_eq!((fix.state, fix.problems), (OutboxState::NeedsFix, vec![problem]));
        assert!(outbox.store.draft(&account(), &kept).unwrap().is_some(), "the person fixes it");
        let sent = outbox.item(&sent.id).unwrap().unwrap();
        assert_eq!((sent.state, sent.application), (OutboxState::Sent, Some(application)));
        assert!(outbox.store.draft(&account(), &gone).unwrap().is_none(), "a sent draft goes");

        let again = outbox.enqueue(&kept, vec![]).unwrap();
        assert_ne!(again.id, fix.id, "a fixed draft is a new request");
        assert_eq!(outbox.items().unwrap().len(), 2, "which replaces the item that needed a fix");
    }

    #[test]
    fn each_answer_leads_to_its_state() {
        let backoff = Backoff { base: Duration::from_secs(4), cap: Duration::from_secs(60) };
        let jitter = FixedJitter(0.5);
        let next = |answer| next_step(answer, 1, &backoff, &jitter);

        assert!(matches!(next(Ok(SubmitOutcome::NeedsFix(vec![]))), Next::NeedsFix(_)));
        assert!(
            matches!(
                next(Ok(SubmitOutcome::InFlight)),
                Next::Retry { after: IN_FLIGHT_WAIT, unreachable: false }
            ),
            "a key in use is asked again shortly, and the round goes on"
        );
        assert!(
            matches!(
                next(Ok(SubmitOutcome::KeyReused)),
                Next::Failed(r) if r == "idempotency_key_reused"
            ),
            "resending under a reused key can never succeed"
        );
        let refused = Err(Error::Portal {
            status: 400,
            code: Some(kabinet_api::ErrorCode::InvalidRequest),
            message: "bad".into(),
        });
        assert!(matches!(next(refused), Next::Failed(r) if r == "invalid_request"));
        let bare = Err(Error::Portal { status: 403, code: None, message: "no".into() });
        assert!(matches!(next(bare), Next::Failed(r) if r == "http_403"));
        assert!(
            matches!(next(Err(Error::SignedOut)), Next::Stop(Error::SignedOut)),
            "no session: stop, and send later under the same key"
        );
        assert!(matches!(
            next(Err(Error::Offline("down".into()))),
            Next::Retry { unreachable: true, .. }
        ));
    }

    #[test]
    fn unanswered_sends_back_off_with_full_jitter_up_to_the_cap() {
        let backoff = Backoff { base: Duration::from_secs(4), cap: Duration::from_secs(60) };
        let wait = |attempts, unit| match next_step(
            Err(Error::Offline("down".into())),
            attempts,
            &backoff,
            &FixedJitter(unit),
        ) {
            Next::Retry { after, .. } => after,
            other => panic!("offline is retried: {other:?}"),
        };

        assert_eq!(wait(1, 0.5), Duration::from_secs(2), "first: half of 4 s");
        assert_eq!(wait(2, 0.5), Duration::from_secs(4), "second: half of 8 s");
        assert_eq!(wait(10, 0.5), Duration::from_secs(30), "capped at 60 s");
        assert_eq!(wait(3, 0.0), Duration::ZERO, "full jitter reaches down to nothing");
    }

    fn scan(id: &str, document_id: Option<&str>) -> QueuedScan {
        QueuedScan {
            id: id.to_owned(),
            kind: DocumentKind::Passport,
            upload_key: format!("key-{id}"),
            document_id: document_id.map(str::to_owned),
        }
    }

    #[test]
    fn a_request_goes_only_once_every_scan_has_its_document_id() {
        let mut request = QueuedRequest {
            service_code: "note".into(),
            answers: Map::new(),
            document_ids: vec!["10".into()],
            scans: vec![scan("a", Some("11")), scan("b", None)],
        };
        assert_eq!(request.next_upload(), Some(1), "the first scan without an id is next");
        assert!(request.submission().is_none(), "no application names a missing document");

        request.scans[1].document_id = Some("12".into());
        assert_eq!(request.next_upload(), None);
        let submission = request.submission().unwrap();
        assert_eq!(submission.document_ids, ["10", "11", "12"], "every document, scans last");
    }

    #[test]
    fn an_item_queued_before_scans_existed_still_opens() {
        let legacy = ApplicationSubmission {
            service_code: "note".into(),
            answers: Map::new(),
            document_ids: vec!["7".into()],
        };
        let read: QueuedRequest =
            serde_json::from_value(serde_json::to_value(&legacy).unwrap()).unwrap();
        assert_eq!(read.submission(), Some(legacy), "an old sealed request sends as it was");
    }

    #[test]
    fn each_queued_scan_has_its_own_sealed_upload_key() {
        let (outbox, _) = outbox();
        let id = draft(&outbox, "Заявление");
        let attachments = vec![
            Attachment::Document("5".into()),
            Attachment::Scan { id: "scan-a".into(), kind: DocumentKind::Passport },
            Attachment::Scan { id: "scan-b".into(), kind: DocumentKind::Snils },
        ];
        let item = outbox.enqueue(&id, attachments).unwrap();

        let key = outbox.store.key(&account()).unwrap();
        let sealed: Vec<u8> = outbox
            .store
            .lock()
            .query_row("SELECT request FROM outbox WHERE id = ?1", [&item.id], |r| r.get(0))
            .unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("scan-a"), "the scans are sealed");
        let request: QueuedRequest =
            LocalStore::open_json(&key, &outbox.context(&item.id, "request"), &sealed).unwrap();
        assert_eq!(request.document_ids, ["5"]);
        let keys: Vec<&str> = request.scans.iter().map(|s| s.upload_key.as_str()).collect();
        assert_eq!(keys.len(), 2);
        assert!(keys.iter().all(|k| k.len() == 32), "128 random bits each: {keys:?}");
        assert_ne!(keys[0], keys[1], "one key per scan");
        assert_ne!(keys[0], raw_key(&outbox, &item.id), "and none is the application's");
        assert!(request.scans.iter().all(|s| s.document_id.is_none()), "nothing uploaded yet");
    }

    #[test]
    fn an_uploaded_scans_id_is_sealed_into_its_item() {
        let (outbox, _) = outbox();
        let id = draft(&outbox, "Заявление");
        let scan = Attachment::Scan { id: "scan-a".into(), kind: DocumentKind::Passport };
        let item = outbox.enqueue(&id, vec![scan]).unwrap();
        let key = outbox.store.key(&account()).unwrap();
        let read = || {
            let sealed: Vec<u8> = outbox
                .store
                .lock()
                .query_row("SELECT request FROM outbox WHERE id = ?1", [&item.id], |r| r.get(0))
                .unwrap();
            LocalStore::open_json::<QueuedRequest>(
                &key,
                &outbox.context(&item.id, "request"),
                &sealed,
            )
            .unwrap()
        };

        let mut request = read();
        let upload_key = request.scans[0].upload_key.clone();
        request.scans[0].document_id = Some("42".into());
        outbox.record_request(&item.id, &request).unwrap();

        let again = read();
        assert_eq!(again.scans[0].document_id.as_deref(), Some("42"), "the id is on disk");
        assert_eq!(again.scans[0].upload_key, upload_key, "the upload key never changes");
        assert_eq!(again.submission().unwrap().document_ids, ["42"]);
    }

    #[test]
    fn each_upload_failure_leads_to_its_state() {
        let backoff = Backoff { base: Duration::from_secs(4), cap: Duration::from_secs(60) };
        let jitter = FixedJitter(0.5);
        let catalog = catalog();
        let mut service = catalog.items[0].clone();
        service.attachments = serde_json::from_value(json!([{
            "kind": "passport",
            "title": "Паспорт",
            "description": "",
            "formats": ["application/pdf"],
            "max_size": 1_000_000,
            "required": true
        }]))
        .unwrap();
        let step = |error| {
            upload_step(error, DocumentKind::Passport, Some(&service), 1, &backoff, &jitter)
        };
        let refused = |status, code| {
            UploadError::Portal(Error::Portal { status, code, message: "no".into() })
        };

        let Next::NeedsFix(gone) = step(UploadError::NotInVault) else {
            panic!("a scan gone from the vault is for the person to attach again");
        };
        assert_eq!(gone[0].field, "attachments/passport", "named by the attachment it fills");
        assert_eq!(gone[0].code, FieldProblemCode::MissingAttachment);
        assert!(gone[0].message.contains("«Паспорт»"), "in Russian, by title: {}", gone[0].message);

        let Next::NeedsFix(large) = step(refused(413, Some(ErrorCode::DocumentTooLarge))) else {
            panic!("a refusal is for the person to fix");
        };
        assert_eq!(large[0].code, FieldProblemCode::AttachmentTooLarge);
        let Next::NeedsFix(format) = step(refused(415, Some(ErrorCode::UnsupportedDocument)))
        else {
            panic!("a refusal is for the person to fix");
        };
        assert_eq!(format[0].code, FieldProblemCode::AttachmentFormat);

        assert!(
            matches!(
                step(refused(409, Some(ErrorCode::IdempotencyKeyInUse))),
                Next::Retry { after: IN_FLIGHT_WAIT, unreachable: false }
            ),
            "an upload still in flight under the key is asked again shortly"
        );
        assert!(
            matches!(
                step(UploadError::Portal(Error::Offline("down".into()))),
                Next::Retry { after, unreachable: true } if after == Duration::from_secs(2)
            ),
            "offline and 5xx back off like a send"
        );
        assert!(matches!(step(UploadError::Portal(Error::SignedOut)), Next::Stop(_)));
    }
}
