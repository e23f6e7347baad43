//! The account's change feed: an append-only list of events per account.

use kabinet_api::{ApplicationStatus, Event, EventKind};
use rusqlite::{Connection, params};

use crate::clock::from_unix;
use crate::store::{Store, StoreError, code_of, from_code};

/// The id of the newest event of any account, or 0.
///
/// # Errors
/// When the store fails.
pub fn latest_event_id(store: &Store) -> Result<i64, StoreError> {
    Ok(store.lock().query_row("SELECT coalesce(max(id), 0) FROM events", [], |row| row.get(0))?)
}

/// The id of the newest event of one account, or 0.
///
/// # Errors
/// When the query fails.
pub fn latest_for_account(conn: &Connection, oid: i64) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM events WHERE oid = ?1", [oid], |row| {
        row.get(0)
    })
}

/// What to append to the feed.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent {
    /// The account.
    pub oid: i64,
    /// What happened.
    pub kind: EventKind,
    /// The application concerned.
    pub application_id: Option<i64>,
    /// Its new status.
    pub status: Option<ApplicationStatus>,
    /// When.
    pub at: i64,
}

/// Appends an event and returns its id. Call [`crate::Portal::announce_events`] after the
/// transaction commits, so that long-polling readers wake.
///
/// # Errors
/// When the insert fails.
pub fn append(conn: &Connection, event: NewEvent) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO events (oid, kind, application_id, status, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            event.oid,
            code_of(event.kind),
            event.application_id,
            event.status.map(code_of),
            event.at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Up to `limit` events of one account after the event id `after`, oldest first.
///
/// # Errors
/// When the query fails or a stored code is unknown.
pub fn after(conn: &Connection, oid: i64, after: i64, limit: u32) -> rusqlite::Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, application_id, status, at FROM events
         WHERE oid = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![oid, after, limit], |row| {
        let status: Option<String> = row.get(3)?;
        Ok(Event {
            id: row.get::<_, i64>(0)?.to_string(),
            kind: from_code(row.get(1)?)?,
            application_id: row.get::<_, Option<i64>>(2)?.map(|id| id.to_string()),
            status: status.map(from_code).transpose()?,
            occurred_at: from_unix(row.get(4)?),
        })
    })?;
    rows.collect()
}
