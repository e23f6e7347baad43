//! Integration tests of notifications against a real notification daemon.
//!
//! `scripts/session` runs a recording daemon (`scripts/notification-server.py`) on a private
//! session bus and names its record file in `KABINET_NOTIFICATION_LOG`. Without it these tests
//! fail and say so. They are for the freedesktop notification service, so Linux only.

#[cfg(target_os = "linux")]
mod delivery;
