//! The document vault in the app: opening the person's vault with their data key, importing
//! files from the picker or a drop, the views the window shows, uploads with progress, and
//! the `kabinet-scan` protocol through which the window loads decrypted scans.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kabinet_api::{Document, DocumentKind, MAX_DOCUMENT_SIZE};
use kabinet_core::client::{PortalClient, Upload};
use kabinet_core::outbox::UploadError;
use kabinet_core::store::AccountKey;
use kabinet_core::{Error, Session};
use kabinet_keychain::Availability;
use kabinet_vault::{Import, Scan, Variant, Vault, VaultError};
use sha2::{Digest, Sha256};

use super::{App, now, rfc3339};
use crate::ipc::vault::{
    DocumentKindCode, ExportView, ImportOutcome, ImportReport, MediaKind, NormalisedView,
    PortalDocumentView, RefusalCode, RefusalView, ScanView, UploadProgressEvent, UploadedView,
    VaultState, VaultView,
};
use crate::ipc::{CommandError, ErrorCode};

/// How long a deleted scan can be brought back before it is purged, in seconds. The window
/// offers the undo for less than this.
pub const UNDO_SECONDS: i64 = 60;

/// The name of the app's protocol for decrypted scans.
pub const SCAN_PROTOCOL: &str = "kabinet-scan";

/// The vault of the signed-in person, and what is known of their documents at the portal.
pub(crate) struct OpenVault {
    pub(crate) vault: Arc<Vault>,
    pub(crate) account: AccountKey,
}

impl From<VaultError> for CommandError {
    fn from(err: VaultError) -> Self {
        let code = match &err {
            VaultError::Locked => ErrorCode::VaultLocked,
            VaultError::NotFound => ErrorCode::NotFound,
            VaultError::EmptyName
            | VaultError::NotAnImage
            | VaultError::NothingToAssemble
            | VaultError::Refused(_) => ErrorCode::Invalid,
            _ => ErrorCode::Storage,
        };
        if code == ErrorCode::Storage {
            tracing::error!(error = %err, "the vault failed");
        }
        Self { code, message: err.to_string() }
    }
}

pub(super) fn kind_code(kind: DocumentKind) -> DocumentKindCode {
    match kind {
        DocumentKind::Passport => DocumentKindCode::Passport,
        DocumentKind::Snils => DocumentKindCode::Snils,
        DocumentKind::Inn => DocumentKindCode::Inn,
        DocumentKind::Certificate => DocumentKindCode::Certificate,
        DocumentKind::PowerOfAttorney => DocumentKindCode::PowerOfAttorney,
        DocumentKind::Other => DocumentKindCode::Other,
    }
}

/// What the window is told when an upload it asked for fails.
pub(super) fn upload_error(err: UploadError) -> CommandError {
    match err {
        UploadError::NotInVault => CommandError::from(VaultError::NotFound),
        UploadError::Portal(Error::Portal { status, code, message }) => {
            tracing::warn!(status, ?code, "the portal refused an upload");
            CommandError { code: ErrorCode::Invalid, message }
        }
        UploadError::Portal(err) => err.into(),
        err => CommandError { code: ErrorCode::Internal, message: err.to_string() },
    }
}

/// The portal's kind for the window's.
pub fn document_kind(code: DocumentKindCode) -> DocumentKind {
    match code {
        DocumentKindCode::Passport => DocumentKind::Passport,
        DocumentKindCode::Snils => DocumentKind::Snils,
        DocumentKindCode::Inn => DocumentKind::Inn,
        DocumentKindCode::Certificate => DocumentKind::Certificate,
        DocumentKindCode::PowerOfAttorney => DocumentKind::PowerOfAttorney,
        DocumentKindCode::Other => DocumentKind::Other,
    }
}

fn refusal_view(refusal: &kabinet_vault::Refusal) -> RefusalView {
    use kabinet_vault::RefusalCode as Vault;
    RefusalView {
        code: match refusal.code {
            Vault::UnsupportedType => RefusalCode::UnsupportedType,
            Vault::Empty => RefusalCode::Empty,
            Vault::FileTooLarge => RefusalCode::FileTooLarge,
            Vault::PdfTooLarge => RefusalCode::PdfTooLarge,
            Vault::ImageTooLarge => RefusalCode::ImageTooLarge,
            Vault::CannotFit => RefusalCode::CannotFit,
            Vault::ImageBroken => RefusalCode::ImageBroken,
            Vault::PdfEncrypted => RefusalCode::PdfEncrypted,
            Vault::PdfBroken => RefusalCode::PdfBroken,
            Vault::PdfEmpty => RefusalCode::PdfEmpty,
            Vault::PdfBomb => RefusalCode::PdfBomb,
            Vault::PdfActiveContent => RefusalCode::PdfActiveContent,
            Vault::Unreadable => RefusalCode::Unreadable,
        },
        detected: refusal.detected.map(str::to_owned),
        size: refusal.size,
        pixels: refusal.pixels,
        detail: refusal.detail.clone(),
    }
}

