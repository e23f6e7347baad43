//! A notification reaches the daemon with the text it was given.

use std::path::PathBuf;

use kabinet_notify::{APP_NAME, DesktopNotifier};
use serde_json::Value;

/// Set by `scripts/session`: the file the recording daemon appends each notification to.
const NOTIFICATION_LOG: &str = "KABINET_NOTIFICATION_LOG";

/// Set by `scripts/session`: a missing recording daemon is then a failure.
const REQUIRE_NOTIFICATIONS: &str = "KABINET_REQUIRE_NOTIFICATIONS";

/// The recording daemon's file, or `None` (after saying so) when there is none and none is
/// required. Without it nothing is sent, so that a plain `cargo test` pops nothing up.
fn notification_log(test: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(NOTIFICATION_LOG) {
        return Some(PathBuf::from(path));
    }
    let required = std::env::var(REQUIRE_NOTIFICATIONS).is_ok_and(|value| value == "1");
    assert!(!required, "{REQUIRE_NOTIFICATIONS}=1 but {NOTIFICATION_LOG} names no record file");
    eprintln!(
        "{test}: NOT checking real notifications (no recording daemon); \
         run it under scripts/session"
    );
    None
}

/// Every notification the daemon has recorded so far.
fn recorded(log: &PathBuf) -> Vec<Value> {
    let text = std::fs::read_to_string(log).unwrap();
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn the_daemon_receives_the_title_and_body_under_kabinets_name() {
    let Some(log) = notification_log("delivery") else { return };
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
