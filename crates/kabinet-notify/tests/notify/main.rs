//! Integration tests of notifications against a real notification daemon.
//!
//! `scripts/session` runs a recording daemon (`scripts/notification-server.py`), names its
//! record file in `KABINET_NOTIFICATION_LOG` and sets `KABINET_REQUIRE_NOTIFICATIONS=1`, so
//! that these tests fail rather than pass over a missing daemon.

mod delivery;
