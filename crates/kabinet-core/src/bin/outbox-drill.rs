//! The outbox crash drill: opens a local store and sends its outbox until nothing is left to
//! send, so that a test can kill it at any point and prove that the next run neither loses
//! nor repeats a submission.
//!
//! It is a test instrument, not part of the app. It reads its setup from the environment:
//!
//! - `KABINET_DRILL_DB`: the store's path;
//! - `KABINET_DRILL_PORTAL`: the portal's base URL (a sandbox profile is assumed);
//! - `KABINET_DRILL_SUBJECT`: the person's subject;
//! - `KABINET_DRILL_TOKEN`: an access token the parent obtained for that person;
//! - `KABINET_DRILL_DATA_KEY`: the person's data key, 64 hex digits;
//! - `KABINET_DRILL_EXIT` (optional): `claimed` to exit right before the first request goes,
//!   `answered` to exit right after an answer arrives and before it is recorded;
//! - `KABINET_DRILL_EXIT_AT` (optional, default 1): at which occurrence of that point to exit,
//!   so that the drill can stop at the second or third item rather than always the first.
//!
//! Exit codes: 0 when the outbox is empty of work, 3 at a fail point, 2 on a bad setup, 1
//! when sending fails or does not finish in time.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use kabinet_api::SecretString;
use kabinet_core::client::PortalClient;
use kabinet_core::outbox::{Outbox, Stage};
use kabinet_core::retry::Backoff;
use kabinet_core::store::{AccountKey, LocalStore};
use kabinet_core::{PortalProfile, Session};
use kabinet_seal::DataKey;
use url::Url;

/// The exit code of a fail point, so that the parent can tell it from a failure.
const FAIL_POINT_EXIT: i32 = 3;

/// How many rounds the drill sends before it gives up.
const MAX_ROUNDS: u32 = 400;

struct Setup {
    db: String,
    portal: Url,
    subject: String,
    token: SecretString,
    data_key: [u8; 32],
    exit_at: Option<Stage>,
    occurrence: u32,
}

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn setup() -> Result<Setup, String> {
    let portal = Url::parse(&var("KABINET_DRILL_PORTAL")?).map_err(|err| err.to_string())?;
    let hex = var("KABINET_DRILL_DATA_KEY")?;
    let mut data_key = [0u8; 32];
    if hex.len() != 64 {
        return Err("KABINET_DRILL_DATA_KEY must be 64 hex digits".to_owned());
    }
    for (i, byte) in data_key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|err| err.to_string())?;
    }
    let exit_at = match std::env::var("KABINET_DRILL_EXIT").ok().as_deref() {
        None | Some("") => None,
        Some("claimed") => Some(Stage::Claimed),
        Some("answered") => Some(Stage::Answered),
        Some(other) => return Err(format!("unknown fail point {other:?}")),
    };
    let occurrence = match std::env::var("KABINET_DRILL_EXIT_AT").ok().as_deref() {
        None | Some("") => 1,
        Some(n) => n.parse().map_err(|_| format!("KABINET_DRILL_EXIT_AT is not a count: {n}"))?,
    };
    Ok(Setup {
        db: var("KABINET_DRILL_DB")?,
        portal,
        subject: var("KABINET_DRILL_SUBJECT")?,
        token: SecretString::new(var("KABINET_DRILL_TOKEN")?),
        data_key,
        exit_at,
        occurrence,
    })
}

async fn run(setup: Setup) -> Result<(), String> {
    let profile = PortalProfile::sandbox_at(setup.portal);
    let http = kabinet_core::http_client().map_err(|err| err.to_string())?;
    let session = Session::from_access_token(
        http.clone(),
        profile.clone(),
        &setup.subject,
        setup.token,
        Duration::from_secs(600),
    );
    let client = PortalClient::new(http, Arc::new(session));

    let store = LocalStore::open(std::path::Path::new(&setup.db)).map_err(|e| e.to_string())?;
    let store = Arc::new(store);
    let account = AccountKey { portal: profile.id.clone(), subject: setup.subject.clone() };
    store.unlock(&account, Arc::new(DataKey::from_bytes(setup.data_key)));

    let (exit_at, occurrence) = (setup.exit_at, setup.occurrence);
    let seen = AtomicU32::new(0);
    let outbox = Outbox::new(store, account)
        .with_backoff(Backoff { base: Duration::from_millis(20), cap: Duration::from_millis(200) })
        .on_stage(move |stage| {
            if Some(stage) == exit_at && seen.fetch_add(1, Ordering::SeqCst) + 1 >= occurrence {
                std::process::exit(FAIL_POINT_EXIT);
            }
        });

    for _ in 0..MAX_ROUNDS {
        outbox.send_due(&client).await.map_err(|err| err.to_string())?;
        if outbox.next_due().map_err(|err| err.to_string())?.is_none() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("the outbox did not empty".to_owned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let setup = match setup() {
        Ok(setup) => setup,
        Err(err) => {
            eprintln!("outbox-drill: {err}");
            return ExitCode::from(2);
        }
    };
    match run(setup).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("outbox-drill: {err}");
            ExitCode::FAILURE
        }
    }
}
