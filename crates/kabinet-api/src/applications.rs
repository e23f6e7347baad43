//! Applications (заявления), their journal, and the account's activity log.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::DocumentKind;

/// The status of an application. The API carries these stable codes; the UI shows the
/// portal's labels (see [`ApplicationStatus::label_ru`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Принято: the portal has received the application.
    Accepted,
    /// В обработке: a department is working on it.
    InProgress,
    /// Требуется уточнение: the department needs a document or an answer.
    NeedsInfo,
    /// Одобрено.
    Approved,
    /// Отклонено.
    Rejected,
}

impl ApplicationStatus {
    /// Every status, in workflow order.
    pub const ALL: [ApplicationStatus; 5] =
        [Self::Accepted, Self::InProgress, Self::NeedsInfo, Self::Approved, Self::Rejected];

    /// The stable code, as on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::InProgress => "in_progress",
            Self::NeedsInfo => "needs_info",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// The portal's Russian label.
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Accepted => "Принято",
            Self::InProgress => "В обработке",
            Self::NeedsInfo => "Требуется уточнение",
            Self::Approved => "Одобрено",
            Self::Rejected => "Отклонено",
        }
    }

    /// Whether the application can no longer change.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Approved | Self::Rejected)
    }
}

/// An application as it appears in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApplicationSummary {
    /// The application's id in this API.
    pub id: String,
    /// The number the portal shows to the person.
    pub number: String,
    /// Code of the service applied for.
    pub service_code: String,
    /// Title of the service.
    pub title: String,
    /// The department that handles it.
    pub department: String,
    /// Current status.
    pub status: ApplicationStatus,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// When its status last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// One status change in an application's journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JournalEntry {
    /// The status entered.
    pub status: ApplicationStatus,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The department that made the change.
    pub department: String,
    /// What the department said, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An application with its whole journal, oldest entry first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Application {
    /// The application itself.
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    /// Every status change.
    pub journal: Vec<JournalEntry>,
}

/// One page of applications, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApplicationsPage {
    /// The applications on this page.
    pub items: Vec<ApplicationSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Query of [`crate::routes::APPLICATIONS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    /// Only applications in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ApplicationStatus>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 100; 20 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A status change pushed through the sandbox's admin endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    /// The new status.
    pub status: ApplicationStatus,
    /// What the department says. For Требуется уточнение it is the request's message; for
    /// Отклонено, the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// For Требуется уточнение: the kinds of documents the department asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentKind>,
    /// For Требуется уточнение: the form's answers the department asks about, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<String>,
    /// For Отклонено: what the person should fix before applying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_to_fix: Option<String>,
}

/// What a department asks for when it sets Требуется уточнение.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClarificationRequest {
    /// The department's words, in Russian.
    pub message: String,
    /// Kinds of documents to attach; the reply must include one of each.
    pub documents: Vec<DocumentKind>,
    /// Names of the form's answers the department asks about; the reply's text answers them.
    pub answers: Vec<String>,
    /// When it was asked.
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
}

/// The longest reply text the portal keeps, in characters (Unicode scalar values) after
/// trimming surrounding whitespace. The client checks the same limit before sending.
pub const MAX_REPLY_CHARS: usize = 4000;

/// The person's reply to a [`ClarificationRequest`]: the body of
/// `POST /api/v1/applications/{id}/clarification`. An `Idempotency-Key` header is optional;
/// with one, a retry of the same reply gets the first answer again (see [`crate::idempotency`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClarificationReply {
    /// What the person says; required when the request names answers, at most
    /// [`MAX_REPLY_CHARS`] characters.
    #[serde(default)]
    pub text: String,
    /// Ids of the account's documents that answer the request.
    #[serde(default)]
    pub document_ids: Vec<String>,
}

/// The outcome of a finished application (Одобрено or Отклонено).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    /// [`ApplicationStatus::Approved`] or [`ApplicationStatus::Rejected`].
    pub status: ApplicationStatus,
    /// When it was decided.
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    /// For Отклонено: why, in Russian.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// For Отклонено: what to fix before applying again, in Russian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_to_fix: Option<String>,
    /// For Одобрено: the path of the result document (a PDF) to download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// The kind of an entry in the account's activity log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A successful sign-in.
    SignIn,
    /// A failed sign-in attempt (wrong password or code).
    SignInFailed,
    /// The account was locked after too many failed attempts.
    AccountLocked,
    /// A session was ended or a token revoked.
    SignOut,
    /// A refresh token was used twice; its whole session was revoked.
    TokenReuse,
}

/// One entry of the activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityEntry {
    /// What happened.
    pub kind: ActivityKind,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether it is a security event the person should look at.
    pub security: bool,
}

/// The newest entries of the activity log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityPage {
    /// The entries.
    pub items: Vec<ActivityEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_change_without_details_reads_as_before() {
        let change: StatusChange =
            serde_json::from_str(r#"{"status":"needs_info","comment":"Нужен паспорт"}"#).unwrap();
        assert!(change.documents.is_empty() && change.answers.is_empty());
        assert_eq!(
            serde_json::to_string(&change).unwrap(),
            r#"{"status":"needs_info","comment":"Нужен паспорт"}"#,
            "empty details stay off the wire, so older callers see the old shape"
        );
    }

    #[test]
    fn decision_wire_format_is_stable() {
        let decision = Decision {
            status: ApplicationStatus::Rejected,
            decided_at: time::macros::datetime!(2026-12-04 10:00 UTC),
            reasons: vec!["Фото не подходит".to_owned()],
            how_to_fix: Some("Загрузите другое фото".to_owned()),
            result: None,
        };
        assert_eq!(
            serde_json::to_string(&decision).unwrap(),
            concat!(
                r#"{"status":"rejected","decided_at":"2026-12-04T10:00:00Z","#,
                r#""reasons":["Фото не подходит"],"how_to_fix":"Загрузите другое фото"}"#
            ),
            "the application page parses this shape"
        );
    }
}
