//! The document vault: scans of a person's papers, kept encrypted on their computer, checked
//! the way the portal checks uploads, and ready to attach and upload.
//!
//! The crate owns the vault's folder and everything in it: an index in SQLite (`index.sqlite3`),
//! sealed blobs under `blobs/`, and a `tmp/` folder for writes in progress. Every blob and
//! every personal field of the index is sealed with the person's data key (`kabinet-seal`);
//! blobs are named by a keyed hash of their content, so identical files are stored once and
//! no name from outside ever becomes a path. Writes are atomic (temporary file, fsync,
//! rename) and the index row comes last, so a crash leaves at most an orphan blob, which the
//! next open collects.
//!
//! Terms: a *scan* is one document in the vault (an image or a PDF), with a *kind* (passport,
//! SNILS, …) and a *name*; *importing* turns a file into a scan (type by content, images
//! normalised: upright, without metadata, under the portal's limit); *assembling* makes one
//! PDF of several image scans.
//!
//! It knows nothing of HTTP, Tauri or the UI; `kabinet-app` drives it.

pub mod check;
pub mod name;
pub mod pdf;
pub mod picture;
pub mod prepare;

mod store;

pub use check::{MAX_INPUT_SIZE, Refusal, RefusalCode};
pub use prepare::{Normalisation, Prepared};
pub use store::{Import, Scan, Variant, Vault, VaultError, VaultState};
