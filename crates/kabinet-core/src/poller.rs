//! The change poller: follows the portal's change feed, updates the local store, and hands
//! each new event to a notifier exactly once.
//!
//! Order of work for each event: refresh what it concerns in the store, notify, record the
//! event as handled, then advance the cursor. A crash before the record means the event is
//! seen again after a restart; the handled-ids check makes that safe for every step before
//! the notification, and the notification carries the event id so a notifier that supports
//! replacing (a tag) shows it once even then.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use kabinet_api::{ApplicationStatus, Event, EventKind};

use crate::Error;
use crate::client::{EventsResponse, PortalClient};
use crate::retry::{Backoff, Jitter, OsJitter};
use crate::store::{AccountKey, LocalStore};

/// What a notification says. It names the application and its status, never the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The event it reports; a stable tag for notifiers that can replace.
    pub event_id: String,
    /// The application to open when the notification is clicked.
    pub application_id: Option<String>,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
}

/// Something that shows notifications: native ones in the app and the CLI, a recorder in
/// tests.
pub trait Notifier: Send + Sync {
    /// Shows one notification.
    ///
    /// # Errors
    /// A description when it could not be shown; the poller logs it and moves on.
    fn notify(&self, notification: &Notification) -> Result<(), String>;
}

/// The language of notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Russian.
    Ru,
    /// English.
    En,
}

/// The label of a status in a language.
pub fn status_label(status: ApplicationStatus, language: Language) -> &'static str {
    match language {
        Language::Ru => status.label_ru(),
        Language::En => match status {
            ApplicationStatus::Accepted => "Accepted",
            ApplicationStatus::InProgress => "In progress",
            ApplicationStatus::NeedsInfo => "More information needed",
            ApplicationStatus::Approved => "Approved",
            ApplicationStatus::Rejected => "Rejected",
        },
    }
}

/// Builds the notification for an event, given the application's title and number.
pub fn notification_for(
    event: &Event,
    application: Option<(&str, &str)>,
    language: Language,
) -> Notification {
    let (title, body) = match (event.kind, event.status, application) {
        (EventKind::AccountLocked, _, _) => match language {
            Language::Ru => (
                "Вход заблокирован".to_owned(),
                "После нескольких неудачных попыток вход в учётную запись временно заблокирован."
                    .to_owned(),
            ),
            Language::En => (
                "Sign-in locked".to_owned(),
                "Sign-in to your account is locked for a while after failed attempts.".to_owned(),
            ),
        },
        (_, Some(status), Some((title, number))) => {
            let label = status_label(status, language);
            let body = match language {
                Language::Ru => format!("Заявление № {number}: {label}"),
                Language::En => format!("Application {number}: {label}"),
            };
            (title.to_owned(), body)
        }
        (_, status, _) => {
            let label = status.map_or("", |s| status_label(s, language));
            match language {
                Language::Ru => ("Изменение в заявлении".to_owned(), label.to_owned()),
                Language::En => ("An application changed".to_owned(), label.to_owned()),
            }
        }
    };
    Notification {
        event_id: event.id.clone(),
        application_id: event.application_id.clone(),
        title,
        body,
    }
}

/// What one poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOutcome {
    /// Events newly handled.
    pub handled: usize,
    /// Whether the portal said nothing changed (304).
    pub not_modified: bool,
    /// The server's hint for the next poll.
    pub poll_interval: Option<Duration>,
    /// Whether more events wait (poll again at once).
    pub has_more: bool,
}

/// The poller of one session.
pub struct Poller {
    client: PortalClient,
    store: Arc<LocalStore>,
    account: AccountKey,
    notifier: Arc<dyn Notifier>,
    jitter: Arc<dyn Jitter>,
    backoff: Backoff,
    language: Language,
    default_interval: Duration,
    observer: Option<Arc<dyn Fn(bool) + Send + Sync>>,
}

impl Poller {
    /// A poller that uses `client` (as a background client) and `store`, and notifies through
    /// `notifier`.
    pub fn new(client: &PortalClient, store: Arc<LocalStore>, notifier: Arc<dyn Notifier>) -> Self {
        Self {
            account: client.session().account(),
            client: client.for_background(),
            store,
            notifier,
            jitter: Arc::new(OsJitter),
            backoff: Backoff { base: Duration::from_secs(2), cap: Duration::from_secs(300) },
            language: Language::Ru,
            default_interval: Duration::from_secs(30),
            observer: None,
        }
    }

