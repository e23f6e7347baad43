//! The Kabinet desktop app: wires windows, the tray, plugins and commands around
//! `kabinet_app::App`. All logic lives in the crates under `crates/`.

// Release builds on Windows have no console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod shell;

use std::sync::Arc;

use kabinet_app::{App, AppConfig};
use kabinet_core::PortalProfile;
use kabinet_core::oidc::PageLanguage;
use kabinet_core::outbox::SystemClock;
use kabinet_core::session::SessionConfig;
use kabinet_sandbox::{Options, Storage};
use tauri::{DragDropEvent, Manager, RunEvent, WindowEvent};

/// Where the app gets its portal from.
enum Portal {
    /// The embedded sandbox (`--demo`).
    Demo,
    /// A portal at this address (`--portal-url URL`), such as a separately started sandbox.
    At(url::Url),
}

fn portal_from_args() -> Result<Portal, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|arg| arg == "--portal-url") {
        let url = args.get(at + 1).ok_or("--portal-url needs an address")?;
        return url::Url::parse(url).map(Portal::At).map_err(|err| format!("--portal-url: {err}"));
    }
    // Until the app has settings for other portals, everything else is demo mode (`--demo`).
    Ok(Portal::Demo)
}

/// Starts the embedded sandbox for demo mode, keeping its data in the app's data folder so
/// that a restart finds the session it signed in to. The portal's address is its issuer, so
/// it comes back on the port it had last time when that port is free.
fn start_demo(
    data: &std::path::Path,
) -> Result<(PortalProfile, kabinet_sandbox::RunningSandbox), String> {
    let folder = data.join("demo-portal");
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let port_file = folder.join("port");
    let last_port =
        std::fs::read_to_string(&port_file).ok().and_then(|text| text.trim().parse::<u16>().ok());
    let options = |port: u16| Options {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        storage: Storage::Dir(folder.clone()),
        admin_token: std::env::var("KABINET_SANDBOX_ADMIN_TOKEN").ok(),
        ..Options::demo()
    };
    let started = match last_port {
        Some(port) => match tauri::async_runtime::block_on(kabinet_sandbox::start(options(port))) {
            Err(kabinet_sandbox::ServeError::Bind { .. }) => {
                tracing::warn!(port, "the demo portal's last port is taken; sign in again");
                tauri::async_runtime::block_on(kabinet_sandbox::start(options(0)))
            }
            other => other,
        },
        None => tauri::async_runtime::block_on(kabinet_sandbox::start(options(0))),
    };
    let sandbox = started.map_err(|e| e.to_string())?;
    let url = url::Url::parse(&sandbox.url).map_err(|e| e.to_string())?;
    if let Some(port) = url.port() {
        let _ = std::fs::write(&port_file, port.to_string());
    }
    tracing::info!(url = %sandbox.url, "demo portal started");
    println!(
        "Demo portal: {url}\n  one-time codes: {url}dev/outbox?login=ivanov@demo.kabinet.test\n  \
         admin token: {}",
        sandbox.admin_token()
    );
    Ok((PortalProfile::sandbox_at(url), sandbox))
}

/// Set on a start that follows one whose running instance went away, so that it happens once.
const STARTED_AGAIN: &str = "KABINET_STARTED_AGAIN";

/// A start that finds another instance quitting at that very moment cannot hand it its
/// arguments (the single-instance plugin fails). Rather than fail, it waits a moment for the
/// quitting one to be gone and starts again in its place, once; any other error is fatal.
fn start_again_or_fail(err: tauri::Error) -> ! {
    let vanished = matches!(
        &err,
        tauri::Error::PluginInitialization(plugin, _) if plugin == "single-instance"
    );
    if !vanished || std::env::var_os(STARTED_AGAIN).is_some() {
        panic!("the Kabinet app cannot be built: {err}");
    }

    tracing::warn!(error = %err, "the running instance went away during start; starting again");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let Ok(exe) = std::env::current_exe() else {
        panic!("the Kabinet app cannot be built: {err}");
    };
    let mut again = std::process::Command::new(exe);
    again.args(std::env::args_os().skip(1)).env(STARTED_AGAIN, "1");

    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let failed = again.exec();
        panic!("Kabinet cannot start again: {failed}");
    }
    #[cfg(not(unix))]
    {
        let status = again.status().map(|status| status.code().unwrap_or(1)).unwrap_or(1);
        std::process::exit(status);
    }
}

