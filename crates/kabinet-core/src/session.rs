//! A signed-in session: the refresh token in the keychain, the access token in memory,
//! refreshed before it expires, once for any number of concurrent callers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kabinet_api::SecretString;
use kabinet_keychain::{SecretKey, SecretStore};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::oidc::{self, ProviderMetadata, SignedIn, TokenError};
use crate::store::AccountKey;
use crate::{Error, PortalProfile};

/// How a session behaves.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Lock the session after this long without activity by the person; `None` never locks.
    pub idle_lock: Option<Duration>,
    /// Refresh the access token this long before it expires.
    pub refresh_margin: Duration,
    /// Assumed access token lifetime when the provider does not say.
    pub default_lifetime: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_lock: Some(Duration::from_secs(15 * 60)),
            refresh_margin: Duration::from_secs(60),
            default_lifetime: Duration::from_secs(5 * 60),
        }
    }
}

/// Who asks for the access token: the person (which counts as activity) or a background
/// task such as the poller (which does not keep the session awake).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// The person did something.
    Person,
    /// A background task.
    Background,
}

#[derive(Default)]
struct Tokens {
    access: Option<(SecretString, Instant)>,
    refresh: Option<SecretString>,
    ended: Option<Error>,
}

/// One person signed in at one portal.
pub struct Session {
    http: reqwest::Client,
    profile: PortalProfile,
    metadata: OnceCell<ProviderMetadata>,
    secrets: Arc<dyn SecretStore>,
    subject: String,
    config: SessionConfig,
    tokens: tokio::sync::Mutex<Tokens>,
    last_activity: Mutex<Instant>,
    refreshes: AtomicU64,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, kabinet_keychain::KeychainError> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|err| Error::Internal(err.to_string()))?
        .map_err(Error::from)
}

fn ended_error(ended: &Error) -> Error {
    match ended {
        Error::SessionLocked => Error::SessionLocked,
        _ => Error::SignedOut,
    }
}

impl Session {
    /// Starts a session from a completed sign-in. The refresh token is written to the
    /// keychain before the session is used.
    ///
    /// # Errors
    /// [`Error::Keychain`] when the refresh token cannot be stored.
    pub async fn start(
        http: reqwest::Client,
        profile: PortalProfile,
        signed_in: SignedIn,
        secrets: Arc<dyn SecretStore>,
        config: SessionConfig,
    ) -> Result<Self, Error> {
        let subject = signed_in.claims.sub.clone();
        if let Some(refresh) = signed_in.tokens.refresh_token.clone() {
            let key = SecretKey::refresh_token(&profile.id, &subject);
            let store = secrets.clone();
            blocking(move || store.set(&key, &refresh)).await?;
        }
        let lifetime =
            signed_in.tokens.expires_in.map_or(config.default_lifetime, Duration::from_secs);
        let tokens = Tokens {
            access: Some((signed_in.tokens.access_token, Instant::now() + lifetime)),
            refresh: signed_in.tokens.refresh_token,
            ended: None,
        };
        Ok(Self {
            http,
            profile,
            metadata: OnceCell::new_with(Some(signed_in.metadata)),
            secrets,
            subject,
            config,
            tokens: tokio::sync::Mutex::new(tokens),
            last_activity: Mutex::new(Instant::now()),
            refreshes: AtomicU64::new(0),
        })
    }

    /// Restores the session of `subject` from the keychain, or `None` when the keychain holds
    /// no refresh token for them. Nothing is fetched until the session is used.
    ///
    /// # Errors
    /// [`Error::Keychain`] when the keychain cannot be read.
    pub async fn restore(
        http: reqwest::Client,
        profile: PortalProfile,
        secrets: Arc<dyn SecretStore>,
        subject: &str,
        config: SessionConfig,
    ) -> Result<Option<Self>, Error> {
        let key = SecretKey::refresh_token(&profile.id, subject);
        let store = secrets.clone();
        let Some(refresh) = blocking(move || store.get(&key)).await? else { return Ok(None) };
        Ok(Some(Self {
            http,
            profile,
            metadata: OnceCell::new(),
            secrets,
            subject: subject.to_owned(),
            config,
            tokens: tokio::sync::Mutex::new(Tokens { refresh: Some(refresh), ..Tokens::default() }),
            last_activity: Mutex::new(Instant::now()),
            refreshes: AtomicU64::new(0),
        }))
    }

    /// A session that holds only an access token handed over by another process of the same
    /// person (a helper the app starts, or a test's drill). It cannot refresh and never
    /// locks: when the token expires or the portal refuses it, the session is over. Nothing
    /// is written to the keychain.
    pub fn from_access_token(
        http: reqwest::Client,
        profile: PortalProfile,
        subject: &str,
        token: SecretString,
        lifetime: Duration,
    ) -> Self {
        let config = SessionConfig {
            idle_lock: None,
            refresh_margin: Duration::ZERO,
            ..SessionConfig::default()
        };
        Self {
            http,
            profile,
            metadata: OnceCell::new(),
            secrets: Arc::new(kabinet_keychain::MemoryStore::new()),
            subject: subject.to_owned(),
            config,
            tokens: tokio::sync::Mutex::new(Tokens {
                access: Some((token, Instant::now() + lifetime)),
                ..Tokens::default()
            }),
            last_activity: Mutex::new(Instant::now()),
            refreshes: AtomicU64::new(0),
        }
    }

