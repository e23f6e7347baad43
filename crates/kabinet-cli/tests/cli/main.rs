//! The command-line client as a person uses it: real processes, the sandbox over loopback
//! HTTP, the headless user agent as `$BROWSER`, the real keychain and real D-Bus
//! notifications when the test runs under `scripts/session`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use kabinet_api::SecretString;
use kabinet_keychain::{Availability, SecretKey};
use kabinet_sandbox::{Options, Speed, Storage, Workflow, seed};

fn useragent() -> PathBuf {
    // `cargo test --workspace` builds every binary of the workspace next to the test's deps.
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("kabinet-useragent");
    assert!(
        path.exists(),
        "build the user agent first: cargo build -p kabinet-useragent ({path:?})"
    );
    path
}

struct Cli {
    issuer: String,
    data: PathBuf,
}

impl Cli {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kabinet-cli"));
        command
            .args(["--issuer", &self.issuer, "--data-dir"])
            .arg(&self.data)
            .args(args)
            .env("BROWSER", useragent())
            .env("KABINET_LOGIN", seed::CITIZEN_EMAIL)
            .env("KABINET_PASSWORD", seed::DEMO_PASSWORD)
            .env("RUST_LOG", "debug")
            .env("LANG", "ru_RU.UTF-8")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let Output { status, stdout, stderr } = self.command(args).output().unwrap();
        let (out, err) = (
            String::from_utf8_lossy(&stdout).into_owned(),
            String::from_utf8_lossy(&stderr).into_owned(),
        );
        (status.code().unwrap_or(-1), out, err)
    }
}

