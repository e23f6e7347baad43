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
}