    /// Calls `observer` after every poll in [`Poller::run`] with whether the portal answered,
    /// so that a UI can show an offline state.
    pub fn on_poll(mut self, observer: impl Fn(bool) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    fn observe(&self, online: bool) {
        if let Some(observer) = &self.observer {
            observer(online);
        }
    }

    /// Replaces the jitter source.
    pub fn with_jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets the language of notifications.
    pub fn with_language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    fn now() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    /// Asks the feed once and handles what it returns.
    ///
    /// # Errors
    /// [`Error::Offline`] and portal errors (the cursor stays where it was), or
    /// [`Error::SignedOut`] / [`Error::SessionLocked`] when polling must stop.
    pub async fn poll_once(&self) -> Result<PollOutcome, Error> {
        let (cursor, etag) = self.store.poll_state(&self.account)?;
        if cursor.is_none() {
            return self.baseline().await;
        }
        let response = self.client.events(cursor.as_deref(), etag.as_deref()).await?;
        let (page, etag, poll_interval) = match response {
            EventsResponse::NotModified { poll_interval } => {
                self.store.save_poll_state(
                    &self.account,
                    cursor.as_deref(),
                    etag.as_deref(),
                    Self::now(),
                )?;
                return Ok(PollOutcome {
                    handled: 0,
                    not_modified: true,
                    poll_interval,
                    has_more: false,
                });
            }
            EventsResponse::Page { page, etag, poll_interval } => (page, etag, poll_interval),
        };

        let mut handled = 0;
        let mut position = cursor;
        for event in &page.events {
            if !self.store.is_handled(&self.account, &event.id)? {
                self.handle(event).await?;
                handled += 1;
            }
            position = Some(event.id.clone());
            self.store.save_poll_state(&self.account, position.as_deref(), None, Self::now())?;
        }
        let position = if page.events.is_empty() { Some(page.cursor.clone()) } else { position };
        // The ETag describes the whole feed; keep it only once the page was fully handled.
        let etag = if page.has_more { None } else { etag };
        self.store.save_poll_state(
            &self.account,
            position.as_deref(),
            etag.as_deref(),
            Self::now(),
        )?;
        Ok(PollOutcome { handled, not_modified: false, poll_interval, has_more: page.has_more })
    }

    /// The first poll of an account: the feed's history is what the person already sees in
    /// the list, so it is recorded as handled without a notification for each old change.
    async fn baseline(&self) -> Result<PollOutcome, Error> {
        let mut cursor: Option<String> = None;
        loop {
            let response = self.client.events(cursor.as_deref(), None).await?;
            let EventsResponse::Page { page, etag, poll_interval } = response else {
                return Ok(PollOutcome {
                    handled: 0,
                    not_modified: true,
                    poll_interval: None,
                    has_more: false,
                });
            };
            for event in &page.events {
                self.store.mark_handled(&self.account, &event.id, Self::now())?;
            }
            cursor = Some(page.cursor.clone());
            let etag = if page.has_more { None } else { etag };
            self.store.save_poll_state(
                &self.account,
                cursor.as_deref(),
                etag.as_deref(),
                Self::now(),
            )?;
            if !page.has_more {
                tracing::info!(
                    events = page.events.len(),
                    "poller started from the feed's present"
                );
                return Ok(PollOutcome {
                    handled: 0,
                    not_modified: false,
                    poll_interval,
                    has_more: false,
                });
            }
        }
    }

    async fn handle(&self, event: &Event) -> Result<(), Error> {
        let application = match &event.application_id {
            Some(id) => match self.client.application(id).await {
                Ok(application) => {
                    self.store.cache_application(&self.account, &application)?;
                    Some(application)
                }
                Err(Error::NotFound) => None,
                Err(err) => return Err(err),
            },
            None => None,
        };
        let details =
            application.as_ref().map(|a| (a.summary.title.as_str(), a.summary.number.as_str()));
        let notification = notification_for(event, details, self.language);
        if let Err(err) = self.notifier.notify(&notification) {
            tracing::warn!(event = %event.id, error = %err, "a notification could not be shown");
        }
        self.store.mark_handled(&self.account, &event.id, Self::now())?;
        tracing::info!(event = %event.id, kind = ?event.kind, "event handled");
        Ok(())
    }

    /// The wait before the next poll after a success: the server's hint (or the default),
    /// spread by ±20% so that many clients do not poll in step.
    pub fn next_delay(&self, outcome: &PollOutcome) -> Duration {
        if outcome.has_more {
            return Duration::ZERO;
        }
        let base =
            outcome.poll_interval.unwrap_or(self.default_interval).max(Duration::from_secs(1));
        base.mul_f64(0.8 + 0.4 * self.jitter.unit())
    }

    /// Polls until `stop` completes or the session ends. Failures back off exponentially;
    /// offline, it keeps trying and resumes when the portal answers.
    ///
    /// # Errors
    /// [`Error::SignedOut`] or [`Error::SessionLocked`] when the session ends.
    pub async fn run(&self, stop: impl Future<Output = ()>) -> Result<(), Error> {
        let work = async {
            let mut failures = 0u32;
            loop {
                let delay = match self.poll_once().await {
                    Ok(outcome) => {
                        failures = 0;
                        self.observe(true);
                        self.next_delay(&outcome)
                    }
                    Err(err @ (Error::SignedOut | Error::SessionLocked)) => return Err(err),
                    Err(err) => {
                        self.observe(!matches!(err, Error::Offline(_)));
                        let delay = self.backoff.delay(failures, self.jitter.as_ref());
                        failures = failures.saturating_add(1);
                        let delay_ms = delay.as_millis() as u64;
                        tracing::warn!(failures, error = %err, delay_ms, "poll failed");
                        delay
                    }
                };
                tokio::time::sleep(delay).await;
            }
        };
        tokio::select! {
            result = work => result,
            () = stop => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, status: Option<ApplicationStatus>) -> Event {
        Event {
            id: "42".into(),
            kind,
            application_id: Some("5".into()),
            status,
            occurred_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn notifications_name_the_application_and_status_only() {
        let n = notification_for(
            &event(EventKind::ApplicationStatusChanged, Some(ApplicationStatus::Approved)),
            Some(("Замена паспорта", "3014567802")),
            Language::Ru,
        );
        assert_eq!(n.title, "Замена паспорта");
        assert_eq!(n.body, "Заявление № 3014567802: Одобрено");
        assert_eq!(n.application_id.as_deref(), Some("5"), "a click opens the application");

        let locked = notification_for(&event(EventKind::AccountLocked, None), None, Language::En);
        assert_eq!(locked.title, "Sign-in locked");
    }
}
