//! What comes with a status beyond the journal, as the application page shows it: the
//! department's request of Требуется уточнение with what it asks for, and the decision of
//! Одобрено (a result to download) or Отклонено (reasons and what to fix).

use serde::Serialize;
use ts_rs::TS;

use super::vault::DocumentKindCode;

/// A document the department asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RequestedDocumentView {
    /// Its kind; a vault scan of this kind answers it.
    pub kind: DocumentKindCode,
    /// Its Russian title: the service's own name for it, or the kind's.
    pub title: String,
}

/// An answer of the form the department asks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RequestedAnswerView {
    /// The form's name for it (`previous_names`).
    pub name: String,
    /// Its Russian label from the service's form, or the name when the form is not known.
    pub title: String,
}

/// The department's request of Требуется уточнение.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ClarificationView {
    /// The department's words, in Russian.
    pub message: String,
    /// Documents to attach, one of each.
    pub documents: Vec<RequestedDocumentView>,
    /// Answers to give in the reply's text.
    pub answers: Vec<RequestedAnswerView>,
    /// When it was asked, RFC 3339.
    pub requested_at: String,
    /// Whether the person has answered it from this app; the department has not decided yet.
    pub answered: bool,
    /// The longest reply text the portal takes, in characters.
    pub max_reply_chars: u32,
}

/// The decision of a finished application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DecisionView {
    /// Одобрено.
    Approved {
        /// When, RFC 3339.
        decided_at: String,
        /// Whether a result document can be downloaded.
        result_available: bool,
    },
    /// Отклонено.
    Refused {
        /// When, RFC 3339.
        decided_at: String,
        /// Why, in Russian.
        reasons: Vec<String>,
        /// What to fix before applying again, in Russian.
        how_to_fix: Option<String>,
    },
}

/// What saving the result document did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedResultView {
    /// Whether a file was written; `false` when the person closed the dialog.
    pub saved: bool,
    /// The file's name (not its folder), when saved.
    pub file_name: Option<String>,
}
