//! Where Kabinet keeps its secrets: the operating system's keychain.
//!
//! This crate owns the storage of everything the client must remember but must never write to
//! disk in plain text: today the refresh token of each signed-in person, later the key that
//! encrypts the local data. A secret is addressed by a [`SecretKey`] (a service and an
//! account, both non-secret), and read and written through the [`SecretStore`] trait as a
//! [`SecretString`], whose `Debug` is redacted.
//!
//! [`open`] picks the store: the platform keychain ([`OsKeychain`]: the Secret Service on
//! Linux, the Keychain on macOS, the Credential Manager on Windows) when it answers, and
//! otherwise a [`MemoryStore`] that forgets everything when the process ends, together with
//! an [`Availability`] that says which one the caller got and why. There is deliberately no
//! file fallback. The crate is synchronous, does not depend on Tauri, and neither logs nor
//! reports secret values.

mod error;
mod key;
mod memory;
mod os;

use std::sync::Arc;

pub use kabinet_api::SecretString;
use tracing::{info, warn};

pub use crate::error::KeychainError;
pub use crate::key::{SERVICE, SecretKey};
pub use crate::memory::MemoryStore;
pub use crate::os::OsKeychain;

/// A place that keeps secrets by name.
///
/// Implementations are synchronous and may block on the platform keychain, which can show an
/// unlock prompt; call them off any latency-sensitive thread.
pub trait SecretStore: Send + Sync {
    /// Reads the secret stored under `key`, or `None` when there is none.
    ///
    /// # Errors
    ///
    /// A [`KeychainError`] when the store cannot be read.
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, KeychainError>;

    /// Stores `secret` under `key`, replacing any earlier value.
    ///
    /// # Errors
    ///
    /// A [`KeychainError`] when the store cannot be written.
    fn set(&self, key: &SecretKey, secret: &SecretString) -> Result<(), KeychainError>;

    /// Removes the secret stored under `key`. Removing an entry that does not exist succeeds.
    ///
    /// # Errors
    ///
    /// A [`KeychainError`] when the store cannot be written.
    fn delete(&self, key: &SecretKey) -> Result<(), KeychainError>;
}

/// Which kind of store [`open`] returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// The platform keychain works: secrets outlive the process.
    Keychain,
    /// There is no working keychain, so secrets last only as long as the process.
    MemoryOnly {
        /// Why the keychain could not be used, in words meant for the person.
        reason: String,
    },
}

/// Opens the platform keychain, or an in-memory store when there is none.
///
/// The keychain is checked by writing, reading back and deleting a probe entry, so that a
/// keychain that is present but unusable (locked with no way to prompt, or with no collection
/// to write to) is found now rather than at the first sign-in. Secrets are never written to a
/// file instead.
///
/// On a desktop whose keychain is locked, the probe may show the platform's unlock prompt and
/// wait for the person to answer it.
pub fn open() -> (Arc<dyn SecretStore>, Availability) {
    match OsKeychain::connect().and_then(|keychain| probe(&keychain).map(|()| keychain)) {
        Ok(keychain) => {
            info!("secrets are kept in the keychain");
            (Arc::new(keychain), Availability::Keychain)
        }
        Err(err) => {
            let reason = memory_only_reason(&err);
            warn!(error = %err, "no usable keychain, secrets are kept in memory only");
            (Arc::new(MemoryStore::new()), Availability::MemoryOnly { reason })
        }
    }
}

/// Writes, reads back and deletes an entry that holds nothing of value.
fn probe(keychain: &OsKeychain) -> Result<(), KeychainError> {
    let key = SecretKey::probe();
    let value = SecretString::new("kabinet keychain probe");

    keychain.set(&key, &value)?;
    let read = keychain.get(&key);
    keychain.delete(&key)?;

    match read? {
        Some(stored) if stored == value => Ok(()),
        _ => Err(KeychainError::Platform {
            reason: "a probe entry did not read back as written".to_owned(),
        }),
    }
}

fn memory_only_reason(err: &KeychainError) -> String {
    let (place, cause) = match err {
        KeychainError::Unavailable { reason } if cfg!(target_os = "linux") => {
            ("no Secret Service on the session bus", reason.clone())
        }
        KeychainError::Unavailable { reason } => ("no system keychain", reason.clone()),
        other => ("the keychain does not work", other.to_string()),
    };
    format!("{place} ({cause}): the session is kept in memory only and ends with the program")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_only_reason_says_what_it_means_for_the_person() {
        let err = KeychainError::Unavailable { reason: "no session bus".to_owned() };

        let reason = memory_only_reason(&err);

        assert!(reason.contains("(no session bus)"), "the cause is kept once: {reason}");
        assert!(reason.contains("kept in memory only"), "the consequence is told: {reason}");
    }

    #[test]
    fn a_memory_store_works_behind_the_trait_object() {
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
        let key = SecretKey::refresh_token("sandbox", "oid-1");

        store.set(&key, &SecretString::new("token")).unwrap();

        assert_eq!(store.get(&key).unwrap(), Some(SecretString::new("token")));
    }
}
