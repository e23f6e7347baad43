//! Applications as the window sees them: the service catalog with each service's form, drafts
//! and templates, the problems local checks and the portal find, and the outbox of
//! submissions on their way to the portal.
//!
//! A draft's answers cross IPC because the window renders and edits them; nothing else here
//! carries them. Outbox items and their event say which service and which number, never what
//! the person wrote.

use kabinet_api::{FieldProblem, FieldProblemCode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::vault::{DocumentKindCode, MediaKind};

/// The name of the event sent when the outbox changed; payload [`OutboxView`].
pub const EVENT_OUTBOX_CHANGED: &str = "kabinet://outbox-changed";

/// A document a service asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AttachmentView {
    /// What it must show.
    pub kind: DocumentKindCode,
    /// Its name, in Russian.
    pub title: String,
    /// What it is, in Russian.
    pub description: String,
    /// The types accepted.
    pub formats: Vec<MediaKind>,
    /// The largest file accepted, in bytes.
    #[ts(type = "number")]
    pub max_size: u64,
    /// Whether the application cannot go without it.
    pub required: bool,
}

/// A service one can apply for.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ServiceView {
    /// Its code.
    pub code: String,
    /// Its title, in Russian.
    pub title: String,
    /// The department that provides it.
    pub department: String,
    /// What it is, in Russian.
    pub description: String,
    /// The state fee, in kopecks (0 when free).
    #[ts(type = "number")]
    pub fee_kopecks: u64,
    /// How many working days it usually takes.
    pub processing_days: u32,
    /// The form, as a JSON Schema with Russian labels and hints, for the window to render.
    #[ts(type = "Record<string, unknown>")]
    pub form: Value,
    /// The documents it asks for.
    pub attachments: Vec<AttachmentView>,
}

/// The service catalog.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CatalogView {
    /// The services, in the portal's order.
    pub services: Vec<ServiceView>,
    /// Whether the catalog was just confirmed by the portal; false when it comes from the
    /// local cache because the portal could not be reached.
    pub online: bool,
}

/// A saved form: a draft, or a template when it has a name.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DraftView {
    /// Its local id.
    pub id: String,
    /// The service the form is for.
    pub service_code: String,
    /// The answers so far, by the form's property names.
    #[ts(type = "Record<string, unknown>")]
    pub answers: Map<String, Value>,
    /// The vault scans attached.
    pub scan_ids: Vec<String>,
    /// A template's name; `None` for a draft.
    pub name: Option<String>,
    /// When it was last saved, RFC 3339.
    pub updated_at: String,
}

/// What the window saves as the person types.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
pub struct DraftInput {
    /// The draft to replace; `None` starts a new one.
    pub id: Option<String>,
    /// The service the form is for.
    pub service_code: String,
    /// The answers so far.
    #[ts(type = "Record<string, unknown>")]
    pub answers: Map<String, Value>,
    /// The vault scans attached.
    pub scan_ids: Vec<String>,
}

/// What is wrong with an answer, as a stable code; the window shows its own words or the
/// message that comes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// A required answer is missing.
    Required,
    /// The answer is of the wrong type.
    WrongType,
    /// The answer does not have the expected shape.
    InvalidFormat,
    /// A SNILS or INN whose check digits do not match.
    InvalidChecksum,
    /// A date the calendar does not have, or out of range.
    InvalidDate,
    /// A date after today where today or earlier is asked for.
    DateInFuture,
    /// A date before today where today or later is asked for.
    DateInPast,
    /// Too short.
    TooShort,
    /// Too long.
    TooLong,
    /// A number out of range.
    OutOfRange,
    /// Not one of the options.
    NotAnOption,
    /// An answer the form does not ask for.
    UnknownField,
    /// The service is not in the catalog.
    UnknownService,
    /// An attached document the portal does not have.
    UnknownDocument,
    /// An attached document of a kind the service does not ask for.
    UnexpectedAttachment,
    /// An attached document in a format the service does not accept.
    AttachmentFormat,
    /// An attached document too large for the service.
    AttachmentTooLarge,
    /// A document the service requires is not attached.
    MissingAttachment,
    /// A problem this version of the app does not know; the message says what.
    Other,
}

