//! The app's security configuration, read from the files the build uses. A change that
//! loosens any of it fails here.

use std::path::Path;

use serde_json::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn json(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

#[test]
fn the_content_security_policy_is_strict() {
    let config = json("tauri.conf.json");
    let csp = &config["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'", "no inline or remote scripts, no eval");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(csp["frame-ancestors"], "'none'");
    assert_eq!(
        csp["connect-src"], "ipc: http://ipc.localhost",
        "IPC only: no network from the webview"
    );
    assert_eq!(
        csp["img-src"], "'self' data: kabinet-scan: http://kabinet-scan.localhost",
        "images from the app and its scan protocol only"
    );
    let text = csp.to_string();
    for forbidden in ["unsafe-eval", "unsafe-inline", "http:", "https:", "*"] {
        let loose =
            text.replace("http://ipc.localhost", "").replace("http://kabinet-scan.localhost", "");
        assert!(!loose.contains(forbidden), "the CSP must not allow {forbidden}: {text}");
    }
    assert_eq!(config["app"]["security"]["freezePrototype"], true);
    assert_eq!(config["app"]["withGlobalTauri"], false, "no global Tauri object");
    assert!(
        config["app"]["security"].get("dangerousDisableAssetCspModification").is_none(),
        "Tauri must keep hashing the app's own inline scripts into the CSP"
    );
}

#[test]
fn the_main_window_may_call_only_the_apps_own_commands() {
    let capability = json("capabilities/main.json");
    assert_eq!(capability["windows"], serde_json::json!(["main"]), "one window, one capability");
    assert!(capability.get("remote").is_none(), "no remote content gets any capability");

    let mut permissions: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("permissions are plain identifiers").to_owned())
        .collect();
    permissions.sort();
    let mut expected: Vec<String> = [
        "core:event:allow-listen",
        "core:event:allow-unlisten",
        "allow-application",
        "allow-cancel-sign-in",
        "allow-dashboard",
        "allow-mark-read",
        "allow-refresh",
        "allow-session-state",
        "allow-sign-in",
        "allow-sign-out",
        "allow-vault",
        "allow-vault-refresh",
        "allow-vault-pick",
        "allow-vault-rename",
        "allow-vault-set-kind",
        "allow-vault-delete",
        "allow-vault-restore",
        "allow-vault-export",
        "allow-vault-assemble",
        "allow-vault-upload",
        "allow-vault-delete-uploaded",
        "allow-vault-reset",
        "allow-services",
        "allow-save-draft",
        "allow-drafts",
        "allow-draft",
        "allow-delete-draft",
        "allow-save-template",
        "allow-templates",
        "allow-draft-from-template",
        "allow-check-draft",
        "allow-submit-draft",
        "allow-outbox",
        "allow-answer-clarification",
        "allow-save-result",
    ]
    .map(str::to_owned)
    .to_vec();
    expected.sort();
    assert_eq!(permissions, expected, "an explicit allow-list; no plugin or core defaults");

    let config = json("tauri.conf.json");
    assert_eq!(config["app"]["security"]["capabilities"], serde_json::json!(["main"]));
}

#[test]
fn release_builds_have_no_devtools() {
    let manifest = read("Cargo.toml");
    let workspace = read("../Cargo.toml");
    for text in [&manifest, &workspace] {
        assert!(!text.contains("devtools"), "the devtools feature must stay off");
    }
}

#[test]
fn every_command_handler_has_a_permission_and_is_allowed() {
    let build = read("build.rs");
    let main = read("src/main.rs");
    let capability = read("capabilities/main.json");
    let commands: Vec<&str> = build
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.strip_suffix("\","))
        .collect();
    assert!(commands.len() >= 8, "build.rs lists the commands: {commands:?}");
    for command in commands {
        assert!(main.contains(&format!("commands::{command},")), "{command} is registered");
        let permission = format!("allow-{}", command.replace('_', "-"));
        assert!(capability.contains(&permission), "{command} is allowed by {permission}");
    }
}
