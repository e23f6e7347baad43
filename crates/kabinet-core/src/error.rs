//! The core's errors, each with a stable code that the app and the CLI branch on.

use serde::Serialize;

/// A stable error code. Callers branch on it, never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// No session: sign in first.
    SignedOut,
    /// The session locked after inactivity: sign in again.
    SessionLocked,
    /// The portal cannot be reached.
    Offline,
    /// The portal answered with an error.
    Portal,
    /// The portal profile is invalid (for example plain HTTP to a remote host).
    InvalidProfile,
    /// The person cancelled the sign-in or it timed out.
    SignInCancelled,
    /// The sign-in failed: the provider refused, or its answer did not check out.
    SignInFailed,
    /// The keychain failed.
    Keychain,
    /// The local store failed.
    Storage,
    /// The thing asked for does not exist.
    NotFound,
    /// Anything else; details are in the log.
    Internal,
}

/// An error of the client core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not signed in.
    #[error("not signed in")]
    SignedOut,
    /// Locked after inactivity.
    #[error("the session locked after a period of inactivity; sign in again")]
    SessionLocked,
    /// The portal could not be reached.
    #[error("the portal cannot be reached: {0}")]
    Offline(String),
    /// The portal answered with a problem.
    #[error("the portal refused the request: {message}")]
    Portal {
        /// The HTTP status.
        status: u16,
        /// The portal's stable code, if it sent one.
        code: Option<kabinet_api::ErrorCode>,
        /// What the portal said.
        message: String,
    },
    /// The profile is not usable.
    #[error("invalid portal profile: {0}")]
    InvalidProfile(String),
    /// The sign-in was cancelled.
    #[error("the sign-in was cancelled")]
    SignInCancelled,
    /// The sign-in timed out.
    #[error("the sign-in timed out; no answer came from the browser")]
    SignInTimedOut,
    /// The sign-in failed.
    #[error("the sign-in failed: {0}")]
    SignInFailed(String),
    /// The keychain failed.
    #[error("the keychain failed: {0}")]
    Keychain(String),
    /// The local store failed.
    #[error("the local store failed: {0}")]
    Storage(String),
    /// Not found.
    #[error("not found")]
    NotFound,
    /// Something unexpected.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::SignedOut => ErrorCode::SignedOut,
            Self::SessionLocked => ErrorCode::SessionLocked,
            Self::Offline(_) => ErrorCode::Offline,
            Self::Portal { .. } => ErrorCode::Portal,
            Self::InvalidProfile(_) => ErrorCode::InvalidProfile,
            Self::SignInCancelled | Self::SignInTimedOut => ErrorCode::SignInCancelled,
            Self::SignInFailed(_) => ErrorCode::SignInFailed,
            Self::Keychain(_) => ErrorCode::Keychain,
            Self::Storage(_) => ErrorCode::Storage,
            Self::NotFound => ErrorCode::NotFound,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Self::Storage(err.to_string())
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(err: rusqlite_migration::Error) -> Self {
        Self::Storage(err.to_string())
    }
}

impl From<kabinet_keychain::KeychainError> for Error {
    fn from(err: kabinet_keychain::KeychainError) -> Self {
        Self::Keychain(err.to_string())
    }
}
