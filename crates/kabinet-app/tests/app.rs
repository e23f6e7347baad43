//! The app's logic against a real sandbox on loopback: sign-in through the real forms, the
//! dashboard from the cache, the poller's notifications and events, restart from the
//! keychain, offline, cancel and sign-out. The window and the native notifications are
//! recorders here; the end-to-end run covers the real ones.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kabinet_api::SecretString;
use kabinet_app::ipc::forms::OutboxView;
use kabinet_app::ipc::vault::{ImportReport, UploadProgressEvent, VaultView};
use kabinet_app::ipc::{ChangedEvent, ErrorCode, SessionStatus, SessionView, StatusCode, SyncView};
use kabinet_app::{App, AppConfig, UiEvents};
use kabinet_core::browser::Browser;
use kabinet_core::oidc::PageLanguage;
use kabinet_core::outbox::{Clock, SystemClock};
use kabinet_core::poller::{Notification, Notifier};
use kabinet_core::session::SessionConfig;
use kabinet_core::{Error, PortalProfile};
use kabinet_keychain::{Availability, MemoryStore, SecretStore};
use kabinet_sandbox::{Options, RunningSandbox, Speed, Storage, Workflow, seed};
use kabinet_useragent::{Agent, Consent, Credentials, SecondFactor};
use url::Url;

/// The person in the system browser: the headless agent filling the sandbox's forms.
struct AgentBrowser;

impl Browser for AgentBrowser {
    fn open(&self, url: &str) -> Result<(), Error> {
        let url = url.to_owned();
        tokio::spawn(async move {
            let agent = Agent::new().unwrap();
            let credentials = Credentials {
                login: seed::CITIZEN_EMAIL.to_owned(),
                password: SecretString::new(seed::DEMO_PASSWORD),
                second_factor: SecondFactor::Outbox,
            };
            let redirect = agent.sign_in(&url, &credentials, Consent::Allow).await.unwrap();
            agent.deliver(&redirect).await.unwrap();
        });
        Ok(())
    }
}

/// A browser the person never finishes signing in with.
struct IdleBrowser;

impl Browser for IdleBrowser {
    fn open(&self, _url: &str) -> Result<(), Error> {
        Ok(())
    }
}

/// Records what the app tells the window and what it would show as notifications.
#[derive(Default)]
struct Recorder {
    sessions: Mutex<Vec<SessionStatus>>,
    changes: Mutex<Vec<ChangedEvent>>,
    syncs: Mutex<Vec<SyncView>>,
    notifications: Mutex<Vec<Notification>>,
    imports: Mutex<Vec<ImportReport>>,
    progress: Mutex<Vec<UploadProgressEvent>>,
    vaults: Mutex<Vec<VaultView>>,
    outboxes: Mutex<Vec<OutboxView>>,
}

impl UiEvents for Recorder {
    fn session(&self, view: &SessionView) {
        self.sessions.lock().unwrap().push(view.status);
    }

    fn changed(&self, event: &ChangedEvent) {
        self.changes.lock().unwrap().push(event.clone());
    }

    fn sync(&self, view: &SyncView) {
        self.syncs.lock().unwrap().push(view.clone());
    }

    fn vault_imported(&self, report: &ImportReport) {
        self.imports.lock().unwrap().push(report.clone());
    }

    fn upload_progress(&self, progress: &UploadProgressEvent) {
        self.progress.lock().unwrap().push(progress.clone());
    }

    fn vault_changed(&self, view: &VaultView) {
        self.vaults.lock().unwrap().push(view.clone());
    }

    fn outbox_changed(&self, view: &OutboxView) {
        self.outboxes.lock().unwrap().push(view.clone());
    }
}

impl Notifier for Recorder {
    fn notify(&self, notification: &Notification) -> Result<(), String> {
        self.notifications.lock().unwrap().push(notification.clone());
        Ok(())
    }
}

struct Setup {
    sandbox: RunningSandbox,
    data: tempdir::Dir,
    secrets: Arc<MemoryStore>,
}

