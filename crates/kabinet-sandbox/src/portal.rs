//! The shared state of one running portal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rusqlite::types::Type;
use tokio::sync::{OwnedRwLockWriteGuard, RwLock, watch};

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::config::Config;
use crate::keys::{KeyError, KeyRing};
use crate::store::{Store, StoreError};

/// The portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The signing keys could not be loaded or created.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The demo accounts could not be created.
    #[error("seeding the demo data failed: {0}")]
    Seed(String),
    /// A service's form in the catalog is not a form the validator can use.
    #[error("the service catalog is broken: {0}")]
    Catalog(#[from] kabinet_api::SchemaError),
}

/// While this lives, submissions that have claimed their idempotency key wait before they are
/// judged; see [`Portal::hold_submissions`].
pub struct SubmissionHold {
    _guard: OwnedRwLockWriteGuard<()>,
}

/// One portal: configuration, database, keys and clock. Cheap to clone.
#[derive(Clone)]
pub struct Portal {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Store,
    keys: KeyRing,
    clock: Arc<dyn Clock>,
    feed: watch::Sender<i64>,
    sign_in_locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    catalog: Catalog,
    submission_gate: Arc<RwLock<()>>,
}

impl Portal {
    /// Starts a portal on `store`: loads or creates the signing key and seeds the demo accounts
    /// when the database is empty.
    ///
    /// # Errors
    /// When the store, the keys or the seeding fail.
    pub fn new(config: Config, store: Store, clock: Arc<dyn Clock>) -> Result<Self, StartError> {
        let now = clock.unix();
        let keys = KeyRing::load_or_create(&store, now)?;
        let first_step_at = now + config.workflow_step.as_secs() as i64;
        crate::seed::seed_if_empty(&store, now, first_step_at)
            .map_err(|err| StartError::Seed(err.to_string()))?;
        let latest = crate::feed::latest_event_id(&store)?;
        let catalog = Catalog::build(&config.extra_services)?;
        let abandoned = crate::idempotency::release_abandoned(&store.lock())
            .map_err(|err| StartError::Store(err.into()))?;
        if abandoned > 0 {
            tracing::warn!(abandoned, "dropped idempotency claims left by a stopped process");
        }

        let (feed, _) = watch::channel(latest);
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                store,
                keys,
                clock,
                feed,
                sign_in_locks: Mutex::new(HashMap::new()),
                catalog,
                submission_gate: Arc::new(RwLock::new(())),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The ids of the documents submitted with application `id` (none for a seeded one), for
    /// tests that check what reached the portal.
    ///
    /// # Errors
    /// When there is no such application or the store fails.
    pub fn submitted_documents(&self, id: i64) -> rusqlite::Result<Vec<String>> {
        let attached: Option<String> = self.store().lock().query_row(
            "SELECT document_ids FROM applications WHERE id = ?1",
            [id],
            |row| row.get(0),
        )?;
        attached
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|err| rusqlite::Error::FromSqlConversionFailure(0, Type::Text, Box::new(err)))
            .map(Option::unwrap_or_default)
    }

    /// How many documents the portal holds, across accounts; identical uploads of one account
    /// count once.
    ///
    /// # Errors
    /// When the store fails.
    pub fn document_count(&self) -> rusqlite::Result<i64> {
        self.store().lock().query_row("SELECT count(*) FROM documents", [], |row| row.get(0))
    }

    /// The service catalog.
    pub(crate) fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// Holds every submission, clarification reply and upload under an idempotency key that
    /// has claimed its key until the returned guard is dropped, as a slow back office would.
    /// Tests use it to have a request in flight while its duplicate arrives.
    pub async fn hold_submissions(&self) -> SubmissionHold {
        SubmissionHold { _guard: self.inner.submission_gate.clone().write_owned().await }
    }

    /// Waits while a [`SubmissionHold`] lives.
    pub(crate) async fn pass_submission_gate(&self) {
        drop(self.inner.submission_gate.read().await);
    }

    /// The signing keys.
    pub fn keys(&self) -> &KeyRing {
        &self.inner.keys
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// Now, as Unix seconds.
    pub fn now(&self) -> i64 {
        self.inner.clock.unix()
    }

    /// Tells long-polling readers of the feed that events up to `latest` exist.
    pub fn announce_events(&self, latest: i64) {
        self.inner.feed.send_if_modified(|current| {
            let newer = latest > *current;
            if newer {
                *current = latest;
            }
            newer
        });
    }

    /// A receiver that wakes whenever a new event is appended to any account's feed.
    pub fn watch_events(&self) -> watch::Receiver<i64> {
        self.inner.feed.subscribe()
    }

    /// The lock that serialises sign-in attempts of one account, so that parallel attempts
    /// are counted exactly and the lockout cannot be raced past.
    pub fn sign_in_lock(&self, oid: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks =
            self.inner.sign_in_locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(oid).or_default().clone()
    }

    /// Rotates the signing key and drops retired keys whose tokens have expired.
    ///
    /// # Errors
    /// When the store fails.
    pub fn rotate_signing_key(&self) -> Result<String, KeyError> {
        let now = self.now();
        let kid = self.keys().rotate(self.store(), now)?;
        self.prune_keys()?;
        Ok(kid)
    }

    /// Drops retired keys whose tokens have all expired.
    ///
    /// # Errors
    /// When the store fails.
    pub fn prune_keys(&self) -> Result<(), KeyError> {
        let ttl = self.config().lifetimes.longest_signed_token().as_secs() as i64;
        self.keys().prune(self.store(), self.now(), ttl)
    }
}
