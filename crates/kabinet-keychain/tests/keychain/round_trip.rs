//! Secrets written to the real keychain read back, change and go away.

use kabinet_keychain::{SecretKey, SecretString};

use crate::{real_keychain, unique_subject};

/// The portal id of test entries, apart from any real portal's.
const TEST_PORTAL: &str = "kabinet-test";

#[test]
fn a_refresh_token_survives_a_round_trip_through_the_keychain() {
    let keychain = real_keychain();
    let key = SecretKey::refresh_token(TEST_PORTAL, &unique_subject("round-trip"));
    let first = SecretString::new("rt-first.eyJzdWIiOiJvaWQifQ.Тест");
    let second = SecretString::new("rt-second");

    assert_eq!(keychain.get(&key).unwrap(), None, "a fresh key has no entry yet");

    keychain.set(&key, &first).unwrap();
    assert_eq!(keychain.get(&key).unwrap(), Some(first), "a stored token reads back exactly");

    keychain.set(&key, &second).unwrap();
    assert_eq!(
        keychain.get(&key).unwrap(),
        Some(second),
        "set replaces the earlier token instead of adding a second entry"
    );

    keychain.delete(&key).unwrap();
    assert_eq!(keychain.get(&key).unwrap(), None, "a deleted token is gone from the keychain");
}

#[test]
fn deleting_a_token_that_was_never_stored_succeeds() {
    let keychain = real_keychain();
    let key = SecretKey::refresh_token(TEST_PORTAL, &unique_subject("never-stored"));

    let result = keychain.delete(&key);

    assert!(result.is_ok(), "signing out twice must not fail: {result:?}");
}

#[test]
fn tokens_of_two_people_are_kept_apart() {
    let keychain = real_keychain();
    let anna = SecretKey::refresh_token(TEST_PORTAL, &unique_subject("anna"));
    let boris = SecretKey::refresh_token(TEST_PORTAL, &unique_subject("boris"));

    keychain.set(&anna, &SecretString::new("anna-token")).unwrap();
    keychain.set(&boris, &SecretString::new("boris-token")).unwrap();
    keychain.delete(&anna).unwrap();
    let left = keychain.get(&boris).unwrap();
    keychain.delete(&boris).unwrap();

    assert_eq!(left, Some(SecretString::new("boris-token")), "deleting anna's left boris's");
}
