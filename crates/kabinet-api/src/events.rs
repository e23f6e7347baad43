//! The account's change feed.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::ApplicationStatus;

/// The response header that carries the server's hint for the next poll, in seconds.
pub const POLL_INTERVAL_HEADER: &str = "kabinet-poll-interval";

/// The longest long-poll wait the portal grants, in seconds.
pub const MAX_WAIT_SECONDS: u32 = 30;

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new application appeared.
    ApplicationCreated,
    /// An application changed its status.
    ApplicationStatusChanged,
    /// The account was locked after failed sign-in attempts.
    AccountLocked,
}

/// One entry of the change feed. It carries ids and codes only, never personal data, so a
/// notification built from it reveals nothing on a lock screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// The event's position in the feed; pass it as `after` to continue behind it.
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// The application concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// The application's new status, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ApplicationStatus>,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
}

/// A page of the change feed, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventsPage {
    /// Events after the requested cursor.
    pub events: Vec<Event>,
    /// The cursor to pass as `after` next time.
    pub cursor: String,
    /// Whether more events wait behind this page; if so, ask again at once.
    pub has_more: bool,
    /// The server's hint for the next poll, in seconds.
    pub poll_interval_seconds: u32,
}

/// Query of [`crate::routes::EVENTS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Only events after this cursor; from the start of the feed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Wait up to this many seconds (at most 30) for an event before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<u32>,
}
