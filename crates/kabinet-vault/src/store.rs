//! [`Vault`]: the folder, its index and its sealed blobs.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use hmac::{Hmac, KeyInit, Mac};
use kabinet_api::{DocumentKind, MAX_DOCUMENT_SIZE, MediaType};
use kabinet_seal::{DataKey, OpenError, open, seal};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::{Refusal, RefusalCode};
use crate::name;
use crate::pdf::{self, PageImage};
use crate::picture;
use crate::prepare::{Normalisation, Prepared, guess_kind, prepare};

/// A failure of the vault.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The vault's key is gone or was replaced; nothing sealed can be opened until a reset.
    #[error("the vault was sealed with another key; reset it to go on")]
    Locked,
    /// No scan with that id.
    #[error("no such scan")]
    NotFound,
    /// A blob or an index entry failed to open.
    #[error("scan {id} cannot be opened: {source}")]
    Corrupt {
        /// The scan.
        id: String,
        /// Why.
        source: OpenError,
    },
    /// A blob is missing from the folder.
    #[error("scan {id} has lost its file")]
    Missing {
        /// The scan.
        id: String,
    },
    /// A name with nothing visible in it.
    #[error("the name is empty")]
    EmptyName,
    /// Assembling needs images.
    #[error("only image scans can be assembled into a PDF")]
    NotAnImage,
    /// Assembling needs at least one scan.
    #[error("nothing to assemble")]
    NothingToAssemble,
    /// The result would not be kept (an assembled PDF over the limit).
    #[error("{0}")]
    Refused(Refusal),
    /// The file system failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// The index failed.
    #[error("the vault's index failed: {0}")]
    Database(#[from] rusqlite::Error),
    /// The index could not be brought up to date.
    #[error("the vault's index cannot be migrated: {0}")]
    Migration(#[from] rusqlite_migration::Error),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> VaultError {
    let what = what.into();
    move |source| VaultError::Io { what, source }
}

/// Whether the vault can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultState {
    /// Open.
    Ready,
    /// Sealed with another key.
    KeyChanged {
        /// Scans only on this computer.
        local_only: u32,
        /// Scans also on the portal.
        uploaded: u32,
    },
}

/// Which bytes of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The whole scan.
    Content,
    /// Its thumbnail.
    Thumbnail,
}

/// A scan, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it shows.
    pub kind: DocumentKind,
    /// Its type.
    pub media: MediaType,
    /// Its size in bytes.
    pub size: u64,
    /// Pages.
    pub pages: u32,
    /// Width and height, for an image.
    pub pixels: Option<[u32; 2]>,
    /// The lowercase hex SHA-256 of its bytes, as the portal checks it.
    pub sha256: String,
    /// When it was added, Unix seconds.
    pub added_at: i64,
    /// What normalisation did.
    pub normalised: Option<Normalisation>,
    /// The portal's document id and when it was uploaded.
    pub uploaded: Option<(String, i64)>,
    /// Whether it has a thumbnail.
    pub has_thumbnail: bool,
}

/// The outcome of importing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Import {
    /// A new scan.
    Added(Scan),
    /// The vault already had it.
    Duplicate(Scan),
    /// Not kept.
    Refused(Refusal),
}

/// The sealed part of an index row.
#[derive(Serialize, Deserialize)]
struct Meta {
    name: String,
    media: MediaType,
    size: u64,
    pages: u32,
    pixels: Option<[u32; 2]>,
    sha256: String,
    normalised: Option<Normalisation>,
}

/// An index row before its sealed part is opened.
struct Row {
    id: String,
    content: String,
    thumbnail: Option<String>,
    kind: String,
    sealed: Vec<u8>,
    added_at: i64,
    document_id: Option<String>,
    uploaded_at: Option<i64>,
}

const ROW_COLUMNS: &str =
    "id, content, thumbnail, kind, sealed, added_at, document_id, uploaded_at";

fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: row.get(0)?,
        content: row.get(1)?,
        thumbnail: row.get(2)?,
        kind: row.get(3)?,
        sealed: row.get(4)?,
        added_at: row.get(5)?,
        document_id: row.get(6)?,
        uploaded_at: row.get(7)?,
    })
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(include_str!("schema/v1.sql"))])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

