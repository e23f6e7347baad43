//! The service catalog (услуги) and the submission of an application to one of its services.
//!
//! Each [`Service`] carries its form as a JSON Schema (see [`crate::forms`]) and the documents
//! it needs. A client caches the catalog so that forms can be filled offline, and submits an
//! [`ApplicationSubmission`] under an `Idempotency-Key` (see [`crate::idempotency`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::{DocumentKind, FieldProblem, FieldProblemCode, MediaType};

/// A document a service asks the person to attach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentRequirement {
    /// What the document must show; an attached document of this kind fulfils it.
    pub kind: DocumentKind,
    /// Its Russian label (`Скан паспорта, страницы 2–3`).
    pub title: String,
    /// A hint on what to attach, in Russian.
    pub description: String,
    /// The file types accepted for it.
    pub formats: Vec<MediaType>,
    /// The largest file accepted for it, in bytes; never more than
    /// [`crate::MAX_DOCUMENT_SIZE`].
    pub max_size: u64,
    /// Whether the application cannot be submitted without it.
    pub required: bool,
}

impl AttachmentRequirement {
    /// The problem of a submission that lacks this document, on `attachments/<kind>`, worded
    /// as the portal words it; a client's local check uses the same, so the two agree.
    pub fn missing_problem(&self) -> FieldProblem {
        FieldProblem {
            field: format!("attachments/{}", self.kind.as_str()),
            code: FieldProblemCode::MissingAttachment,
            message: format!("Приложите документ «{}»", self.title),
        }
    }
}

/// A service of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    /// Its stable code, as applications carry it (`foreign_passport`).
    pub code: String,
    /// Its Russian title.
    pub title: String,
    /// The department that provides it (`МВД России`).
    pub department: String,
    /// What it is and who may apply, in Russian.
    pub description: String,
    /// The state fee in kopecks (1 ₽ = 100 kopecks); 0 when the service is free. Kopecks keep
    /// the amount an exact integer.
    pub fee_kopecks: u64,
    /// How many calendar days the department usually takes.
    pub processing_days: u32,
    /// The form: a JSON Schema object whose properties are the questions, with Russian
    /// `title` (label) and `description` (hint), and `x-check` naming a shared check.
    #[schema(value_type = Object)]
    pub form: Value,
    /// The documents to attach, in the order the form shows them.
    pub attachments: Vec<AttachmentRequirement>,
}

/// The catalog of services, in the order the portal lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceCatalog {
    /// The services.
    pub items: Vec<Service>,
}

/// A request to apply for a service: the body of `POST /api/v1/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApplicationSubmission {
    /// The [`Service::code`] applied for.
    pub service_code: String,
    /// The answers to the service's form, by property name.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    /// Ids of the account's documents to attach (see `/api/v1/documents`).
    #[serde(default)]
    pub document_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_submission_without_documents_reads_as_none_attached() {
        let submission: ApplicationSubmission =
            serde_json::from_value(json!({ "service_code": "snils", "answers": {} })).unwrap();
        assert!(submission.document_ids.is_empty(), "`document_ids` may be left out");
    }

    #[test]
    fn attachment_requirement_wire_format_is_stable() {
        let requirement = AttachmentRequirement {
            kind: DocumentKind::Passport,
            title: "Паспорт".to_owned(),
            description: "Страницы 2–3".to_owned(),
            formats: vec![MediaType::Pdf, MediaType::Jpeg],
            max_size: 1024,
            required: true,
        };
        assert_eq!(
            serde_json::to_string(&requirement).unwrap(),
            concat!(
                r#"{"kind":"passport","title":"Паспорт","description":"Страницы 2–3","#,
                r#""formats":["application/pdf","image/jpeg"],"max_size":1024,"required":true}"#
            ),
            "the client caches and parses this shape"
        );
    }

    #[test]
    fn a_missing_attachment_is_named_by_its_kind_and_title() {
        let requirement = AttachmentRequirement {
            kind: DocumentKind::Passport,
            title: "Скан паспорта".into(),
            description: String::new(),
            formats: vec![MediaType::Pdf],
            max_size: 1,
            required: true,
        };
        let problem = requirement.missing_problem();
        assert_eq!(problem.field, "attachments/passport", "the field clients key problems by");
        assert_eq!(problem.code, FieldProblemCode::MissingAttachment);
        assert_eq!(problem.message, "Приложите документ «Скан паспорта»");
    }
}
