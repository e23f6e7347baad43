//! The identity provider's signing keys: ES256 keys generated on first start, persisted in the
//! store, rotated on demand. A retired key stays in the JWKS until every token it signed has
//! expired, so that rotation never invalidates a token early.

use std::sync::RwLock;

use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::ecdsa::SigningKey;
use p256::pkcs8::EncodePrivateKey;
use rusqlite::params;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::crypto::{random_bytes, random_token};
use crate::store::{Store, StoreError};

/// The only algorithm the provider signs with and accepts.
pub const ALGORITHM: Algorithm = Algorithm::ES256;

/// Why a token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a well-formed JWT, wrong `typ` or `alg`, or a bad signature.
    #[error("the token is malformed or its signature does not verify")]
    Invalid,
    /// Signed with a key the provider does not publish.
    #[error("the token was signed with an unknown key")]
    UnknownKey,
}

/// A key could not be created or loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored key is not a valid PKCS#8 P-256 key.
    #[error("a stored signing key is corrupt")]
    Corrupt,
}

impl From<rusqlite::Error> for KeyError {
    fn from(err: rusqlite::Error) -> Self {
        Self::Store(err.into())
    }
}

struct Key {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Jwk,
    retired_at: Option<i64>,
}

/// The provider's keys: one active, any number retired but still published.
pub struct KeyRing {
    keys: RwLock<Vec<Key>>,
}

fn generate_pkcs8() -> Vec<u8> {
    loop {
        // A random 32-byte string is a valid P-256 scalar except with negligible probability;
        // the loop covers that case.
        if let Ok(key) = SigningKey::from_slice(&random_bytes::<32>())
            && let Ok(der) = key.to_pkcs8_der()
        {
            return der.as_bytes().to_vec();
        }
    }
}

fn load_key(kid: String, pkcs8: &[u8], retired_at: Option<i64>) -> Result<Key, KeyError> {
    let encoding = EncodingKey::from_ec_der(pkcs8);
    let mut jwk = Jwk::from_encoding_key(&encoding, ALGORITHM).map_err(|_| KeyError::Corrupt)?;
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk.common.key_algorithm = Some(KeyAlgorithm::ES256);
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|_| KeyError::Corrupt)?;
    Ok(Key { kid, encoding, decoding, jwk, retired_at })
}

