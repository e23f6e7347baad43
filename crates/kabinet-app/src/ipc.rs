//! Everything that crosses the IPC boundary to the webview. TypeScript declarations are
//! generated from these types into `ui/src/lib/backend/types.ts`; a test fails when they
//! drift. Nothing here carries a token, a key or an unmasked document number.

pub mod forms;
pub mod outcomes;
pub mod vault;

use kabinet_api::{Application, ApplicationStatus, ApplicationSummary, JournalEntry, Profile};
use serde::Serialize;
use ts_rs::TS;

use self::forms::{
    AttachmentView, CatalogView, DraftInput, DraftView, EVENT_OUTBOX_CHANGED, FieldProblemView,
    OutboxItemView, OutboxStateView, OutboxView, ProblemCode, ServiceView, SubmitView,
};
use self::outcomes::{
    ClarificationView, DecisionView, RequestedAnswerView, RequestedDocumentView, SavedResultView,
};
use self::vault::{
    DocumentKindCode, EVENT_UPLOAD_PROGRESS, EVENT_VAULT_CHANGED, EVENT_VAULT_IMPORTED, ExportView,
    ImportOutcome, ImportReport, MediaKind, NormalisedView, PortalDocumentView, RefusalCode,
    RefusalView, ScanView, UploadProgressEvent, UploadedView, VaultState, VaultView,
};

/// The name of the event sent when the account's data changed; payload [`ChangedEvent`].
pub const EVENT_CHANGED: &str = "kabinet://changed";
/// The name of the event sent when the connection state changed; payload [`SyncView`].
pub const EVENT_SYNC: &str = "kabinet://sync";
/// The name of the event that asks the UI to open an application; payload [`OpenApplicationEvent`].
pub const EVENT_OPEN_APPLICATION: &str = "kabinet://open-application";
/// The name of the event sent when the session changed; payload [`SessionView`].
pub const EVENT_SESSION: &str = "kabinet://session";

/// A stable error code; the UI branches on it and shows its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not signed in.
    SignedOut,
    /// Locked after inactivity.
    SessionLocked,
    /// The portal cannot be reached.
    Offline,
    /// The portal refused.
    Portal,
    /// The settings are wrong.
    InvalidProfile,
    /// The sign-in was cancelled or timed out.
    SignInCancelled,
    /// The sign-in failed.
    SignInFailed,
    /// The keychain failed.
    Keychain,
    /// The local database failed.
    Storage,
    /// Not found.
    NotFound,
    /// The document vault's key is gone or changed; the vault must be reset first.
    VaultLocked,
    /// The input was refused (a name, a file, a request the portal turned down).
    Invalid,
    /// Something else.
    Internal,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    /// What kind of error.
    pub code: ErrorCode,
    /// A technical detail in English, for the log and a "details" line; never shown instead
    /// of the UI's own message.
    pub message: String,
}

impl From<kabinet_core::Error> for CommandError {
    fn from(err: kabinet_core::Error) -> Self {
        use kabinet_core::ErrorCode as Core;
        let code = match err.code() {
            Core::SignedOut => ErrorCode::SignedOut,
            Core::SessionLocked => ErrorCode::SessionLocked,
            Core::Offline => ErrorCode::Offline,
            Core::Portal => ErrorCode::Portal,
            Core::InvalidProfile => ErrorCode::InvalidProfile,
            Core::SignInCancelled => ErrorCode::SignInCancelled,
            Core::SignInFailed => ErrorCode::SignInFailed,
            Core::Keychain => ErrorCode::Keychain,
            Core::Storage => ErrorCode::Storage,
            Core::NotFound => ErrorCode::NotFound,
            _ => ErrorCode::Internal,
        };
        Self { code, message: err.to_string() }
    }
}

/// Where the session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Nobody is signed in.
    SignedOut,
    /// The browser is open for signing in.
    SigningIn,
    /// Signed in.
    SignedIn,
    /// Locked after inactivity; sign in again.
    Locked,
}

/// The portal the app talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PortalView {
    /// Profile id.
    pub id: String,
    /// Issuer URL.
    pub issuer: String,
    /// Whether it is the built-in demo sandbox.
    pub demo: bool,
}

/// Whether the OS keychain works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeychainView {
    /// The session survives restarts.
    pub available: bool,
    /// Why not, when it does not.
    pub reason: Option<String>,
}