/// The folder of one person's vault: a hash of who they are, so the folder name says nothing.
fn vault_folder(root: &Path, account: &AccountKey) -> PathBuf {
    let digest = Sha256::digest(format!("{}\n{}", account.portal, account.subject).as_bytes());
    let name: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    root.join(name)
}

/// Runs a blocking vault call off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, CommandError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(CommandError::from),
        Err(err) => Err(CommandError { code: ErrorCode::Internal, message: err.to_string() }),
    }
}

/// What a request to the scan protocol gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanResource {
    /// The HTTP status.
    pub status: u16,
    /// The body's type.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl ScanResource {
    fn refused(status: u16) -> Self {
        Self { status, content_type: "text/plain", body: Vec::new() }
    }
}

impl App {
    /// Opens the vault of the person whose session this is. Called when a session starts.
    pub(crate) fn open_vault(&self, session: &Session) {
        let account = session.account();
        let key = match self.store.unlock_from_keychain(&account, self.secrets.as_ref()) {
            Ok(key) => key,
            Err(err) => {
                tracing::error!(error = %err, "no data key: the cache and the vault stay closed");
                return;
            }
        };
        let folder = vault_folder(&self.vault_root, &account);
        match Vault::open(&folder, key) {
            Ok(vault) => {
                if let Err(err) = vault.purge_deleted(now() - UNDO_SECONDS) {
                    tracing::warn!(error = %err, "cannot purge deleted scans");
                }
                *self.lock_vault() = Some(OpenVault { vault: Arc::new(vault), account });
            }
            Err(err) => tracing::error!(error = %err, "the vault does not open"),
        }
    }

    /// Closes the vault (at sign-out). What it holds stays sealed on disk.
    pub(crate) fn close_vault(&self) {
        if let Some(open) = self.lock_vault().take() {
            self.store.relock(&open.account);
        }
        self.lock_documents().clear();
    }

    pub(super) fn current_vault(&self) -> Result<Arc<Vault>, CommandError> {
        self.lock_vault()
            .as_ref()
            .map(|open| open.vault.clone())
            .ok_or_else(|| CommandError::from(Error::SignedOut))
    }

    fn scan_view(&self, scan: &Scan) -> ScanView {
        let url = |variant: &str| {
            format!("{}{}/{variant}?t={}", self.scan_base, scan.id, self.scan_token.expose())
        };
        ScanView {
            id: scan.id.clone(),
            name: scan.name.clone(),
            kind: kind_code(scan.kind),
            media: match scan.media {
                kabinet_api::MediaType::Pdf => MediaKind::Pdf,
                kabinet_api::MediaType::Jpeg => MediaKind::Jpeg,
                kabinet_api::MediaType::Png => MediaKind::Png,
            },
            size: scan.size,
            pages: scan.pages,
            pixels: scan.pixels,
            added_at: rfc3339(scan.added_at).unwrap_or_default(),
            normalised: scan.normalised.map(|n| NormalisedView {
                original_size: n.original_size,
                original_pixels: n.original_pixels,
                rotated: n.rotated,
                metadata_removed: true,
                recompressed: n.recompressed,
                downscaled: n.downscaled,
            }),
            uploaded: scan.uploaded.as_ref().map(|(document_id, at)| UploadedView {
                document_id: document_id.clone(),
                uploaded_at: rfc3339(*at).unwrap_or_default(),
            }),
            thumbnail_url: scan.has_thumbnail.then(|| url("thumbnail")),
            content_url: url("content"),
        }
    }

    /// The documents screen from local state, without the network.
    ///
    /// # Errors
    /// When the vault's index fails.
    pub async fn vault(&self) -> Result<VaultView, CommandError> {
        let persistent = matches!(self.keychain, Availability::Keychain);
        let base = |state| VaultView {
            state,
            scans: Vec::new(),
            portal_documents: Vec::new(),
            portal_online: false,
            persistent,
            max_upload_size: MAX_DOCUMENT_SIZE,
        };
        let Ok(vault) = self.current_vault() else { return Ok(base(VaultState::SignedOut)) };
        if let kabinet_vault::VaultState::KeyChanged { local_only, uploaded } = vault.state() {
            return Ok(base(VaultState::KeyChanged { local_only, uploaded }));
        }

        let scans = blocking(move || {
            vault.purge_deleted(now() - UNDO_SECONDS)?;
            vault.scans()
        })
        .await?;
        let portal_documents = self.portal_documents_view(&scans);
        Ok(VaultView {
            scans: scans.iter().map(|scan| self.scan_view(scan)).collect(),
            portal_documents,
            portal_online: self.documents_online.load(std::sync::atomic::Ordering::SeqCst),
            ..base(VaultState::Ready)
        })
    }