impl From<FieldProblemCode> for ProblemCode {
    fn from(code: FieldProblemCode) -> Self {
        match code {
            FieldProblemCode::Required => Self::Required,
            FieldProblemCode::WrongType => Self::WrongType,
            FieldProblemCode::InvalidFormat => Self::InvalidFormat,
            FieldProblemCode::InvalidChecksum => Self::InvalidChecksum,
            FieldProblemCode::InvalidDate => Self::InvalidDate,
            FieldProblemCode::DateInFuture => Self::DateInFuture,
            FieldProblemCode::DateInPast => Self::DateInPast,
            FieldProblemCode::TooShort => Self::TooShort,
            FieldProblemCode::TooLong => Self::TooLong,
            FieldProblemCode::OutOfRange => Self::OutOfRange,
            FieldProblemCode::NotAnOption => Self::NotAnOption,
            FieldProblemCode::UnknownField => Self::UnknownField,
            FieldProblemCode::UnknownService => Self::UnknownService,
            FieldProblemCode::UnknownDocument => Self::UnknownDocument,
            FieldProblemCode::UnexpectedAttachment => Self::UnexpectedAttachment,
            FieldProblemCode::AttachmentFormat => Self::AttachmentFormat,
            FieldProblemCode::AttachmentTooLarge => Self::AttachmentTooLarge,
            FieldProblemCode::MissingAttachment => Self::MissingAttachment,
            _ => Self::Other,
        }
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldProblemView {
    /// The form's property name, `service_code`, `document_ids/<index>` or
    /// `attachments/<kind>`.
    pub field: String,
    /// What is wrong.
    pub code: ProblemCode,
    /// What is wrong, in Russian, ready to show beside the field.
    pub message: String,
}

impl From<&FieldProblem> for FieldProblemView {
    fn from(problem: &FieldProblem) -> Self {
        Self {
            field: problem.field.clone(),
            code: problem.code.into(),
            message: problem.message.clone(),
        }
    }
}

/// Where a submission stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OutboxStateView {
    /// Waiting to be sent.
    Queued,
    /// Being sent.
    Sending,
    /// The portal created the application.
    Sent {
        /// Its number, as the person quotes it.
        number: String,
        /// Its id, to open it.
        application_id: String,
    },
    /// The portal found problems; fix the draft and submit it again.
    NeedsFix {
        /// Every problem, by field.
        problems: Vec<FieldProblemView>,
    },
    /// Refused for a reason no retry can change.
    Failed {
        /// The portal's code, for "Details".
        reason: String,
    },
}

/// One submission in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OutboxItemView {
    /// Its local id.
    pub id: String,
    /// The draft it came from (kept until the portal accepts it).
    pub draft_id: String,
    /// The service applied for.
    pub service_code: String,
    /// The service's title, from the cached catalog (the code when it is not there).
    pub service_title: String,
    /// Where it stands.
    pub state: OutboxStateView,
    /// How many times it was sent.
    pub attempts: u32,
    /// When it is sent next, RFC 3339, while it is queued.
    pub next_attempt_at: Option<String>,
    /// When it was submitted, RFC 3339.
    pub created_at: String,
}

/// The outbox, oldest submission first; payload of [`EVENT_OUTBOX_CHANGED`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OutboxView {
    /// The submissions.
    pub items: Vec<OutboxItemView>,
}

/// What submitting a draft did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SubmitView {
    /// It is in the outbox (or already was).
    Queued {
        /// The outbox item.
        item: OutboxItemView,
    },
    /// The local checks found problems; nothing was queued.
    Problems {
        /// Every problem, by field.
        problems: Vec<FieldProblemView>,
    },
}
