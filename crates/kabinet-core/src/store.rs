//! The local store: a SQLite database in the platform's data folder that keeps the last known
//! state (profile, applications) for instant and offline display, the poller's cursor, and the
//! ids of events already notified. It holds no secret and no personal data in clear: tokens
//! are in the keychain, the cached profile and applications are sealed with the person's data
//! key (and document numbers are masked before that), and the rest is ids and cursors.
//!
//! It also keeps the public service catalog, so that forms can be filled offline, and the
//! person's drafts and templates of applications, sealed like the cached profile: what the
//! person typed is never in the database in clear. The outbox's table lives here too; its
//! logic is in [`crate::outbox`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use kabinet_api::{
    Application, ApplicationStatus, ApplicationSummary, DocumentNumber, Profile, ServiceCatalog,
};
use kabinet_keychain::SecretStore;
use kabinet_seal::DataKey;
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
        M::up(include_str!("schema/v3.sql")),
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

/// `bytes` random bytes from the operating system, as lowercase hex.
///
/// # Errors
/// [`Error::Internal`] when the system has no randomness to give.
pub(crate) fn random_hex(bytes: usize) -> Result<String, Error> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|err| Error::Internal(format!("no system randomness: {err}")))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether a saved form is on its way to becoming an application or kept for reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    /// A form being filled for one application; it goes when the application is sent.
    Draft,
    /// A filled form saved under a name, to start new drafts from.
    Template,
}

impl DraftKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Template => "template",
        }
    }
}

/// What the person put in a form. It is personal data: it is only ever stored sealed, and
/// its `Debug` shows the service and the sizes, never the answers.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftContent {
    /// The code of the service the form is for.
    pub service_code: String,
    /// The answers so far, by the form's property names.
    pub answers: Map<String, Value>,
    /// The ids of the vault scans attached (local ids; they become portal documents when
    /// uploaded, which the app does before submitting).
    pub scan_ids: Vec<String>,
    /// The template's name, for a template.
    pub name: Option<String>,
}

impl std::fmt::Debug for DraftContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftContent")
            .field("service_code", &self.service_code)
            .field("answers", &format_args!("[{} redacted]", self.answers.len()))
            .field("scan_ids", &self.scan_ids.len())
            .field("name", &self.name.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// A saved form: a draft or a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Its local id.
    pub id: String,
    /// Draft or template.
    pub kind: DraftKind,
    /// What the person put in it.
    pub content: DraftContent,
    /// When it was last saved, in Unix seconds.
    pub updated_at: i64,
}

impl Draft {
    /// A new draft or template with a fresh random id.
    ///
    /// # Errors
    /// [`Error::Internal`] when the system has no randomness to give.
    pub fn new(kind: DraftKind, content: DraftContent, now: i64) -> Result<Self, Error> {
        Ok(Self { id: random_hex(16)?, kind, content, updated_at: now })
    }

    /// A template made from this draft's form, under `name`.
    ///
    /// # Errors
    /// [`Error::Internal`] when the system has no randomness to give.
    pub fn to_template(&self, name: &str, now: i64) -> Result<Self, Error> {
        let content = DraftContent { name: Some(name.to_owned()), ..self.content.clone() };
        Self::new(DraftKind::Template, content, now)
    }

    /// A new draft filled from this template (its service, answers and scans, not its name).
    ///
    /// # Errors
    /// [`Error::Internal`] when the system has no randomness to give.
    pub fn to_draft(&self, now: i64) -> Result<Self, Error> {
        let content = DraftContent { name: None, ..self.content.clone() };
        Self::new(DraftKind::Draft, content, now)
    }
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
        // In WAL mode the default (`NORMAL`) may lose the last commits at a power cut. The
        // outbox promises that a queued submission and its idempotency key survive anything
        // once `enqueue` returns, so every commit waits for the disk.
        conn.pragma_update(None, "synchronous", "FULL")?;
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

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
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