    /// The person's subject at the portal.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The profile of the portal.
    pub fn profile(&self) -> &PortalProfile {
        &self.profile
    }

    /// The key of this person's cached data.
    pub fn account(&self) -> AccountKey {
        AccountKey { portal: self.profile.id.clone(), subject: self.subject.clone() }
    }

    /// How many refreshes this session has made.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::SeqCst)
    }

    /// Records activity by the person, which keeps the session from locking.
    pub fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    async fn metadata(&self) -> Result<&ProviderMetadata, Error> {
        self.metadata
            .get_or_try_init(|| oidc::discovery::discover(&self.http, &self.profile.issuer))
            .await
    }

    fn key(&self) -> SecretKey {
        SecretKey::refresh_token(&self.profile.id, &self.subject)
    }

    async fn forget(&self, tokens: &mut Tokens, why: Error) {
        tokens.access = None;
        tokens.refresh = None;
        tokens.ended = Some(why);
        let store = self.secrets.clone();
        let key = self.key();
        if let Err(err) = blocking(move || store.delete(&key)).await {
            tracing::error!(error = %err, "could not delete the refresh token from the keychain");
        }
    }

    /// A valid access token, refreshed first if it expires within the margin. Concurrent
    /// callers wait for one refresh.
    ///
    /// # Errors
    /// [`Error::SignedOut`] when the session is over (the provider refused the refresh token),
    /// [`Error::SessionLocked`] after inactivity, [`Error::Offline`] when the provider cannot
    /// be reached.
    pub async fn access_token(&self, activity: Activity) -> Result<SecretString, Error> {
        let mut tokens = self.tokens.lock().await;
        if let Some(ended) = &tokens.ended {
            return Err(ended_error(ended));
        }
        if self.is_idle() {
            tracing::info!(portal = %self.profile.id, "session locked after inactivity");
            self.end_remotely(&mut tokens).await;
            self.forget(&mut tokens, Error::SessionLocked).await;
            return Err(Error::SessionLocked);
        }
        if activity == Activity::Person {
            self.touch();
        }
        if let Some((token, expires_at)) = &tokens.access
            && Instant::now() + self.config.refresh_margin < *expires_at
        {
            return Ok(token.clone());
        }
        self.refresh_locked(&mut tokens).await
    }

    /// After the API refused `stale`, refreshes unless another caller already did.
    ///
    /// # Errors
    /// As [`Session::access_token`].
    pub async fn refresh_after_rejection(
        &self,
        stale: &SecretString,
    ) -> Result<SecretString, Error> {
        let mut tokens = self.tokens.lock().await;
        if let Some(ended) = &tokens.ended {
            return Err(ended_error(ended));
        }
        if let Some((token, _)) = &tokens.access
            && token != stale
        {
            return Ok(token.clone());
        }
        self.refresh_locked(&mut tokens).await
    }

    fn is_idle(&self) -> bool {
        let last = *self.last_activity.lock().unwrap_or_else(|p| p.into_inner());
        self.config.idle_lock.is_some_and(|limit| last.elapsed() >= limit)
    }

    async fn refresh_locked(&self, tokens: &mut Tokens) -> Result<SecretString, Error> {
        let Some(refresh) = tokens.refresh.clone() else {
            self.forget(tokens, Error::SignedOut).await;
            return Err(Error::SignedOut);
        };
        let metadata = self.metadata().await?;
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let fresh = match oidc::refresh(&self.http, metadata, &self.profile.client_id, &refresh)
            .await
        {
            Ok(fresh) => fresh,
            Err(TokenError::InvalidGrant(detail)) => {
                tracing::warn!(portal = %self.profile.id, %detail, "refresh refused; signed out");
                self.forget(tokens, Error::SignedOut).await;
                return Err(Error::SignedOut);
            }
            Err(TokenError::Other(err)) => return Err(err),
        };

        // A rotated refresh token is stored before anything relies on it: if the process
        // died right after, the keychain must hold the token the provider now expects.
        if let Some(rotated) = &fresh.refresh_token {
            let store = self.secrets.clone();
            let key = self.key();
            let value = rotated.clone();
            blocking(move || store.set(&key, &value)).await?;
            tokens.refresh = Some(rotated.clone());
        }
        let lifetime = fresh.expires_in.map_or(self.config.default_lifetime, Duration::from_secs);
        tokens.access = Some((fresh.access_token.clone(), Instant::now() + lifetime));
        tracing::debug!(portal = %self.profile.id, "access token refreshed");
        Ok(fresh.access_token)
    }

    async fn end_remotely(&self, tokens: &mut Tokens) {
        if let (Some(refresh), Ok(metadata)) = (tokens.refresh.clone(), self.metadata().await) {
            oidc::revoke(&self.http, metadata, &self.profile.client_id, &refresh).await;
        }
    }

    /// Signs out: revokes the refresh token at the provider (best effort) and deletes it from
    /// the keychain.
    pub async fn sign_out(&self) {
        let mut tokens = self.tokens.lock().await;
        self.end_remotely(&mut tokens).await;
        self.forget(&mut tokens, Error::SignedOut).await;
        tracing::info!(portal = %self.profile.id, "signed out");
    }
}