/// The person, as the UI may show them: document numbers masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PersonView {
    /// Last, first and middle name.
    pub full_name: Option<String>,
    /// The portal's person id.
    pub oid: String,
    /// `citizen` or `entrepreneur`.
    pub kind: String,
    /// SNILS, masked.
    pub snils: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

impl PersonView {
    /// The view of a profile; document numbers are masked here whatever the input.
    pub fn from_profile(profile: &Profile) -> Self {
        Self {
            full_name: profile.full_name.as_ref().map(|name| {
                [
                    Some(name.last_name.as_str()),
                    Some(name.first_name.as_str()),
                    name.middle_name.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            }),
            oid: profile.oid.to_string(),
            kind: match profile.kind {
                kabinet_api::AccountKind::Citizen => "citizen".to_owned(),
                kabinet_api::AccountKind::Entrepreneur => "entrepreneur".to_owned(),
            },
            snils: profile.snils.as_ref().map(|snils| snils.masked()),
            email: profile.contacts.as_ref().and_then(|c| c.email.clone()),
            phone: profile.contacts.as_ref().and_then(|c| c.phone.clone()),
        }
    }
}

/// The session as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SessionView {
    /// Signed in or not.
    pub status: SessionStatus,
    /// The portal.
    pub portal: PortalView,
    /// The keychain.
    pub keychain: KeychainView,
}

/// An application's status code; the UI shows its own label for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatusCode {
    /// Принято.
    Accepted,
    /// В обработке.
    InProgress,
    /// Требуется уточнение.
    NeedsInfo,
    /// Одобрено.
    Approved,
    /// Отклонено.
    Rejected,
}

impl From<ApplicationStatus> for StatusCode {
    fn from(status: ApplicationStatus) -> Self {
        match status {
            ApplicationStatus::Accepted => Self::Accepted,
            ApplicationStatus::InProgress => Self::InProgress,
            ApplicationStatus::NeedsInfo => Self::NeedsInfo,
            ApplicationStatus::Approved => Self::Approved,
            ApplicationStatus::Rejected => Self::Rejected,
        }
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// An application in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ApplicationView {
    /// Its id.
    pub id: String,
    /// The number the portal shows.
    pub number: String,
    /// The service.
    pub service_code: String,
    /// The service's title.
    pub title: String,
    /// The department.
    pub department: String,
    /// The status.
    pub status: StatusCode,
    /// Submitted, RFC 3339.
    pub submitted_at: String,
    /// Last change, RFC 3339.
    pub updated_at: String,
}

impl From<&ApplicationSummary> for ApplicationView {
    fn from(summary: &ApplicationSummary) -> Self {
        Self {
            id: summary.id.clone(),
            number: summary.number.clone(),
            service_code: summary.service_code.clone(),
            title: summary.title.clone(),
            department: summary.department.clone(),
            status: summary.status.into(),
            submitted_at: rfc3339(summary.submitted_at),
            updated_at: rfc3339(summary.updated_at),
        }
    }
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct JournalEntryView {
    /// The status entered.
    pub status: StatusCode,
    /// When, RFC 3339.
    pub at: String,
    /// Which department.
    pub department: String,
    /// What it said.
    pub comment: Option<String>,
}

impl From<&JournalEntry> for JournalEntryView {
    fn from(entry: &JournalEntry) -> Self {
        Self {
            status: entry.status.into(),
            at: rfc3339(entry.at),
            department: entry.department.clone(),
            comment: entry.comment.clone(),
        }
    }
}

/// An application with its journal, oldest entry first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ApplicationDetailView {
    /// The application.
    pub application: ApplicationView,
    /// Its status changes.
    pub journal: Vec<JournalEntryView>,
    /// Whether this comes from the local cache because the portal is unreachable.
    pub cached: bool,
    /// The department's request, while it waits for an answer or was just answered.
    pub request: Option<ClarificationView>,
    /// The decision, once the application is finished.
    pub decision: Option<DecisionView>,
}

impl ApplicationDetailView {
    /// The view of an application, without its request or decision.
    pub fn new(application: &Application, cached: bool) -> Self {
        Self {
            application: (&application.summary).into(),
            journal: application.journal.iter().map(Into::into).collect(),
            cached,
            request: None,
            decision: None,
        }
    }
}

/// The connection state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncView {
    /// Whether the portal answered the last request.
    pub online: bool,
    /// When the data was last fetched, RFC 3339.
    pub last_updated: Option<String>,
    /// Changes notified since the person last looked.
    pub unread: u32,
}