    pub(crate) fn key(&self, account: &AccountKey) -> Option<Arc<DataKey>> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).get(account).cloned()
    }

    pub(crate) fn seal_json<T: serde::Serialize>(
        key: &DataKey,
        context: &str,
        value: &T,
    ) -> Result<Vec<u8>, Error> {
        let json = serde_json::to_vec(value).map_err(|err| Error::Internal(err.to_string()))?;
        Ok(kabinet_seal::seal(key, context.as_bytes(), &json))
    }

    /// Opens a sealed cache entry. One that does not open (sealed with a lost key, or
    /// damaged) is a cache miss: the portal has the data, so it is fetched again.
    pub(crate) fn open_json<T: serde::de::DeserializeOwned>(
        key: &DataKey,
        context: &str,
        sealed: &[u8],
    ) -> Option<T> {
        match kabinet_seal::open(key, context.as_bytes(), sealed) {
            Ok(json) => serde_json::from_slice(&json).ok(),
            Err(err) => {
                tracing::warn!(
                    error = %err,
                    "a cached entry does not open; it will be fetched again"
                );
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

/// The service catalog, cached.
impl LocalStore {
    /// Caches `portal`'s catalog with its ETag.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cache_catalog(
        &self,
        portal: &str,
        catalog: &ServiceCatalog,
        etag: Option<&str>,
        now: i64,
    ) -> Result<(), Error> {
        let json = to_json(catalog)?;
        self.lock().execute(
            "INSERT INTO cached_catalog (portal, etag, json, fetched_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (portal) DO UPDATE SET etag = excluded.etag, json = excluded.json,
                 fetched_at = excluded.fetched_at",
            params![portal, etag, json, now],
        )?;
        Ok(())
    }

    /// `portal`'s cached catalog and its ETag.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn cached_catalog(
        &self,
        portal: &str,
    ) -> Result<Option<(ServiceCatalog, Option<String>)>, Error> {
        let row: Option<(String, Option<String>)> = self
            .lock()
            .query_row("SELECT json, etag FROM cached_catalog WHERE portal = ?1", [portal], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((json, etag)) = row else { return Ok(None) };
        match serde_json::from_str(&json) {
            Ok(catalog) => Ok(Some((catalog, etag))),
            Err(err) => {
                tracing::warn!(error = %err, "the cached catalog does not read; fetch it again");
                Ok(None)
            }
        }
    }
}

/// Drafts and templates, sealed with the person's data key.
impl LocalStore {
    fn draft_context(account: &AccountKey, id: &str) -> String {
        format!("draft:{}:{}:{id}", account.portal, account.subject)
    }

    fn unlocked_key(&self, account: &AccountKey) -> Result<Arc<DataKey>, Error> {
        // Unlike the cache, a draft is the person's own work: refusing loudly is better
        // than dropping it.
        self.key(account).ok_or(Error::SignedOut)
    }

    /// Saves a draft or template, replacing the one with its id.
    ///
    /// # Errors
    /// [`Error::SignedOut`] when the account is locked; [`Error::Storage`].
    pub fn save_draft(&self, account: &AccountKey, draft: &Draft) -> Result<(), Error> {
        let key = self.unlocked_key(account)?;
        let sealed =
            Self::seal_json(&key, &Self::draft_context(account, &draft.id), &draft.content)?;
        self.lock().execute(
            "INSERT INTO drafts (portal, subject, id, kind, sealed, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (portal, subject, id) DO UPDATE SET kind = excluded.kind,
                 sealed = excluded.sealed, updated_at = excluded.updated_at",
            params![
                account.portal,
                account.subject,
                draft.id,
                draft.kind.as_str(),
                sealed,
                draft.updated_at
            ],
        )?;
        Ok(())
    }

    /// The drafts (or templates) of `account`, last saved first. One that does not open
    /// (sealed with a lost key, or damaged) is left out and logged.
    ///
    /// # Errors
    /// [`Error::SignedOut`] when the account is locked; [`Error::Storage`].
    pub fn drafts(&self, account: &AccountKey, kind: DraftKind) -> Result<Vec<Draft>, Error> {
        let key = self.unlocked_key(account)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, sealed, updated_at FROM drafts
             WHERE portal = ?1 AND subject = ?2 AND kind = ?3
             ORDER BY updated_at DESC, id",
        )?;
        let rows = stmt
            .query_map(params![account.portal, account.subject, kind.as_str()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?))
            })?;
        let mut drafts = Vec::new();
        for row in rows {
            let (id, sealed, updated_at) = row?;
            let context = Self::draft_context(account, &id);
            if let Some(content) = Self::open_json(&key, &context, &sealed) {
                drafts.push(Draft { id, kind, content, updated_at });
            }
        }
        Ok(drafts)
    }

    /// One draft or template.
    ///
    /// # Errors
    /// [`Error::SignedOut`] when the account is locked; [`Error::Storage`].
    pub fn draft(&self, account: &AccountKey, id: &str) -> Result<Option<Draft>, Error> {
        let key = self.unlocked_key(account)?;
        let row: Option<(String, Vec<u8>, i64)> = self
            .lock()
            .query_row(
                "SELECT kind, sealed, updated_at FROM drafts
                 WHERE portal = ?1 AND subject = ?2 AND id = ?3",
                params![account.portal, account.subject, id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((kind, sealed, updated_at)) = row else { return Ok(None) };
        let kind = if kind == "template" { DraftKind::Template } else { DraftKind::Draft };
        let content = Self::open_json(&key, &Self::draft_context(account, id), &sealed);
        Ok(content.map(|content| Draft { id: id.to_owned(), kind, content, updated_at }))
    }

    /// Deletes a draft or template; deleting one that is not there is no error.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn delete_draft(&self, account: &AccountKey, id: &str) -> Result<(), Error> {
        self.lock().execute(
            "DELETE FROM drafts WHERE portal = ?1 AND subject = ?2 AND id = ?3",
            params![account.portal, account.subject, id],
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

    fn content() -> DraftContent {
        let answers = serde_json::json!({ "last_name": "Иванов", "passport": "4510 123456" });
        DraftContent {
            service_code: "snils".into(),
            answers: answers.as_object().unwrap().clone(),
            scan_ids: vec!["scan-1".into()],
            name: None,
        }
    }

    #[test]
    fn drafts_are_sealed_and_come_back_whole() {
        let store = unlocked();
        let draft = Draft::new(DraftKind::Draft, content(), 5).unwrap();
        let mut template = Draft::new(DraftKind::Template, content(), 6).unwrap();
        template.content.name = Some("Для мамы".into());

        store.save_draft(&account(), &draft).unwrap();
        store.save_draft(&account(), &template).unwrap();

        assert_eq!(store.drafts(&account(), DraftKind::Draft).unwrap(), vec![draft.clone()]);
        assert_eq!(store.drafts(&account(), DraftKind::Template).unwrap(), vec![template]);
        assert_eq!(store.draft(&account(), &draft.id).unwrap(), Some(draft.clone()));
        let raw: Vec<Vec<u8>> = {
            let conn = store.lock();
            let mut stmt = conn.prepare("SELECT sealed FROM drafts").unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        for sealed in raw {
            let text = String::from_utf8_lossy(&sealed);
            assert!(
                !text.contains("Иванов") && !text.contains("4510") && !text.contains("snils"),
                "nothing the person typed is in clear: {text}"
            );
        }

        store.delete_draft(&account(), &draft.id).unwrap();
        assert_eq!(store.draft(&account(), &draft.id).unwrap(), None);
    }

    #[test]
    fn a_template_starts_new_drafts_with_its_answers() {
        let draft = Draft::new(DraftKind::Draft, content(), 5).unwrap();
        let template = draft.to_template("Для мамы", 6).unwrap();
        let again = template.to_draft(7).unwrap();

        assert_eq!(template.kind, DraftKind::Template);
        assert_eq!(template.content.name.as_deref(), Some("Для мамы"));
        assert_eq!((again.kind, again.content.name.clone()), (DraftKind::Draft, None));
        assert_eq!(again.content.answers, draft.content.answers, "the answers carry over");
        assert!(again.id != draft.id && again.id != template.id, "each is a row of its own");
    }

    #[test]
    fn a_locked_account_refuses_drafts_instead_of_dropping_them() {
        let store = LocalStore::open_in_memory().unwrap();
        let draft = Draft::new(DraftKind::Draft, content(), 5).unwrap();
        assert!(matches!(store.save_draft(&account(), &draft), Err(Error::SignedOut)));
    }

    #[test]
    fn draft_content_debug_shows_no_answers() {
        let shown = format!("{:?}", content());
        assert!(!shown.contains("Иванов") && !shown.contains("4510"), "{shown}");
        assert!(shown.contains("snils"), "the service is not personal: {shown}");
    }

    #[test]
    fn the_catalog_is_cached_with_its_etag() {
        let store = LocalStore::open_in_memory().unwrap();
        let catalog = ServiceCatalog { items: Vec::new() };
        assert!(store.cached_catalog("sandbox").unwrap().is_none());
        store.cache_catalog("sandbox", &catalog, Some("\"c1\""), 1).unwrap();
        assert_eq!(
            store.cached_catalog("sandbox").unwrap(),
            Some((catalog, Some("\"c1\"".to_owned())))
        );
    }
}
