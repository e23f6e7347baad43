//! Small cryptographic helpers: random tokens, hashes for storage, constant-time comparison.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A random token of 32 bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing means the machine cannot do cryptography at all; no
    // fallback would be safe.
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes
}

/// A uniformly random decimal code of `digits` digits, with leading zeros.
pub fn random_digits(digits: u32) -> String {
    let modulus = 10u32.pow(digits);
    // Rejection sampling keeps every code equally likely.
    let limit = u32::MAX - u32::MAX % modulus;
    loop {
        let value = u32::from_le_bytes(random_bytes::<4>());
        if value < limit {
            return format!("{:0width$}", value % modulus, width = digits as usize);
        }
    }
}

/// The SHA-256 of `value` as base64url; the form in which codes and tokens are stored.
pub fn storage_hash(value: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(value.as_bytes()))
}

/// The PKCE S256 transform of a verifier (RFC 7636 §4.2).
pub fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_the_rfc_7636_example() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn random_digits_have_the_asked_length() {
        for _ in 0..100 {
            let code = random_digits(6);
            assert_eq!(code.len(), 6, "{code} must keep leading zeros");
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
