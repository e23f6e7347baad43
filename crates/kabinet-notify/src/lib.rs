//! Desktop notifications for Kabinet's command-line client.
//!
//! This crate owns one thing: telling the person, through the desktop's notification daemon,
//! that something happened in their cabinet (a status change, a reminder). It sends through
//! `notify-rust` over libdbus on Linux and the native notification centres elsewhere. The
//! desktop app does not use it: it shows notifications through Tauri's notification plugin,
//! and this crate must not depend on Tauri.
//!
//! Titles and bodies are never logged, because they may describe a person's affairs.

use tracing::debug;

/// The application name the desktop shows beside each notification.
pub const APP_NAME: &str = "Kabinet";

/// A notification could not be shown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// The desktop has no notification daemon to talk to, or it refused the notification.
    #[error("the desktop did not show the notification: {reason}")]
    NotShown {
        /// What the platform said; it never repeats the notification's text.
        reason: String,
    },
}

/// Shows notifications on the person's desktop under the name [`APP_NAME`].
#[derive(Debug, Clone, Default)]
pub struct DesktopNotifier {
    _private: (),
}

impl DesktopNotifier {
    /// A notifier for the current desktop session.
    pub fn new() -> Self {
        Self::default()
    }

    /// Shows a notification with a title and a body of plain text.
    ///
    /// It returns once the notification daemon has accepted the notification, not when the
    /// person has seen it.
    ///
    /// # Errors
    ///
    /// [`NotifyError::NotShown`] when there is no notification daemon (on Linux: no session
    /// bus, or nothing owning `org.freedesktop.Notifications`) or it refused the call.
    pub fn show(&self, title: &str, body: &str) -> Result<(), NotifyError> {
        notify_rust::Notification::new()
            .appname(APP_NAME)
            .summary(title)
            .body(body)
            .show()
            .map_err(|err| NotifyError::NotShown { reason: err.to_string() })?;
        debug!(app = APP_NAME, "showed a desktop notification");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_lowercase_sentences_without_a_final_period() {
        let err = NotifyError::NotShown { reason: "no session bus".to_owned() };

        let message = err.to_string();

        assert_eq!(message, "the desktop did not show the notification: no session bus");
    }
}
