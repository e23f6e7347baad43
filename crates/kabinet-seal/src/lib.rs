//! Encryption at rest for everything personal that Kabinet keeps on the computer.
//!
//! This crate owns two things. The *data key*: 32 random bytes per person and portal, kept in
//! the OS keychain next to the session (never in a file), loaded or created by
//! [`DataKey::load_or_create`]. And the *envelope*: the versioned format every sealed value
//! is stored in, made by [`seal`] and read by [`open`].
//!
//! An envelope is `magic (4) | version (1) | key id (8) | nonce (24) | ciphertext and tag`.
//! The cipher is XChaCha20-Poly1305 with a random nonce per envelope. Its associated data is
//! the header and a *context* the caller names (`scan:7f3a…`, `profile:{portal}:{subject}`),
//! so an envelope moved to another place fails to open just as a tampered one does. The key
//! id (a keyed hash of the key, not the key) tells "sealed with another key" apart from
//! "damaged", which matters: the first means the key was lost or replaced and the local data
//! has to be reset, the second that one blob is bad.
//!
//! It depends only on the keychain crate; it does no I/O besides the keychain and never logs
//! a key or a plaintext.

mod envelope;
mod key;

pub use envelope::{HEADER_LEN, MAGIC, OpenError, TAG_LEN, VERSION, open, seal};
pub use key::{DataKey, KeyId, LoadedKey};
