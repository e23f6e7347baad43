//! Integration tests of the keychain against the real platform store.
//!
//! They need a keychain: on Linux a Secret Service on the session bus, which `scripts/session`
//! starts privately (`./scripts/test` runs every test inside it). Without one they fail and say
//! so; they never pass without having checked anything.

mod availability;
mod round_trip;

use std::sync::Arc;

use kabinet_keychain::{Availability, SecretStore};

/// The real keychain.
///
/// # Panics
///
/// When there is none: the test cannot check anything without it.
fn real_keychain() -> Arc<dyn SecretStore> {
    let (store, availability) = kabinet_keychain::open();
    match availability {
        Availability::Keychain => store,
        Availability::MemoryOnly { reason } => panic!(
            "there is no keychain ({reason}); run the tests under scripts/session, which starts \
             a private one, or with ./scripts/test"
        ),
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
