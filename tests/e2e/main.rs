//! The end-to-end run: the built app, driven through tauri-driver and WebKitWebDriver on a
//! virtual display, against a sandbox on loopback, inside the private desktop session of
//! `scripts/session` (a real keychain and a recording notification server).
//!
//! The person's system browser is this same executable started with `--browse URL` through
//! `$BROWSER`: it fills the sandbox's real sign-in forms with the headless user agent.
//!
//! Screenshots of every screen land in `tests/e2e/screenshots/`, with the driver's log.
//! The run needs Linux: elsewhere this test binary has no test. On Linux it always runs, and
//! a missing tool (Xvfb, tauri-driver, WebKitWebDriver) or a run outside `scripts/session` is
//! a failure that names what is missing; `scripts/setup` installs them all.

mod applications;
mod documents;
mod lifecycle;
mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kabinet_api::SecretString;
use kabinet_sandbox::{Options, RunningSandbox, Speed, Storage, SystemClock, Workflow, seed};
use kabinet_useragent::{Agent, Consent, Credentials, SecondFactor};
use serde_json::{Value, json};
use webdriver::Session;

/// The admin token the run's sandbox accepts.
const ADMIN_TOKEN: &str = "e2e-admin";

/// How often the sandbox asks clients to poll.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How long a screen may take to appear.
const SCREEN: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, url] = args.as_slice()
        && flag == "--browse"
    {
        return browse(url);
    }

    // One line in libtest's format, so that the test command's summary counts this run.
    let report = |passed: u32, failed: u32, ignored: u32| {
        println!(
            "\ntest result: {}. {passed} passed; {failed} failed; {ignored} ignored; 0 measured; \
             0 filtered out",
            if failed == 0 { "ok" } else { "FAILED" }
        );
    };

    if !cfg!(target_os = "linux") {
        return ExitCode::SUCCESS;
    }
    if let Err(missing) = preflight() {
        eprintln!("e2e: cannot run: {missing}; run it through scripts/test");
        report(0, 1, 0);
        return ExitCode::FAILURE;
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let started = Instant::now();
    match runtime.block_on(end_to_end()) {
        Ok(()) => {
            println!("e2e: passed in {:.1} s", started.elapsed().as_secs_f64());
            report(1, 0, 0);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("e2e: FAILED: {err}");
            eprintln!("e2e: screenshots and the driver's log are in {}", artifacts().display());
            report(0, 1, 0);
            ExitCode::FAILURE
        }
    }
}

/// `$BROWSER`: signs the demo citizen in through the sandbox's forms, then delivers the
/// redirect to the app's loopback listener, as a browser would.
fn browse(url: &str) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = runtime.block_on(async {
        let agent = Agent::new().map_err(|e| e.to_string())?;
        let credentials = Credentials {
            login: seed::CITIZEN_EMAIL.to_owned(),
            password: SecretString::new(seed::DEMO_PASSWORD),
            second_factor: SecondFactor::Outbox,
        };
        let redirect =
            agent.sign_in(url, &credentials, Consent::Allow).await.map_err(|e| e.to_string())?;
        agent.deliver(&redirect).await.map_err(|e| e.to_string())
    });
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("e2e browser: {err}");
            ExitCode::FAILURE
        }
    }
}

fn find_tool(name: &str, also: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .chain(also.iter().map(PathBuf::from))
        .find(|candidate| candidate.is_file())
}

fn cargo_bin(name: &str) -> String {
    let home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    format!("{home}/bin/{name}")
}

fn preflight() -> Result<(), String> {
    for (tool, also) in [
        ("Xvfb", vec![]),
        ("WebKitWebDriver", vec!["/usr/bin/WebKitWebDriver".to_owned()]),
        ("tauri-driver", vec![cargo_bin("tauri-driver")]),
        ("dbus-send", vec![]),
        ("xdotool", vec![]),
    ] {
        let also: Vec<&str> = also.iter().map(String::as_str).collect();
        if find_tool(tool, &also).is_none() {
            return Err(format!("{tool} is missing (scripts/setup installs it)"));
        }
    }
    if std::env::var_os("KABINET_NOTIFICATION_LOG").is_none() {
        return Err("not inside a private desktop session: run it under scripts/session".into());
    }
    if !axe_source().is_file() {
        return Err(format!("{} is missing (scripts/setup installs it)", axe_source().display()));
    }
    Ok(())
}

