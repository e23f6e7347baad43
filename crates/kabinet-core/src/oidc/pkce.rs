//! PKCE (RFC 7636) with the S256 method, and the random `state` and `nonce` values.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 32 random bytes as base64url: 43 characters, 256 bits of entropy.
pub fn random_value() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A PKCE code verifier. Not `Clone`, so that it is used once, and its `Debug` is redacted.
pub struct PkceVerifier(String);

impl PkceVerifier {
    /// A fresh random verifier.
    pub fn new() -> Self {
        Self(random_value())
    }

    /// The S256 challenge sent with the authorization request.
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The verifier itself, for the token request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Default for PkceVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_is_43_characters_and_redacted() {
        let verifier = PkceVerifier::new();

        assert_eq!(verifier.expose().len(), 43, "RFC 7636 asks for 43 to 128 characters");
        assert_eq!(verifier.challenge().len(), 43, "a base64url SHA-256");
        assert!(!format!("{verifier:?}").contains(verifier.expose()), "Debug must not leak it");
    }

    #[test]
    fn challenge_matches_rfc_7636_appendix_b() {
        let verifier = PkceVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned());
        assert_eq!(verifier.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
