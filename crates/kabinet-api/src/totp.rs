//! Time-based one-time passwords (RFC 6238 with HMAC-SHA1, 30-second steps, six digits), the
//! second factor of accounts that enrolled an authenticator app. The portal checks these codes
//! and test agents compute them, so the algorithm lives with the contract.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Length of a TOTP step in seconds.
pub const STEP_SECONDS: i64 = 30;

/// The code for the step that contains `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    code_for_step(secret, unix_seconds.div_euclid(STEP_SECONDS))
}

/// The code for a step counter (RFC 4226 HOTP).
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();

    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", binary % 1_000_000)
}

/// Finds the step, within one step of `unix_seconds` either way, whose code is `code`, and
/// which is later than `last_used_step` (a code is accepted once).
pub fn matching_step(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let current = unix_seconds.div_euclid(STEP_SECONDS);
    (current - 1..=current + 1)
        .filter(|step| last_used_step.is_none_or(|last| *step > last))
        .find(|step| constant_time_eq(&code_for_step(secret, *step), code))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA1 rows (their eight digits, shortened to our six).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn matches_rfc_6238_vectors() {
        assert_eq!(code_at(RFC_SECRET, 59), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_SECRET, 1_234_567_890), "005924");
        assert_eq!(code_at(RFC_SECRET, 2_000_000_000), "279037");
    }

    #[test]
    fn accepts_neighbour_steps_once() {
        let now = 1_234_567_890;
        let previous = code_at(RFC_SECRET, now - STEP_SECONDS);

        let step = matching_step(RFC_SECRET, &previous, now, None);
        assert_eq!(step, Some(now / STEP_SECONDS - 1), "clock drift of one step is tolerated");
        assert_eq!(
            matching_step(RFC_SECRET, &previous, now, step),
            None,
            "a code already used must not be accepted again"
        );
        assert_eq!(matching_step(RFC_SECRET, "000000", now, None), None);
    }
}