fn tests_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("src-tauri has a parent");
    root.join("tests/e2e")
}

fn artifacts() -> PathBuf {
    tests_dir().join("screenshots")
}

fn axe_source() -> PathBuf {
    tests_dir().join("node_modules/axe-core/axe.min.js")
}

/// A child process killed when the run ends, however it ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display and returns it with its number.
fn start_display() -> Result<(Guard, String), String> {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start Xvfb: {e}"))?;
    let stdout = child.stdout.take().ok_or("Xvfb has no stdout")?;
    let guard = Guard(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
    let number = line.trim();
    if number.is_empty() {
        return Err("Xvfb did not report its display".into());
    }
    Ok((guard, format!(":{number}")))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts tauri-driver on the display, with this executable as the system browser.
async fn start_driver(display: &str) -> Result<(Guard, String), String> {
    let port = free_port();
    let native_port = free_port();
    let log = std::fs::File::create(artifacts().join("driver.log")).map_err(|e| e.to_string())?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let driver = find_tool("tauri-driver", &[&cargo_bin("tauri-driver")]).unwrap();
    let native = find_tool("WebKitWebDriver", &["/usr/bin/WebKitWebDriver"]).unwrap();
    let child = Command::new(driver)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .arg("--native-driver")
        .arg(native)
        .env("DISPLAY", display)
        .env("BROWSER", format!("{} --browse %s", me.display()))
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start tauri-driver: {e}"))?;
    let guard = Guard(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/status")).await.is_err() {
        if Instant::now() > deadline {
            return Err("tauri-driver did not start listening".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok((guard, base))
}

/// The run's portal: a sandbox keeping its database in a folder, so that it can be stopped
/// and started again on the same address with everything it had, as a real portal that was
/// unreachable for a while.
pub struct Portal {
    folder: PathBuf,
    addr: Option<std::net::SocketAddr>,
    running: Option<RunningSandbox>,
}

impl Portal {
    async fn start() -> Result<Self, String> {
        let folder =
            std::env::temp_dir().join(format!("kabinet-e2e-portal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        let mut portal = Portal { folder, addr: None, running: None };
        portal.resume().await?;
        Ok(portal)
    }

    /// The running sandbox.
    pub fn running(&self) -> Result<&RunningSandbox, String> {
        self.running.as_ref().ok_or_else(|| "the portal is stopped".to_owned())
    }

    /// The portal's base URL, also while it is stopped.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr.expect("the portal was started once"))
    }

    /// Stops the portal: its address refuses connections until [`Portal::resume`].
    pub async fn stop(&mut self) -> Result<(), String> {
        let running = self.running.take().ok_or("the portal is already stopped")?;
        // The app keeps connections open; a graceful stop waits for them only so long.
        let _ = tokio::time::timeout(Duration::from_secs(5), running.shutdown()).await;
        Ok(())
    }

    /// Starts the portal again on its first address, with the same database.
    pub async fn resume(&mut self) -> Result<(), String> {
        if self.running.is_some() {
            return Err("the portal is already running".into());
        }
        let listen = self.addr.unwrap_or_else(|| "127.0.0.1:0".parse().unwrap());
        let running = kabinet_sandbox::start(Options {
            listen,
            storage: Storage::Dir(self.folder.clone()),
            speed: Speed::Standard,
            workflow: Workflow::Manual,
            admin_token: Some(ADMIN_TOKEN.to_owned()),
            clock: Arc::new(SystemClock),
            adjust: Some(Box::new(|config| config.poll_interval = POLL_INTERVAL)),
        })
        .await
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
        self.addr = Some(running.addr);
        self.running = Some(running);
        Ok(())
    }

    async fn finish(mut self) {
        if let Some(running) = self.running.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), running.shutdown()).await;
        }
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// The run's record: screenshots and accessibility findings.
struct Record {
    violations: Vec<String>,
}

impl Record {
    async fn screen(&mut self, app: &Session, name: &str) -> Result<(), String> {
        let png = app.screenshot().await?;
        let path = artifacts().join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        println!("e2e: screenshot {}", path.display());
        self.axe(app, name).await
    }

    /// Runs axe-core inside the real webview for WCAG 2.1 A and AA.
    async fn axe(&mut self, app: &Session, screen: &str) -> Result<(), String> {
        let loaded = app.execute("return typeof window.axe === 'object';", json!([])).await?;
        if loaded != Value::Bool(true) {
            let source = std::fs::read_to_string(axe_source()).map_err(|e| e.to_string())?;
            app.execute(&format!("{source}\nreturn true;"), json!([])).await?;
        }
        let script = r"
            const done = arguments[arguments.length - 1];
            const only = { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] };
            window.axe.run(document, { runOnly: only }).then(
                (result) => done({
                    passes: result.passes.length,
                    violations: result.violations.map((v) => ({
                        id: v.id,
                        impact: v.impact,
                        nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary),
                    })),
                }),
                (error) => done({ error: String(error) }),
            );";
        let result = app.execute_async(script, json!([])).await?;
        if let Some(error) = result.get("error") {
            return Err(format!("axe failed on {screen}: {error}"));
        }
        let passes = result["passes"].as_u64().unwrap_or(0);
        if passes == 0 {
            return Err(format!("axe checked nothing on {screen}: {result}"));
        }
        let violations = result["violations"].as_array().cloned().unwrap_or_default();
        println!("e2e: axe on {screen}: {passes} rules pass, {} fail", violations.len());
        for violation in violations {
            self.violations.push(format!("{screen}: {violation}"));
        }
        Ok(())
    }
}

/// Whether a process runs the executable at `path`.
fn app_running(path: &Path) -> bool {
    let Ok(path) = path.canonicalize() else { return false };
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == path))
}

async fn wait_until_exited(path: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while app_running(path) {
        if Instant::now() > deadline {
            return Err("the app did not exit when its session ended".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The notifications the recording server has received so far.
fn notifications() -> Vec<Value> {
    let log = std::env::var("KABINET_NOTIFICATION_LOG").unwrap_or_default();
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Plays a click on a notification through the recording server.
fn click_notification(id: u64) -> Result<(), String> {
    let status = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            "ru.kabinet.NotificationRecorder.Click",
            &format!("uint32:{id}"),
            "string:default",
        ])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err("the recording server refused the click".into()) }
}

/// Moves application `id` to `status` through the portal's admin API, with the department's
/// comment and any details (`documents`, `answers`, `how_to_fix`).
pub async fn push_change(
    portal: &Portal,
    id: &str,
    status: &str,
    details: Value,
) -> Result<(), String> {
    let mut change = json!({ "status": status, "comment": "Документы проверены" });
    if let (Some(change), Some(details)) = (change.as_object_mut(), details.as_object()) {
        change.extend(details.clone());
    }
    let response = reqwest::Client::new()
        .post(format!("{}/admin/applications/{id}/status", portal.url()))
        .bearer_auth(ADMIN_TOKEN)
        .json(&change)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 204 {
        return Err(format!("the admin endpoint answered {}", response.status()));
    }
    Ok(())
}

async fn row_status(app: &Session, id: &str) -> Result<Option<String>, String> {
    let rows = app.find_all(&format!("[data-testid='application-row'][data-id='{id}']")).await?;
    match rows.first() {
        Some(row) => app.attribute(row, "data-status").await,
        None => Ok(None),
    }
}

async fn end_to_end() -> Result<(), String> {
    let _ = std::fs::remove_dir_all(artifacts());
    std::fs::create_dir_all(artifacts()).map_err(|e| e.to_string())?;
    let app_path = PathBuf::from(env!("CARGO_BIN_EXE_kabinet"));
    if app_running(&app_path) {
        return Err("another copy of the app is running; the single-instance lock would win".into());
    }

    let mut portal = Portal::start().await?;
    let (_display, display) = start_display()?;
    let (_driver, driver) = start_driver(&display).await?;
    let application = app_path.to_str().ok_or("the app's path is not UTF-8")?;
    let url = portal.url();
    let args = ["--portal-url", url.as_str()];
    let mut record = Record { violations: Vec::new() };

    // Start: signed out, the sign-in screen.
    let started = Instant::now();
    let app = Session::start(&driver, application, &args).await?;
    let button = app.wait_for("[data-testid='sign-in-button']", SCREEN).await?;
    println!("e2e: sign-in screen after {:.1} s", started.elapsed().as_secs_f64());
    let lang = app.execute("return document.documentElement.lang;", json!([])).await?;
    if lang != "ru" {
        return Err(format!("Russian comes first, but the page's language is {lang}"));
    }
    record.screen(&app, "01-sign-in").await?;

    // Sign in: the system browser ($BROWSER, this executable) fills the portal's forms.
    app.click(&button).await?;
    let heading = app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;
    println!("e2e: signed in after {:.1} s", started.elapsed().as_secs_f64());
    let name = app.wait_for("[data-testid='profile-name']", SCREEN).await?;
    let name = app.text(&name).await?;
    if !name.contains("Иванов") {
        return Err(format!("the dashboard shows the profile, not `{name}`"));
    }
    app.wait_for("[data-testid='application-row']", SCREEN).await?;
    let rows = app.find_all("[data-testid='application-row']").await?;
    let mut submitted = None;
    for row in &rows {
        if app.attribute(row, "data-status").await?.as_deref() == Some("accepted") {
            submitted = app.attribute(row, "data-id").await?;
        }
    }
    let id = submitted.ok_or("the seeded applications include an accepted one")?;
    if app.text(&heading).await?.is_empty() {
        return Err("the dashboard heading is empty".into());
    }
    record.screen(&app, "02-dashboard").await?;

    // Search narrows the list, by keyboard input.
    let search = app.wait_for("[data-testid='search-input']", SCREEN).await?;
    app.type_text(&search, "no application has this text").await?;
    app.wait_for("[data-testid='applications-no-matches']", SCREEN).await?;
    record.screen(&app, "03-dashboard-no-matches").await?;
    let reset = app.execute(
        "const input = document.querySelector(\"[data-testid='search-input']\");\
         input.value = ''; input.dispatchEvent(new Event('input', { bubbles: true }));\
         return true;",
        json!([]),
    );
    reset.await?;
    app.wait_for("[data-testid='application-row']", SCREEN).await?;

    // A status change on the portal reaches the list and a native notification within the
    // poll interval. The poller's first poll, at sign-in, is its baseline.
    tokio::time::sleep(POLL_INTERVAL + Duration::from_millis(500)).await;
    let before = notifications().len();
    let pushed = Instant::now();
    push_change(&portal, &id, "in_progress", json!({})).await?;
    let limit = POLL_INTERVAL * 5;
    loop {
        if row_status(&app, &id).await?.as_deref() == Some("in_progress") {
            break;
        }
        if pushed.elapsed() > limit {
            return Err(format!("the list did not show the new status within {limit:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("e2e: the list updated {:.1} s after the change", pushed.elapsed().as_secs_f64());
    let notification = loop {
        if let Some(found) = notifications().into_iter().nth(before) {
            break found;
        }
        if pushed.elapsed() > limit {
            return Err(format!("no native notification within {limit:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("e2e: notification {notification}");
    let shown = format!("{} {}", notification["summary"], notification["body"]);
    if shown.contains("Иванов") || shown.contains("Иван ") {
        return Err(format!("the notification carries personal data: {shown}"));
    }
    let updated = app.wait_for("[data-testid='last-updated']", SCREEN).await?;
    let updated = app.text(&updated).await?;
    if !updated.contains(':') {
        return Err(format!("the dashboard does not say when it was updated: `{updated}`"));
    }
    record.screen(&app, "04-dashboard-changed").await?;

    // Clicking the notification opens the application it names.
    let notification_id = notification["id"].as_u64().ok_or("the notification has an id")?;
    click_notification(notification_id)?;
    app.wait_for("[data-testid='application-heading']", SCREEN).await?;
    let url = app.url().await?;
    if !url.contains(&id) {
        return Err(format!("the notification opened {url}, not application {id}"));
    }
    let entries = app.find_all("[data-testid='journal-entry']").await?;
    if entries.len() < 2 {
        return Err(format!("the journal shows {} entries, expected the history", entries.len()));
    }
    let last = app.text(entries.last().unwrap()).await?;
    if !last.contains("Документы проверены") {
        return Err(format!("the journal's last entry is not the change: {last}"));
    }
    record.screen(&app, "05-application").await?;

    let back = app.wait_for("[data-testid='back-link']", SCREEN).await?;
    app.click(&back).await?;
    app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;

    // A phone photo of a passport page: added, viewed, uploaded, sealed on disk.
    documents::documents(&app, &mut record, &display).await?;

    // A new application: the catalog, a checked draft, the outbox.
    applications::applications(&app, &mut record).await?;

    // Prepared offline, submitted once when the portal is back, answered, approved, saved.
    let launch = lifecycle::Launch { driver: &driver, application, args: &args, display: &display };
    let app = lifecycle::lifecycle(app, &mut record, &mut portal, &launch).await?;

    // English.
    let switch = app.wait_for("[data-testid='language-switch-en']", SCREEN).await?;
    app.click(&switch).await?;
    let deadline = Instant::now() + SCREEN;
    while app.execute("return document.documentElement.lang;", json!([])).await? != "en" {
        if Instant::now() > deadline {
            return Err("the language switch did not switch to English".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    record.screen(&app, "10-dashboard-english").await?;
    app.quit().await?;
    wait_until_exited(&app_path).await?;

    // A restart restores the session from the keychain and shows the cached dashboard.
    let restarted = Instant::now();
    let app = Session::start(&driver, application, &args).await?;
    app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;
    app.wait_for("[data-testid='application-row']", SCREEN).await?;
    println!("e2e: restored after {:.1} s", restarted.elapsed().as_secs_f64());
    if !app.find_all("[data-testid='sign-in-button']").await?.is_empty() {
        return Err("the restarted app asks to sign in again".into());
    }
    record.screen(&app, "11-restored").await?;

    // Sign out: back to the sign-in screen.
    let sign_out = app.wait_for("[data-testid='sign-out-button']", SCREEN).await?;
    app.click(&sign_out).await?;
    app.wait_for("[data-testid='sign-in-button']", SCREEN).await?;
    record.screen(&app, "12-signed-out").await?;
    app.quit().await?;
    wait_until_exited(&app_path).await?;

    // After signing out, a restart is signed out too: nothing stayed in the keychain.
    let app = Session::start(&driver, application, &args).await?;
    app.wait_for("[data-testid='sign-in-button']", SCREEN).await?;
    app.quit().await?;
    wait_until_exited(&app_path).await?;

    // Demo mode needs nothing else: the app embeds the portal, shows the demo account, and
    // brings the portal back on the same address, so a restart keeps the session.
    let demo = ["--demo"];
    let app = Session::start(&driver, application, &demo).await?;
    let button = app.wait_for("[data-testid='sign-in-button']", SCREEN).await?;
    let login = app.wait_for("[data-testid='demo-login']", SCREEN).await?;
    if app.text(&login).await? != seed::CITIZEN_EMAIL {
        return Err("the demo sign-in screen does not show the demo account".into());
    }
    record.screen(&app, "13-demo-sign-in").await?;
    app.click(&button).await?;
    app.wait_for("[data-testid='application-row']", SCREEN).await?;
    record.screen(&app, "14-demo-dashboard").await?;
    app.quit().await?;
    wait_until_exited(&app_path).await?;

    let app = Session::start(&driver, application, &demo).await?;
    app.wait_for("[data-testid='application-row']", SCREEN).await?;
    let sign_out = app.wait_for("[data-testid='sign-out-button']", SCREEN).await?;
    app.click(&sign_out).await?;
    app.wait_for("[data-testid='sign-in-button']", SCREEN).await?;
    app.quit().await?;
    wait_until_exited(&app_path).await?;

    if !record.violations.is_empty() {
        return Err(format!(
            "axe-core found WCAG 2.1 AA violations:\n{}",
            record.violations.join("\n")
        ));
    }
    portal.finish().await;
    Ok(())
}
