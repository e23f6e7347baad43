//! The operating system's keychain: the Secret Service on Linux, the login keychain on
//! macOS, the Credential Manager on Windows.

use std::sync::Arc;

use kabinet_api::SecretString;
use keyring_core::{CredentialStore, Entry};
use tracing::debug;

use crate::{KeychainError, SecretKey, SecretStore};

/// The platform keychain, reached through `keyring-core` and the platform's store crate.
///
/// Every call talks to the keychain afresh; nothing is cached in this process.
pub struct OsKeychain {
    store: Arc<CredentialStore>,
}

impl OsKeychain {
    /// Connects to the platform keychain.
    ///
    /// On Linux this opens a session with the Secret Service on the D-Bus session bus named by
    /// `DBUS_SESSION_BUS_ADDRESS`. Connecting does not read or write anything; see
    /// [`crate::open`] for a check that the keychain also works.
    ///
    /// # Errors
    ///
    /// [`KeychainError::Unavailable`] when there is no keychain to talk to, for example no
    /// session bus or no Secret Service on it.
    pub fn connect() -> Result<Self, KeychainError> {
        let store = platform_store().map_err(KeychainError::unavailable)?;
        debug!(vendor = %store.vendor(), "connected to the keychain");
        Ok(Self { store })
    }

    fn entry(&self, key: &SecretKey) -> Result<Entry, KeychainError> {
        Entry::new_in_store(&self.store, key.service(), key.account())
            .map_err(KeychainError::from_keyring)
    }
}

impl std::fmt::Debug for OsKeychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsKeychain").field("vendor", &self.store.vendor()).finish()
    }
}

impl SecretStore for OsKeychain {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, KeychainError> {
        match self.entry(key)?.get_password() {
            Ok(secret) => Ok(Some(SecretString::new(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(err) => Err(KeychainError::from_keyring(err)),
        }
    }

    fn set(&self, key: &SecretKey, secret: &SecretString) -> Result<(), KeychainError> {
        self.entry(key)?.set_password(secret.expose()).map_err(KeychainError::from_keyring)?;
        debug!(account = key.account(), "stored a secret in the keychain");
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), KeychainError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) => {
                debug!(account = key.account(), "deleted a secret from the keychain");
                Ok(())
            }
            Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(err) => Err(KeychainError::from_keyring(err)),
        }
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(dbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "Kabinet knows no keychain on this operating system".to_owned(),
    ))
}
