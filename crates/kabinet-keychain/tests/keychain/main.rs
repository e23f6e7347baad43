//! Integration tests of the keychain against the real platform store.
//!
//! Under `scripts/session` a private Secret Service runs and `KABINET_REQUIRE_KEYCHAIN=1` is
//! set, so a missing keychain fails these tests instead of being reported and passed over.

mod availability;
mod round_trip;

use std::sync::Arc;

use kabinet_keychain::{Availability, SecretStore};

/// Set by `scripts/session`: a missing keychain is then a failure.
const REQUIRE_KEYCHAIN: &str = "KABINET_REQUIRE_KEYCHAIN";

/// The real keychain, or `None` (after saying so) when there is none and none is required.
///
/// # Panics
///
/// When there is no keychain and `KABINET_REQUIRE_KEYCHAIN=1`.
fn real_keychain(test: &str) -> Option<Arc<dyn SecretStore>> {
    let (store, availability) = kabinet_keychain::open();
    match availability {
        Availability::Keychain => Some(store),
        Availability::MemoryOnly { reason } => {
            let required = std::env::var(REQUIRE_KEYCHAIN).is_ok_and(|value| value == "1");
            assert!(!required, "{REQUIRE_KEYCHAIN}=1 but there is no keychain: {reason}");
            eprintln!(
                "{test}: NOT checking the real keychain ({reason}); run it under scripts/session"
            );
            None
        }
    }
}

/// A subject no real person has, unique to this process, so that runs never collide.
fn unique_subject(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!("test-{test}-{}-{nanos}", std::process::id())
}