impl KeyRing {
    /// Loads the stored keys, creating the first one if there is none.
    ///
    /// # Errors
    /// When the store fails or a stored key is corrupt.
    pub fn load_or_create(store: &Store, now: i64) -> Result<Self, KeyError> {
        let stored: Vec<(String, Vec<u8>, Option<i64>)> = {
            let conn = store.lock();
            let mut stmt = conn
                .prepare("SELECT kid, pkcs8, retired_at FROM signing_keys ORDER BY created_at")?;
            stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<_, _>>()?
        };

        let keys = stored
            .into_iter()
            .map(|(kid, pkcs8, retired_at)| load_key(kid, &pkcs8, retired_at))
            .collect::<Result<Vec<_>, _>>()?;
        let ring = Self { keys: RwLock::new(keys) };
        if ring.active_kid().is_none() {
            ring.rotate(store, now)?;
        }
        Ok(ring)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Key>> {
        self.keys.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Key>> {
        self.keys.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Makes a new key the active one and retires the previous one. Returns the new `kid`.
    ///
    /// # Errors
    /// When the store fails.
    pub fn rotate(&self, store: &Store, now: i64) -> Result<String, KeyError> {
        let kid = random_token()[..16].to_owned();
        let pkcs8 = generate_pkcs8();
        let key = load_key(kid.clone(), &pkcs8, None)?;

        store.transaction(|tx| {
            tx.execute(
                "UPDATE signing_keys SET retired_at = ?1 WHERE retired_at IS NULL",
                params![now],
            )?;
            tx.execute(
                "INSERT INTO signing_keys (kid, pkcs8, created_at) VALUES (?1, ?2, ?3)",
                params![kid, pkcs8, now],
            )?;
            Ok::<_, KeyError>(())
        })?;

        let mut keys = self.write();
        for old in keys.iter_mut().filter(|k| k.retired_at.is_none()) {
            old.retired_at = Some(now);
        }
        keys.insert(0, key);
        Ok(kid)
    }

    /// Drops retired keys whose tokens have all expired: retired before `now - max_token_ttl`.
    ///
    /// # Errors
    /// When the store fails.
    pub fn prune(&self, store: &Store, now: i64, max_token_ttl: i64) -> Result<(), KeyError> {
        let cutoff = now - max_token_ttl;
        store.lock().execute(
            "DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?1",
            params![cutoff],
        )?;
        self.write().retain(|key| key.retired_at.is_none_or(|at| at >= cutoff));
        Ok(())
    }

    /// The published keys.
    pub fn jwks(&self) -> JwkSet {
        JwkSet { keys: self.read().iter().map(|key| key.jwk.clone()).collect() }
    }

    /// The `kid` of the active key.
    pub fn active_kid(&self) -> Option<String> {
        self.read().iter().find(|key| key.retired_at.is_none()).map(|key| key.kid.clone())
    }

    /// Signs `claims` with the active key, with the given JOSE `typ`.
    ///
    /// # Panics
    /// Never in practice: there is always an active key after [`KeyRing::load_or_create`].
    pub fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> String {
        let keys = self.read();
        let key = keys.iter().find(|key| key.retired_at.is_none()).expect("an active key");
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(key.kid.clone());
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &key.encoding)
            .expect("ES256 signing with a valid key does not fail")
    }

    /// Checks a token's `typ`, algorithm and signature and returns its claims. Time, issuer
    /// and audience are left to the caller, which knows the clock and what it expects.
    ///
    /// # Errors
    /// [`TokenError`] when any of those checks fails.
    pub fn verify<T: DeserializeOwned>(&self, token: &str, typ: &str) -> Result<T, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != ALGORITHM || header.typ.as_deref() != Some(typ) {
            return Err(TokenError::Invalid);
        }
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;

        let keys = self.read();
        let key = keys.iter().find(|key| key.kid == kid).ok_or(TokenError::UnknownKey)?;
        let mut validation = Validation::new(ALGORITHM);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<T>(token, &key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_until_pruned() {
        let store = Store::open_in_memory().unwrap();
        let ring = KeyRing::load_or_create(&store, 1_000).unwrap();
        let old_token = ring.sign("JWT", &Claims { sub: "1".into() });

        let new_kid = ring.rotate(&store, 2_000).unwrap();
        assert_eq!(ring.active_kid().as_deref(), Some(new_kid.as_str()));
        assert_eq!(ring.jwks().keys.len(), 2, "the retired key is still published");
        assert_eq!(
            ring.verify::<Claims>(&old_token, "JWT"),
            Ok(Claims { sub: "1".into() }),
            "a token signed before rotation still verifies"
        );

        ring.prune(&store, 2_000 + 601, 600).unwrap();
        assert_eq!(ring.jwks().keys.len(), 1, "the old key goes once its tokens expired");
        assert_eq!(ring.verify::<Claims>(&old_token, "JWT"), Err(TokenError::UnknownKey));
    }

    #[test]
    fn keys_persist_across_restarts() {
        let store = Store::open_in_memory().unwrap();
        let first = KeyRing::load_or_create(&store, 1_000).unwrap();
        let token = first.sign("JWT", &Claims { sub: "7".into() });

        let second = KeyRing::load_or_create(&store, 1_500).unwrap();
        assert_eq!(first.active_kid(), second.active_kid(), "no new key on a second start");
        assert!(second.verify::<Claims>(&token, "JWT").is_ok());
    }

    #[test]
    fn wrong_typ_and_tampering_are_refused() {
        let store = Store::open_in_memory().unwrap();
        let ring = KeyRing::load_or_create(&store, 1_000).unwrap();
        let token = ring.sign("at+jwt", &Claims { sub: "1".into() });

        assert_eq!(ring.verify::<Claims>(&token, "JWT"), Err(TokenError::Invalid));
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            br#"{"sub":"2"}"#,
        );
        assert_eq!(ring.verify::<Claims>(&parts.join("."), "at+jwt"), Err(TokenError::Invalid));
    }
}
