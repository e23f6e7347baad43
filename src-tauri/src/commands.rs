//! The commands the window may call. Each takes the app state, calls one function of
//! `kabinet_app::App`, and returns its result or its `{code, message}` error.

use std::sync::Arc;

use kabinet_app::App;
use kabinet_app::ipc::{ApplicationDetailView, CommandError, DashboardView, SessionView};

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