/// Makes a file's contents and its name durable: fsync of the file, then of its folder.
fn sync_dir(dir: &Path) {
    // Folders cannot be opened for syncing on every platform; where they cannot, the
    // rename is as durable as the platform makes it.
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// The document vault of one person.
pub struct Vault {
    root: PathBuf,
    conn: Mutex<Connection>,
    key: Arc<DataKey>,
    address_key: zeroize::Zeroizing<[u8; 32]>,
    state: Mutex<VaultState>,
    limit: u64,
    /// Held for reading while blobs are written and indexed, for writing while orphans are
    /// collected, so that a blob is never collected between its write and its row.
    writing: RwLock<()>,
}

impl Vault {
    /// Opens (or creates) the vault in `root` with the person's key. Leftovers of writes that
    /// were interrupted are removed, and blobs no row refers to are collected.
    ///
    /// A vault sealed with another key opens in [`VaultState::KeyChanged`]: it can say how
    /// much it holds but nothing else until [`Vault::reset`].
    ///
    /// # Errors
    /// When the folder or the index cannot be opened.
    pub fn open(root: &Path, key: Arc<DataKey>) -> Result<Self, VaultError> {
        Self::open_with_limit(root, key, MAX_DOCUMENT_SIZE)
    }

    /// [`Vault::open`] with another size limit for scans, for tests.
    ///
    /// # Errors
    /// As [`Vault::open`].
    pub fn open_with_limit(root: &Path, key: Arc<DataKey>, limit: u64) -> Result<Self, VaultError> {
        fs::create_dir_all(root.join("blobs")).map_err(io("cannot create the vault"))?;
        let tmp = root.join("tmp");
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io("cannot clear unfinished writes"))?;
        }
        fs::create_dir_all(&tmp).map_err(io("cannot create the vault"))?;

        let mut conn = Connection::open(root.join("index.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;

        let address_key = zeroize::Zeroizing::new(*key.derive(b"kabinet vault content address"));
        let vault = Self {
            root: root.to_owned(),
            conn: Mutex::new(conn),
            key,
            address_key,
            state: Mutex::new(VaultState::Ready),
            limit,
            writing: RwLock::new(()),
        };
        vault.check_key()?;
        if vault.state() == VaultState::Ready {
            let collected = vault.collect_garbage()?;
            if collected > 0 {
                tracing::info!(collected, "removed blobs left by an interrupted import");
            }
        }
        Ok(vault)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check_key(&self) -> Result<(), VaultError> {
        let current = self.key.id().to_string();
        let conn = self.lock();
        let stored: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE name = 'key_id'", [], |row| row.get(0))
            .optional()?;
        let state = match stored {
            None => {
                conn.execute("INSERT INTO meta (name, value) VALUES ('key_id', ?1)", [&current])?;
                VaultState::Ready
            }
            Some(stored) if stored == current => VaultState::Ready,
            Some(stored) => {
                let count = |uploaded: bool| -> rusqlite::Result<u32> {
                    conn.query_row(
                        "SELECT count(*) FROM scans
                         WHERE deleted_at IS NULL AND (document_id IS NOT NULL) = ?1",
                        [uploaded],
                        |row| row.get(0),
                    )
                };
                let state =
                    VaultState::KeyChanged { local_only: count(false)?, uploaded: count(true)? };
                tracing::warn!(stored = %stored, current = %current, "the vault's key changed");
                state
            }
        };
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = state;
        Ok(())
    }

    /// Whether the vault can be used.
    pub fn state(&self) -> VaultState {
        *self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ready(&self) -> Result<(), VaultError> {
        match self.state() {
            VaultState::Ready => Ok(()),
            VaultState::KeyChanged { .. } => Err(VaultError::Locked),
        }
    }

    /// The portal's size limit the vault prepares scans for.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Starts over with the current key: every scan and blob is deleted. The caller asks the
    /// person first; this is the only way out of [`VaultState::KeyChanged`].
    ///
    /// # Errors
    /// When the folder or the index fails.
    pub fn reset(&self) -> Result<(), VaultError> {
        let _writing = self.writing.write().unwrap_or_else(|p| p.into_inner());
        {
            let conn = self.lock();
            conn.execute("DELETE FROM scans", [])?;
            conn.execute(
                "INSERT INTO meta (name, value) VALUES ('key_id', ?1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [self.key.id().to_string()],
            )?;
        }
        let blobs = self.root.join("blobs");
        fs::remove_dir_all(&blobs).map_err(io("cannot remove the old blobs"))?;
        fs::create_dir_all(&blobs).map_err(io("cannot create the vault"))?;
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = VaultState::Ready;
        tracing::warn!("the vault was reset");
        Ok(())
    }

    fn address(&self, plaintext: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.address_key.as_slice())
            .expect("HMAC takes a key of any length");
        mac.update(plaintext);
        hex(&mac.finalize().into_bytes())
    }

    fn blob_path(&self, address: &str) -> PathBuf {
        self.root.join("blobs").join(&address[..2]).join(address)
    }

    /// Seals and writes a blob unless it is already there: temporary file, fsync, rename.
    fn write_blob(&self, plaintext: &[u8]) -> Result<String, VaultError> {
        let address = self.address(plaintext);
        let path = self.blob_path(&address);
        if path.exists() {
            return Ok(address);
        }
        let sealed = seal(&self.key, format!("blob:{address}").as_bytes(), plaintext);
        let temporary = self.root.join("tmp").join(format!("{}.part", random_id()));
        let mut file = File::create(&temporary).map_err(io("cannot write a blob"))?;
        file.write_all(&sealed).map_err(io("cannot write a blob"))?;
        file.sync_all().map_err(io("cannot write a blob"))?;
        drop(file);

        let folder = path.parent().expect("a blob path has a folder");
        fs::create_dir_all(folder).map_err(io("cannot write a blob"))?;
        fs::rename(&temporary, &path).map_err(io("cannot write a blob"))?;
        sync_dir(folder);
        Ok(address)
    }

    fn read_blob(&self, id: &str, address: &str) -> Result<Vec<u8>, VaultError> {
        let path = self.blob_path(address);
        let sealed = match fs::read(&path) {
            Ok(sealed) => sealed,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::Missing { id: id.to_owned() });
            }
            Err(err) => return Err(io("cannot read a blob")(err)),
        };
        open(&self.key, format!("blob:{address}").as_bytes(), &sealed)
            .map_err(|source| VaultError::Corrupt { id: id.to_owned(), source })
    }

    fn open_row(&self, row: Row) -> Result<Scan, VaultError> {
        let plain = open(&self.key, format!("scan:{}", row.id).as_bytes(), &row.sealed)
            .map_err(|source| VaultError::Corrupt { id: row.id.clone(), source })?;
        let meta: Meta = serde_json::from_slice(&plain)
            .map_err(|_| VaultError::Corrupt { id: row.id.clone(), source: OpenError::Corrupt })?;
        Ok(Scan {
            kind: DocumentKind::parse(&row.kind).unwrap_or(DocumentKind::Other),
            name: meta.name,
            media: meta.media,
            size: meta.size,
            pages: meta.pages,
            pixels: meta.pixels,
            sha256: meta.sha256,
            added_at: row.added_at,
            normalised: meta.normalised,
            uploaded: row.document_id.zip(row.uploaded_at),
            has_thumbnail: row.thumbnail.is_some(),
            id: row.id,
        })
    }

    fn seal_meta(&self, id: &str, meta: &Meta) -> Vec<u8> {
        let json = serde_json::to_vec(meta).expect("the metadata serialises");
        seal(&self.key, format!("scan:{id}").as_bytes(), &json)
    }

    fn active_row(
        &self,
        conn: &Connection,
        column: &str,
        value: &str,
    ) -> Result<Option<Row>, VaultError> {
        Ok(conn
            .query_row(
                &format!(
                    "SELECT {ROW_COLUMNS} FROM scans WHERE {column} = ?1 AND deleted_at IS NULL
                     ORDER BY added_at LIMIT 1"
                ),
                [value],
                row,
            )
            .optional()?)
    }

    /// Imports a file's bytes under the name it had. Refusals are an outcome, not an error.
    ///
    /// # Errors
    /// [`VaultError::Locked`], or when the folder or the index fails.
    pub fn import(&self, file_name: &str, bytes: &[u8], now: i64) -> Result<Import, VaultError> {
        self.ready()?;
        let source = self.address(bytes);
        if let Some(existing) = self.active_row(&self.lock(), "source", &source)? {
            return Ok(Import::Duplicate(self.open_row(existing)?));
        }

        let prepared = match prepare(bytes, self.limit) {
            Ok(prepared) => prepared,
            Err(refusal) => {
                tracing::info!(code = ?refusal.code, detail = %refusal.detail, "file refused");
                return Ok(Import::Refused(refusal));
            }
        };
        let label = name::label_from_file_name(file_name);
        let kind = guess_kind(&label);
        self.store(&source, prepared, &label, kind, now)
    }

    fn store(
        &self,
        source: &str,
        prepared: Prepared,
        label: &str,
        kind: DocumentKind,
        now: i64,
    ) -> Result<Import, VaultError> {
        let _writing = self.writing.read().unwrap_or_else(|p| p.into_inner());
        let content = self.write_blob(&prepared.bytes)?;
        let thumbnail = prepared.thumbnail.as_deref().map(|t| self.write_blob(t)).transpose()?;

        let conn = self.lock();
        if let Some(existing) = self.active_row(&conn, "content", &content)? {
            return Ok(Import::Duplicate(self.open_row(existing)?));
        }
        let id = random_id();
        let meta = Meta {
            name: label.to_owned(),
            media: prepared.media,
            size: prepared.bytes.len() as u64,
            pages: prepared.pages,
            pixels: prepared.pixels,
            sha256: hex(&Sha256::digest(&prepared.bytes)),
            normalised: prepared.normalised,
        };
        conn.execute(
            "INSERT INTO scans (id, source, content, thumbnail, kind, sealed, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, source, content, thumbnail, kind.as_str(), self.seal_meta(&id, &meta), now],
        )?;
        let scan = self.active_row(&conn, "id", &id)?.ok_or(VaultError::NotFound)?;
        let scan = self.open_row(scan)?;
        tracing::info!(scan = %scan.id, media = scan.media.as_str(), size = scan.size, "imported");
        Ok(Import::Added(scan))
    }

    /// Imports the file at `path`, reading no more than the vault accepts.
    ///
    /// # Errors
    /// As [`Vault::import`]; a file that cannot be read is a refusal.
    pub fn import_file(&self, path: &Path, now: i64) -> Result<Import, VaultError> {
        self.ready()?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let file_name = file_name.unwrap_or_default();
        let unreadable = |err: std::io::Error| {
            Import::Refused(Refusal::new(RefusalCode::Unreadable, format!("cannot read: {err}")))
        };
        let size = match fs::metadata(path) {
            Ok(metadata) if !metadata.is_file() => {
                return Ok(Import::Refused(Refusal::new(
                    RefusalCode::Unreadable,
                    "not a file (a folder or a device)",
                )));
            }
            Ok(metadata) => metadata.len(),
            Err(err) => return Ok(unreadable(err)),
        };
        if size > crate::MAX_INPUT_SIZE {
            return Ok(Import::Refused(
                Refusal::new(RefusalCode::FileTooLarge, format!("the file is {size} bytes"))
                    .with_size(size),
            ));
        }
        match fs::read(path) {
            Ok(bytes) => self.import(&file_name, &bytes, now),
            Err(err) => Ok(unreadable(err)),
        }
    }

    /// Every scan, newest first.
    ///
    /// # Errors
    /// [`VaultError::Locked`]; a scan whose index entry does not open.
    pub fn scans(&self) -> Result<Vec<Scan>, VaultError> {
        self.ready()?;
        let rows = {
            let conn = self.lock();
            let mut stmt = conn.prepare(&format!(
                "SELECT {ROW_COLUMNS} FROM scans WHERE deleted_at IS NULL
                 ORDER BY added_at DESC, id"
            ))?;
            stmt.query_map([], row)?.collect::<rusqlite::Result<Vec<_>>>()?
        };
        rows.into_iter().map(|row| self.open_row(row)).collect()
    }

    /// One scan.
    ///
    /// # Errors
    /// [`VaultError::NotFound`], [`VaultError::Locked`].
    pub fn scan(&self, id: &str) -> Result<Scan, VaultError> {
        self.ready()?;
        let found = self.active_row(&self.lock(), "id", id)?.ok_or(VaultError::NotFound)?;
        self.open_row(found)
    }

    fn update_meta(&self, id: &str, change: impl FnOnce(&mut Meta)) -> Result<Scan, VaultError> {
        self.ready()?;
        let conn = self.lock();
        let found = self.active_row(&conn, "id", id)?.ok_or(VaultError::NotFound)?;
        let plain = open(&self.key, format!("scan:{id}").as_bytes(), &found.sealed)
            .map_err(|source| VaultError::Corrupt { id: id.to_owned(), source })?;
        let mut meta: Meta = serde_json::from_slice(&plain)
            .map_err(|_| VaultError::Corrupt { id: id.to_owned(), source: OpenError::Corrupt })?;
        change(&mut meta);
        conn.execute(
            "UPDATE scans SET sealed = ?2 WHERE id = ?1",
            params![id, self.seal_meta(id, &meta)],
        )?;
        let updated = self.active_row(&conn, "id", id)?.ok_or(VaultError::NotFound)?;
        self.open_row(updated)
    }

    /// Renames a scan.
    ///
    /// # Errors
    /// [`VaultError::EmptyName`] when nothing visible is left of `new_name`.
    pub fn rename(&self, id: &str, new_name: &str) -> Result<Scan, VaultError> {
        let cleaned = name::clean_typed(new_name).ok_or(VaultError::EmptyName)?;
        self.update_meta(id, |meta| meta.name = cleaned)
    }

    /// Changes what a scan is said to show.
    ///
    /// # Errors
    /// [`VaultError::NotFound`], [`VaultError::Locked`].
    pub fn set_kind(&self, id: &str, kind: DocumentKind) -> Result<Scan, VaultError> {
        self.ready()?;
        let changed = self.lock().execute(
            "UPDATE scans SET kind = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, kind.as_str()],
        )?;
        if changed == 0 {
            return Err(VaultError::NotFound);
        }
        self.scan(id)
    }

    /// Deletes a scan so that [`Vault::restore`] can bring it back until it is purged.
    ///
    /// # Errors
    /// [`VaultError::NotFound`], [`VaultError::Locked`].
    pub fn delete(&self, id: &str, now: i64) -> Result<(), VaultError> {
        self.ready()?;
        let changed = self.lock().execute(
            "UPDATE scans SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, now],
        )?;
        if changed == 0 {
            return Err(VaultError::NotFound);
        }
        Ok(())
    }

    /// Brings back a deleted scan.
    ///
    /// # Errors
    /// [`VaultError::NotFound`] when there is no such deleted scan (or it was purged).
    pub fn restore(&self, id: &str) -> Result<Scan, VaultError> {
        self.ready()?;
        let changed = self.lock().execute(
            "UPDATE scans SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
            [id],
        )?;
        if changed == 0 {
            return Err(VaultError::NotFound);
        }
        self.scan(id)
    }

    /// Removes scans deleted at or before `before` for good, and the blobs only they used.
    ///
    /// # Errors
    /// When the folder or the index fails.
    pub fn purge_deleted(&self, before: i64) -> Result<usize, VaultError> {
        let purged = self.lock().execute(
            "DELETE FROM scans WHERE deleted_at IS NOT NULL AND deleted_at <= ?1",
            [before],
        )?;
        if purged > 0 {
            self.collect_garbage()?;
        }
        Ok(purged)
    }

    /// Removes blobs that no scan refers to and unfinished writes. Returns how many blobs went.
    ///
    /// # Errors
    /// When the folder or the index fails.
    pub fn collect_garbage(&self) -> Result<usize, VaultError> {
        let _writing = self.writing.write().unwrap_or_else(|p| p.into_inner());
        let referenced: HashSet<String> = {
            let conn = self.lock();
            let mut stmt = conn.prepare(
                "SELECT content FROM scans UNION SELECT thumbnail FROM scans
                 WHERE thumbnail IS NOT NULL",
            )?;
            stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        let mut collected = 0;
        let blobs = self.root.join("blobs");
        for folder in fs::read_dir(&blobs).map_err(io("cannot list blobs"))?.flatten() {
            let Ok(entries) = fs::read_dir(folder.path()) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !referenced.contains(&name) {
                    fs::remove_file(entry.path()).map_err(io("cannot remove a blob"))?;
                    collected += 1;
                }
            }
        }
        Ok(collected)
    }

    /// The decrypted bytes of a scan or its thumbnail, with their type.
    ///
    /// # Errors
    /// [`VaultError::NotFound`] (also for a thumbnail the scan does not have),
    /// [`VaultError::Corrupt`], [`VaultError::Missing`].
    pub fn bytes(&self, id: &str, variant: Variant) -> Result<(MediaType, Vec<u8>), VaultError> {
        self.ready()?;
        let found = self.active_row(&self.lock(), "id", id)?.ok_or(VaultError::NotFound)?;
        let (address, media) = match variant {
            Variant::Content => (found.content.clone(), self.open_row(found)?.media),
            Variant::Thumbnail => (found.thumbnail.ok_or(VaultError::NotFound)?, MediaType::Jpeg),
        };
        Ok((media, self.read_blob(id, &address)?))
    }

    /// The bytes to upload, checked against the SHA-256 recorded at import.
    ///
    /// # Errors
    /// As [`Vault::bytes`]; [`VaultError::Corrupt`] when the bytes do not match.
    pub fn upload_bytes(&self, id: &str) -> Result<(Scan, Vec<u8>), VaultError> {
        let scan = self.scan(id)?;
        let (_, bytes) = self.bytes(id, Variant::Content)?;
        if hex(&Sha256::digest(&bytes)) != scan.sha256 {
            return Err(VaultError::Corrupt { id: id.to_owned(), source: OpenError::Corrupt });
        }
        Ok((scan, bytes))
    }

    /// Writes a decrypted copy of a scan to `destination`, atomically: a temporary file in
    /// the same folder, fsync, rename. This is the only way decrypted bytes reach the disk.
    ///
    /// # Errors
    /// As [`Vault::bytes`], or when the destination cannot be written.
    pub fn export(&self, id: &str, destination: &Path) -> Result<(), VaultError> {
        let (_, bytes) = self.bytes(id, Variant::Content)?;
        let folder = destination.parent().filter(|p| !p.as_os_str().is_empty());
        let folder = folder.unwrap_or(Path::new("."));
        let temporary = folder.join(format!(".kabinet-export-{}.part", random_id()));
        let written = (|| {
            let mut file = File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&temporary, destination)
        })();
        if let Err(err) = written {
            let _ = fs::remove_file(&temporary);
            return Err(io(format!("cannot write {}", destination.display()))(err));
        }
        sync_dir(folder);
        tracing::info!(scan = %id, "exported a decrypted copy");
        Ok(())
    }

    /// The file name an export of the scan suggests.
    ///
    /// # Errors
    /// As [`Vault::scan`].
    pub fn export_name(&self, id: &str) -> Result<String, VaultError> {
        let scan = self.scan(id)?;
        Ok(name::export_file_name(&scan.name, scan.media.extension()))
    }

    /// Assembles image scans, in the given order, into one new PDF scan. Pages are compressed
    /// harder, then shrunk (never below the legible size), until the PDF fits the limit.
    ///
    /// # Errors
    /// [`VaultError::NotAnImage`], [`VaultError::NothingToAssemble`], [`VaultError::Refused`]
    /// when the pages cannot fit.
    pub fn assemble(
        &self,
        ids: &[String],
        label: &str,
        kind: DocumentKind,
        now: i64,
    ) -> Result<Scan, VaultError> {
        let label = name::clean_typed(label).ok_or(VaultError::EmptyName)?;
        if ids.is_empty() {
            return Err(VaultError::NothingToAssemble);
        }
        let mut pages = Vec::with_capacity(ids.len());
        for id in ids {
            let (media, bytes) = self.bytes(id, Variant::Content)?;
            if media == MediaType::Pdf {
                return Err(VaultError::NotAnImage);
            }
            pages.push((media, bytes));
        }

        let pdf = assemble_within(&pages, self.limit).map_err(VaultError::Refused)?;
        let first_thumbnail = {
            let conn = self.lock();
            let first = self.active_row(&conn, "id", &ids[0])?.ok_or(VaultError::NotFound)?;
            first.thumbnail
        };
        let thumbnail =
            first_thumbnail.map(|address| self.read_blob(&ids[0], &address)).transpose()?;
        let prepared = Prepared {
            media: MediaType::Pdf,
            pages: ids.len() as u32,
            pixels: None,
            thumbnail,
            normalised: None,
            bytes: pdf,
        };
        let source = self.address(&prepared.bytes);
        match self.store(&source, prepared, &label, kind, now)? {
            Import::Added(scan) | Import::Duplicate(scan) => Ok(scan),
            Import::Refused(refusal) => Err(VaultError::Refused(refusal)),
        }
    }

    /// Records that a scan is on the portal as `document_id`.
    ///
    /// # Errors
    /// [`VaultError::NotFound`], [`VaultError::Locked`].
    pub fn mark_uploaded(&self, id: &str, document_id: &str, at: i64) -> Result<Scan, VaultError> {
        self.ready()?;
        let changed = self.lock().execute(
            "UPDATE scans SET document_id = ?2, uploaded_at = ?3 WHERE id = ?1",
            params![id, document_id, at],
        )?;
        if changed == 0 {
            return Err(VaultError::NotFound);
        }
        self.scan(id)
    }

    /// Forgets that scans are on the portal as `document_id` (it was deleted there).
    ///
    /// # Errors
    /// When the index fails.
    pub fn forget_upload(&self, document_id: &str) -> Result<(), VaultError> {
        self.lock().execute(
            "UPDATE scans SET document_id = NULL, uploaded_at = NULL WHERE document_id = ?1",
            [document_id],
        )?;
        Ok(())
    }

    /// Which scan, if any, is on the portal as `document_id`.
    ///
    /// # Errors
    /// When the index fails.
    pub fn scan_for_document(&self, document_id: &str) -> Result<Option<String>, VaultError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT id FROM scans WHERE document_id = ?1 AND deleted_at IS NULL",
                [document_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Opens every scan and its blobs, and returns those that fail, with why. Used by tests
    /// and diagnostics; the app opens scans lazily.
    ///
    /// # Errors
    /// [`VaultError::Locked`]; when the index fails.
    pub fn verify(&self) -> Result<Vec<(String, VaultError)>, VaultError> {
        self.ready()?;
        let ids: Vec<String> = {
            let conn = self.lock();
            let mut stmt = conn.prepare("SELECT id FROM scans WHERE deleted_at IS NULL")?;
            stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        let mut failures = Vec::new();
        for id in ids {
            let checked = self.upload_bytes(&id).and_then(|(scan, _)| {
                if scan.has_thumbnail {
                    self.bytes(&id, Variant::Thumbnail)?;
                }
                Ok(())
            });
            if let Err(err) = checked {
                failures.push((id, err));
            }
        }
        Ok(failures)
    }
}

/// Builds a PDF of the pages that fits `limit`, compressing and then shrinking them.
fn assemble_within(pages: &[(MediaType, Vec<u8>)], limit: u64) -> Result<Vec<u8>, Refusal> {
    // First try: the pages as they are, JPEGs untouched.
    let mut decoded = None;
    for (quality, scale) in [
        (None, 1.0),
        (Some(82), 1.0),
        (Some(70), 1.0),
        (Some(60), 1.0),
        (Some(60), 0.8),
        (Some(60), 0.64),
    ] {
        let mut encoded: Vec<(Vec<u8>, [u32; 2], bool)> = Vec::with_capacity(pages.len());
        for (index, (media, bytes)) in pages.iter().enumerate() {
            if quality.is_none() && *media == MediaType::Jpeg {
                let picture = picture::decode(bytes, *media)?.picture;
                let grey = !picture.color().has_color();
                encoded.push((bytes.clone(), [picture.width(), picture.height()], grey));
                continue;
            }
            let pictures = decoded.get_or_insert_with(Vec::new);
            if pictures.len() <= index {
                pictures.push(picture::decode(bytes, *media)?.picture);
            }
            let mut picture = pictures[index].clone();
            let long_side = picture.width().max(picture.height());
            let target = ((f64::from(long_side) * scale) as u32).max(picture::MIN_LONG_SIDE);
            if target < long_side {
                let ratio = f64::from(target) / f64::from(long_side);
                picture = picture.resize(
                    (f64::from(picture.width()) * ratio) as u32,
                    (f64::from(picture.height()) * ratio) as u32,
                    image::imageops::FilterType::Triangle,
                );
            }
            let grey = !picture.color().has_color();
            let jpeg = picture::encode_jpeg(&picture, quality.unwrap_or(90));
            encoded.push((jpeg, [picture.width(), picture.height()], grey));
        }
        let images: Vec<PageImage<'_>> = encoded
            .iter()
            .map(|(jpeg, pixels, grey)| PageImage { jpeg, pixels: *pixels, grey: *grey })
            .collect();
        let pdf = pdf::assemble(&images);
        if pdf.len() as u64 <= limit {
            return Ok(pdf);
        }
    }
    Err(Refusal::new(
        RefusalCode::CannotFit,
        format!("{} pages do not fit {limit} bytes at a legible size", pages.len()),
    ))
}
