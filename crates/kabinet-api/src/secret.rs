//! A string that must never be printed: tokens, codes, keys.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret string whose `Debug` and `Display` print `[redacted]`.
///
/// It serialises as the plain string because tokens cross the wire on purpose (the token
/// endpoint's response); everywhere else the value has to be asked for with
/// [`SecretString::expose`], so that an accidental `{:?}` in a log line leaks nothing.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret itself; call it only where the value must be used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = SecretString::new("eyJhbGciOi.secret.token");

        assert_eq!(format!("{secret:?}"), "[redacted]", "Debug must not reveal the token");
        assert_eq!(format!("{secret}"), "[redacted]", "Display must not reveal the token");
        assert_eq!(secret.expose(), "eyJhbGciOi.secret.token");
    }

    #[test]
    fn serialises_as_the_plain_string_for_the_wire() {
        let secret = SecretString::new("abc");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"abc\"");
    }
}
