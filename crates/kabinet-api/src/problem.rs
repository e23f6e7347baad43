//! Errors of the portal API as `application/problem+json` (RFC 9457).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The media type of problem bodies.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A stable error code; clients branch on it, never on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The bearer token is missing, malformed, expired, revoked or meant for someone else.
    InvalidToken,
    /// The token is valid but lacks a scope the request needs.
    InsufficientScope,
    /// The request is malformed: a bad parameter, cursor or body.
    InvalidRequest,
    /// The resource does not exist for this account.
    NotFound,
    /// The request conflicts with the current state of the resource.
    Conflict,
    /// The caller is not allowed to do this (admin endpoints).
    Forbidden,
    /// An uploaded file is larger than the portal accepts.
    DocumentTooLarge,
    /// An uploaded file's content is not a type the portal accepts, or does not parse as one.
    UnsupportedDocument,
    /// An uploaded file's bytes do not match the SHA-256 sent with them.
    ChecksumMismatch,
    /// A submitted application has problems; `errors` lists each one with its field.
    ValidationFailed,
    /// The `Idempotency-Key` was already used with a different request. The client must not
    /// resend under this key: a changed request needs a key of its own.
    IdempotencyKeyReused,
    /// A request with this `Idempotency-Key` is still being processed; ask again shortly.
    IdempotencyKeyInUse,
    /// The portal failed; the detail is in the portal's log, not here.
    Internal,
}

/// A problem details body with the portal's stable `code` member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI reference that identifies the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// An explanation of this occurrence, safe to show to the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable error code.
    pub code: ErrorCode,
    /// Problems of single fields, for [`ErrorCode::ValidationFailed`]; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// What is wrong with one field of a submitted application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// Which field: the name of an answer (a property of the service's form), `service_code`,
    /// `document_ids/<index>` for one attached document, or `attachments/<kind>` for an
    /// attachment the service requires (`kind` is a [`crate::DocumentKind`]).
    pub field: String,
    /// What is wrong, as a stable code.
    pub code: FieldProblemCode,
    /// What is wrong, in Russian, ready to show beside the field.
    pub message: String,
}

/// The stable code of a [`FieldProblem`]. A client maps it onto its own wording; the portal's
/// Russian text comes in [`FieldProblem::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldProblemCode {
    /// A required answer is missing or blank, or a required box is not ticked.
    Required,
    /// The answer is of the wrong JSON type (a number where text is expected, say).
    WrongType,
    /// The answer does not have the shape its check asks for.
    InvalidFormat,
    /// A SNILS or INN whose check digits do not match the rest.
    InvalidChecksum,
    /// A date of the right shape that the calendar does not have, or out of range.
    InvalidDate,
    /// A date after today where the field asks for today or earlier.
    DateInFuture,
    /// A date before today where the field asks for today or later.
    DateInPast,
    /// Shorter than the field allows.
    TooShort,
    /// Longer than the field allows.
    TooLong,
    /// A number outside the field's range.
    OutOfRange,
    /// Not one of the field's options.
    NotAnOption,
    /// An answer the form does not ask for.
    UnknownField,
    /// No service has this code; the client's catalog may be out of date.
    UnknownService,
    /// An attached document id that this account does not have.
    UnknownDocument,
    /// An attached document of a kind the service does not ask for.
    UnexpectedAttachment,
    /// An attached document in a format the service does not accept for its kind.
    AttachmentFormat,
    /// An attached document larger than the service accepts for its kind.
    AttachmentTooLarge,
    /// No document of a kind the service requires is attached.
    MissingAttachment,
}

impl Problem {
    /// Builds a problem whose type URI is derived from its code.
    pub fn new(code: ErrorCode, status: u16, title: &str, detail: Option<String>) -> Self {
        let slug = serde_json::to_value(code)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            problem_type: format!("urn:kabinet:problem:{slug}"),
            title: title.to_owned(),
            status,
            detail,
            code,
            errors: Vec::new(),
        }
    }

    /// Builds the 422 problem of an application with field problems.
    pub fn validation(errors: Vec<FieldProblem>) -> Self {
        let detail = format!("the application has {} problem(s); see `errors`", errors.len());
        Self {
            errors,
            ..Self::new(ErrorCode::ValidationFailed, 422, "validation failed", Some(detail))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_wire_format_is_stable() {
        let problem = Problem::new(ErrorCode::NotFound, 404, "not found", None);

        assert_eq!(
            serde_json::to_string(&problem).unwrap(),
            concat!(
                r#"{"type":"urn:kabinet:problem:not_found","#,
                r#""title":"not found","status":404,"code":"not_found"}"#
            ),
            "clients parse this shape; changing it breaks them"
        );
    }

    #[test]
    fn validation_problem_wire_format_is_stable() {
        let problem = Problem::validation(vec![FieldProblem {
            field: "snils".to_owned(),
            code: FieldProblemCode::InvalidChecksum,
            message: "Проверьте СНИЛС".to_owned(),
        }]);

        assert_eq!(
            serde_json::to_string(&problem).unwrap(),
            concat!(
                r#"{"type":"urn:kabinet:problem:validation_failed","title":"validation failed","#,
                r#""status":422,"detail":"the application has 1 problem(s); see `errors`","#,
                r#""code":"validation_failed","errors":[{"field":"snils","#,
                r#""code":"invalid_checksum","message":"Проверьте СНИЛС"}]}"#
            ),
            "the outbox maps these onto the form's fields; changing the shape breaks it"
        );
    }
}
