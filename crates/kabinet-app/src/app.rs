//! [`App`]: one instance per running desktop app.

mod applications;
mod documents;
mod outcomes;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use kabinet_api::{Document, SecretString};
use kabinet_core::browser::Browser;
use kabinet_core::client::PortalClient;
use kabinet_core::oidc::{self, PageLanguage, SignInOptions};
use kabinet_core::outbox::Clock;
use kabinet_core::poller::{Notification, Notifier, Poller};
use kabinet_core::session::SessionConfig;
use kabinet_core::store::{AccountKey, LocalStore};
use kabinet_core::{Error, PortalProfile, Session};
use kabinet_keychain::{Availability, SecretStore};
use tokio::sync::{RwLock, oneshot};

use self::documents::OpenVault;
pub use self::documents::{SCAN_PROTOCOL, ScanResource, UNDO_SECONDS, document_kind};
use crate::ipc::forms::OutboxView;
use crate::ipc::vault::{ImportReport, UploadProgressEvent, VaultView};
use crate::ipc::{
    ApplicationDetailView, ApplicationView, ChangedEvent, CommandError, DashboardView,
    KeychainView, PersonView, PortalView, SessionStatus, SessionView, SyncView,
};

/// What the app tells its window. `src-tauri` implements it with Tauri events and the tray.
pub trait UiEvents: Send + Sync {
    /// The session changed.
    fn session(&self, view: &SessionView);
    /// The account's data changed.
    fn changed(&self, event: &ChangedEvent);
    /// The connection state or the unread count changed.
    fn sync(&self, view: &SyncView);
    /// Files dropped on the window were imported.
    fn vault_imported(&self, report: &ImportReport);
    /// An upload moved on.
    fn upload_progress(&self, progress: &UploadProgressEvent);
    /// The vault's contents changed.
    fn vault_changed(&self, view: &VaultView);
    /// An outbox item was added or changed state.
    fn outbox_changed(&self, view: &OutboxView);
}

/// How to start the app.
pub struct AppConfig {
    /// The portal.
    pub profile: PortalProfile,
    /// Whether the portal is the embedded demo sandbox.
    pub demo: bool,
    /// Where the local database lives; the document vault is kept in `vault/` next to it.
    pub database: PathBuf,
    /// The start of the URLs of the scan protocol as the window must write them
    /// (`kabinet-scan://localhost/` on Linux and macOS, `http://kabinet-scan.localhost/` on
    /// Windows).
    pub scan_base: String,
    /// The system browser.
    pub browser: Arc<dyn Browser>,
    /// Native notifications.
    pub notifier: Arc<dyn Notifier>,
    /// The window.
    pub events: Arc<dyn UiEvents>,
    /// The keychain; `None` opens the OS keychain.
    pub secrets: Option<(Arc<dyn SecretStore>, Availability)>,
    /// Session behaviour (idle lock).
    pub session: SessionConfig,
    /// The language of sign-in pages and notifications.
    pub language: PageLanguage,
    /// The time: today's date for the checks, and the outbox's schedule
    /// ([`kabinet_core::outbox::SystemClock`] outside tests).
    pub clock: Arc<dyn Clock>,
}

/// The running app's state.
pub struct App {
    http: reqwest::Client,
    store: Arc<LocalStore>,
    secrets: Arc<dyn SecretStore>,
    keychain: Availability,
    profile: PortalProfile,
    demo: bool,
    browser: Arc<dyn Browser>,
    notifier: Arc<dyn Notifier>,
    events: Arc<dyn UiEvents>,
    session_config: SessionConfig,
    language: PageLanguage,
    clock: Arc<dyn Clock>,
    session: RwLock<Option<Arc<Session>>>,
    /// The signed-in account, readable without waiting for `session`'s lock.
    account: Mutex<Option<AccountKey>>,
    locked: AtomicBool,
    signing_in: Mutex<Option<oneshot::Sender<()>>>,
    poller: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The background sender of the outbox.
    sender: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Wakes the sender: something was submitted, or the portal answers again.
    outbox_wake: Arc<tokio::sync::Notify>,
    unread: AtomicU32,
    online: AtomicBool,
    vault_root: PathBuf,
    scan_base: String,
    /// A random capability of this run: the scan protocol serves only URLs that carry it.
    scan_token: SecretString,
    vault: Mutex<Option<OpenVault>>,
    /// The person's documents at the portal, as last fetched.
    documents: Mutex<Vec<Document>>,
    documents_online: AtomicBool,
    /// Clarification requests seen in this run, and whether they were answered.
    requests: Mutex<outcomes::Requests>,
    me: Weak<App>,
}