/// A scratch folder removed on drop.
mod tempdir {
    pub struct Dir(pub std::path::PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "kabinet-app-{name}-{}-{}",
                std::process::id(),
                time::OffsetDateTime::now_utc().unix_timestamp_nanos()
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A sandbox on `listen` keeping its data in `storage`.
async fn sandbox(listen: std::net::SocketAddr, storage: Storage) -> RunningSandbox {
    kabinet_sandbox::start(Options {
        listen,
        storage,
        speed: Speed::Standard,
        workflow: Workflow::Manual,
        admin_token: Some("admin".to_owned()),
        clock: Arc::new(kabinet_sandbox::SystemClock),
        adjust: Some(Box::new(|config| config.poll_interval = Duration::from_secs(1))),
    })
    .await
    .unwrap()
}

impl Setup {
    async fn new(name: &str) -> Self {
        let sandbox = sandbox("127.0.0.1:0".parse().unwrap(), Storage::Memory).await;
        Self { sandbox, data: tempdir::Dir::new(name), secrets: Arc::new(MemoryStore::new()) }
    }

    fn profile(&self) -> PortalProfile {
        PortalProfile::sandbox_at(Url::parse(&self.sandbox.url).unwrap())
    }

    async fn app(&self, browser: Arc<dyn Browser>, recorder: Arc<Recorder>) -> Arc<App> {
        self.app_at(browser, recorder, Arc::new(SystemClock)).await
    }

    /// The app with its time from `clock`.
    async fn app_at(
        &self,
        browser: Arc<dyn Browser>,
        recorder: Arc<Recorder>,
        clock: Arc<dyn Clock>,
    ) -> Arc<App> {
        let secrets: Arc<dyn SecretStore> = self.secrets.clone();
        App::start(AppConfig {
            profile: self.profile(),
            demo: false,
            database: self.data.0.join("kabinet.sqlite3"),
            scan_base: "kabinet-scan://localhost/".to_owned(),
            browser,
            notifier: recorder.clone(),
            events: recorder,
            secrets: Some((secrets, Availability::Keychain)),
            session: SessionConfig::default(),
            language: PageLanguage::Ru,
            clock,
        })
        .await
        .unwrap()
    }

    async fn push_status(&self, id: &str, status: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/admin/applications/{id}/status", self.sandbox.url))
            .bearer_auth("admin")
            .json(&serde_json::json!({ "status": status, "comment": "Проверено" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }
}

/// Waits up to `limit` for `condition`.
async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    condition()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_dashboard_change_notification_and_restart() {
    let setup = Setup::new("flow").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder.clone()).await;

    assert_eq!(app.session_view().await.status, SessionStatus::SignedOut);
    let error = app.dashboard().await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignedOut, "no dashboard before signing in");

    let view = app.sign_in().await.expect("the sign-in through the real forms succeeds");
    assert_eq!(view.status, SessionStatus::SignedIn);
    assert!(view.keychain.available);
    assert_eq!(
        recorder.sessions.lock().unwrap().as_slice(),
        [SessionStatus::SigningIn, SessionStatus::SignedIn],
        "the window saw the sign-in start and end"
    );

    let dashboard = app.refresh().await.unwrap();
    let person = dashboard.person.expect("the profile is fetched");
    assert_eq!(person.snils.as_deref(), Some("•••-•••-••• 64"), "the SNILS reaches the UI masked");
    assert!(dashboard.sync.online);
    assert!(dashboard.sync.last_updated.is_some());
    let submitted = dashboard
        .applications
        .iter()
        .find(|a| a.status == StatusCode::Accepted)
        .expect("the demo citizen has an accepted application")
        .clone();

    // The poller's first poll, right after the sign-in, is its baseline; a change after it is
    // notified once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    setup.push_status(&submitted.id, "in_progress").await;
    let notified =
        eventually(Duration::from_secs(10), || !recorder.notifications.lock().unwrap().is_empty())
            .await;
    assert!(notified, "the change is notified within the poll interval");
    let notification = recorder.notifications.lock().unwrap()[0].clone();
    assert_eq!(notification.application_id.as_deref(), Some(submitted.id.as_str()));
    let name = person.full_name.clone().expect("the demo citizen has a name");
    assert!(!notification.body.contains(&name), "no personal data in notifications");
    assert_eq!(
        recorder.changes.lock().unwrap().first().and_then(|c| c.application_id.clone()),
        Some(submitted.id.clone()),
        "the window is told which application changed"
    );
    assert_eq!(app.unread(), 1);
    let sync = recorder.syncs.lock().unwrap().last().unwrap().clone();
    assert_eq!(sync.unread, 1, "the tray sees 1");
    assert!(sync.last_updated.is_some(), "a pushed state keeps the time of the last update");

    let cached = app.dashboard().await.unwrap();
    let row = cached.applications.iter().find(|a| a.id == submitted.id).unwrap();
    assert_eq!(row.status, StatusCode::InProgress, "the poller updated the cache");

    let detail = app.application(&submitted.id).await.unwrap();
    assert!(!detail.cached);
    let last = detail.journal.last().expect("the journal has entries");
    assert_eq!(last.status, StatusCode::InProgress);
    assert_eq!(last.comment.as_deref(), Some("Проверено"));

    app.mark_read();
    assert_eq!(app.unread(), 0);
    assert_eq!(recorder.syncs.lock().unwrap().last().unwrap().unread, 0);

    // A restart finds the session in the keychain and shows the cache before any network.
    drop(app);
    let again = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(IdleBrowser), again.clone()).await;
    assert_eq!(app.session_view().await.status, SessionStatus::SignedIn, "restored");
    let cached = app.dashboard().await.unwrap();
    assert_eq!(cached.person.and_then(|p| p.full_name), Some(name));
    assert!(cached.applications.iter().any(|a| a.id == submitted.id));

    // Signing out revokes and forgets: the keychain is empty and the next start is signed out.
    let view = app.sign_out().await;
    assert_eq!(view.status, SessionStatus::SignedOut);
    assert_eq!(again.sessions.lock().unwrap().last(), Some(&SessionStatus::SignedOut));
    let keys = setup.secrets.accounts();
    assert!(
        keys.iter().all(|account| account.starts_with("data-key:")),
        "no refresh token stays in the keychain, only the key of the local data: {keys:?}"
    );
    drop(app);
    let app = setup.app(Arc::new(IdleBrowser), Arc::new(Recorder::default())).await;
    assert_eq!(app.session_view().await.status, SessionStatus::SignedOut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_sign_in_leaves_the_app_signed_out() {
    let setup = Setup::new("cancel").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(IdleBrowser), recorder.clone()).await;

    let signing_in = tokio::spawn({
        let app = app.clone();
        async move { app.sign_in().await }
    });
    assert!(
        eventually(Duration::from_secs(5), || {
            recorder.sessions.lock().unwrap().contains(&SessionStatus::SigningIn)
        })
        .await
    );
    assert_eq!(app.session_view().await.status, SessionStatus::SigningIn);

    app.cancel_sign_in();
    let error = signing_in.await.unwrap().unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInCancelled);
    assert_eq!(app.session_view().await.status, SessionStatus::SignedOut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_shows_the_cache_and_unknown_applications_are_not_found() {
    let setup = Setup::new("offline").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder.clone()).await;
    app.sign_in().await.unwrap();
    let online = app.refresh().await.unwrap();
    let first = online.applications[0].clone();
    app.application(&first.id).await.unwrap();

    let missing = app.application("no-such-application").await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);

    // The portal goes away: the dashboard and a seen application still show, marked offline.
    let Setup { sandbox, data: _data, .. } = setup;
    sandbox.shutdown().await;
    let offline = app.refresh().await.expect("offline is not an error for the dashboard");
    assert!(!offline.sync.online);
    assert_eq!(offline.sync.last_updated, online.sync.last_updated);
    assert_eq!(offline.applications.len(), online.applications.len());
    assert_eq!(recorder.syncs.lock().unwrap().last().map(|s| s.online), Some(false));

    let detail = app.application(&first.id).await.expect("the cached application shows");
    assert!(detail.cached);
    let never_seen = app.application("never-seen").await.unwrap_err();
    assert_eq!(never_seen.code, ErrorCode::Offline);
}

/// A photographed page as a JPEG.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let picture =
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            if (y / 20) % 3 == 0 && (x / 9) % 4 != 0 {
                image::Rgb([30, 30, 40])
            } else {
                image::Rgb([240, 236, 228])
            }
        }));
    kabinet_vault::picture::encode_jpeg(&picture, 90)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scans_are_imported_viewed_uploaded_exported_and_outlive_a_restart() {
    use kabinet_app::ipc::vault::{ImportOutcome, RefusalCode, VaultState};

    let setup = Setup::new("vault").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder.clone()).await;
    assert_eq!(app.vault().await.unwrap().state, VaultState::SignedOut);
    app.sign_in().await.unwrap();

    let files = setup.data.0.join("incoming");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("Паспорт.jpg"), photo(1200, 900)).unwrap();
    std::fs::write(files.join("scan.pdf"), b"GIF89a\x01\x00\x01\x00").unwrap();
    let report =
        app.import_paths(vec![files.join("Паспорт.jpg"), files.join("scan.pdf")]).await.unwrap();
    let scan = match &report.items[..] {
        [ImportOutcome::Imported { scan, .. }, ImportOutcome::Refused { refusal, .. }] => {
            assert_eq!(refusal.code, RefusalCode::UnsupportedType);
            assert_eq!(refusal.detected.as_deref(), Some("GIF"), "the reason names what it is");
            scan.clone()
        }
        other => panic!("one imported, one refused: {other:?}"),
    };
    assert_eq!(scan.name, "Паспорт");
    assert!(
        scan.content_url.starts_with(&format!("kabinet-scan://localhost/{}/content?t=", scan.id))
    );
    assert_eq!(recorder.vaults.lock().unwrap().last().unwrap().scans.len(), 1, "the window heard");

    // The window loads the decrypted scan through the protocol, with the run's token only.
    let path = format!("/{}/content", scan.id);
    let token = scan.content_url.split("?t=").nth(1).unwrap().to_owned();
    let query = format!("t={token}");
    let served = app.scan_resource("GET", &path, Some(&query)).await;
    assert_eq!((served.status, served.content_type), (200, "image/jpeg"));
    assert_eq!(image::load_from_memory(&served.body).unwrap().width(), 1200);
    assert_eq!(app.scan_resource("GET", &path, Some("t=guess")).await.status, 403);
    assert_eq!(app.scan_resource("GET", &path, None).await.status, 403);
    assert_eq!(app.scan_resource("POST", &path, Some(&query)).await.status, 405);
    assert_eq!(app.scan_resource("GET", "/nope/content", Some(&query)).await.status, 404);
    let thumbnail =
        app.scan_resource("GET", &format!("/{}/thumbnail", scan.id), Some(&query)).await;
    assert_eq!(thumbnail.status, 200);

    // Upload, with progress, and the portal's list knows where each document came from.
    let uploaded = app.upload_scan(scan.id.clone()).await.unwrap();
    let document_id = uploaded.uploaded.expect("marked as uploaded").document_id;
    let progress = recorder.progress.lock().unwrap().clone();
    assert!(progress.len() >= 2, "progress moved: {progress:?}");
    let last = progress.last().unwrap();
    assert_eq!((last.sent, last.total), (scan.size, scan.size), "to the end");
    let view = app.vault_refresh().await.unwrap();
    assert!(view.portal_online);
    assert_eq!(view.portal_documents.len(), 1);
    assert_eq!(view.portal_documents[0].scan_id.as_deref(), Some(scan.id.as_str()));

    // Export writes the decrypted scan where the person chose.
    let destination = setup.data.0.join("exported.jpg");
    let export = app.export_scan(scan.id.clone(), Some(destination.clone())).await.unwrap();
    assert!(export.saved);
    assert_eq!(std::fs::read(&destination).unwrap(), served.body);
    let closed = app.export_scan(scan.id.clone(), None).await.unwrap();
    assert!(!closed.saved, "a closed dialog writes nothing");

    // Delete with undo; deleting at the portal leaves the local scan, as local-only.
    app.delete_scan(scan.id.clone()).await.unwrap();
    assert!(app.vault().await.unwrap().scans.is_empty());
    app.restore_scan(scan.id.clone()).await.unwrap();
    let view = app.delete_uploaded(document_id).await.unwrap();
    assert!(view.portal_documents.is_empty());
    assert_eq!(view.scans[0].uploaded, None, "local-only again");
    let renamed = app.rename_scan(scan.id.clone(), "  ".to_owned()).await.unwrap_err();
    assert_eq!(renamed.code, ErrorCode::Invalid, "an empty name is refused");

    // A restart keeps the scans; losing the key says what would be lost, and a reset clears.
    drop(app);
    let app = setup.app(Arc::new(IdleBrowser), Arc::new(Recorder::default())).await;
    assert_eq!(app.vault().await.unwrap().scans.len(), 1, "the scan outlived the restart");
    drop(app);
    let portal_id = setup.profile().id;
    let entry = kabinet_keychain::SecretKey::data_key(&portal_id, &seed::CITIZEN_OID.to_string());
    setup.secrets.delete(&entry).unwrap();
    let app = setup.app(Arc::new(IdleBrowser), Arc::new(Recorder::default())).await;
    let locked = app.vault().await.unwrap();
    assert_eq!(locked.state, VaultState::KeyChanged { local_only: 1, uploaded: 0 });
    assert!(locked.scans.is_empty());
    let error = app.import_paths(vec![files.join("Паспорт.jpg")]).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::VaultLocked);
    let reset = app.reset_vault().await.unwrap();
    assert_eq!((reset.state, reset.scans.len()), (VaultState::Ready, 0));
}