/// Every file below `dir`, read whole.
fn files_below(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_below(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

/// Whether `needle` stands in `text` as a number of its own, not inside a longer run of digits
/// (a random port such as 45103 or a timestamp's fraction), where it would mean nothing.
fn contains_number(text: &str, needle: &str) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    text.match_indices(needle).any(|(at, _)| {
        !digit(text[..at].chars().next_back()) && !digit(text[at + needle.len()..].chars().next())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_watches_a_change_restarts_and_signs_out() {
    let (_, availability) = kabinet_keychain::open();
    if let Availability::MemoryOnly { reason } = &availability {
        panic!("there is no keychain ({reason}); run the tests under scripts/session");
    }

    let sandbox = kabinet_sandbox::start(Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        storage: Storage::Memory,
        speed: Speed::Standard,
        workflow: Workflow::Manual,
        admin_token: Some("admin".to_owned()),
        clock: std::sync::Arc::new(kabinet_sandbox::SystemClock),
        adjust: Some(Box::new(|config| config.poll_interval = Duration::from_secs(1))),
    })
    .await
    .unwrap();
    let data = std::env::temp_dir().join(format!("kabinet-cli-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let cli = Cli { issuer: sandbox.url.clone(), data: data.clone() };
    let mut logs = String::new();

    // Sign in through the browser ($BROWSER is the headless agent filling the real forms).
    let (code, out, err) = tokio::task::block_in_place(|| cli.run(&["login", "--timeout", "60"]));
    logs.push_str(&err);
    assert_eq!(code, 0, "login succeeds: {out}{err}");
    assert!(out.contains("Вход выполнен"), "Russian first: {out}");

    let (code, out, err) = tokio::task::block_in_place(|| cli.run(&["--json", "whoami"]));
    logs.push_str(&err);
    assert_eq!(code, 0, "{err}");
    let me: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(me["profile"]["oid"], seed::CITIZEN_OID, "a new process restored the session");
    assert_eq!(me["profile"]["snils"], "•••-•••-••• 64", "the CLI shows the SNILS masked");

    let (code, out, err) = tokio::task::block_in_place(|| {
        cli.run(&["--json", "applications", "--status", "in_progress"])
    });
    logs.push_str(&err);
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let apps = list["applications"].as_array().unwrap();
    assert!(!apps.is_empty() && apps.iter().all(|a| a["status"] == "in_progress"));
    let id = apps[0]["id"].as_str().unwrap().to_owned();
    let number = apps[0]["number"].as_str().unwrap().to_owned();

    // Watch with notifications; push a change through the admin endpoint.
    let mut watch = cli
        .command(&["watch", "--notify"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pushed = reqwest::Client::new()
        .post(format!("{}/admin/applications/{id}/status", sandbox.url))
        .bearer_auth("admin")
        .json(&serde_json::json!({ "status": "approved" }))
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), 204);

    let expected_body = format!("Заявление № {number}: Одобрено");
    // The recording daemon of scripts/session. Freedesktop notifications are Linux's, so
    // elsewhere delivery is not checked here.
    let notification_log = std::env::var_os("KABINET_NOTIFICATION_LOG").map(PathBuf::from);
    assert!(
        notification_log.is_some() || !cfg!(target_os = "linux"),
        "KABINET_NOTIFICATION_LOG names no recording daemon; run the tests under scripts/session"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut delivered = false;
    while Instant::now() < deadline && !delivered {
        tokio::time::sleep(Duration::from_millis(250)).await;
        delivered = match &notification_log {
            Some(path) => {
                std::fs::read_to_string(path).unwrap_or_default().contains(&expected_body)
            }
            None => true,
        };
    }
    watch.kill().unwrap();
    let watched = watch.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&watched.stdout).into_owned();
    logs.push_str(&String::from_utf8_lossy(&watched.stderr));
    match &notification_log {
        Some(path) => {
            let recorded = std::fs::read_to_string(path).unwrap_or_default();
            assert!(delivered, "the D-Bus notification server received the change: {recorded}");
            assert_eq!(
                recorded.matches(&expected_body).count(),
                1,
                "exactly one notification for one change, none for the history: {recorded}"
            );
            assert!(!recorded.contains("Иванов"), "notifications carry no personal data");
        }
        None => eprintln!("not checking D-Bus delivery: this system has no D-Bus notifications"),
    }
    assert!(printed.contains(&expected_body), "watch printed the event: {printed}");

    // The refresh token is in the keychain, and nowhere else.
    let portal_id = format!("issuer:{}", sandbox.url);
    let key = SecretKey::refresh_token(&portal_id, &seed::CITIZEN_OID.to_string());
    let keychain = kabinet_keychain::OsKeychain::connect().unwrap();
    let refresh: SecretString = {
        use kabinet_keychain::SecretStore;
        keychain.get(&key).unwrap().expect("the refresh token is in the keychain")
    };
    let secrets =
        [refresh.expose(), "123-456-789 64", "12345678964", "771234567859", "4510", "123456"];
    for (path, bytes) in files_below(&data) {
        for secret in secrets {
            assert!(
                !contains(&bytes, secret),
                "{path:?} must not contain a secret or document number"
            );
        }
    }
    for secret in secrets {
        assert!(
            !contains_number(&logs, secret),
            "the logs must not contain a secret or document number: {secret}"
        );
    }

    // Sign out: the keychain entry goes, and the next command says to sign in.
    let (code, out, err) = tokio::task::block_in_place(|| cli.run(&["logout"]));
    assert_eq!(code, 0, "{out}{err}");
    {
        use kabinet_keychain::SecretStore;
        assert!(keychain.get(&key).unwrap().is_none(), "sign-out deletes the keychain entry");
    }
    let refused = reqwest::Client::new()
        .post(format!("{}/oauth/token", sandbox.url))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
            ("client_id", "kabinet-desktop"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        400,
        "sign-out revoked the refresh token at the portal (RFC 7009)"
    );
    let (code, _, err) = tokio::task::block_in_place(|| cli.run(&["whoami"]));
    assert_eq!(code, 3, "signed out is exit code 3: {err}");
    assert!(err.contains("kabinet-cli login"), "the error says what to do: {err}");
    assert_eq!(err.trim().lines().filter(|l| l.starts_with("kabinet-cli:")).count(), 1, "one line");

    sandbox.shutdown().await;
    std::fs::remove_dir_all(&data).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_browser_prints_the_address_for_another_device() {
    let sandbox = kabinet_sandbox::start(Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        storage: Storage::Memory,
        speed: Speed::Standard,
        workflow: Workflow::Manual,
        admin_token: None,
        clock: std::sync::Arc::new(kabinet_sandbox::SystemClock),
        adjust: None,
    })
    .await
    .unwrap();
    let data = std::env::temp_dir().join(format!("kabinet-cli-nobrowser-{}", std::process::id()));
    let cli = Cli { issuer: sandbox.url.clone(), data: data.clone() };
    let mut login = cli
        .command(&["login", "--no-browser", "--timeout", "60"])
        .env("BROWSER", "/bin/false")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // The address comes on standard error; a "browser elsewhere" (the agent) opens it. The
    // rest of standard error is drained, so that the CLI never writes into a closed pipe.
    let stderr = login.stderr.take().unwrap();
    let (found, url) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut rest = String::new();
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.trim().starts_with("http") {
                let _ = found.send(line.trim().to_owned());
            }
            rest.push_str(&line);
            rest.push('\n');
        }
        rest
    });
    let url =
        url.recv_timeout(Duration::from_secs(20)).expect("login --no-browser prints the address");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let status = Command::new(useragent())
        .arg(&url)
        .env("KABINET_LOGIN", seed::CITIZEN_EMAIL)
        .env("KABINET_PASSWORD", seed::DEMO_PASSWORD)
        .status()
        .unwrap();
    assert!(status.success(), "the agent completed the sign-in");

    let output =
        tokio::task::spawn_blocking(move || login.wait_with_output()).await.unwrap().unwrap();
    let stderr = drain.join().unwrap();
    assert!(output.status.success(), "login finished once the browser came back: {stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("Вход выполнен"));
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
}
