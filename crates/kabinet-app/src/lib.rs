//! The desktop app's logic, behind the Tauri commands: the session with the portal, the
//! dashboard served from the local cache first and the portal second, the poller that feeds
//! notifications and the tray, the person's document vault and its uploads, the answers of
//! the scan protocol, and the types that cross IPC.
//!
//! It must not depend on Tauri: `src-tauri` implements [`UiEvents`] and the core's
//! `Notifier` with Tauri's event system and notification plugin and keeps each command to a
//! call into [`App`].

pub mod ipc;

mod app;

pub use app::{App, AppConfig, SCAN_PROTOCOL, ScanResource, UNDO_SECONDS, UiEvents, document_kind};
