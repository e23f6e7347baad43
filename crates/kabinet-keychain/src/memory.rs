//! A store that keeps secrets in this process only.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use kabinet_api::SecretString;

use crate::{KeychainError, SecretKey, SecretStore};

/// Secrets held in memory and forgotten when the process ends.
///
/// Used when the machine has no keychain, so that a session still works until the program
/// exits, and by tests of code that needs a [`SecretStore`].
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<SecretKey, SecretString>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether it holds no secret.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    /// The accounts (entry names) it holds, sorted; never the secrets.
    pub fn accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> =
            self.entries().keys().map(|key| key.account().to_owned()).collect();
        accounts.sort();
        accounts
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<SecretKey, SecretString>> {
        // A panic while the lock was held cannot leave the map half-written, so the data
        // behind a poisoned lock is still sound.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").field("entries", &self.entries().len()).finish()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, KeychainError> {
        Ok(self.entries().get(key).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &SecretString) -> Result<(), KeychainError> {
        self.entries().insert(key.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), KeychainError> {
        self.entries().remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> SecretString {
        SecretString::new(value)
    }

    #[test]
    fn a_stored_secret_reads_back_until_deleted() {
        let store = MemoryStore::new();
        let key = SecretKey::refresh_token("sandbox", "oid-1");

        assert_eq!(store.get(&key).unwrap(), None, "a fresh store holds nothing");
        store.set(&key, &secret("first")).unwrap();
        assert_eq!(store.get(&key).unwrap(), Some(secret("first")));
        store.set(&key, &secret("second")).unwrap();
        assert_eq!(store.get(&key).unwrap(), Some(secret("second")), "set overwrites");
        store.delete(&key).unwrap();
        assert_eq!(store.get(&key).unwrap(), None, "a deleted entry is gone");
    }

    #[test]
    fn deleting_a_missing_entry_succeeds() {
        let store = MemoryStore::new();

        let result = store.delete(&SecretKey::refresh_token("sandbox", "nobody"));

        assert!(result.is_ok(), "sign-out must not fail when there was nothing stored");
    }

    #[test]
    fn entries_for_different_people_are_separate() {
        let store = MemoryStore::new();
        let anna = SecretKey::refresh_token("sandbox", "oid-1");
        let boris = SecretKey::refresh_token("sandbox", "oid-2");

        store.set(&anna, &secret("anna-token")).unwrap();
        store.set(&boris, &secret("boris-token")).unwrap();
        store.delete(&anna).unwrap();

        assert_eq!(store.get(&boris).unwrap(), Some(secret("boris-token")), "only anna left");
    }

    #[test]
    fn debug_shows_no_secret() {
        let store = MemoryStore::new();
        store.set(&SecretKey::refresh_token("sandbox", "oid-1"), &secret("hunter2")).unwrap();

        let printed = format!("{store:?}");

        assert!(!printed.contains("hunter2"), "Debug printed a secret: {printed}");
        assert!(printed.contains("entries: 1"), "Debug still tells how full it is: {printed}");
    }
}
