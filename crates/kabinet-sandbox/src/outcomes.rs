//! What comes with a status beyond the journal: the request of Требуется уточнение and the
//! person's reply to it, the decision of Одобрено or Отклонено (reasons and what to fix), and
//! the result document of an approval, a PDF the sandbox generates when asked for.

use std::collections::HashSet;
use std::fmt::Write as _;

use kabinet_api::{
    ApplicationStatus, ApplicationSummary, ClarificationReply, ClarificationRequest, Decision,
    DocumentKind, FieldProblem, FieldProblemCode, MAX_REPLY_CHARS, routes,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::clock::from_unix;
use crate::documents;
use crate::store::{code_of, from_code};

/// The request's message when the department gives none.
const DEFAULT_REQUEST: &str = "Ведомству нужны дополнительные сведения";

/// The reason of a refusal when the department gives none.
const DEFAULT_REASON: &str = "Ведомство отказало в предоставлении услуги";

/// What a department attaches to a status beyond its comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// For Требуется уточнение: kinds of documents to attach.
    pub documents: Vec<DocumentKind>,
    /// For Требуется уточнение: names of answers to give.
    pub answers: Vec<String>,
    /// For Отклонено: what to fix.
    pub how_to_fix: Option<String>,
}

fn to_json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value)
        .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(err))
    })
}

/// Records what comes with a status application `id` has just entered. Call it in the
/// transaction of the transition.
///
/// # Errors
/// When the store fails.
pub fn record(
    conn: &Connection,
    id: i64,
    status: ApplicationStatus,
    comment: Option<&str>,
    at: i64,
    details: &Details,
) -> rusqlite::Result<()> {
    match status {
        ApplicationStatus::NeedsInfo => {
            conn.execute(
                "INSERT INTO clarifications (application_id, message, documents, answers,
                     requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    comment.unwrap_or(DEFAULT_REQUEST),
                    to_json(&details.documents)?,
                    to_json(&details.answers)?,
                    at
                ],
            )?;
        }
        ApplicationStatus::Approved | ApplicationStatus::Rejected => {
            let reasons: Vec<&str> = if status == ApplicationStatus::Rejected {
                vec![comment.unwrap_or(DEFAULT_REASON)]
            } else {
                Vec::new()
            };
            conn.execute(
                "INSERT OR REPLACE INTO decisions (application_id, status, reasons, how_to_fix,
                     decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, code_of(status), to_json(&reasons)?, details.how_to_fix, at],
            )?;
        }
        ApplicationStatus::Accepted | ApplicationStatus::InProgress => {}
    }
    Ok(())
}

/// The open request of an application of account `oid`, with its row id: the newest request
/// without a reply, while the application is in Требуется уточнение.
///
/// # Errors
/// When the store fails.
pub fn open_request(
    conn: &Connection,
    oid: i64,
    id: i64,
) -> rusqlite::Result<Option<(i64, ClarificationRequest)>> {
    conn.query_row(
        "SELECT c.id, c.message, c.documents, c.answers, c.requested_at
         FROM clarifications c JOIN applications a ON a.id = c.application_id
         WHERE a.id = ?1 AND a.oid = ?2 AND a.status = ?3 AND c.replied_at IS NULL
         ORDER BY c.id DESC LIMIT 1",
        params![id, oid, code_of(ApplicationStatus::NeedsInfo)],
        |row| {
            let documents: String = row.get(2)?;
            let answers: String = row.get(3)?;
            Ok((
                row.get(0)?,
                ClarificationRequest {
                    message: row.get(1)?,
                    documents: from_json(&documents)?,
                    answers: from_json(&answers)?,
                    requested_at: from_unix(row.get(4)?),
                },
            ))
        },
    )
    .optional()
}

/// Whether the person has answered a request of this application before.
///
/// # Errors
/// When the store fails.
pub fn was_clarified(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM clarifications
                        WHERE application_id = ?1 AND replied_at IS NOT NULL)",
        [id],
        |row| row.get(0),
    )
}

/// Every problem of a reply to `request`: no text where answers are asked for (or nothing at
/// all), text that is too long, documents the account does not have, and requested kinds that
/// no attached document covers.
///
/// # Errors
/// When the store fails.
pub fn reply_problems(
    conn: &Connection,
    oid: i64,
    request: &ClarificationRequest,
    reply: &ClarificationReply,
) -> rusqlite::Result<Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let text = reply.text.trim();
    if text.is_empty() && (!request.answers.is_empty() || reply.document_ids.is_empty()) {
        problems.push(FieldProblem {
            field: "text".to_owned(),
            code: FieldProblemCode::Required,
            message: "Ответьте на вопрос ведомства".to_owned(),
        });
    } else if text.chars().count() > MAX_REPLY_CHARS {
        problems.push(FieldProblem {
            field: "text".to_owned(),
            code: FieldProblemCode::TooLong,
            message: format!("Не длиннее {MAX_REPLY_CHARS} симв."),
        });
    }

    let mut attached = HashSet::new();
    for (index, id) in reply.document_ids.iter().enumerate() {
        let document = match id.parse::<i64>() {
            Ok(id) => documents::get(conn, oid, id)?,
            Err(_) => None,
        };
        match document {
            Some(document) => {
                attached.insert(document.kind);
            }
            None => problems.push(FieldProblem {
                field: format!("document_ids/{index}"),
                code: FieldProblemCode::UnknownDocument,
                message: "Документ не найден среди ваших документов".to_owned(),
            }),
        }
    }
    for kind in request.documents.iter().filter(|kind| !attached.contains(*kind)) {
        problems.push(FieldProblem {
            field: format!("attachments/{}", kind.as_str()),
            code: FieldProblemCode::MissingAttachment,
            message: "Приложите документ, который запросило ведомство".to_owned(),
        });
    }
    Ok(problems)
}

