//! Submitting an application: the service's own rules beyond its form (the attached documents
//! exist, belong to the account, are of kinds and formats the service takes, and cover what it
//! requires), and the creation of the application with its journal entry and feed event.
//!
//! A submission is judged and, if acceptable, created in one transaction that also records the
//! response under the request's idempotency key, so the key's response and the application
//! exist together or not at all.

use std::collections::HashSet;

use kabinet_api::forms::portal_date;
use kabinet_api::{
    ApplicationStatus, ApplicationSubmission, FieldProblem, FieldProblemCode, MediaType, Problem,
    routes,
};
use rusqlite::{Connection, params};
use time::Date;

use crate::Portal;
use crate::applications::{self, NewApplication};
use crate::catalog::Catalog;
use crate::idempotency::{self, StoredResponse};
use crate::{documents, feed, workflow};

/// A submission could not be handled; the portal is at fault, not the request.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The database failed.
    #[error("database error: {0}")]
    Store(#[from] rusqlite::Error),
    /// A response could not be encoded.
    #[error("cannot encode the response: {0}")]
    Encode(#[from] serde_json::Error),
}

/// What a handled submission produced.
#[derive(Debug)]
pub struct Outcome {
    /// The response, also recorded under the idempotency key.
    pub response: StoredResponse,
    /// The feed event of a created application, for waking long-polling readers.
    pub event: Option<i64>,
}

/// Judges `submission` for account `oid` and creates the application when it passes, recording
/// the response under `key`, which the caller has claimed.
///
/// # Errors
/// When the store fails; nothing is then created or recorded.
pub fn submit(
    portal: &Portal,
    oid: i64,
    key: &str,
    submission: &ApplicationSubmission,
) -> Result<Outcome, SubmitError> {
    let now = portal.now();
    let today = portal_date(portal.clock().now());

    portal.store().transaction(|tx| {
        let problems = problems(portal.catalog(), tx, oid, submission, today)?;
        if !problems.is_empty() {
            let count = problems.len();
            let body = serde_json::to_string(&Problem::validation(problems))?;
            let response = StoredResponse { status: 422, body, location: None };
            idempotency::complete(tx, oid, key, &response)?;
            tracing::info!(oid, problems = count, "application refused with field problems");
            return Ok(Outcome { response, event: None });
        }

        let id = create(portal, tx, oid, submission, now)?;
        let application =
            applications::get(tx, oid, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        let response = StoredResponse {
            status: 201,
            body: serde_json::to_string(&application)?,
            location: Some(routes::with_id(routes::APPLICATION, &application.summary.id)),
        };
        idempotency::complete(tx, oid, key, &response)?;
        let event = feed::latest_for_account(tx, oid)?;
        tracing::info!(
            oid,
            application = id,
            service = %submission.service_code,
            "application submitted"
        );
        Ok(Outcome { response, event: Some(event) })
    })
}

/// Inserts an accepted submission as an application in status Принято, which the workflow
/// picks up at its next step. Returns its id.
fn create(
    portal: &Portal,
    conn: &Connection,
    oid: i64,
    submission: &ApplicationSubmission,
    now: i64,
) -> Result<i64, SubmitError> {
    let (service, _) = portal
        .catalog()
        .service(&submission.service_code)
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;

    // The store's connection is held for the whole transaction, so the next id cannot be
    // taken by another submission in between; the UNIQUE number would refuse it anyway.
    let next_id: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM applications", [], |row| row.get(0))?;
    let number = format!("31{next_id:08}");
    let id = applications::create(
        conn,
        &NewApplication {
            oid,
            number: &number,
            service_code: &service.code,
            title: &service.title,
            department: &service.department,
            submitted_at: now,
            next_step_at: workflow::next_step_at(portal, ApplicationStatus::Accepted, now),
        },
    )?;
    conn.execute(
        "UPDATE applications SET answers = ?2, document_ids = ?3 WHERE id = ?1",
        params![
            id,
            serde_json::to_string(&submission.answers)?,
            serde_json::to_string(&submission.document_ids)?
        ],
    )?;
    Ok(id)
}

fn problem(field: String, code: FieldProblemCode, message: String) -> FieldProblem {
    FieldProblem { field, code, message }
}

fn format_name(media: MediaType) -> &'static str {
    match media {
        MediaType::Pdf => "PDF",
        MediaType::Jpeg => "JPEG",
        MediaType::Png => "PNG",
    }
}

/// Every problem of a submission: its service, its answers (by the shared validator) and its
/// documents (by the service's attachment rules).
fn problems(
    catalog: &Catalog,
    conn: &Connection,
    oid: i64,
    submission: &ApplicationSubmission,
    today: Date,
) -> rusqlite::Result<Vec<FieldProblem>> {
    let Some((service, form)) = catalog.service(&submission.service_code) else {
        return Ok(vec![problem(
            "service_code".to_owned(),
            FieldProblemCode::UnknownService,
            "Такой услуги нет в каталоге — обновите список услуг".to_owned(),
        )]);
    };
    let mut problems = form.validate(&submission.answers, today);

    let mut attached = HashSet::new();
    let mut seen = HashSet::new();
    for (index, id) in submission.document_ids.iter().enumerate() {
        // The same id twice attaches the same document once.
        if !seen.insert(id.as_str()) {
            continue;
        }
        let field = format!("document_ids/{index}");
        let document = match id.parse::<i64>() {
            Ok(id) => documents::get(conn, oid, id)?,
            Err(_) => None,
        };
        let Some(document) = document else {
            let message = "Документ не найден среди ваших документов".to_owned();
            problems.push(problem(field, FieldProblemCode::UnknownDocument, message));
            continue;
        };
        attached.insert(document.kind);

        let Some(requirement) = service.attachments.iter().find(|a| a.kind == document.kind) else {
            let message = "Для этой услуги не нужен документ такого вида".to_owned();
            problems.push(problem(field, FieldProblemCode::UnexpectedAttachment, message));
            continue;
        };
        if !requirement.formats.contains(&document.media_type) {
            let formats: Vec<&str> = requirement.formats.iter().map(|m| format_name(*m)).collect();
            let message =
                format!("Для «{}» подходят форматы: {}", requirement.title, formats.join(", "));
            problems.push(problem(field, FieldProblemCode::AttachmentFormat, message));
        } else if document.size > requirement.max_size {
            let megabytes = requirement.max_size / (1024 * 1024);
            let message =
                format!("Файл для «{}» должен быть не больше {megabytes} МБ", requirement.title);
            problems.push(problem(field, FieldProblemCode::AttachmentTooLarge, message));
        }
    }

    for requirement in service.attachments.iter().filter(|a| a.required) {
        if !attached.contains(&requirement.kind) {
            problems.push(requirement.missing_problem());
        }
    }
    Ok(problems)
}