    fn portal_documents_view(&self, scans: &[Scan]) -> Vec<PortalDocumentView> {
        self.lock_documents()
            .iter()
            .map(|document| PortalDocumentView {
                id: document.id.clone(),
                name: document.name.clone(),
                kind: kind_code(document.kind),
                size: document.size,
                uploaded_at: rfc3339(document.uploaded_at.unix_timestamp()).unwrap_or_default(),
                scan_id: scans
                    .iter()
                    .find(|scan| scan.uploaded.as_ref().is_some_and(|(id, _)| *id == document.id))
                    .map(|scan| scan.id.clone()),
            })
            .collect()
    }

    async fn documents_client(&self) -> Result<PortalClient, CommandError> {
        Ok(self.client().await?.0)
    }

    /// The documents screen after asking the portal for its list. Offline, the last list is
    /// shown with `portal_online: false`.
    ///
    /// # Errors
    /// When the session ended; when the vault's index fails.
    pub async fn vault_refresh(&self) -> Result<VaultView, CommandError> {
        let client = self.documents_client().await?;
        match client.documents().await {
            Ok(documents) => {
                self.forget_deleted_uploads(&documents).await?;
                *self.lock_documents() = documents;
                self.documents_online.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Err(Error::Offline(reason)) => {
                tracing::warn!(%reason, "the portal's documents cannot be fetched");
                self.documents_online.store(false, std::sync::atomic::Ordering::SeqCst);
            }
            Err(err @ (Error::SignedOut | Error::SessionLocked)) => {
                self.end_session(&err).await;
                return Err(err.into());
            }
            Err(err) => return Err(err.into()),
        }
        self.vault().await
    }

    /// Scans marked as uploaded whose document the portal no longer has are local-only again.
    async fn forget_deleted_uploads(&self, documents: &[Document]) -> Result<(), CommandError> {
        let vault = self.current_vault()?;
        if vault.state() != kabinet_vault::VaultState::Ready {
            return Ok(());
        }
        let known: Vec<String> = documents.iter().map(|d| d.id.clone()).collect();
        blocking(move || {
            for scan in vault.scans()? {
                if let Some((document_id, _)) = &scan.uploaded
                    && !known.contains(document_id)
                {
                    vault.forget_upload(document_id)?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Imports files, in order, and says what happened to each.
    ///
    /// # Errors
    /// [`ErrorCode::VaultLocked`], [`ErrorCode::SignedOut`], or when the vault fails.
    pub async fn import_paths(&self, paths: Vec<PathBuf>) -> Result<ImportReport, CommandError> {
        let vault = self.current_vault()?;
        let outcomes = blocking(move || {
            paths
                .iter()
                .map(|path| {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    Ok((name.unwrap_or_default(), vault.import_file(path, now())?))
                })
                .collect::<Result<Vec<_>, VaultError>>()
        })
        .await?;
        let items = outcomes
            .into_iter()
            .map(|(file_name, outcome)| match outcome {
                Import::Added(scan) => {
                    ImportOutcome::Imported { file_name, scan: self.scan_view(&scan) }
                }
                Import::Duplicate(scan) => {
                    ImportOutcome::Duplicate { file_name, scan: self.scan_view(&scan) }
                }
                Import::Refused(refusal) => {
                    ImportOutcome::Refused { file_name, refusal: refusal_view(&refusal) }
                }
            })
            .collect();
        let report = ImportReport { items, error: None };
        self.announce_vault().await;
        Ok(report)
    }

    /// Imports files dropped on the window and tells the window what happened, also when
    /// nothing could be imported.
    pub async fn import_dropped(&self, paths: Vec<PathBuf>) {
        let report = match self.import_paths(paths).await {
            Ok(report) => report,
            Err(err) => {
                tracing::warn!(code = ?err.code, error = %err.message, "a drop failed");
                ImportReport { items: Vec::new(), error: Some(err) }
            }
        };
        self.events.vault_imported(&report);
    }

    async fn announce_vault(&self) {
        match self.vault().await {
            Ok(view) => self.events.vault_changed(&view),
            Err(err) => tracing::warn!(error = %err.message, "cannot tell the window"),
        }
    }

    async fn with_scan(
        &self,
        work: impl FnOnce(&Vault) -> Result<Scan, VaultError> + Send + 'static,
    ) -> Result<ScanView, CommandError> {
        let vault = self.current_vault()?;
        let scan = blocking(move || work(&vault)).await?;
        Ok(self.scan_view(&scan))
    }

    /// Renames a scan.
    ///
    /// # Errors
    /// [`ErrorCode::Invalid`] for a name with nothing visible in it; [`ErrorCode::NotFound`].
    pub async fn rename_scan(&self, id: String, name: String) -> Result<ScanView, CommandError> {
        self.with_scan(move |vault| vault.rename(&id, &name)).await
    }

    /// Changes what a scan shows.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`].
    pub async fn set_scan_kind(
        &self,
        id: String,
        kind: DocumentKindCode,
    ) -> Result<ScanView, CommandError> {
        self.with_scan(move |vault| vault.set_kind(&id, document_kind(kind))).await
    }

    /// Deletes a scan; [`App::restore_scan`] undoes it for [`UNDO_SECONDS`].
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`].
    pub async fn delete_scan(&self, id: String) -> Result<(), CommandError> {
        let vault = self.current_vault()?;
        blocking(move || vault.delete(&id, now())).await
    }

    /// Brings back a deleted scan.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`] when it was purged.
    pub async fn restore_scan(&self, id: String) -> Result<ScanView, CommandError> {
        self.with_scan(move |vault| vault.restore(&id)).await
    }

    /// The file name an export suggests.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`].
    pub async fn export_name(&self, id: String) -> Result<String, CommandError> {
        let vault = self.current_vault()?;
        blocking(move || vault.export_name(&id)).await
    }

    /// Writes a decrypted copy of a scan where the person chose.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`]; [`ErrorCode::Storage`] when the file cannot be written.
    pub async fn export_scan(
        &self,
        id: String,
        destination: Option<PathBuf>,
    ) -> Result<ExportView, CommandError> {
        let Some(destination) = destination else {
            return Ok(ExportView { saved: false, file_name: None });
        };
        let vault = self.current_vault()?;
        let file_name = destination.file_name().map(|n| n.to_string_lossy().into_owned());
        blocking(move || vault.export(&id, &destination)).await?;
        Ok(ExportView { saved: true, file_name })
    }

    /// Assembles image scans into one PDF, in the given order.
    ///
    /// # Errors
    /// [`ErrorCode::Invalid`] when a scan is not an image or the pages cannot fit the limit.
    pub async fn assemble_scans(
        &self,
        ids: Vec<String>,
        name: String,
        kind: DocumentKindCode,
    ) -> Result<ScanView, CommandError> {
        let kind = document_kind(kind);
        let view = self.with_scan(move |vault| vault.assemble(&ids, &name, kind, now())).await?;
        self.announce_vault().await;
        Ok(view)
    }

    /// Uploads a scan to the portal, telling the window how far it got.
    ///
    /// # Errors
    /// [`ErrorCode::Invalid`] when the portal refuses the file, [`ErrorCode::Offline`] when it
    /// cannot be reached.
    pub async fn upload_scan(&self, id: String) -> Result<ScanView, CommandError> {
        self.current_vault()?;
        let client = self.documents_client().await?;
        self.upload_to_portal(&client, &id, None, None).await.map_err(upload_error)?;
        self.with_scan(move |vault| vault.scan(&id)).await
    }

    /// The portal's id of scan `scan_id`: the one the vault noted when the scan was uploaded
    /// before, or else that of a new upload, as [`App::upload_to_portal`] makes it.
    pub(super) async fn portal_document(
        &self,
        client: &PortalClient,
        scan_id: &str,
        kind: Option<DocumentKind>,
        key: Option<&str>,
    ) -> Result<String, UploadError> {
        if let Ok(vault) = self.current_vault() {
            let id = scan_id.to_owned();
            let known = blocking(move || vault.scan(&id)).await;
            if let Ok(Some((document_id, _))) = known.map(|scan| scan.uploaded) {
                return Ok(document_id);
            }
        }
        self.upload_to_portal(client, scan_id, kind, key).await
    }

    /// Uploads scan `scan_id` through `client` as `kind` (or the scan's own kind) under `key`,
    /// with progress events, and marks the scan uploaded in the vault. Returns the portal's
    /// document id.
    pub(super) async fn upload_to_portal(
        &self,
        client: &PortalClient,
        scan_id: &str,
        kind: Option<DocumentKind>,
        key: Option<&str>,
    ) -> Result<String, UploadError> {
        // A closed vault is not the scan's fault: the upload is tried again later.
        let vault = self.current_vault().map_err(|err| Error::Storage(err.message))?;
        let id = scan_id.to_owned();
        let read = tokio::task::spawn_blocking({
            let vault = vault.clone();
            move || vault.upload_bytes(&id)
        })
        .await
        .map_err(|err| Error::Internal(err.to_string()))?;
        let (scan, bytes) = match read {
            Ok(found) => found,
            Err(VaultError::NotFound | VaultError::Corrupt { .. } | VaultError::Missing { .. }) => {
                return Err(UploadError::NotInVault);
            }
            Err(err) => return Err(Error::Storage(err.to_string()).into()),
        };

        let events = self.events.clone();
        let progress_id = scan_id.to_owned();
        let progress = Arc::new(move |sent, total| {
            events.upload_progress(&UploadProgressEvent {
                scan_id: progress_id.clone(),
                sent,
                total,
            });
        });
        let request = Upload {
            name: &scan.name,
            kind: kind.unwrap_or(scan.kind),
            media_type: scan.media,
            bytes: &bytes,
            sha256: &scan.sha256,
            idempotency_key: key,
        };
        let document = client.upload_document(&request, progress).await?;
        tracing::info!(scan = %scan.id, document = %document.id, "uploaded");

        let document_id = document.id.clone();
        let at = document.uploaded_at.unix_timestamp();
        {
            let mut documents = self.lock_documents();
            documents.retain(|d| d.id != document.id);
            documents.insert(0, document);
        }
        let (scan_id, marked) = (scan.id.clone(), document_id.clone());
        if let Err(err) = blocking(move || vault.mark_uploaded(&scan_id, &marked, at)).await {
            // The portal has the document; only the vault's note of it is missing.
            tracing::warn!(error = %err.message, "cannot mark a scan as uploaded");
        }
        self.announce_vault().await;
        Ok(document_id)
    }

    /// Deletes a document at the portal; the local scan, if any, stays, as local-only.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`], [`ErrorCode::Offline`].
    pub async fn delete_uploaded(&self, document_id: String) -> Result<VaultView, CommandError> {
        let client = self.documents_client().await?;
        match client.delete_document(&document_id).await {
            Ok(()) | Err(Error::NotFound) => {}
            Err(err) => return Err(err.into()),
        }
        self.lock_documents().retain(|d| d.id != document_id);
        let vault = self.current_vault()?;
        blocking(move || vault.forget_upload(&document_id)).await?;
        let view = self.vault().await?;
        self.events.vault_changed(&view);
        Ok(view)
    }

    /// Starts the vault over after its key changed. The window asks the person first.
    ///
    /// # Errors
    /// When the vault fails.
    pub async fn reset_vault(&self) -> Result<VaultView, CommandError> {
        let vault = self.current_vault()?;
        blocking(move || vault.reset()).await?;
        let view = self.vault().await?;
        self.events.vault_changed(&view);
        Ok(view)
    }

    /// Answers a request of the window to the scan protocol: `GET /{id}/{content|thumbnail}
    /// ?t={token}`. Anything else, a wrong token, or a scan of nobody signed in is refused.
    pub async fn scan_resource(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
    ) -> ScanResource {
        if method != "GET" {
            return ScanResource::refused(405);
        }
        let token = query
            .unwrap_or_default()
            .split('&')
            .find_map(|pair| pair.strip_prefix("t="))
            .unwrap_or_default();
        if !constant_time_eq(token.as_bytes(), self.scan_token.expose().as_bytes()) {
            tracing::warn!("a scan request without the window's token was refused");
            return ScanResource::refused(403);
        }
        let mut parts = path.trim_start_matches('/').split('/');
        let (Some(id), Some(variant), None) = (parts.next(), parts.next(), parts.next()) else {
            return ScanResource::refused(404);
        };
        let variant = match variant {
            "content" => Variant::Content,
            "thumbnail" => Variant::Thumbnail,
            _ => return ScanResource::refused(404),
        };
        let Ok(vault) = self.current_vault() else { return ScanResource::refused(403) };
        let id = id.to_owned();
        match blocking(move || vault.bytes(&id, variant)).await {
            Ok((media, body)) => ScanResource { status: 200, content_type: media.as_str(), body },
            Err(err) if err.code == ErrorCode::NotFound => ScanResource::refused(404),
            Err(err) if err.code == ErrorCode::VaultLocked => ScanResource::refused(403),
            Err(_) => ScanResource::refused(500),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
