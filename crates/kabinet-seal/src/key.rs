//! The data key: random, in the keychain, wiped from memory when dropped.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use kabinet_keychain::{KeychainError, SecretKey, SecretStore, SecretString};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// A key that seals one person's local data.
///
/// Not `Clone`, so that copies do not spread through memory: share it behind an `Arc`. Its
/// bytes are overwritten when it is dropped, and `Debug` prints only its [`KeyId`].
pub struct DataKey {
    bytes: [u8; 32],
}

/// A short public name of a key: the first eight bytes of a keyed hash of it. It says which
/// key sealed an envelope without saying anything about the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 8]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

/// What [`DataKey::load_or_create`] found in the keychain.
pub struct LoadedKey {
    /// The key.
    pub key: DataKey,
    /// Whether it was made just now because the keychain had none. Data sealed before then,
    /// if any exists, was sealed with a key that is gone.
    pub created: bool,
}

impl DataKey {
    /// A new random key.
    ///
    /// # Panics
    /// When the operating system has no randomness to give, which leaves nothing safe to do.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        Self { bytes }
    }

    /// A key from its bytes, for tests and benchmarks.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self { bytes }
    }

    /// The keychain entry of one person's key at one portal.
    pub fn keychain_entry(portal: &str, subject: &str) -> SecretKey {
        SecretKey::data_key(portal, subject)
    }

    /// Reads the person's key from the keychain, or makes one and stores it there when the
    /// keychain has none. A keychain that cannot be read is an error, never a reason to
    /// make a new key: that would orphan everything sealed with the old one.
    ///
    /// # Errors
    /// When the keychain cannot be read or written, or holds something that is not a key.
    pub fn load_or_create(
        secrets: &dyn SecretStore,
        portal: &str,
        subject: &str,
    ) -> Result<LoadedKey, KeychainError> {
        let entry = Self::keychain_entry(portal, subject);
        if let Some(stored) = secrets.get(&entry)? {
            let key = Self::from_secret(&stored).ok_or_else(|| KeychainError::Platform {
                reason: "the stored data key is not 32 bytes of base64".to_owned(),
            })?;
            return Ok(LoadedKey { key, created: false });
        }

        let key = Self::generate();
        secrets.set(&entry, &key.to_secret())?;
        tracing::info!(key = %key.id(), "a new data key is in the keychain");
        Ok(LoadedKey { key, created: true })
    }

    fn from_secret(secret: &SecretString) -> Option<Self> {
        let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(secret.expose().trim()).ok()?);
        let bytes: [u8; 32] = decoded.as_slice().try_into().ok()?;
        Some(Self { bytes })
    }

    fn to_secret(&self) -> SecretString {
        SecretString::new(URL_SAFE_NO_PAD.encode(self.bytes))
    }

    /// The key's public name.
    pub fn id(&self) -> KeyId {
        let digest = self.derive(b"kabinet key id v1");
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    /// A key for another purpose, derived from this one (HMAC-SHA256 of the purpose), so that
    /// the data key itself is only ever used to seal.
    pub fn derive(&self, purpose: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.bytes)
            .expect("HMAC takes a key of any length");
        mac.update(purpose);
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataKey({}, [redacted])", self.id())
    }
}

#[cfg(test)]
mod tests {
    use kabinet_keychain::MemoryStore;

    use super::*;

    #[test]
    fn debug_names_the_key_without_revealing_it() {
        let key = DataKey::from_bytes([7; 32]);
        let shown = format!("{key:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(shown.contains(&key.id().to_string()), "the id helps reading logs: {shown}");
        assert!(!shown.contains("0707"), "no key bytes: {shown}");
    }

    #[test]
    fn a_key_is_created_once_then_loaded() {
        let secrets = MemoryStore::new();
        let first = DataKey::load_or_create(&secrets, "sandbox", "1001").unwrap();
        assert!(first.created, "an empty keychain gets a new key");
        let again = DataKey::load_or_create(&secrets, "sandbox", "1001").unwrap();
        assert!(!again.created, "the second time it is read back");
        assert_eq!(first.key.id(), again.key.id(), "the same key");

        let other = DataKey::load_or_create(&secrets, "sandbox", "1002").unwrap();
        assert_ne!(other.key.id(), first.key.id(), "each person has their own key");
    }

    #[test]
    fn a_damaged_keychain_entry_is_an_error_not_a_new_key() {
        let secrets = MemoryStore::new();
        let entry = DataKey::keychain_entry("sandbox", "1001");
        secrets.set(&entry, &SecretString::new("not a key")).unwrap();
        assert!(DataKey::load_or_create(&secrets, "sandbox", "1001").is_err());
        assert_eq!(
            secrets.get(&entry).unwrap().map(|s| s.expose().to_owned()),
            Some("not a key".to_owned()),
            "the entry is left for the person to inspect, not overwritten"
        );
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_from_the_key() {
        let key = DataKey::from_bytes([1; 32]);
        assert_ne!(*key.derive(b"a"), *key.derive(b"b"));
        assert_ne!(*key.derive(b"a"), *key.bytes());
    }
}
