//! What can go wrong when the keychain is used.

/// A failure of the keychain. Its message never contains a secret value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// The platform keychain could not be reached at all (no Secret Service, no session bus).
    #[error("the keychain is not available: {reason}")]
    Unavailable {
        /// What the platform said, without secret values.
        reason: String,
    },

    /// The keychain is locked and was not unlocked, or it refused this program access.
    #[error("the keychain is locked or refused access: {reason}")]
    Locked {
        /// What the platform said, without secret values.
        reason: String,
    },

    /// The stored value is not text, so it was not written by Kabinet.
    #[error("the keychain entry holds something that is not text")]
    NotText,

    /// Several keychain entries answer to the same name; Kabinet writes only one.
    #[error("the keychain holds {count} entries with the same name")]
    Ambiguous {
        /// How many entries matched.
        count: usize,
    },

    /// The keychain failed or rejected the request for another reason.
    #[error("the keychain failed: {reason}")]
    Platform {
        /// What the platform said, without secret values.
        reason: String,
    },
}

impl KeychainError {
    /// Converts an error of the keyring crates, keeping only the parts that carry no secret.
    ///
    /// `keyring_core` attaches the raw stored bytes to its encoding errors, so those variants
    /// are mapped to [`KeychainError::NotText`] without them.
    pub(crate) fn from_keyring(err: keyring_core::Error) -> Self {
        use keyring_core::Error;

        match err {
            Error::NoStorageAccess(source) => Self::Locked { reason: source.to_string() },
            Error::BadEncoding(_) | Error::BadDataFormat(..) => Self::NotText,
            Error::Ambiguous(entries) => Self::Ambiguous { count: entries.len() },
            Error::PlatformFailure(source) => Self::Platform { reason: source.to_string() },
            other => Self::Platform { reason: other.to_string() },
        }
    }

    /// Converts an error met while opening the platform store, which means there is none.
    pub(crate) fn unavailable(err: keyring_core::Error) -> Self {
        let reason = match Self::from_keyring(err) {
            Self::Platform { reason } | Self::Locked { reason } => reason,
            other => other.to_string(),
        };
        Self::Unavailable { reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_errors_drop_the_stored_bytes() {
        let stored = b"refresh-token-\xff".to_vec();

        let err = KeychainError::from_keyring(keyring_core::Error::BadEncoding(stored));

        assert!(matches!(err, KeychainError::NotText), "undecodable values are reported as such");
        assert!(
            !format!("{err:?} {err}").contains("refresh-token"),
            "neither Debug nor Display may show the stored value"
        );
    }

    #[test]
    fn messages_are_lowercase_without_a_final_period() {
        let errors = [
            KeychainError::Unavailable { reason: "no bus".into() },
            KeychainError::Locked { reason: "dismissed".into() },
            KeychainError::NotText,
            KeychainError::Ambiguous { count: 2 },
            KeychainError::Platform { reason: "broken".into() },
        ];

        for err in errors {
            let message = err.to_string();
            assert!(message.starts_with(char::is_lowercase), "{message:?} starts lowercase");
            assert!(!message.ends_with('.'), "{message:?} has no final period");
        }
    }
}
