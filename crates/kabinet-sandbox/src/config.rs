//! How a sandbox portal is set up: its issuer, lifetimes, speeds and the admin token.

use std::time::Duration;

/// Lifetimes of what the identity provider issues.
#[derive(Debug, Clone)]
pub struct Lifetimes {
    /// Access tokens.
    pub access_token: Duration,
    /// ID tokens.
    pub id_token: Duration,
    /// Authorization codes; RFC 6749 recommends ten minutes at most.
    pub authorization_code: Duration,
    /// One-time codes sent by email or SMS.
    pub one_time_code: Duration,
    /// A sign-in in progress, from the authorization request to consent.
    pub login_flow: Duration,
    /// A refresh token family, however often it is rotated.
    pub refresh_family: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            access_token: Duration::from_secs(10 * 60),
            id_token: Duration::from_secs(10 * 60),
            authorization_code: Duration::from_secs(5 * 60),
            one_time_code: Duration::from_secs(5 * 60),
            login_flow: Duration::from_secs(30 * 60),
            refresh_family: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

impl Lifetimes {
    /// The longest a token signed by a key can stay valid after the key is retired.
    pub fn longest_signed_token(&self) -> Duration {
        self.access_token.max(self.id_token)
    }
}

/// The sign-in lockout policy.
#[derive(Debug, Clone)]
pub struct Lockout {
    /// Failed attempts (passwords and codes) that lock the account.
    pub max_failures: u32,
    /// How long the account stays locked.
    pub duration: Duration,
}

impl Default for Lockout {
    fn default() -> Self {
        Self { max_failures: 5, duration: Duration::from_secs(15 * 60) }
    }
}

/// A sandbox portal's configuration.
#[derive(Clone)]
pub struct Config {
    /// The issuer identifier and base URL, without a trailing slash.
    pub issuer: String,
    /// Lifetimes of codes and tokens.
    pub lifetimes: Lifetimes,
    /// The sign-in lockout policy.
    pub lockout: Lockout,
    /// Time between automatic status changes of an application in the workflow.
    pub workflow_step: Duration,
    /// How often the workflow engine looks for due applications.
    pub workflow_tick: Duration,
    /// The poll interval the events feed suggests to clients.
    pub poll_interval: Duration,
    /// The bearer token of the admin endpoints.
    pub admin_token: String,
    /// Whether the sign-in pages tell the person where a demo portal's one-time codes are.
    pub demo_hints: bool,
    /// How long idempotency keys and their responses are kept, at least: as long as a draft
    /// may wait offline in a client's outbox.
    pub idempotency_retention: Duration,
    /// Services offered after the shipped ones. Tests use it to put a form of their own, such
    /// as the shared parity form, behind the real submission endpoint.
    pub extra_services: Vec<kabinet_api::Service>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("issuer", &self.issuer)
            .field("lifetimes", &self.lifetimes)
            .field("lockout", &self.lockout)
            .field("workflow_step", &self.workflow_step)
            .field("poll_interval", &self.poll_interval)
            .field("admin_token", &"[redacted]")
            .field("demo_hints", &self.demo_hints)
            .field("idempotency_retention", &self.idempotency_retention)
            .field("extra_services", &self.extra_services.len())
            .finish()
    }
}

impl Config {
    /// A portal at `issuer` with production-like speeds: the workflow moves an application
    /// every ten minutes and clients poll every thirty seconds.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into().trim_end_matches('/').to_owned(),
            lifetimes: Lifetimes::default(),
            lockout: Lockout::default(),
            workflow_step: Duration::from_secs(10 * 60),
            workflow_tick: Duration::from_secs(5),
            poll_interval: Duration::from_secs(30),
            admin_token: crate::crypto::random_token(),
            demo_hints: false,
            idempotency_retention: Duration::from_secs(
                u64::from(kabinet_api::idempotency::RETENTION_DAYS) * 24 * 60 * 60,
            ),
            extra_services: Vec::new(),
        }
    }

    /// A portal for demonstrations: the workflow moves every twenty seconds and clients poll
    /// every five, so a person sees statuses change while they watch.
    pub fn demo(issuer: impl Into<String>) -> Self {
        Self {
            workflow_step: Duration::from_secs(20),
            workflow_tick: Duration::from_secs(1),
            poll_interval: Duration::from_secs(5),
            demo_hints: true,
            ..Self::new(issuer)
        }
    }

    /// Builds a URL under the issuer.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path)
    }
}
