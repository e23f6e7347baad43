//! What [`kabinet_keychain::open`] reports when there is no keychain.
//!
//! The session bus address is read from the environment by libdbus, and changing the
//! environment of a running test process is unsound, so the test runs itself again as a
//! child process whose `DBUS_SESSION_BUS_ADDRESS` points at a socket that does not exist.

use std::process::Command;

use kabinet_keychain::{Availability, SecretKey, SecretString};

/// Set in the child process: run the check instead of starting another child.
const CHILD: &str = "KABINET_KEYCHAIN_TEST_CHILD";

/// This test's name as the test harness knows it, for the child's `--exact` filter.
const TEST_NAME: &str = "availability::without_a_session_bus_secrets_stay_in_memory";

#[cfg(target_os = "linux")]
#[test]
fn without_a_session_bus_secrets_stay_in_memory() {
    if std::env::var_os(CHILD).is_some() {
        check_memory_only();
        return;
    }

    let output = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/kabinet-test-no-bus")
        // Without a display libdbus cannot start a bus of its own through X11.
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(output.status.success(), "the child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the child must have run exactly this test, not filtered it away:\n{stdout}"
    );
    assert!(stdout.contains("memory only because:"), "the child reached its check:\n{stdout}");
}

/// The child's half: `open` must hand out a working in-memory store and say why.
fn check_memory_only() {
    let (store, availability) = kabinet_keychain::open();

    let Availability::MemoryOnly { reason } = availability else {
        panic!("with no session bus open() must not claim a keychain: {availability:?}");
    };
    println!("memory only because: {reason}");
    assert!(reason.contains("Secret Service"), "the reason names what is missing: {reason}");
    assert!(reason.contains("memory only"), "the reason tells the consequence: {reason}");

    let key = SecretKey::refresh_token("kabinet-test", "oid-memory");
    store.set(&key, &SecretString::new("kept")).unwrap();
    assert_eq!(
        store.get(&key).unwrap(),
        Some(SecretString::new("kept")),
        "the fallback still holds the session for the life of the process"
    );
}
