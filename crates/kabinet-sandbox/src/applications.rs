//! Applications and their journals in the store, and the one way their status changes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kabinet_api::{Application, ApplicationStatus, ApplicationSummary, EventKind, JournalEntry};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_unix;
use crate::feed::{self, NewEvent};
use crate::store::{code_of, from_code};

const SUMMARY_COLUMNS: &str =
    "id, number, service_code, title, department, status, submitted_at, updated_at";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<ApplicationSummary> {
    Ok(ApplicationSummary {
        id: row.get::<_, i64>(0)?.to_string(),
        number: row.get(1)?,
        service_code: row.get(2)?,
        title: row.get(3)?,
        department: row.get(4)?,
        status: from_code(row.get(5)?)?,
        submitted_at: from_unix(row.get(6)?),
        updated_at: from_unix(row.get(7)?),
    })
}

/// An opaque paging cursor: the id of the last application on the previous page.
pub fn encode_cursor(last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("app:{last_id}"))
}

/// Reads a cursor made by [`encode_cursor`]; `None` when it is not one.
pub fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    std::str::from_utf8(&bytes).ok()?.strip_prefix("app:")?.parse().ok()
}

/// One page of an account's applications, newest first, and the cursor of the next page.
///
/// # Errors
/// When the query fails.
pub fn page(
    conn: &Connection,
    oid: i64,
    status: Option<ApplicationStatus>,
    before_id: Option<i64>,
    limit: u32,
) -> rusqlite::Result<(Vec<ApplicationSummary>, Option<String>)> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM applications
         WHERE oid = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR id < ?3)
         ORDER BY id DESC LIMIT ?4"
    ))?;
    let mut items = stmt
        .query_map(
            params![oid, status.map(code_of), before_id, i64::from(limit) + 1],
            summary_from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().and_then(|last| last.id.parse().ok()).map(encode_cursor)
    } else {
        None
    };
    Ok((items, next))
}

/// One application of an account with its journal, or `None` if the account has no such
/// application.
///
/// # Errors
/// When the query fails.
pub fn get(conn: &Connection, oid: i64, id: i64) -> rusqlite::Result<Option<Application>> {
    let summary = conn
        .query_row(
            &format!("SELECT {SUMMARY_COLUMNS} FROM applications WHERE oid = ?1 AND id = ?2"),
            params![oid, id],
            summary_from_row,
        )
        .optional()?;
    let Some(summary) = summary else { return Ok(None) };

    let mut stmt = conn.prepare(
        "SELECT status, at, department, comment FROM journal
         WHERE application_id = ?1 ORDER BY at, id",
    )?;
    let journal = stmt
        .query_map([id], |row| {
            Ok(JournalEntry {
                status: from_code(row.get(0)?)?,
                at: from_unix(row.get(1)?),
                department: row.get(2)?,
                comment: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Application { summary, journal }))
}

/// A new application, as the seed or a submission creates it.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    /// The account.
    pub oid: i64,
    /// The number shown to the person.
    pub number: &'a str,
    /// The service.
    pub service_code: &'a str,
    /// The service's title.
    pub title: &'a str,
    /// The department.
    pub department: &'a str,
    /// When it was submitted.
    pub submitted_at: i64,
    /// When the workflow should move it next, if it should.
    pub next_step_at: Option<i64>,
}

/// Inserts an application in status Принято with its first journal entry and feed event.
/// Returns its id.
///
/// # Errors
/// When the insert fails.
pub fn create(conn: &Connection, new: &NewApplication<'_>) -> rusqlite::Result<i64> {
    let accepted = code_of(ApplicationStatus::Accepted);
    conn.execute(
        "INSERT INTO applications (oid, number, service_code, title, department, status,
             submitted_at, updated_at, next_step_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
        params![
            new.oid,
            new.number,
            new.service_code,
            new.title,
            new.department,
            accepted,
            new.submitted_at,
            new.next_step_at
        ],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO journal (application_id, status, at, department, comment)
         VALUES (?1, ?2, ?3, 'Единый портал', 'Заявление принято к рассмотрению')",
        params![id, accepted, new.submitted_at],
    )?;
    feed::append(
        conn,
        NewEvent {
            oid: new.oid,
            kind: EventKind::ApplicationCreated,
            application_id: Some(id),
            status: Some(ApplicationStatus::Accepted),
            at: new.submitted_at,
        },
    )?;
    Ok(id)
}

/// A status change to apply.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    /// The application.
    pub id: i64,
    /// Its new status.
    pub status: ApplicationStatus,
    /// What the department says.
    pub comment: Option<&'a str>,
    /// When.
    pub at: i64,
    /// When the workflow should move it next; `None` stops the workflow for it.
    pub next_step_at: Option<i64>,
}

/// Applies a status change: the row, a journal entry and a feed event, together. Returns the
/// event id, or `None` if there is no such application.
///
/// # Errors
/// When the store fails.
pub fn transition(conn: &Connection, change: &Transition<'_>) -> rusqlite::Result<Option<i64>> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "UPDATE applications SET status = ?2, updated_at = ?3, next_step_at = ?4
             WHERE id = ?1 RETURNING oid, department",
            params![change.id, code_of(change.status), change.at, change.next_step_at],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((oid, department)) = found else { return Ok(None) };

    conn.execute(
        "INSERT INTO journal (application_id, status, at, department, comment)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![change.id, code_of(change.status), change.at, department, change.comment],
    )?;
    let event = feed::append(
        conn,
        NewEvent {
            oid,
            kind: EventKind::ApplicationStatusChanged,
            application_id: Some(change.id),
            status: Some(change.status),
            at: change.at,
        },
    )?;
    Ok(Some(event))
}

/// Applications the workflow should move at `now`, with their current status.
///
/// # Errors
/// When the query fails.
pub fn due(conn: &Connection, now: i64) -> rusqlite::Result<Vec<(i64, ApplicationStatus)>> {
    let mut stmt = conn.prepare(
        "SELECT id, status FROM applications
         WHERE next_step_at IS NOT NULL AND next_step_at <= ?1 ORDER BY next_step_at, id",
    )?;
    let rows = stmt.query_map([now], |row| Ok((row.get(0)?, from_code(row.get(1)?)?)))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not-a-cursor"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("evt:1")), None);
    }
}
