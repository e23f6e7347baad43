//! The local store: a SQLite database in the platform's data folder that keeps the last known
//! state (profile, applications) for instant and offline display, the poller's cursor, and the
//! ids of events already notified. It holds no secret and no personal data in clear: tokens
//! are in the keychain, the cached profile and applications are sealed with the person's data
//! key (and document numbers are masked before that), and the rest is ids and cursors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use kabinet_api::{Application, ApplicationStatus, ApplicationSummary, DocumentNumber, Profile};
use kabinet_keychain::SecretStore;
use kabinet_seal::DataKey;
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use crate::{Error, PortalProfile};

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|err| Error::Internal(err.to_string()))
}

/// One person at one portal: the key of everything cached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey {
    /// The profile id.
    pub portal: String,
    /// The person's subject at that portal.
    pub subject: String,
}

/// The local database.
pub struct LocalStore {
    conn: Mutex<Connection>,
    /// The data keys of the accounts whose cache may be read and written now.
    keys: Mutex<HashMap<AccountKey, Arc<DataKey>>>,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("schema/v1.sql")),
        M::up(include_str!("schema/v2.sql")),
    ])
}

/// The default location: `kabinet/kabinet.sqlite3` in the platform's data folder.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("kabinet").join("kabinet.sqlite3"))
}

/// A copy of the profile with every document number masked.
pub fn masked(profile: &Profile) -> Profile {
    let mask = |number: &DocumentNumber| DocumentNumber::new(number.masked());
    let mut copy = profile.clone();
    copy.snils = profile.snils.as_ref().map(mask);
    copy.inn = profile.inn.as_ref().map(mask);
    if let Some(passport) = copy.passport.as_mut() {
        passport.series = mask(&passport.series);
        passport.number = mask(&passport.number);
    }
    copy
}

