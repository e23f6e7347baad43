//! The desktop shell around `kabinet_app::App`: events to the window, native notifications,
//! the tray with the unread count, and opening an application from a notification.

use std::sync::Arc;

use std::path::PathBuf;

use kabinet_app::ipc::forms::{EVENT_OUTBOX_CHANGED, OutboxView};
use kabinet_app::ipc::vault::{
    EVENT_UPLOAD_PROGRESS, EVENT_VAULT_CHANGED, EVENT_VAULT_IMPORTED, ImportReport,
    UploadProgressEvent, VaultView,
};
use kabinet_app::ipc::{
    ChangedEvent, EVENT_CHANGED, EVENT_OPEN_APPLICATION, EVENT_SESSION, EVENT_SYNC,
    OpenApplicationEvent, SessionView, SyncView,
};
use kabinet_app::{App, ScanResource, UiEvents};
use kabinet_core::browser::{Browser, SystemBrowser};
use kabinet_core::poller::{Notification, Notifier};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

/// The tray's id.
const TRAY: &str = "main";

/// Sends the app's events to the window and keeps the tray's count current.
pub struct TauriEvents<R: Runtime> {
    pub handle: AppHandle<R>,
}

impl<R: Runtime> UiEvents for TauriEvents<R> {
    fn session(&self, view: &SessionView) {
        if let Err(err) = self.handle.emit(EVENT_SESSION, view) {
            tracing::warn!(error = %err, "cannot send the session event");
        }
    }

    fn changed(&self, event: &ChangedEvent) {
        if let Err(err) = self.handle.emit(EVENT_CHANGED, event) {
            tracing::warn!(error = %err, "cannot send the change event");
        }
    }

    fn sync(&self, view: &SyncView) {
        if let Err(err) = self.handle.emit(EVENT_SYNC, view) {
            tracing::warn!(error = %err, "cannot send the sync event");
        }
        update_tray(&self.handle, view.unread);
    }

    fn vault_imported(&self, report: &ImportReport) {
        if let Err(err) = self.handle.emit(EVENT_VAULT_IMPORTED, report) {
            tracing::warn!(error = %err, "cannot send the import event");
        }
    }

    fn upload_progress(&self, progress: &UploadProgressEvent) {
        if let Err(err) = self.handle.emit(EVENT_UPLOAD_PROGRESS, progress) {
            tracing::warn!(error = %err, "cannot send the upload progress");
        }
    }

    fn vault_changed(&self, view: &VaultView) {
        if let Err(err) = self.handle.emit(EVENT_VAULT_CHANGED, view) {
            tracing::warn!(error = %err, "cannot send the vault event");
        }
    }

    fn outbox_changed(&self, view: &OutboxView) {
        if let Err(err) = self.handle.emit(EVENT_OUTBOX_CHANGED, view) {
            tracing::warn!(error = %err, "cannot send the outbox event");
        }
    }
}

/// The native picker for scans, several at once; no paths when the person closes it.
pub async fn pick_scans<R: Runtime>(handle: &AppHandle<R>) -> Vec<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle
        .dialog()
        .file()
        .set_title("Добавить сканы")
        .add_filter("PDF, JPEG, PNG", &["pdf", "jpg", "jpeg", "png", "PDF", "JPG", "JPEG", "PNG"])
        .pick_files(move |picked| {
            let _ = tx.send(picked.unwrap_or_default());
        });
    rx.await.unwrap_or_default().into_iter().filter_map(|file| file.into_path().ok()).collect()
}

/// The native save dialog for an export, offering the scan's safe name.
pub async fn choose_export<R: Runtime>(
    handle: &AppHandle<R>,
    suggested: String,
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle.dialog().file().set_title("Сохранить копию").set_file_name(suggested).save_file(
        move |chosen| {
            let _ = tx.send(chosen);
        },
    );
    rx.await.ok().flatten().and_then(|file| file.into_path().ok())
}

/// The native save dialog for an application's result document, offering its name.
pub async fn choose_result<R: Runtime>(
    handle: &AppHandle<R>,
    suggested: String,
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle
        .dialog()
        .file()
        .set_title("Сохранить результат")
        .set_file_name(suggested)
        .add_filter("PDF", &["pdf", "PDF"])
        .save_file(move |chosen| {
            let _ = tx.send(chosen);
        });
    rx.await.ok().flatten().and_then(|file| file.into_path().ok())
}

