//! The commands the window may call. Each takes the app state, calls one function of
//! `kabinet_app::App`, and returns its result or its `{code, message}` error.

use std::sync::Arc;

use kabinet_app::App;
use kabinet_app::ipc::forms::{
    CatalogView, DraftInput, DraftView, FieldProblemView, OutboxView, SubmitView,
};
use kabinet_app::ipc::outcomes::SavedResultView;
use kabinet_app::ipc::vault::{DocumentKindCode, ExportView, ImportReport, ScanView, VaultView};
use kabinet_app::ipc::{ApplicationDetailView, CommandError, DashboardView, SessionView};

use crate::shell;

type AppState<'a> = tauri::State<'a, Arc<App>>;

#[tauri::command]
pub async fn session_state(app: AppState<'_>) -> Result<SessionView, CommandError> {
    Ok(app.session_view().await)
}

#[tauri::command]
pub async fn sign_in(app: AppState<'_>) -> Result<SessionView, CommandError> {
    app.sign_in().await
}

#[tauri::command]
pub fn cancel_sign_in(app: AppState<'_>) {
    app.cancel_sign_in();
}

#[tauri::command]
pub async fn sign_out(app: AppState<'_>) -> Result<SessionView, CommandError> {
    Ok(app.sign_out().await)
}

#[tauri::command]
pub async fn dashboard(app: AppState<'_>) -> Result<DashboardView, CommandError> {
    app.dashboard().await
}

#[tauri::command]
pub async fn refresh(app: AppState<'_>) -> Result<DashboardView, CommandError> {
    app.refresh().await
}

#[tauri::command]
pub async fn application(
    app: AppState<'_>,
    id: String,
) -> Result<ApplicationDetailView, CommandError> {
    app.application(&id).await
}

#[tauri::command]
pub fn mark_read(app: AppState<'_>) {
    app.mark_read();
}

#[tauri::command]
pub async fn vault(app: AppState<'_>) -> Result<VaultView, CommandError> {
    app.vault().await
}

#[tauri::command]
pub async fn vault_refresh(app: AppState<'_>) -> Result<VaultView, CommandError> {
    app.vault_refresh().await
}

/// Opens the native picker; the window never sees a path.
#[tauri::command]
pub async fn vault_pick(
    app: AppState<'_>,
    handle: tauri::AppHandle,
) -> Result<ImportReport, CommandError> {
    let paths = shell::pick_scans(&handle).await;
    app.import_paths(paths).await
}

#[tauri::command]
pub async fn vault_rename(
    app: AppState<'_>,
    id: String,
    name: String,
) -> Result<ScanView, CommandError> {
    app.rename_scan(id, name).await
}

#[tauri::command]
pub async fn vault_set_kind(
    app: AppState<'_>,
    id: String,
    kind: DocumentKindCode,
) -> Result<ScanView, CommandError> {
    app.set_scan_kind(id, kind).await
}

#[tauri::command]
pub async fn vault_delete(app: AppState<'_>, id: String) -> Result<(), CommandError> {
    app.delete_scan(id).await
}

#[tauri::command]
pub async fn vault_restore(app: AppState<'_>, id: String) -> Result<ScanView, CommandError> {
    app.restore_scan(id).await
}

/// Opens the native save dialog with the scan's safe name and writes a decrypted copy.
#[tauri::command]
pub async fn vault_export(
    app: AppState<'_>,
    handle: tauri::AppHandle,
    id: String,
) -> Result<ExportView, CommandError> {
    let suggested = app.export_name(id.clone()).await?;
    let destination = shell::choose_export(&handle, suggested).await;
    app.export_scan(id, destination).await
}

#[tauri::command]
pub async fn vault_assemble(
    app: AppState<'_>,
    ids: Vec<String>,
    name: String,
    kind: DocumentKindCode,
) -> Result<ScanView, CommandError> {
    app.assemble_scans(ids, name, kind).await
}

#[tauri::command]
pub async fn vault_upload(app: AppState<'_>, id: String) -> Result<ScanView, CommandError> {
    app.upload_scan(id).await
}

#[tauri::command]
pub async fn vault_delete_uploaded(
    app: AppState<'_>,
    document_id: String,
) -> Result<VaultView, CommandError> {
    app.delete_uploaded(document_id).await
}

#[tauri::command]
pub async fn vault_reset(app: AppState<'_>) -> Result<VaultView, CommandError> {
    app.reset_vault().await
}

#[tauri::command]
pub async fn services(app: AppState<'_>) -> Result<CatalogView, CommandError> {
    app.services().await
}

#[tauri::command]
pub fn save_draft(app: AppState<'_>, draft: DraftInput) -> Result<DraftView, CommandError> {
    app.save_draft(draft)
}

#[tauri::command]
pub fn drafts(app: AppState<'_>) -> Result<Vec<DraftView>, CommandError> {
    app.drafts()
}

#[tauri::command]
pub fn draft(app: AppState<'_>, id: String) -> Result<DraftView, CommandError> {
    app.draft(&id)
}

#[tauri::command]
pub fn delete_draft(app: AppState<'_>, id: String) -> Result<(), CommandError> {
    app.delete_draft(&id)
}

#[tauri::command]
pub fn save_template(
    app: AppState<'_>,
    id: String,
    name: String,
) -> Result<DraftView, CommandError> {
    app.save_template(&id, &name)
}

#[tauri::command]
pub fn templates(app: AppState<'_>) -> Result<Vec<DraftView>, CommandError> {
    app.templates()
}

#[tauri::command]
pub fn draft_from_template(app: AppState<'_>, id: String) -> Result<DraftView, CommandError> {
    app.draft_from_template(&id)
}

#[tauri::command]
pub fn check_draft(app: AppState<'_>, id: String) -> Result<Vec<FieldProblemView>, CommandError> {
    app.check_draft(&id)
}

#[tauri::command]
pub async fn submit_draft(app: AppState<'_>, id: String) -> Result<SubmitView, CommandError> {
    app.submit_draft(&id).await
}

#[tauri::command]
pub fn outbox(app: AppState<'_>) -> Result<OutboxView, CommandError> {
    app.outbox()
}

#[tauri::command]
pub async fn answer_clarification(
    app: AppState<'_>,
    application_id: String,
    text: String,
    scan_ids: Vec<String>,
) -> Result<ApplicationDetailView, CommandError> {
    app.answer_clarification(application_id, text, scan_ids).await
}

/// Opens the native save dialog with the result's name and writes the downloaded PDF there.
#[tauri::command]
pub async fn save_result(
    app: AppState<'_>,
    handle: tauri::AppHandle,
    application_id: String,
) -> Result<SavedResultView, CommandError> {
    let suggested = app.result_file_name(&application_id).await?;
    let destination = shell::choose_result(&handle, suggested).await;
    app.save_result(application_id, destination).await
}