fn main() {
    let portal = match portal_from_args() {
        Ok(portal) => portal,
        Err(err) => {
            eprintln!("kabinet: {err}");
            std::process::exit(2);
        }
    };

    let app = tauri::Builder::default()
        // First, so that a second start hands over to the running app before anything else.
        .plugin(tauri_plugin_single_instance::init(|handle, _, _| shell::show_main(handle)))
        .plugin(tauri_plugin_log::Builder::new().level(tracing_level()).build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        // Dialogs are opened by the app's own commands; the window has no dialog permission.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::new().build())
        .register_asynchronous_uri_scheme_protocol(
            kabinet_app::SCAN_PROTOCOL,
            |ctx, request, responder| {
                // Only the app's own window may load scans.
                if ctx.webview_label() != "main" {
                    return responder.respond(shell::scan_response(kabinet_app::ScanResource {
                        status: 403,
                        content_type: "text/plain",
                        body: Vec::new(),
                    }));
                }
                let handle = ctx.app_handle().clone();
                let method = request.method().as_str().to_owned();
                let path = request.uri().path().to_owned();
                let query = request.uri().query().map(str::to_owned);
                tauri::async_runtime::spawn(async move {
                    let Some(app) = handle.try_state::<shell::SharedApp>() else { return };
                    let resource = app.scan_resource(&method, &path, query.as_deref()).await;
                    responder.respond(shell::scan_response(resource));
                });
            },
        )
        .invoke_handler(tauri::generate_handler![
            commands::session_state,
            commands::sign_in,
            commands::cancel_sign_in,
            commands::sign_out,
            commands::dashboard,
            commands::refresh,
            commands::application,
            commands::mark_read,
            commands::vault,
            commands::vault_refresh,
            commands::vault_pick,
            commands::vault_rename,
            commands::vault_set_kind,
            commands::vault_delete,
            commands::vault_restore,
            commands::vault_export,
            commands::vault_assemble,
            commands::vault_upload,
            commands::vault_delete_uploaded,
            commands::vault_reset,
            commands::services,
            commands::save_draft,
            commands::drafts,
            commands::draft,
            commands::delete_draft,
            commands::save_template,
            commands::templates,
            commands::draft_from_template,
            commands::check_draft,
            commands::submit_draft,
            commands::outbox,
            commands::answer_clarification,
            commands::save_result,
        ])
        .setup(move |tauri_app| {
            let handle = tauri_app.handle().clone();
            let data = tauri_app.path().app_data_dir()?;
            std::fs::create_dir_all(&data)?;
            let profile = match &portal {
                Portal::At(url) => PortalProfile::sandbox_at(url.clone()),
                Portal::Demo => {
                    let (profile, sandbox) = start_demo(&data)?;
                    tauri_app.manage(sandbox);
                    profile
                }
            };
            let config = AppConfig {
                demo: matches!(portal, Portal::Demo),
                profile,
                database: data.join("kabinet.sqlite3"),
                scan_base: scan_base(),
                browser: Arc::new(shell::PluginBrowser { handle: handle.clone() }),
                notifier: Arc::new(shell::TauriNotifier { handle: handle.clone() }),
                events: Arc::new(shell::TauriEvents { handle: handle.clone() }),
                secrets: None,
                session: SessionConfig::default(),
                language: PageLanguage::Ru,
                clock: Arc::new(SystemClock),
            };
            let kabinet = tauri::async_runtime::block_on(App::start(config))?;
            tauri_app.manage::<shell::SharedApp>(kabinet);
            shell::build_tray(&handle)?;
            shell::open_from_notifications(&handle);
            Ok(())
        })
        .on_window_event(|window, event| match event {
            // Closing the window keeps the app in the tray, so the poller keeps watching.
            WindowEvent::CloseRequested { api, .. } => {
                api.prevent_close();
                let _ = window.hide();
            }
            // Files dropped on the window go to the vault; the window hears what happened.
            WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
                let app = window.app_handle().state::<shell::SharedApp>().inner().clone();
                let paths = paths.clone();
                tauri::async_runtime::spawn(async move { app.import_dropped(paths).await });
            }
            _ => {}
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|err| start_again_or_fail(err));

    app.run(|_, event| {
        if let RunEvent::ExitRequested { .. } = event {
            tracing::info!("Kabinet exits");
        }
    });
}

/// Where the window finds the scan protocol: WebView2 on Windows serves custom protocols as
/// `http://{name}.localhost`, WebKit elsewhere as `{name}://localhost`.
fn scan_base() -> String {
    let name = kabinet_app::SCAN_PROTOCOL;
    if cfg!(windows) { format!("http://{name}.localhost/") } else { format!("{name}://localhost/") }
}

/// `RUST_LOG=debug` and the like raise the level; the default is info.
fn tracing_level() -> log::LevelFilter {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|level| level.parse().ok())
        .unwrap_or(log::LevelFilter::Info)
}
