//! The document vault as the window sees it: scans with their names and kinds, what happened
//! to each imported file, uploads to the portal. The bytes of a scan never travel over IPC;
//! the window loads them through the app's `kabinet-scan` protocol, by the URLs given here.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The name of the event sent when files dropped on the window were imported; payload
/// [`ImportReport`].
pub const EVENT_VAULT_IMPORTED: &str = "kabinet://vault-imported";
/// The name of the event sent while a scan uploads; payload [`UploadProgressEvent`].
pub const EVENT_UPLOAD_PROGRESS: &str = "kabinet://upload-progress";
/// The name of the event sent when the vault's contents changed; payload [`VaultView`].
pub const EVENT_VAULT_CHANGED: &str = "kabinet://vault-changed";

/// What a scan shows; the same kinds as the portal's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKindCode {
    /// Паспорт.
    Passport,
    /// СНИЛС.
    Snils,
    /// ИНН.
    Inn,
    /// Справка, свидетельство.
    Certificate,
    /// Доверенность.
    PowerOfAttorney,
    /// Другое.
    Other,
}

/// The type of a scan, decided from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// `application/pdf`.
    Pdf,
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
}

/// What normalising an image did to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NormalisedView {
    /// The size of the file as it was imported, in bytes.
    #[ts(type = "number")]
    pub original_size: u64,
    /// The width and height as imported, in pixels.
    pub original_pixels: [u32; 2],
    /// Whether it was turned upright from its camera orientation.
    pub rotated: bool,
    /// Whether metadata (EXIF, GPS, comments) was removed.
    pub metadata_removed: bool,
    /// Whether it was compressed harder to fit the portal's limit.
    pub recompressed: bool,
    /// Whether it was made smaller to fit the portal's limit.
    pub downscaled: bool,
}

/// Where a scan stands with the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UploadedView {
    /// The document's id at the portal.
    pub document_id: String,
    /// When it was uploaded, RFC 3339.
    pub uploaded_at: String,
}

/// One scan in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScanView {
    /// Its id in the vault.
    pub id: String,
    /// The name the person gave it (at first, the file's name).
    pub name: String,
    /// What it shows.
    pub kind: DocumentKindCode,
    /// Its type.
    pub media: MediaKind,
    /// Its size as stored and uploaded, in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Pages: 1 for an image.
    pub pages: u32,
    /// Width and height in pixels, for an image.
    pub pixels: Option<[u32; 2]>,
    /// When it was added, RFC 3339.
    pub added_at: String,
    /// What normalisation did, for an image.
    pub normalised: Option<NormalisedView>,
    /// Set once it is on the portal.
    pub uploaded: Option<UploadedView>,
    /// A small picture of it, from the app's protocol: for images, and for PDFs the app
    /// assembled from images (their first page); `None` for other PDFs.
    pub thumbnail_url: Option<String>,
    /// The whole scan, from the app's protocol.
    pub content_url: String,
}

/// Why a file was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// Its content is not a PDF, JPEG or PNG (whatever its name says).
    UnsupportedType,
    /// The file is empty.
    Empty,
    /// The file is larger than the app reads at all.
    FileTooLarge,
    /// A PDF over the portal's limit (PDFs are not recompressed).
    PdfTooLarge,
    /// An image with more pixels than the app decodes.
    ImageTooLarge,
    /// An image that cannot be brought under the portal's limit without losing legibility.
    CannotFit,
    /// A damaged image.
    ImageBroken,
    /// A password-protected PDF.
    PdfEncrypted,
    /// A damaged PDF.
    PdfBroken,
    /// A PDF with no pages.
    PdfEmpty,
    /// A PDF whose compressed parts expand beyond any real document (a decompression bomb).
    PdfBomb,
    /// A PDF with scripts, launch actions or embedded files.
    PdfActiveContent,
    /// The file could not be read.
    Unreadable,
}

/// A refusal, with what the UI needs to say it in its own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RefusalView {
    /// Why.
    pub code: RefusalCode,
    /// For [`RefusalCode::UnsupportedType`]: what the content looks like ("GIF", "ZIP", …),
    /// when it is recognisable.
    pub detected: Option<String>,
    /// For size refusals: the file's size in bytes.
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    /// For [`RefusalCode::ImageTooLarge`]: the width and height the image claims.
    pub pixels: Option<[u32; 2]>,
    /// A technical detail in English, for "Details".
    pub detail: String,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// It is in the vault now.
    Imported {
        /// The file's name.
        file_name: String,
        /// The new scan.
        scan: ScanView,
    },
    /// The same content was already in the vault.
    Duplicate {
        /// The file's name.
        file_name: String,
        /// The scan that has it.
        scan: ScanView,
    },
    /// It was not added.
    Refused {
        /// The file's name.
        file_name: String,
        /// Why.
        refusal: RefusalView,
    },
}

/// The outcome of one import: each file, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    /// One outcome per file; empty when the person closed the picker.
    pub items: Vec<ImportOutcome>,
    /// Set when dropped files could not be imported at all (nobody signed in, the vault
    /// locked); a command reports that as its own error instead.
    pub error: Option<crate::ipc::CommandError>,
}

/// Whether the vault can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VaultState {
    /// Open.
    Ready,
    /// Nobody is signed in, so there is no vault to open.
    SignedOut,
    /// The key that sealed the vault is gone from the keychain or was replaced: the sealed data
    /// cannot be opened. A reset starts over with a new key.
    KeyChanged {
        /// Scans that exist only on this computer and would be lost by the reset.
        local_only: u32,
        /// Scans that are also on the portal.
        uploaded: u32,
    },
}

/// A document on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PortalDocumentView {
    /// Its id at the portal.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it shows.
    pub kind: DocumentKindCode,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// When it was uploaded, RFC 3339.
    pub uploaded_at: String,
    /// The local scan it came from, if this computer has it.
    pub scan_id: Option<String>,
}

/// The documents screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VaultView {
    /// Whether the vault is open.
    pub state: VaultState,
    /// Scans, newest first (none unless `Ready`).
    pub scans: Vec<ScanView>,
    /// Documents on the portal, newest first, as last fetched.
    pub portal_documents: Vec<PortalDocumentView>,
    /// Whether `portal_documents` is current (the portal answered).
    pub portal_online: bool,
    /// Whether scans survive a restart: false without a keychain, where the key lives only
    /// as long as the app runs.
    pub persistent: bool,
    /// The portal's limit per file, in bytes.
    #[ts(type = "number")]
    pub max_upload_size: u64,
}

/// Payload of [`EVENT_UPLOAD_PROGRESS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UploadProgressEvent {
    /// The scan being uploaded.
    pub scan_id: String,
    /// Bytes sent so far.
    #[ts(type = "number")]
    pub sent: u64,
    /// Bytes in all.
    #[ts(type = "number")]
    pub total: u64,
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportView {
    /// Whether a file was written (false when the person closed the dialog).
    pub saved: bool,
    /// The name of the file written, without its folder.
    pub file_name: Option<String>,
}