impl LocalStore {
    /// Opens (or creates) the database at `path`, in WAL mode.
    ///
    /// # Errors
    /// [`Error::Storage`] when it cannot be opened or migrated.
    pub fn open(path: &Path) -> Result<Self, Error> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|err| Error::Storage(err.to_string()))?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::prepare(conn)
    }

    /// A private in-memory database, for tests.
    ///
    /// # Errors
    /// [`Error::Storage`] when migrations fail.
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Self, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;
        Ok(Self { conn: Mutex::new(conn), keys: Mutex::new(HashMap::new()) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Saves a portal profile.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn save_profile(&self, profile: &PortalProfile) -> Result<(), Error> {
        let json = to_json(profile)?;
        self.lock().execute(
            "INSERT INTO profiles (id, json) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            params![profile.id, json],
        )?;
        Ok(())
    }

    /// Every saved profile.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn profiles(&self) -> Result<Vec<PortalProfile>, Error> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT json FROM profiles ORDER BY id")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        let mut profiles = Vec::new();
        for json in rows {
            match serde_json::from_str(&json?) {
                Ok(profile) => profiles.push(profile),
                Err(err) => tracing::warn!(error = %err, "skipping an unreadable profile"),
            }
        }
        Ok(profiles)
    }

    /// Remembers who is signed in at `portal`.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn remember_session(&self, account: &AccountKey, now: i64) -> Result<(), Error> {
        self.lock().execute(
            "INSERT INTO sessions (portal, subject, signed_in_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (portal) DO UPDATE SET subject = excluded.subject,
                 signed_in_at = excluded.signed_in_at",
            params![account.portal, account.subject, now],
        )?;
        Ok(())
    }

    /// Who was last signed in at `portal`.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn session_subject(&self, portal: &str) -> Result<Option<String>, Error> {
        Ok(self
            .lock()
            .query_row("SELECT subject FROM sessions WHERE portal = ?1", [portal], |row| row.get(0))
            .optional()?)
    }

    /// Forgets who is signed in at `portal`.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn forget_session(&self, portal: &str) -> Result<(), Error> {
        self.lock().execute("DELETE FROM sessions WHERE portal = ?1", [portal])?;
        Ok(())
    }

    /// Gives the store the key that seals `account`'s cached data. Until then nothing of that
    /// account is cached, and nothing cached is read.
    pub fn unlock(&self, account: &AccountKey, key: Arc<DataKey>) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).insert(account.clone(), key);
    }

    /// Loads `account`'s data key from the keychain (making one if it has none) and unlocks
    /// the account's cache with it. Returns the key, which also seals the document vault.
    ///
    /// # Errors
    /// [`Error::Keychain`] when the keychain cannot be read or written.
    pub fn unlock_from_keychain(
        &self,
        account: &AccountKey,
        secrets: &dyn SecretStore,
    ) -> Result<Arc<DataKey>, Error> {
        let loaded = DataKey::load_or_create(secrets, &account.portal, &account.subject)?;
        let key = Arc::new(loaded.key);
        self.unlock(account, key.clone());
        Ok(key)
    }

    /// Forgets `account`'s key (at sign-out); its cache stays sealed on disk.
    pub fn relock(&self, account: &AccountKey) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).remove(account);
    }

    fn key(&self, account: &AccountKey) -> Option<Arc<DataKey>> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).get(account).cloned()
    }

    fn seal_json<T: serde::Serialize>(
        key: &DataKey,
        context: &str,
        value: &T,
    ) -> Result<Vec<u8>, Error> {
        let json = serde_json::to_vec(value).map_err(|err| Error::Internal(err.to_string()))?;
        Ok(kabinet_seal::seal(key, context.as_bytes(), &json))
    }

    /// Opens a sealed cache entry. One that does not open (sealed with a lost key, or
    /// damaged) is a cache miss: the portal has the data, so it is fetched again.
    fn open_json<T: serde::de::DeserializeOwned>(
        key: &DataKey,
        context: &str,
        sealed: &[u8],
    ) -> Option<T> {
        match kabinet_seal::open(key, context.as_bytes(), sealed) {
            Ok(json) => serde_json::from_slice(&json).ok(),
            Err(err) => {
                tracing::warn!(error = %err, "a cached entry does not open; it will be fetched again");
                None
            }
        }
    }

    /// Caches the profile, with document numbers masked, sealed.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cache_profile(
        &self,
        account: &AccountKey,
        profile: &Profile,
        now: i64,
    ) -> Result<(), Error> {
        let Some(key) = self.key(account) else { return Ok(()) };
        let context = format!("profile:{}:{}", account.portal, account.subject);
        let sealed = Self::seal_json(&key, &context, &masked(profile))?;
        self.lock().execute(
            "INSERT INTO cached_profile (portal, subject, sealed, fetched_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (portal, subject) DO UPDATE SET sealed = excluded.sealed,
                 fetched_at = excluded.fetched_at",
            params![account.portal, account.subject, sealed, now],
        )?;
        Ok(())
    }

    /// The cached (masked) profile and when it was fetched.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cached_profile(&self, account: &AccountKey) -> Result<Option<(Profile, i64)>, Error> {
        let Some(key) = self.key(account) else { return Ok(None) };
        let row: Option<(Vec<u8>, i64)> = self
            .lock()
            .query_row(
                "SELECT sealed, fetched_at FROM cached_profile WHERE portal = ?1 AND subject = ?2",
                params![account.portal, account.subject],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let context = format!("profile:{}:{}", account.portal, account.subject);
        Ok(row.and_then(|(sealed, at)| Self::open_json(&key, &context, &sealed).map(|p| (p, at))))
    }

    fn application_context(account: &AccountKey, id: &str, part: &str) -> String {
        format!("application:{}:{}:{id}:{part}", account.portal, account.subject)
    }

    /// Caches application summaries (from a list), sealed.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cache_applications(
        &self,
        account: &AccountKey,
        items: &[ApplicationSummary],
    ) -> Result<(), Error> {
        let Some(key) = self.key(account) else { return Ok(()) };
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for item in items {
            let context = Self::application_context(account, &item.id, "summary");
            let summary = Self::seal_json(&key, &context, item)?;
            tx.execute(
                "INSERT INTO cached_applications (portal, subject, id, summary)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (portal, subject, id) DO UPDATE SET summary = excluded.summary",
                params![account.portal, account.subject, item.id, summary],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Caches one application with its journal, sealed.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cache_application(
        &self,
        account: &AccountKey,
        application: &Application,
    ) -> Result<(), Error> {
        let Some(key) = self.key(account) else { return Ok(()) };
        let id = &application.summary.id;
        let summary = Self::seal_json(
            &key,
            &Self::application_context(account, id, "summary"),
            &application.summary,
        )?;
        let journal = Self::seal_json(
            &key,
            &Self::application_context(account, id, "journal"),
            &application.journal,
        )?;
        self.lock().execute(
            "INSERT INTO cached_applications (portal, subject, id, summary, journal)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (portal, subject, id) DO UPDATE SET summary = excluded.summary,
                 journal = excluded.journal",
            params![account.portal, account.subject, id, summary, journal],
        )?;
        Ok(())
    }

    /// The cached applications, newest first, optionally of one status.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cached_applications(
        &self,
        account: &AccountKey,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<ApplicationSummary>, Error> {
        let Some(key) = self.key(account) else { return Ok(Vec::new()) };
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, summary FROM cached_applications WHERE portal = ?1 AND subject = ?2
             ORDER BY CAST(id AS INTEGER) DESC, id DESC",
        )?;
        let rows = stmt.query_map(params![account.portal, account.subject], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (id, sealed) = row?;
            let context = Self::application_context(account, &id, "summary");
            if let Some(item) = Self::open_json::<ApplicationSummary>(&key, &context, &sealed)
                && status.is_none_or(|status| item.status == status)
            {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// One cached application with its journal, if it was ever opened.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cached_application(
        &self,
        account: &AccountKey,
        id: &str,
    ) -> Result<Option<Application>, Error> {
        let Some(key) = self.key(account) else { return Ok(None) };
        let row: Option<(Vec<u8>, Option<Vec<u8>>)> = self
            .lock()
            .query_row(
                "SELECT summary, journal FROM cached_applications
                 WHERE portal = ?1 AND subject = ?2 AND id = ?3",
                params![account.portal, account.subject, id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((summary, Some(journal))) = row else { return Ok(None) };
        let summary =
            Self::open_json(&key, &Self::application_context(account, id, "summary"), &summary);
        let journal =
            Self::open_json(&key, &Self::application_context(account, id, "journal"), &journal);
        Ok(summary.zip(journal).map(|(summary, journal)| Application { summary, journal }))
    }

    /// The poller's cursor and ETag.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn poll_state(
        &self,
        account: &AccountKey,
    ) -> Result<(Option<String>, Option<String>), Error> {
        let row = self
            .lock()
            .query_row(
                "SELECT cursor, etag FROM poll_state WHERE portal = ?1 AND subject = ?2",
                params![account.portal, account.subject],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(row.unwrap_or((None, None)))
    }

    /// Saves the poller's cursor and ETag.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn save_poll_state(
        &self,
        account: &AccountKey,
        cursor: Option<&str>,
        etag: Option<&str>,
        now: i64,
    ) -> Result<(), Error> {
        self.lock().execute(
            "INSERT INTO poll_state (portal, subject, cursor, etag, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (portal, subject) DO UPDATE SET cursor = excluded.cursor,
                 etag = excluded.etag, synced_at = excluded.synced_at",
            params![account.portal, account.subject, cursor, etag, now],
        )?;
        Ok(())
    }

    /// When the poller last heard from the portal.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn last_synced(&self, account: &AccountKey) -> Result<Option<i64>, Error> {
        Ok(self
            .lock()
            .query_row(
                "SELECT synced_at FROM poll_state WHERE portal = ?1 AND subject = ?2",
                params![account.portal, account.subject],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Whether an event was already handed to the notifier.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn is_handled(&self, account: &AccountKey, event_id: &str) -> Result<bool, Error> {
        Ok(self
            .lock()
            .query_row(
                "SELECT 1 FROM handled_events WHERE portal = ?1 AND subject = ?2 AND event_id = ?3",
                params![account.portal, account.subject, event_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Records that an event was handed to the notifier.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn mark_handled(
        &self,
        account: &AccountKey,
        event_id: &str,
        now: i64,
    ) -> Result<(), Error> {
        self.lock().execute(
            "INSERT OR IGNORE INTO handled_events (portal, subject, event_id, handled_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![account.portal, account.subject, event_id, now],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use kabinet_api::{AccountKind, FullName, Passport};

    use super::*;

    fn account() -> AccountKey {
        AccountKey { portal: "sandbox".into(), subject: "1000001".into() }
    }

    fn unlocked() -> LocalStore {
        let store = LocalStore::open_in_memory().unwrap();
        store.unlock(&account(), Arc::new(DataKey::from_bytes([3; 32])));
        store
    }

    #[test]
    fn the_cached_profile_keeps_no_full_document_number() {
        let store = unlocked();
        let profile = Profile {
            oid: 1_000_001,
            kind: AccountKind::Citizen,
            full_name: Some(FullName {
                last_name: "Иванов".into(),
                first_name: "Иван".into(),
                middle_name: None,
            }),
            birth_date: None,
            snils: Some(DocumentNumber::new("123-456-789 64")),
            inn: Some(DocumentNumber::new("771234567859")),
            passport: Some(Passport {
                series: DocumentNumber::new("4510"),
                number: DocumentNumber::new("123456"),
                issued_by: "ОВД".into(),
                issued_on: "2005-05-20".into(),
                department_code: "772-001".into(),
            }),
            contacts: None,
        };

        store.cache_profile(&account(), &profile, 10).unwrap();
        let (cached, at) = store.cached_profile(&account()).unwrap().unwrap();

        assert_eq!(at, 10);
        assert_eq!(cached.snils.unwrap().expose(), "•••-•••-••• 64");
        assert_eq!(cached.passport.unwrap().number.expose(), "••••56");
        let raw: Vec<u8> =
            store.lock().query_row("SELECT sealed FROM cached_profile", [], |r| r.get(0)).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(
            !raw.contains("123-456-789") && !raw.contains("Иванов") && !raw.contains("••"),
            "the cached profile is sealed: {raw}"
        );
    }

    #[test]
    fn a_locked_account_caches_nothing_and_another_key_reads_nothing() {
        let store = LocalStore::open_in_memory().unwrap();
        let summary: ApplicationSummary = serde_json::from_value(serde_json::json!({
            "id": "7", "number": "3014567807", "service_code": "passport", "title": "Паспорт",
            "department": "МВД", "status": "accepted",
            "submitted_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z"
        }))
        .unwrap();

        store.cache_applications(&account(), std::slice::from_ref(&summary)).unwrap();
        let count: i64 = store
            .lock()
            .query_row("SELECT count(*) FROM cached_applications", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 0, "without the key nothing is written");

        store.unlock(&account(), Arc::new(DataKey::from_bytes([1; 32])));
        store.cache_applications(&account(), std::slice::from_ref(&summary)).unwrap();
        assert_eq!(store.cached_applications(&account(), None).unwrap(), vec![summary.clone()]);

        store.unlock(&account(), Arc::new(DataKey::from_bytes([2; 32])));
        assert!(
            store.cached_applications(&account(), None).unwrap().is_empty(),
            "entries sealed with a lost key are a cache miss, not an error"
        );
        store.relock(&account());
        assert!(store.cached_applications(&account(), None).unwrap().is_empty());
    }

    #[test]
    fn handled_events_and_the_cursor_persist() {
        let store = LocalStore::open_in_memory().unwrap();

        assert!(!store.is_handled(&account(), "7").unwrap());
        store.mark_handled(&account(), "7", 1).unwrap();
        store.mark_handled(&account(), "7", 2).unwrap();
        assert!(store.is_handled(&account(), "7").unwrap(), "marking twice is harmless");

        store.save_poll_state(&account(), Some("7"), Some("\"feed-7\""), 3).unwrap();
        assert_eq!(
            store.poll_state(&account()).unwrap(),
            (Some("7".to_owned()), Some("\"feed-7\"".to_owned()))
        );
    }
}
