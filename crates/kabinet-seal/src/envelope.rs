//! The sealed envelope: a versioned header and XChaCha20-Poly1305.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::key::{DataKey, KeyId};

/// The first bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"KBNS";
/// The envelope version this crate writes.
pub const VERSION: u8 = 1;
/// The length of the header: magic, version, key id, nonce.
pub const HEADER_LEN: usize = 4 + 1 + 8 + 24;
/// The length of the authentication tag after the ciphertext.
pub const TAG_LEN: usize = 16;

/// Why an envelope does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The bytes do not start like an envelope.
    #[error("the data is not a sealed envelope")]
    NotSealed,
    /// An envelope of a version this build cannot read.
    #[error("the envelope has version {0}, which this version of Kabinet cannot read")]
    UnsupportedVersion(u8),
    /// Shorter than a header and a tag.
    #[error("the envelope is truncated")]
    Truncated,
    /// Sealed with another key: the key in the keychain was lost or replaced.
    #[error("the envelope was sealed with another key ({found}), not the current one")]
    WrongKey {
        /// The id of the key that sealed it.
        found: KeyId,
    },
    /// The authentication failed: altered, cut, or moved from another place.
    #[error("the envelope was altered or does not belong here")]
    Corrupt,
}

fn cipher(key: &DataKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&Key::from(*key.bytes()))
}

fn associated_data(header: &[u8], context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + context.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(context);
    aad
}

/// Seals `plaintext` for the place named by `context`.
///
/// # Panics
/// When the operating system has no randomness for the nonce.
pub fn seal(key: &DataKey, context: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).expect("the operating system provides randomness");

    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(&MAGIC);
    header.push(VERSION);
    header.extend_from_slice(&key.id().0);
    header.extend_from_slice(&nonce);

    let aad = associated_data(&header, context);
    let sealed = cipher(key)
        .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &aad })
        .expect("encryption of an in-memory buffer cannot fail");

    let mut envelope = header;
    envelope.reserve_exact(sealed.len());
    envelope.extend_from_slice(&sealed);
    envelope
}

/// Opens an envelope made by [`seal`] with the same key and context.
///
/// # Errors
/// An [`OpenError`] that tells a foreign, truncated, future, other-key or altered envelope
/// apart.
pub fn open(key: &DataKey, context: &[u8], envelope: &[u8]) -> Result<Vec<u8>, OpenError> {
    if envelope.len() < MAGIC.len() + 1 || envelope[..MAGIC.len()] != MAGIC {
        return Err(OpenError::NotSealed);
    }
    let version = envelope[MAGIC.len()];
    if version != VERSION {
        return Err(OpenError::UnsupportedVersion(version));
    }
    if envelope.len() < HEADER_LEN + TAG_LEN {
        return Err(OpenError::Truncated);
    }

    let (header, sealed) = envelope.split_at(HEADER_LEN);
    let mut found = [0u8; 8];
    found.copy_from_slice(&header[5..13]);
    if found != key.id().0 {
        return Err(OpenError::WrongKey { found: KeyId(found) });
    }
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&header[13..HEADER_LEN]);

    let aad = associated_data(header, context);
    cipher(key)
        .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: &aad })
        .map_err(|_| OpenError::Corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey::from_bytes([byte; 32])
    }

    #[test]
    fn a_sealed_value_opens_with_its_key_and_context() {
        let key = key(1);
        let envelope = seal(&key, b"scan:1", b"passport page");
        assert_eq!(open(&key, b"scan:1", &envelope).unwrap(), b"passport page");
        assert_eq!(&envelope[..4], b"KBNS");
        assert_eq!(envelope.len(), HEADER_LEN + b"passport page".len() + TAG_LEN);
        assert!(!envelope.windows(8).any(|w| w == b"passport"), "no plaintext in the envelope");
    }

    #[test]
    fn two_seals_of_the_same_value_differ() {
        let key = key(1);
        assert_ne!(seal(&key, b"c", b"same"), seal(&key, b"c", b"same"), "a fresh nonce each time");
    }

    #[test]
    fn every_altered_byte_is_caught() {
        let key = key(2);
        let envelope = seal(&key, b"ctx", b"0123456789");
        for at in 13..envelope.len() {
            let mut tampered = envelope.clone();
            tampered[at] ^= 0x01;
            assert_eq!(
                open(&key, b"ctx", &tampered),
                Err(OpenError::Corrupt),
                "a flipped bit at {at} (nonce, ciphertext or tag) must fail authentication"
            );
        }
    }

    #[test]
    fn truncated_envelopes_fail_without_panicking() {
        let key = key(3);
        let envelope = seal(&key, b"ctx", b"some bytes");
        for len in 0..envelope.len() {
            let result = open(&key, b"ctx", &envelope[..len]);
            assert!(result.is_err(), "a prefix of {len} bytes must not open");
        }
        assert_eq!(open(&key, b"ctx", &envelope[..HEADER_LEN + 3]), Err(OpenError::Truncated));
        assert_eq!(
            open(&key, b"ctx", &envelope[..envelope.len() - 1]),
            Err(OpenError::Corrupt),
            "a missing last byte of the tag"
        );
    }

    #[test]
    fn an_envelope_moved_to_another_place_does_not_open() {
        let key = key(4);
        let a = seal(&key, b"scan:a", b"first");
        assert_eq!(
            open(&key, b"scan:b", &a),
            Err(OpenError::Corrupt),
            "the context binds an envelope to its place, so swapped files are caught"
        );
    }

    #[test]
    fn another_key_is_reported_as_such() {
        let envelope = seal(&key(5), b"ctx", b"x");
        assert_eq!(
            open(&key(6), b"ctx", &envelope),
            Err(OpenError::WrongKey { found: key(5).id() }),
            "a replaced key is told apart from damage"
        );
    }

    #[test]
    fn a_forged_key_id_still_fails_authentication() {
        let envelope = seal(&key(7), b"ctx", b"x");
        let mut forged = envelope.clone();
        forged[5..13].copy_from_slice(&key(8).id().0);
        assert_eq!(open(&key(8), b"ctx", &forged), Err(OpenError::Corrupt));
    }

    #[test]
    fn versions_and_foreign_data_are_named() {
        let key = key(9);
        let mut envelope = seal(&key, b"ctx", b"x");
        envelope[4] = 2;
        assert_eq!(open(&key, b"ctx", &envelope), Err(OpenError::UnsupportedVersion(2)));
        assert_eq!(open(&key, b"ctx", b"%PDF-1.7 plain file"), Err(OpenError::NotSealed));
        assert_eq!(open(&key, b"ctx", b""), Err(OpenError::NotSealed));
    }
}