/// The dashboard: the person, their applications, the connection state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DashboardView {
    /// The person, if known.
    pub person: Option<PersonView>,
    /// Applications, newest first.
    pub applications: Vec<ApplicationView>,
    /// Connection state.
    pub sync: SyncView,
}

/// Payload of [`EVENT_CHANGED`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangedEvent {
    /// The application that changed, if one did.
    pub application_id: Option<String>,
}

/// Payload of [`EVENT_OPEN_APPLICATION`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OpenApplicationEvent {
    /// The application to show.
    pub id: String,
}

/// The TypeScript declarations of every IPC type, as committed in the UI.
pub fn typescript() -> String {
    let config = ts_rs::Config::default();
    let declarations = [
        ErrorCode::decl(&config),
        CommandError::decl(&config),
        SessionStatus::decl(&config),
        PortalView::decl(&config),
        KeychainView::decl(&config),
        PersonView::decl(&config),
        SessionView::decl(&config),
        StatusCode::decl(&config),
        ApplicationView::decl(&config),
        JournalEntryView::decl(&config),
        ApplicationDetailView::decl(&config),
        SyncView::decl(&config),
        DashboardView::decl(&config),
        ChangedEvent::decl(&config),
        OpenApplicationEvent::decl(&config),
        DocumentKindCode::decl(&config),
        MediaKind::decl(&config),
        NormalisedView::decl(&config),
        UploadedView::decl(&config),
        ScanView::decl(&config),
        RefusalCode::decl(&config),
        RefusalView::decl(&config),
        ImportOutcome::decl(&config),
        ImportReport::decl(&config),
        VaultState::decl(&config),
        PortalDocumentView::decl(&config),
        VaultView::decl(&config),
        UploadProgressEvent::decl(&config),
        ExportView::decl(&config),
        AttachmentView::decl(&config),
        ServiceView::decl(&config),
        CatalogView::decl(&config),
        DraftView::decl(&config),
        DraftInput::decl(&config),
        ProblemCode::decl(&config),
        FieldProblemView::decl(&config),
        OutboxStateView::decl(&config),
        OutboxItemView::decl(&config),
        OutboxView::decl(&config),
        SubmitView::decl(&config),
        RequestedDocumentView::decl(&config),
        RequestedAnswerView::decl(&config),
        ClarificationView::decl(&config),
        DecisionView::decl(&config),
        SavedResultView::decl(&config),
    ];
    let events = format!(
        "export const EVENT_CHANGED = \"{EVENT_CHANGED}\";\n\
         export const EVENT_SYNC = \"{EVENT_SYNC}\";\n\
         export const EVENT_OPEN_APPLICATION = \"{EVENT_OPEN_APPLICATION}\";\n\
         export const EVENT_SESSION = \"{EVENT_SESSION}\";\n\
         export const EVENT_VAULT_IMPORTED = \"{EVENT_VAULT_IMPORTED}\";\n\
         export const EVENT_UPLOAD_PROGRESS = \"{EVENT_UPLOAD_PROGRESS}\";\n\
         export const EVENT_VAULT_CHANGED = \"{EVENT_VAULT_CHANGED}\";\n\
         export const EVENT_OUTBOX_CHANGED = \"{EVENT_OUTBOX_CHANGED}\";\n"
    );
    let mut out = String::from(
        "// Generated from crates/kabinet-app/src/ipc.rs; do not edit by hand.\n\
         // Regenerate: KABINET_UPDATE_TYPES=1 cargo test -p kabinet-app ipc_types\n\n",
    );
    for declaration in declarations {
        out.push_str("export ");
        out.push_str(&declaration);
        out.push_str("\n\n");
    }
    out.push_str(&events);
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn ipc_types_match_the_committed_typescript() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/backend/types.ts");
        let generated = typescript();
        if std::env::var_os("KABINET_UPDATE_TYPES").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/lib/backend/types.ts is out of date; regenerate it with \
             `KABINET_UPDATE_TYPES=1 cargo test -p kabinet-app ipc_types` and commit it"
        );
    }
}