/// Answers that pass the SNILS registration form; `flat` makes each set different.
fn snils_answers(flat: u32) -> serde_json::Map<String, serde_json::Value> {
    let answers = serde_json::json!({
        "last_name": "Иванов",
        "first_name": "Иван",
        "middle_name": "Петрович",
        "birth_date": "1985-04-12",
        "birth_place": "г. Москва",
        "gender": "male",
        "passport": "4510 123456",
        "passport_issued_on": "2005-05-20",
        "registration_address": format!("г. Москва, ул. Арбат, д. 1, кв. {flat}"),
        "postal_index": "119002",
        "phone": "+7 (999) 000-00-01",
        "consent": true
    });
    answers.as_object().cloned().unwrap()
}

fn draft_input(
    id: Option<String>,
    answers: serde_json::Map<String, serde_json::Value>,
    scan_ids: Vec<String>,
) -> kabinet_app::ipc::forms::DraftInput {
    kabinet_app::ipc::forms::DraftInput { id, service_code: "snils".to_owned(), answers, scan_ids }
}

/// The state of outbox item `id` as the app shows it now.
fn outbox_state(app: &App, id: &str) -> Option<kabinet_app::ipc::forms::OutboxStateView> {
    app.outbox().unwrap().items.into_iter().find(|i| i.id == id).map(|i| i.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_checked_outlives_a_restart_and_is_submitted_once() {
    use kabinet_app::ipc::forms::{OutboxStateView, ProblemCode, SubmitView};
    use kabinet_app::ipc::vault::{DocumentKindCode, ImportOutcome};

    let setup = Setup::new("apply").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder.clone()).await;
    app.sign_in().await.unwrap();
    let before = app.refresh().await.unwrap().applications.len();

    let catalog = app.services().await.unwrap();
    assert!(catalog.online, "the catalog comes from the portal when it answers");
    let snils = catalog.services.iter().find(|s| s.code == "snils").expect("SNILS is offered");
    assert!(snils.form.get("properties").is_some(), "the form travels as a JSON Schema");
    assert!(snils.attachments.iter().any(|a| a.kind == DocumentKindCode::Passport));

    // A draft with a wrong postal index: the local check finds it, and so does submitting.
    let mut answers = snils_answers(1);
    answers.insert("postal_index".to_owned(), serde_json::json!("1190"));
    let draft = app.save_draft(draft_input(None, answers, Vec::new())).unwrap();
    let problems = app.check_draft(&draft.id).unwrap();
    assert_eq!(
        problems.iter().map(|p| (p.field.as_str(), p.code)).collect::<Vec<_>>(),
        [
            ("postal_index", ProblemCode::InvalidFormat),
            ("attachments/passport", ProblemCode::MissingAttachment)
        ],
        "the check names each field and what is wrong with it, the missing scan too"
    );
    let passport = snils.attachments.iter().find(|a| a.kind == DocumentKindCode::Passport);
    assert_eq!(
        problems[1].message,
        format!("Приложите документ «{}»", passport.unwrap().title),
        "worded as the portal words it"
    );
    match app.submit_draft(&draft.id).await.unwrap() {
        SubmitView::Problems { problems } => assert_eq!(problems.len(), 2),
        other => panic!("a form with problems is not queued: {other:?}"),
    }
    assert!(app.outbox().unwrap().items.is_empty(), "nothing was queued");

    // Fixed, with a scan of the passport from the vault attached.
    let files = setup.data.0.join("incoming");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("Паспорт.jpg"), photo(1200, 900)).unwrap();
    let report = app.import_paths(vec![files.join("Паспорт.jpg")]).await.unwrap();
    let [ImportOutcome::Imported { scan, .. }] = &report.items[..] else {
        panic!("the scan is imported: {report:?}");
    };
    app.set_scan_kind(scan.id.clone(), DocumentKindCode::Passport).await.unwrap();
    let input = draft_input(Some(draft.id.clone()), snils_answers(2), vec![scan.id.clone()]);
    app.save_draft(input).unwrap();
    assert!(app.check_draft(&draft.id).unwrap().is_empty(), "the fixed form passes");

    // The draft is sealed in the store and outlives the app.
    drop(app);
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(IdleBrowser), recorder.clone()).await;
    let drafts = app.drafts().unwrap();
    assert_eq!(drafts.len(), 1, "the draft survived the restart");
    assert_eq!(drafts[0].answers, snils_answers(2));
    assert_eq!(drafts[0].scan_ids, vec![scan.id.clone()]);

    // Submitting queues the draft; the sender uploads the scan and delivers it.
    let item = match app.submit_draft(&draft.id).await.unwrap() {
        SubmitView::Queued { item } => item,
        other => panic!("a passing form is queued: {other:?}"),
    };
    assert_eq!(item.service_title, snils.title);
    let sent = eventually(Duration::from_secs(20), || {
        matches!(outbox_state(&app, &item.id), Some(OutboxStateView::Sent { .. }))
    })
    .await;
    assert!(sent, "the sender sends it: {:?}", outbox_state(&app, &item.id));
    let Some(OutboxStateView::Sent { number, application_id }) = outbox_state(&app, &item.id)
    else {
        unreachable!()
    };
    assert!(!number.is_empty(), "the person gets the application's number");
    assert!(
        recorder
            .outboxes
            .lock()
            .unwrap()
            .iter()
            .any(|view| view.items.iter().any(
                |i| matches!(&i.state, OutboxStateView::Sent { number: n, .. } if *n == number)
            )),
        "the window heard that it was sent"
    );
    assert!(app.drafts().unwrap().is_empty(), "a sent draft is gone");
    assert!(
        recorder.notifications.lock().unwrap().is_empty(),
        "the person's own submission raises no notification"
    );

    // Submitting the same draft again cannot make a second application: the draft is gone.
    let again = app.submit_draft(&draft.id).await.unwrap_err();
    assert_eq!(again.code, ErrorCode::NotFound);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = app.refresh().await.unwrap().applications;
    assert_eq!(after.len(), before + 1, "the portal has exactly one new application");
    assert_eq!(after.iter().filter(|a| a.id == application_id).count(), 1);
    let uploaded = app.vault().await.unwrap().scans;
    assert!(uploaded.iter().all(|s| s.uploaded.is_some()), "the attached scan was uploaded");

    // Without the passport the local check says what the portal would, and nothing is queued.
    let bare = app.save_draft(draft_input(None, snils_answers(3), Vec::new())).unwrap();
    let SubmitView::Problems { problems } = app.submit_draft(&bare.id).await.unwrap() else {
        panic!("a draft without its required scan is not queued");
    };
    assert_eq!(
        problems.iter().map(|p| (p.field.as_str(), p.code)).collect::<Vec<_>>(),
        [("attachments/passport", ProblemCode::MissingAttachment)],
        "the missing passport is named"
    );
    assert_eq!(app.outbox().unwrap().items.len(), 1, "only the sent item is in the outbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_judges_dates_by_the_apps_clock() {
    use kabinet_app::ipc::forms::ProblemCode;

    struct Fixed(time::OffsetDateTime);
    impl Clock for Fixed {
        fn now(&self) -> time::OffsetDateTime {
            self.0
        }
    }

    let setup = Setup::new("clock").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder).await;
    app.sign_in().await.unwrap();
    app.services().await.unwrap();
    let draft = app.save_draft(draft_input(None, snils_answers(1), Vec::new())).unwrap();
    let today = app.check_draft(&draft.id).unwrap();
    assert!(today.iter().all(|p| p.field == "attachments/passport"), "{today:?}");
    drop(app);

    // In 1980 the birth date of 1985 and the passport of 2005 are still to come.
    let past = time::macros::datetime!(1980-01-01 12:00 UTC);
    let recorder = Arc::new(Recorder::default());
    let app = setup.app_at(Arc::new(IdleBrowser), recorder, Arc::new(Fixed(past))).await;
    let problems = app.check_draft(&draft.id).unwrap();
    for field in ["birth_date", "passport_issued_on"] {
        assert!(
            problems.iter().any(|p| p.field == field && p.code == ProblemCode::DateInFuture),
            "{field} is judged against the injected today: {problems:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_catalog_and_the_checks_still_work_and_drafts_wait_in_the_outbox() {
    use kabinet_app::ipc::forms::{OutboxStateView, SubmitView};
    use kabinet_app::ipc::vault::{DocumentKindCode, ImportOutcome};

    let setup = Setup::new("apply-offline").await;
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder.clone()).await;
    let signed_out = app.save_draft(draft_input(None, snils_answers(1), Vec::new())).unwrap_err();
    assert_eq!(signed_out.code, ErrorCode::SignedOut, "drafts are the signed-in person's");
    app.sign_in().await.unwrap();
    let online = app.services().await.unwrap();

    let files = setup.data.0.join("incoming");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("Паспорт.jpg"), photo(800, 600)).unwrap();
    let report = app.import_paths(vec![files.join("Паспорт.jpg")]).await.unwrap();
    let [ImportOutcome::Imported { scan, .. }] = &report.items[..] else {
        panic!("the scan is imported: {report:?}");
    };

    let Setup { sandbox, data: _data, .. } = setup;
    sandbox.shutdown().await;

    let offline = app.services().await.expect("the cached catalog is served offline");
    assert!(!offline.online);
    assert_eq!(offline.services, online.services, "the same catalog as last fetched");

    let mut answers = snils_answers(1);
    answers.insert("phone".to_owned(), serde_json::json!("12345"));
    let draft = app.save_draft(draft_input(None, answers, Vec::new())).unwrap();
    let problems = app.check_draft(&draft.id).expect("checks need no portal");
    assert_eq!(
        problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(),
        ["phone", "attachments/passport"]
    );

    // A filled form kept as a template starts new drafts, offline too.
    let template = app.save_template(&draft.id, "  Для СНИЛС  ").unwrap();
    assert_eq!(template.name.as_deref(), Some("Для СНИЛС"));
    assert_eq!(app.save_template(&draft.id, " ").unwrap_err().code, ErrorCode::Invalid);
    assert_eq!(app.templates().unwrap().len(), 1);
    let copy = app.draft_from_template(&template.id).unwrap();
    assert_ne!(copy.id, draft.id);
    assert_eq!((copy.answers, copy.name), (app.draft(&draft.id).unwrap().answers, None));
    assert_eq!(app.draft_from_template(&draft.id).unwrap_err().code, ErrorCode::NotFound);
    app.delete_draft(&copy.id).unwrap();
    assert_eq!(app.drafts().unwrap().len(), 1, "templates are not drafts");

    // A scan that is not on the portal yet is queued with the draft, to be uploaded later.
    app.set_scan_kind(scan.id.clone(), DocumentKindCode::Passport).await.unwrap();
    let input = draft_input(Some(draft.id.clone()), snils_answers(1), vec![scan.id.clone()]);
    app.save_draft(input).unwrap();
    assert!(app.check_draft(&draft.id).unwrap().is_empty(), "the scan fills the passport");
    let SubmitView::Queued { item } = app.submit_draft(&draft.id).await.unwrap() else {
        panic!("a passing form with a scan is queued offline");
    };
    assert!(matches!(item.state, OutboxStateView::Queued | OutboxStateView::Sending));
    let deferred = eventually(Duration::from_secs(20), || {
        app.outbox()
            .unwrap()
            .items
            .iter()
            .any(|i| i.id == item.id && i.state == OutboxStateView::Queued && i.attempts >= 1)
    })
    .await;
    assert!(deferred, "the sender tried, and the item is queued again for later");
    let view = app.outbox().unwrap();
    assert!(view.items[0].next_attempt_at.is_some(), "the window can say when it is retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_queued_while_the_portal_is_down_is_sent_once_when_it_is_back() {
    use kabinet_app::ipc::forms::{OutboxStateView, SubmitView};
    use kabinet_app::ipc::vault::{DocumentKindCode, ImportOutcome};

    let data = tempdir::Dir::new("apply-back");
    let portal_data = data.0.join("portal");
    std::fs::create_dir_all(&portal_data).unwrap();
    let first = sandbox("127.0.0.1:0".parse().unwrap(), Storage::Dir(portal_data.clone())).await;
    let listen: std::net::SocketAddr =
        Url::parse(&first.url).unwrap().socket_addrs(|| None).unwrap()[0];
    let setup = Setup { sandbox: first, data, secrets: Arc::new(MemoryStore::new()) };
    let recorder = Arc::new(Recorder::default());
    let app = setup.app(Arc::new(AgentBrowser), recorder.clone()).await;
    app.sign_in().await.unwrap();
    let before = app.refresh().await.unwrap().applications.len();
    app.services().await.unwrap();

    // The passport scan is only in the vault: the sender uploads it once the portal is back.
    let files = setup.data.0.join("incoming");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("Паспорт.jpg"), photo(800, 600)).unwrap();
    let report = app.import_paths(vec![files.join("Паспорт.jpg")]).await.unwrap();
    let [ImportOutcome::Imported { scan, .. }] = &report.items[..] else {
        panic!("the scan is imported: {report:?}");
    };
    app.set_scan_kind(scan.id.clone(), DocumentKindCode::Passport).await.unwrap();

    let Setup { sandbox: first, data, secrets } = setup;
    first.shutdown().await;
    let input = draft_input(None, snils_answers(5), vec![scan.id.clone()]);
    let draft = app.save_draft(input).unwrap();
    let SubmitView::Queued { item } = app.submit_draft(&draft.id).await.unwrap() else {
        panic!("a passing form is queued offline");
    };
    let tried = eventually(Duration::from_secs(20), || {
        app.outbox().unwrap().items.iter().any(|i| i.id == item.id && i.attempts >= 1)
    })
    .await;
    assert!(tried, "the sender tried while the portal was down");

    // The portal comes back on the same address with the same data.
    let back = sandbox(listen, Storage::Dir(portal_data)).await;
    let _keep = (data, secrets);
    let settled = eventually(Duration::from_secs(40), || {
        !matches!(
            outbox_state(&app, &item.id),
            Some(OutboxStateView::Queued | OutboxStateView::Sending)
        )
    })
    .await;
    assert!(
        settled,
        "the item is sent once the portal answers: {:?}",
        outbox_state(&app, &item.id)
    );
    let Some(OutboxStateView::Sent { application_id, .. }) = outbox_state(&app, &item.id) else {
        panic!("the portal accepted it: {:?}", outbox_state(&app, &item.id));
    };
    let after = app.refresh().await.unwrap().applications;
    assert_eq!(after.len(), before + 1, "exactly one new application");
    assert!(after.iter().any(|a| a.id == application_id));

    let scans = app.vault().await.unwrap().scans;
    let document_id = scans[0].uploaded.as_ref().expect("the sender uploaded the scan");
    let attached = back.portal.submitted_documents(application_id.parse().unwrap()).unwrap();
    let documents = back.portal.document_count().unwrap();
    assert_eq!(
        attached,
        vec![document_id.document_id.clone()],
        "the application went with the uploaded scan"
    );
    assert_eq!(documents, 1, "the scan was stored once");
}

#[path = "app/outcomes.rs"]
mod outcomes;
#[path = "app/parity.rs"]
mod parity;
