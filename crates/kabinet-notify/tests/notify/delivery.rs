//! A notification reaches the daemon with the text it was given.

use std::path::PathBuf;

use kabinet_notify::{APP_NAME, DesktopNotifier};
use serde_json::Value;

/// Set by `scripts/session`: the file the recording daemon appends each notification to.
const NOTIFICATION_LOG: &str = "KABINET_NOTIFICATION_LOG";

/// The recording daemon's file.
///
/// # Panics
///
/// When there is no recording daemon: nothing is sent then, so that a test run outside the
/// session pops nothing up on the desktop, and the test fails instead of passing unchecked.
fn notification_log() -> PathBuf {
    match std::env::var_os(NOTIFICATION_LOG) {
        Some(path) => PathBuf::from(path),
        None => panic!(
            "{NOTIFICATION_LOG} names no recording notification daemon; run the tests under \
             scripts/session, which starts one, or with ./scripts/test"
        ),
    }
}

/// Every notification the daemon has recorded so far.
fn recorded(log: &PathBuf) -> Vec<Value> {
    let text = std::fs::read_to_string(log).unwrap();
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn the_daemon_receives_the_title_and_body_under_kabinets_name() {
    let log = notification_log();
    // A body unique to this run, so that the test finds its own notification among others.
    let body = format!("Заявление №{} принято к рассмотрению", std::process::id());

    DesktopNotifier::new().show("Статус заявления изменился", &body).unwrap();

    let notifications = recorded(&log);
    let mine: Vec<&Value> = notifications.iter().filter(|n| n["body"] == body.as_str()).collect();
    assert_eq!(
        mine.len(),
        1,
        "the daemon recorded exactly one such notification: {notifications:?}"
    );
    assert_eq!(mine[0]["summary"], "Статус заявления изменился", "the title arrives as summary");
    assert_eq!(mine[0]["app_name"], APP_NAME, "the desktop shows Kabinet as the sender");
}