/// The scan protocol's answer as an HTTP response that nothing may cache or reinterpret.
pub fn scan_response(resource: ScanResource) -> tauri::http::Response<Vec<u8>> {
    tauri::http::Response::builder()
        .status(resource.status)
        .header("Content-Type", resource.content_type)
        .header("Cache-Control", "no-store, max-age=0")
        .header("X-Content-Type-Options", "nosniff")
        .header("Cross-Origin-Resource-Policy", "same-site")
        .body(resource.body)
        .unwrap_or_else(|_| tauri::http::Response::new(Vec::new()))
}

/// Native notifications through the notification plugin. The application id rides along, so
/// a click can open it.
pub struct TauriNotifier<R: Runtime> {
    pub handle: AppHandle<R>,
}

impl<R: Runtime> Notifier for TauriNotifier<R> {
    fn notify(&self, notification: &Notification) -> Result<(), String> {
        let mut builder = self
            .handle
            .notification()
            .builder()
            .title(&notification.title)
            .body(&notification.body);
        if let Some(id) = &notification.application_id {
            builder = builder.extra("application_id", id);
        }
        builder.show().map_err(|err| err.to_string())
    }
}

/// The system browser through the opener plugin. When `$BROWSER` is set it wins, as with
/// `xdg-open`: that is how a person (or the end-to-end run) picks another browser.
pub struct PluginBrowser<R: Runtime> {
    pub handle: AppHandle<R>,
}

impl<R: Runtime> Browser for PluginBrowser<R> {
    fn open(&self, url: &str) -> Result<(), kabinet_core::Error> {
        if std::env::var_os("BROWSER").is_some() {
            return SystemBrowser.open(url);
        }
        self.handle.opener().open_url(url, None::<&str>).map_err(|err| {
            kabinet_core::Error::SignInFailed(format!("cannot open the system browser: {err}"))
        })
    }
}

/// Shows and focuses the main window.
pub fn show_main<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Opens an application in the window when its notification is clicked.
pub fn open_from_notifications<R: Runtime>(handle: &AppHandle<R>) {
    let target = handle.clone();
    let registered = handle.notification().on_action(move |performed| {
        let id = performed
            .notification()
            .and_then(|n| n.extra().get("application_id"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        show_main(&target);
        if let Some(id) = id
            && let Err(err) = target.emit(EVENT_OPEN_APPLICATION, OpenApplicationEvent { id })
        {
            tracing::warn!(error = %err, "cannot ask the window to open an application");
        }
    });
    if let Err(err) = registered {
        tracing::warn!(error = %err, "notification clicks will not open applications");
    }
}

fn tray_text(unread: u32) -> String {
    match unread {
        0 => "Kabinet".to_owned(),
        n => format!("Kabinet — новых изменений: {n}"),
    }
}

/// Builds the tray: the unread count, and Open and Quit.
///
/// # Errors
/// When the platform has no tray.
pub fn build_tray<R: Runtime>(handle: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    let open = MenuItem::with_id(handle, "open", "Открыть Kabinet", true, None::<&str>)?;
    let quit = MenuItem::with_id(handle, "quit", "Выйти", true, None::<&str>)?;
    let menu = Menu::with_items(handle, &[&open, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY).menu(&menu).tooltip(tray_text(0)).on_menu_event(
        |handle, event| match event.id().as_ref() {
            "open" => show_main(handle),
            "quit" => handle.exit(0),
            _ => {}
        },
    );
    if let Some(icon) = handle.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(handle)
}

fn update_tray<R: Runtime>(handle: &AppHandle<R>, unread: u32) {
    if let Some(tray) = handle.tray_by_id(TRAY) {
        let text = tray_text(unread);
        let _ = tray.set_tooltip(Some(&text));
        let _ = tray.set_title((unread > 0).then(|| unread.to_string()));
    }
}

/// The state every command reaches.
pub type SharedApp = Arc<App>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tray_says_how_many_changes_are_unread() {
        assert_eq!(tray_text(0), "Kabinet");
        assert_eq!(tray_text(3), "Kabinet — новых изменений: 3");
    }
}
