//! Retries with exponential backoff and full jitter, and `Retry-After`.

use std::time::{Duration, SystemTime};

/// A source of randomness for jitter, injected so that schedules test deterministically.
pub trait Jitter: Send + Sync {
    /// A value uniformly distributed in `[0, 1)`.
    fn unit(&self) -> f64;
}

/// Jitter from the operating system's random source.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsJitter;

impl Jitter for OsJitter {
    fn unit(&self) -> f64 {
        let mut bytes = [0u8; 8];
        if getrandom::fill(&mut bytes).is_err() {
            return 0.5;
        }
        (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A fixed value, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn unit(&self) -> f64 {
        self.0
    }
}

/// Exponential backoff: attempt `n` (from 0) waits a random time in `[0, min(cap, base·2ⁿ))`
/// ("full jitter").
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The first ceiling.
    pub base: Duration,
    /// The largest ceiling.
    pub cap: Duration,
}

impl Backoff {
    /// The wait before retry number `attempt`.
    pub fn delay(&self, attempt: u32, jitter: &dyn Jitter) -> Duration {
        let ceiling = self.base.saturating_mul(1u32 << attempt.min(20)).min(self.cap);
        ceiling.mul_f64(jitter.unit().clamp(0.0, 1.0))
    }
}

/// Reads `Retry-After` (RFC 9110 §10.2.3): seconds or an HTTP date.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::format_description::well_known::Rfc2822;
    let date = time::OffsetDateTime::parse(value, &format).ok()?;
    let at =
        SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.unix_timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_stays_under_a_doubling_ceiling() {
        let backoff = Backoff { base: Duration::from_millis(500), cap: Duration::from_secs(8) };
        let top = FixedJitter(0.999_999);

        assert!(backoff.delay(0, &top) < Duration::from_millis(500));
        assert!(backoff.delay(3, &top) < Duration::from_secs(4));
        assert!(backoff.delay(30, &top) <= Duration::from_secs(8), "capped");
        assert_eq!(backoff.delay(3, &FixedJitter(0.0)), Duration::ZERO, "full jitter starts at 0");
        assert_eq!(backoff.delay(2, &FixedJitter(0.5)), Duration::from_secs(1));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now),
            Some(Duration::from_secs(60)),
            "an HTTP date one minute ahead"
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn os_jitter_is_in_the_unit_interval() {
        for _ in 0..1000 {
            let value = OsJitter.unit();
            assert!((0.0..1.0).contains(&value));
        }
    }
}