fn random_token() -> SecretString {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    SecretString::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn rfc3339(unix: i64) -> Option<String> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// Counts notified changes for the tray, tells the window, and shows the notification.
struct CountingNotifier {
    app: Weak<App>,
}

impl Notifier for CountingNotifier {
    fn notify(&self, notification: &Notification) -> Result<(), String> {
        let Some(app) = self.app.upgrade() else { return Ok(()) };
        app.unread.fetch_add(1, Ordering::SeqCst);
        app.events.changed(&ChangedEvent { application_id: notification.application_id.clone() });
        app.events.sync(&app.sync_view());
        app.notifier.notify(notification)
    }
}

impl App {
    /// Opens the local store, restores the session from the keychain if there is one, and
    /// starts the poller for it.
    ///
    /// # Errors
    /// When the local store cannot be opened or the profile is invalid.
    pub async fn start(config: AppConfig) -> Result<Arc<Self>, Error> {
        config.profile.validate()?;
        let store = Arc::new(LocalStore::open(&config.database)?);
        let vault_root = config
            .database
            .parent()
            .map_or_else(|| PathBuf::from("vault"), |folder| folder.join("vault"));
        let (secrets, keychain) = config.secrets.unwrap_or_else(kabinet_keychain::open);
        if let Availability::MemoryOnly { reason } = &keychain {
            tracing::warn!(%reason, "no keychain: the session will not survive a restart");
        }
        let app = Arc::new_cyclic(|me| Self {
            http: kabinet_core::http_client().unwrap_or_default(),
            store,
            secrets,
            keychain,
            profile: config.profile,
            demo: config.demo,
            browser: config.browser,
            notifier: config.notifier,
            events: config.events,
            session_config: config.session,
            language: config.language,
            clock: config.clock,
            session: RwLock::new(None),
            account: Mutex::new(None),
            locked: AtomicBool::new(false),
            signing_in: Mutex::new(None),
            poller: Mutex::new(None),
            sender: Mutex::new(None),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            unread: AtomicU32::new(0),
            online: AtomicBool::new(true),
            vault_root,
            scan_base: config.scan_base,
            scan_token: random_token(),
            vault: Mutex::new(None),
            documents: Mutex::new(Vec::new()),
            documents_online: AtomicBool::new(false),
            requests: Mutex::new(outcomes::Requests::new()),
            me: me.clone(),
        });
        app.restore().await;
        Ok(app)
    }

    async fn restore(&self) {
        let subject = match self.store.session_subject(&self.profile.id) {
            Ok(Some(subject)) => subject,
            Ok(None) => return,
            Err(err) => return tracing::error!(error = %err, "cannot read the last session"),
        };
        let restored = Session::restore(
            self.http.clone(),
            self.profile.clone(),
            self.secrets.clone(),
            &subject,
            self.session_config.clone(),
        )
        .await;
        match restored {
            Ok(Some(session)) => {
                tracing::info!(portal = %self.profile.id, "session restored from the keychain");
                self.install(Arc::new(session)).await;
            }
            Ok(None) => tracing::info!("no refresh token in the keychain; sign in again"),
            Err(err) => tracing::error!(error = %err, "cannot restore the session"),
        }
    }

    async fn install(&self, session: Arc<Session>) {
        self.open_vault(&session);
        *self.lock_account() = Some(session.account());
        *self.session.write().await = Some(session.clone());
        self.locked.store(false, Ordering::SeqCst);
        self.start_poller(session);
    }

    fn start_poller(&self, session: Arc<Session>) {
        let Some(app) = self.me.upgrade() else { return };
        let client = PortalClient::new(self.http.clone(), session);
        self.start_sender(client.for_background());
        let language = match self.language {
            PageLanguage::Ru => kabinet_core::poller::Language::Ru,
            PageLanguage::En => kabinet_core::poller::Language::En,
        };
        let observer = self.me.clone();
        let poller = Poller::new(
            &client,
            self.store.clone(),
            Arc::new(CountingNotifier { app: self.me.clone() }),
        )
        .with_language(language)
        .on_poll(move |online| {
            if let Some(app) = observer.upgrade() {
                app.set_online(online);
            }
        });
        let task = tokio::spawn(async move {
            let ended = poller.run(std::future::pending()).await;
            if let Err(err) = ended {
                tracing::info!(error = %err, "the poller stopped: the session ended");
                app.end_session(&err).await;
            }
        });
        if let Some(old) = self.poller.lock().unwrap_or_else(|p| p.into_inner()).replace(task) {
            old.abort();
        }
    }

    fn stop_poller(&self) {
        self.stop_sender();
        if let Some(task) = self.poller.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }

    fn set_online(&self, online: bool) {
        if self.online.swap(online, Ordering::SeqCst) != online {
            self.events.sync(&self.sync_view());
            if online {
                // The portal answers again: what waits in the outbox goes now.
                self.outbox_wake.notify_one();
            }
        }
    }

    fn lock_account(&self) -> std::sync::MutexGuard<'_, Option<AccountKey>> {
        self.account.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_vault(&self) -> std::sync::MutexGuard<'_, Option<OpenVault>> {
        self.vault.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_documents(&self) -> std::sync::MutexGuard<'_, Vec<Document>> {
        self.documents.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn end_session(&self, why: &Error) {
        self.stop_sender();
        self.session.write().await.take();
        self.lock_account().take();
        self.close_vault();
        self.locked.store(matches!(why, Error::SessionLocked), Ordering::SeqCst);
        if let Err(err) = self.store.forget_session(&self.profile.id) {
            tracing::error!(error = %err, "cannot forget the session");
        }
        self.events.session(&self.session_view().await);
    }

    /// The session as the window shows it.
    pub async fn session_view(&self) -> SessionView {
        let signing_in = self.signing_in.lock().unwrap_or_else(|p| p.into_inner()).is_some();
        let status = if self.session.read().await.is_some() {
            SessionStatus::SignedIn
        } else if signing_in {
            SessionStatus::SigningIn
        } else if self.locked.load(Ordering::SeqCst) {
            SessionStatus::Locked
        } else {
            SessionStatus::SignedOut
        };
        SessionView {
            status,
            portal: PortalView {
                id: self.profile.id.clone(),
                issuer: self.profile.issuer.to_string(),
                demo: self.demo,
            },
            keychain: match &self.keychain {
                Availability::Keychain => KeychainView { available: true, reason: None },
                Availability::MemoryOnly { reason } => {
                    KeychainView { available: false, reason: Some(reason.clone()) }
                }
            },
        }
    }

    /// Signs in through the system browser; resolves when the browser came back.
    ///
    /// # Errors
    /// The sign-in's error, with its code.
    pub async fn sign_in(&self) -> Result<SessionView, CommandError> {
        let (cancel_tx, cancel_rx) = oneshot::channel();
        if let Some(previous) =
            self.signing_in.lock().unwrap_or_else(|p| p.into_inner()).replace(cancel_tx)
        {
            let _ = previous.send(());
        }
        self.events.session(&self.session_view().await);

        let options = SignInOptions { language: self.language, ..SignInOptions::default() };
        let cancel = async {
            let _ = cancel_rx.await;
        };
        let result =
            oidc::sign_in(&self.http, &self.profile, self.browser.as_ref(), &options, now, cancel)
                .await;
        self.signing_in.lock().unwrap_or_else(|p| p.into_inner()).take();

        let outcome = match result {
            Ok(signed_in) => {
                match Session::start(
                    self.http.clone(),
                    self.profile.clone(),
                    signed_in,
                    self.secrets.clone(),
                    self.session_config.clone(),
                )
                .await
                {
                    Ok(session) => {
                        let session = Arc::new(session);
                        self.store
                            .remember_session(&session.account(), now())
                            .map_err(CommandError::from)?;
                        self.install(session).await;
                        Ok(())
                    }
                    Err(err) => Err(err),
                }
            }
            Err(err) => Err(err),
        };
        let view = self.session_view().await;
        self.events.session(&view);
        outcome.map(|()| view).map_err(CommandError::from)
    }

    /// Cancels a sign-in in progress.
    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = self.signing_in.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = cancel.send(());
        }
    }

    /// Signs out: stops the poller, revokes and forgets the session.
    pub async fn sign_out(&self) -> SessionView {
        self.stop_poller();
        if let Some(session) = self.session.write().await.take() {
            session.sign_out().await;
        }
        self.lock_account().take();
        self.close_vault();
        if let Err(err) = self.store.forget_session(&self.profile.id) {
            tracing::error!(error = %err, "cannot forget the session");
        }
        self.locked.store(false, Ordering::SeqCst);
        self.unread.store(0, Ordering::SeqCst);
        let view = self.session_view().await;
        self.events.session(&view);
        view
    }

    async fn client(&self) -> Result<(PortalClient, AccountKey), CommandError> {
        let session =
            self.session.read().await.clone().ok_or(CommandError::from(Error::SignedOut))?;
        let account = session.account();
        Ok((PortalClient::new(self.http.clone(), session), account))
    }

    fn sync_view(&self) -> SyncView {
        let account = self.lock_account().clone();
        let last = account.and_then(|account| self.store.last_synced(&account).ok().flatten());
        SyncView {
            online: self.online.load(Ordering::SeqCst),
            last_updated: last.and_then(rfc3339),
            unread: self.unread.load(Ordering::SeqCst),
        }
    }

    /// The dashboard from the local cache: instant, and available offline.
    ///
    /// # Errors
    /// [`crate::ipc::ErrorCode::SignedOut`] without a session; storage errors.
    pub async fn dashboard(&self) -> Result<DashboardView, CommandError> {
        let session =
            self.session.read().await.clone().ok_or(CommandError::from(Error::SignedOut))?;
        let account = session.account();
        let person = self
            .store
            .cached_profile(&account)?
            .map(|(profile, _)| PersonView::from_profile(&profile));
        let applications = self
            .store
            .cached_applications(&account, None)?
            .iter()
            .map(ApplicationView::from)
            .collect();
        Ok(DashboardView { person, applications, sync: self.sync_view() })
    }

    /// Fetches the profile and the applications from the portal into the cache, then returns
    /// the dashboard. Offline, it returns the cache with `online: false`.
    ///
    /// # Errors
    /// When the session ended; portal refusals.
    pub async fn refresh(&self) -> Result<DashboardView, CommandError> {
        let (client, account) = self.client().await?;
        let fetched = async {
            let profile = client.me().await?;
            let applications = client.applications(None).await?;
            Ok::<_, Error>((profile, applications))
        }
        .await;
        match fetched {
            Ok((profile, applications)) => {
                self.store.cache_profile(&account, &profile, now())?;
                self.store.cache_applications(&account, &applications)?;
                let (cursor, etag) = self.store.poll_state(&account)?;
                self.store.save_poll_state(&account, cursor.as_deref(), etag.as_deref(), now())?;
                self.set_online(true);
            }
            Err(Error::Offline(reason)) => {
                tracing::warn!(%reason, "refresh failed; showing the cache");
                self.set_online(false);
            }
            Err(err @ (Error::SignedOut | Error::SessionLocked)) => {
                self.end_session(&err).await;
                return Err(err.into());
            }
            Err(err) => return Err(err.into()),
        }
        self.dashboard().await
    }

    /// One application with its journal: from the portal, or the cache when offline. From the
    /// portal it comes with its open request or its decision.
    ///
    /// # Errors
    /// `not_found`, `offline` with nothing cached, or the session's end.
    pub async fn application(&self, id: &str) -> Result<ApplicationDetailView, CommandError> {
        let (client, account) = self.client().await?;
        match client.application(id).await {
            Ok(application) => {
                self.store.cache_application(&account, &application)?;
                self.set_online(true);
                let view = ApplicationDetailView::new(&application, false);
                Ok(self.with_outcomes(&client, &application, view).await)
            }
            Err(Error::Offline(reason)) => {
                self.set_online(false);
                let cached = self.store.cached_application(&account, id)?;
                cached
                    .map(|a| ApplicationDetailView::new(&a, true))
                    .ok_or(Error::Offline(reason).into())
            }
            Err(err) => Err(err.into()),
        }
    }

    /// The person has seen the changes.
    pub fn mark_read(&self) {
        self.unread.store(0, Ordering::SeqCst);
        self.events.sync(&self.sync_view());
    }

    /// Changes notified since the person last looked.
    pub fn unread(&self) -> u32 {
        self.unread.load(Ordering::SeqCst)
    }
}
