//! The sandbox's SQLite database: one connection behind a mutex, WAL on disk, migrations.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
}

/// The portal's database.
pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA_V1: &str = include_str!("schema/v1.sql");
const SCHEMA_V2: &str = include_str!("schema/v2.sql");
const SCHEMA_V3: &str = include_str!("schema/v3.sql");
const SCHEMA_V4: &str = include_str!("schema/v4.sql");

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(SCHEMA_V1), M::up(SCHEMA_V2), M::up(SCHEMA_V3), M::up(SCHEMA_V4)])
}

impl Store {
    /// Opens (or creates) the database file in `dir`, in WAL mode.
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub fn open_dir(dir: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(dir.join("sandbox.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::prepare(conn)
    }

    /// Opens a private in-memory database, for tests and throwaway demos.
    ///
    /// # Errors
    /// When migrations fail.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    /// Locks the connection. Callers keep the guard only for the statements of one step.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` inside a transaction that commits when `f` returns `Ok`.
    ///
    /// # Errors
    /// Whatever `f` returns, or a failure to begin or commit.
    pub fn transaction<T, E>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

/// The stable code of a contract enum (its serde name), for storing in a `TEXT` column.
pub fn code_of<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}

/// Reads a contract enum back from its stored code.
///
/// # Errors
/// A conversion error when the column holds an unknown code.
pub fn from_code<T: serde::de::DeserializeOwned>(code: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(code)).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(err))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok(), "every migration must apply to an empty database");
    }

    #[test]
    fn a_database_on_disk_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("kabinet-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();

        let store = Store::open_dir(&dir).unwrap();
        store
            .lock()
            .execute(
                "INSERT INTO outbox (oid, recipient, body, created_at) VALUES (1, 'x', 'y', 0)",
                [],
            )
            .unwrap();
        drop(store);

        let reopened = Store::open_dir(&dir).unwrap();
        let count: i64 =
            reopened.lock().query_row("SELECT count(*) FROM outbox", [], |row| row.get(0)).unwrap();
        assert_eq!(count, 1, "rows written before closing must be there after reopening");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
