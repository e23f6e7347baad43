//! Generates the Tauri context, and a permission for each of the app's own commands so that
//! the main window's capability can allow them one by one.

/// The app's commands; each one must also be allowed in `capabilities/main.json`.
const COMMANDS: &[&str] = &[
    "session_state",
    "sign_in",
    "cancel_sign_in",
    "sign_out",
    "dashboard",
    "refresh",
    "application",
    "mark_read",
    "vault",
    "vault_refresh",
    "vault_pick",
    "vault_rename",
    "vault_set_kind",
    "vault_delete",
    "vault_restore",
    "vault_export",
    "vault_assemble",
    "vault_upload",
    "vault_delete_uploaded",
    "vault_reset",
    "services",
    "save_draft",
    "drafts",
    "draft",
    "delete_draft",
    "save_template",
    "templates",
    "draft_from_template",
    "check_draft",
    "submit_draft",
    "outbox",
    "answer_clarification",
    "save_result",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("the Tauri build step succeeds");
}