/// Records the reply to request `clarification`.
///
/// # Errors
/// When the store fails.
pub fn record_reply(
    conn: &Connection,
    clarification: i64,
    reply: &ClarificationReply,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE clarifications SET reply_text = ?2, reply_document_ids = ?3, replied_at = ?4
         WHERE id = ?1",
        params![clarification, reply.text.trim(), to_json(&reply.document_ids)?, at],
    )?;
    Ok(())
}

/// The decision of a finished application of account `oid`, or `None` while it is not
/// finished.
///
/// # Errors
/// When the store fails.
pub fn decision(conn: &Connection, oid: i64, id: i64) -> rusqlite::Result<Option<Decision>> {
    conn.query_row(
        "SELECT d.status, d.reasons, d.how_to_fix, d.decided_at
         FROM decisions d JOIN applications a ON a.id = d.application_id
         WHERE a.id = ?1 AND a.oid = ?2 AND a.status = d.status",
        params![id, oid],
        |row| {
            let status: ApplicationStatus = from_code(row.get(0)?)?;
            let reasons: String = row.get(1)?;
            Ok(Decision {
                status,
                decided_at: from_unix(row.get(3)?),
                reasons: from_json(&reasons)?,
                how_to_fix: row.get(2)?,
                result: (status == ApplicationStatus::Approved)
                    .then(|| routes::with_id(routes::APPLICATION_RESULT, &id.to_string())),
            })
        },
    )
    .optional()
}

/// Latin letters for Cyrillic ones, so that the result document can use a standard PDF font.
fn transliterate(text: &str) -> String {
    const TABLE: [(char, &str); 33] = [
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "g"),
        ('д', "d"),
        ('е', "e"),
        ('ё', "e"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "i"),
        ('й', "i"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shch"),
        ('ъ', "ie"),
        ('ы', "y"),
        ('ь', ""),
        ('э', "e"),
        ('ю', "iu"),
        ('я', "ia"),
    ];
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        match TABLE.iter().find(|(cyrillic, _)| *cyrillic == lower) {
            Some((_, latin)) if c != lower => {
                let mut letters = latin.chars();
                if let Some(first) = letters.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(letters.as_str());
                }
            }
            Some((_, latin)) => out.push_str(latin),
            None if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            None => out.push('?'),
        }
    }
    out
}

/// Escapes text for a PDF literal string.
fn pdf_string(text: &str) -> String {
    transliterate(text).replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)")
}

/// The result document of an approved application: a one-page PDF with its number, service,
/// department and date of decision. The text is transliterated, since the standard fonts a
/// PDF may use without embedding one have no Cyrillic letters.
pub fn result_pdf(application: &ApplicationSummary, decided_at: time::OffsetDateTime) -> Vec<u8> {
    let date = decided_at.date();
    let lines = [
        "Kabinet sandbox portal".to_owned(),
        format!("Result of application No. {}", application.number),
        format!("Service: {} ({})", application.title, application.service_code),
        format!("Department: {}", application.department),
        format!("Decision: approved (Odobreno), {date}"),
        String::new(),
        "Generated by the sandbox for demonstrations; it has no legal force.".to_owned(),
    ];
    let mut content = String::from("BT\n/F1 13 Tf\n72 770 Td\n");
    for line in &lines {
        let _ = writeln!(content, "({}) Tj\n0 -22 Td", pdf_string(line));
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        let _ = write!(pdf, "{} 0 obj\n{object}\nendobj\n", index + 1);
    }
    let xref = pdf.len();
    let _ = write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(pdf, "{offset:010} 00000 n ");
    }
    let _ = write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    pdf.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_is_transliterated_and_other_scripts_are_marked() {
        assert_eq!(transliterate("Получение СНИЛС"), "Poluchenie SNILS");
        assert_eq!(transliterate("МВД России"), "MVD Rossii");
        assert_eq!(transliterate("Щука ёж"), "Shchuka ezh");
        assert_eq!(transliterate("東"), "?", "no glyph, no guess");
    }

    #[test]
    fn the_result_is_a_complete_pdf_with_a_correct_cross_reference() {
        let summary = ApplicationSummary {
            id: "8".to_owned(),
            number: "3100000008".to_owned(),
            service_code: "snils".to_owned(),
            title: "Получение СНИЛС (тест)".to_owned(),
            department: "Социальный фонд России".to_owned(),
            status: ApplicationStatus::Approved,
            submitted_at: time::macros::datetime!(2026-12-01 10:00 UTC),
            updated_at: time::macros::datetime!(2026-12-04 10:00 UTC),
        };
        let pdf = result_pdf(&summary, summary.updated_at);
        let sha = documents::sha256_hex(&pdf);
        assert_eq!(
            documents::check(&pdf, &sha),
            Ok(kabinet_api::MediaType::Pdf),
            "the portal's own upload check accepts it"
        );

        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.contains("(Service: Poluchenie SNILS \\(test\\) \\(snils\\)) Tj"), "{text}");
        let startxref: usize =
            text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(text[startxref..].starts_with("xref\n"), "startxref points at the table");
        for (index, line) in text[startxref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", index + 1)),
                "object {} is where the table says",
                index + 1
            );
        }
    }
}
