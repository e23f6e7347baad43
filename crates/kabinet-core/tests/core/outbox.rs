//! The outbox against a real sandbox: a queued draft becomes one application, the portal's
//! problems come back by field, drafts queued while the portal is unreachable go once it is
//! back, and a sender killed at random points many times still submits every draft exactly
//! once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kabinet_api::{ApplicationSubmission, DocumentKind, FieldProblemCode, MediaType};
use kabinet_core::Error;
use kabinet_core::client::{CatalogResponse, PortalClient, SubmitOutcome, Upload};
use kabinet_core::outbox::{
    Attachment, EnqueueError, Outbox, OutboxItem, OutboxState, ScanUpload, ScanUploader,
    SendReport, UploadError, UploadFuture,
};
use kabinet_core::retry::{Backoff, FixedJitter};
use kabinet_core::session::Activity;
use kabinet_core::store::{AccountKey, Draft, DraftContent, DraftKind, LocalStore};
use kabinet_core::{PortalProfile, Session};
use kabinet_seal::DataKey;
use serde_json::json;
use sha2::{Digest, Sha256};
use url::Url;

use crate::support::Portal;

const DATA_KEY: [u8; 32] = [7; 32];

/// Answers to the SNILS form that pass every check; `n` makes each draft a request of its own.
fn snils_content(n: usize) -> DraftContent {
    let answers = json!({
        "last_name": "Иванов",
        "first_name": "Иван",
        "middle_name": "Петрович",
        "birth_date": "1985-04-12",
        "birth_place": "г. Москва",
        "gender": "male",
        "passport": "4510 123456",
        "passport_issued_on": "2005-05-20",
        "registration_address": format!("г. Москва, ул. Арбат, д. 1, кв. {n}"),
        "postal_index": "119002",
        "phone": "+7 (999) 000-00-01",
        "consent": true
    });
    DraftContent {
        service_code: "snils".to_owned(),
        answers: answers.as_object().cloned().unwrap_or_default(),
        scan_ids: Vec::new(),
        name: None,
    }
}

/// Uploads a passport scan (the SNILS service requires one) and returns its portal id.
async fn passport_scan(client: &PortalClient) -> String {
    let bytes = b"%PDF-1.4\n% scan\n1 0 obj<<>>endobj\nstartxref\n9\n%%EOF\n".to_vec();
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let upload = Upload {
        name: "Паспорт",
        kind: DocumentKind::Passport,
        media_type: MediaType::Pdf,
        bytes: &bytes,
        sha256: &sha256,
        idempotency_key: None,
    };
    client.upload_document(&upload, Arc::new(|_, _| {})).await.unwrap().id
}

/// Opens `store` for the client's person, with the catalog fetched and cached.
async fn prepare(store: &LocalStore, client: &PortalClient) -> AccountKey {
    let account = client.session().account();
    store.unlock(&account, Arc::new(DataKey::from_bytes(DATA_KEY)));
    let CatalogResponse::Fresh { catalog, etag } = client.services(None).await.unwrap() else {
        panic!("a first request for the catalog gets it");
    };
    assert!(etag.is_some(), "the catalog comes with an ETag");
    assert!(
        matches!(client.services(etag.as_deref()).await.unwrap(), CatalogResponse::NotModified),
        "and is not sent again while it has not changed"
    );
    store.cache_catalog(&account.portal, &catalog, etag.as_deref(), 0).unwrap();
    account
}

fn save_draft(store: &LocalStore, account: &AccountKey, n: usize) -> String {
    let draft = Draft::new(DraftKind::Draft, snils_content(n), 0).unwrap();
    store.save_draft(account, &draft).unwrap();
    draft.id
}

/// The same person's client, aimed at a port nothing listens on.
async fn offline_client(portal: &Portal, client: &PortalClient) -> PortalClient {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = Url::parse(&format!("http://{}", dead.local_addr().unwrap())).unwrap();
    drop(dead);
    let token = client.session().access_token(Activity::Background).await.unwrap();
    PortalClient::new(
        portal.http.clone(),
        Arc::new(Session::from_access_token(
            portal.http.clone(),
            PortalProfile::sandbox_at(dead_url),
            client.session().subject(),
            token,
            Duration::from_secs(600),
        )),
    )
    .with_jitter(Arc::new(FixedJitter(0.0)))
}

async fn application_ids(client: &PortalClient) -> Vec<String> {
    client.applications(None).await.unwrap().into_iter().map(|a| a.id).collect()
}

#[tokio::test]
async fn one_key_is_one_application_however_often_it_is_sent() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let document = passport_scan(&client).await;
    let before = application_ids(&client).await;
    let request = ApplicationSubmission {
        service_code: "snils".to_owned(),
        answers: snils_content(9).answers,
        document_ids: vec![document],
    };
    let key = "5f0c9a7e3b1d4e2a8c6f0b9d7e5a3c1f";

    // Two sends of the same request at once, while the portal holds submissions: whichever
    // claims the key first waits at the gate, and the other is told it is in flight.
    let hold = portal.sandbox.portal.hold_submissions().await;
    let send = || {
        let (client, request) = (client.clone(), request.clone());
        tokio::spawn(async move { client.submit_application(key, &request).await.unwrap() })
    };
    let (a, b) = (send(), send());
    let started = Instant::now();
    while !a.is_finished() && !b.is_finished() {
        assert!(started.elapsed() < Duration::from_secs(20), "one of the two is answered");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(hold);
    let (concurrent, first) = match (a.await.unwrap(), b.await.unwrap()) {
        (SubmitOutcome::InFlight, other) | (other, SubmitOutcome::InFlight) => {
            (SubmitOutcome::InFlight, other)
        }
        (a, b) => panic!("one of two concurrent sends is told to wait: {a:?}, {b:?}"),
    };
    let repeated = client.submit_application(key, &request).await.unwrap();
    let mut changed = request.clone();
    changed.answers.insert("birth_place".to_owned(), json!("г. Тверь"));
    let reused = client.submit_application(key, &changed).await.unwrap();

    assert!(matches!(concurrent, SubmitOutcome::InFlight), "409 while the first is in flight");
    let (SubmitOutcome::Created(first), SubmitOutcome::Created(repeated)) = (first, repeated)
    else {
        panic!("the first request creates the application and a repeat gets it again");
    };
    assert_eq!(repeated.summary.id, first.summary.id, "the repeat is the first response");
    assert!(matches!(reused, SubmitOutcome::KeyReused), "another request under the key is 422");
    assert_eq!(application_ids(&client).await.len(), before.len() + 1, "one application");
}

#[tokio::test]
async fn a_queued_draft_becomes_one_application_and_its_draft_goes() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let store = Arc::new(LocalStore::open_in_memory().unwrap());
    let account = prepare(&store, &client).await;
    let document = passport_scan(&client).await;
    let before = application_ids(&client).await;
    let outbox = Outbox::new(store.clone(), account.clone());

    let draft = save_draft(&store, &account, 1);
    let item = outbox.enqueue(&draft, vec![Attachment::Document(document)]).unwrap();
    assert_eq!(item.state, OutboxState::Queued);
    let report = outbox.send_due(&client).await.unwrap();
    let again = outbox.send_due(&client).await.unwrap();

    assert_eq!((report.sent, again.sent), (1, 0), "sent once, and nothing is left to send");
    let item = outbox.item(&item.id).unwrap().unwrap();
    assert_eq!(item.state, OutboxState::Sent);
    let sent = item.application.expect("a sent item knows its application");
    assert!(!sent.number.is_empty(), "with the number the person quotes");
    let after = application_ids(&client).await;
    assert_eq!(after.len(), before.len() + 1, "one application more at the portal");
    assert!(after.contains(&sent.id), "and it is the item's");
    assert!(store.draft(&account, &draft).unwrap().is_none(), "the sent draft is gone");
}

#[tokio::test]
async fn the_portals_problems_come_back_by_field_and_the_draft_stays() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let store = Arc::new(LocalStore::open_in_memory().unwrap());
    let account = prepare(&store, &client).await;
    let outbox = Outbox::new(store.clone(), account.clone());

    let mut content = snils_content(2);
    content.answers.insert("postal_index".to_owned(), json!("12"));
    let invalid = Draft::new(DraftKind::Draft, content, 0).unwrap();
    store.save_draft(&account, &invalid).unwrap();
    let Err(EnqueueError::Problems(problems)) = outbox.enqueue(&invalid.id, vec![]) else {
        panic!("the local check refuses what the portal would");
    };
    assert_eq!(problems[0].field, "postal_index");

    // The answers pass, but the service requires a passport scan that is not attached: only
    // the portal knows which documents the account has, so only it can say.
    let draft = save_draft(&store, &account, 2);
    let item = outbox.enqueue(&draft, vec![]).unwrap();
    let report = outbox.send_due(&client).await.unwrap();

    assert_eq!(report.needs_fix, 1);
    let item = outbox.item(&item.id).unwrap().unwrap();
    assert_eq!(item.state, OutboxState::NeedsFix);
    assert!(
        item.problems
            .iter()
            .any(|p| p.field == "attachments/passport"
                && p.code == FieldProblemCode::MissingAttachment),
        "the portal's problem is mapped to its field: {:?}",
        item.problems
    );
    assert!(store.draft(&account, &draft).unwrap().is_some(), "the person fixes the draft");
}

#[tokio::test]
async fn drafts_queued_while_the_portal_is_unreachable_go_once_it_answers() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let store = Arc::new(LocalStore::open_in_memory().unwrap());
    let account = prepare(&store, &client).await;
    let document = passport_scan(&client).await;
    let before = application_ids(&client).await;

    let offline = offline_client(&portal, &client).await;
    let outbox = Outbox::new(store.clone(), account.clone())
        .with_backoff(Backoff { base: Duration::from_millis(1), cap: Duration::from_millis(1) });

    let first = outbox
        .enqueue(&save_draft(&store, &account, 3), vec![Attachment::Document(document.clone())])
        .unwrap();
    let second = outbox
        .enqueue(&save_draft(&store, &account, 4), vec![Attachment::Document(document)])
        .unwrap();
    let report = outbox.send_due(&offline).await.unwrap();

    assert!(report.offline && report.sent == 0, "nothing goes while offline: {report:?}");
    for id in [&first.id, &second.id] {
        let item = outbox.item(id).unwrap().unwrap();
        assert_eq!(item.state, OutboxState::Queued, "an unanswered item stays queued");
    }

    tokio::time::sleep(Duration::from_millis(5)).await;
    let report = outbox.send_due(&client).await.unwrap();
    let again = outbox.send_due(&client).await.unwrap();

    assert_eq!((report.sent, again.sent), (2, 0), "both go once the portal answers");
    assert_eq!(application_ids(&client).await.len(), before.len() + 2, "each exactly once");
}

/// A vault played in memory: scans by id, uploaded through the real client under the key the
/// outbox gives, with the keys of every attempt recorded.
#[derive(Default)]
struct MemoryVault {
    scans: Mutex<HashMap<String, Vec<u8>>>,
    keys: Mutex<Vec<String>>,
    /// Drops the portal's answer to the next upload, as a connection lost after the request.
    lose_next_answer: AtomicBool,
}

impl ScanUploader for MemoryVault {
    fn upload<'a>(&'a self, client: &'a PortalClient, scan: &'a ScanUpload) -> UploadFuture<'a> {
        Box::pin(async move {
            self.keys.lock().unwrap().push(scan.key.clone());
            let bytes = self.scans.lock().unwrap().get(&scan.scan_id).cloned();
            let Some(bytes) = bytes else { return Err(UploadError::NotInVault) };
            let sha256: String =
                Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            let upload = Upload {
                name: "Скан",
                kind: scan.kind,
                media_type: MediaType::Pdf,
                bytes: &bytes,
                sha256: &sha256,
                idempotency_key: Some(&scan.key),
            };
            let document = client.upload_document(&upload, Arc::new(|_, _| {})).await?;
            if self.lose_next_answer.swap(false, Ordering::SeqCst) {
                return Err(UploadError::Portal(Error::Offline("the answer was lost".into())));
            }
            Ok(document.id)
        })
    }
}

fn scan_pdf(seed: u8) -> Vec<u8> {
    format!("%PDF-1.4\n% scan {seed}\n1 0 obj<<>>endobj\nstartxref\n9\n%%EOF\n").into_bytes()
}

/// The document ids the portal stored with application `id`, and how many documents it has.
fn portal_record(portal: &Portal, id: &str) -> (Vec<String>, i64) {
    let sandbox = &portal.sandbox.portal;
    let attached = sandbox.submitted_documents(id.parse().unwrap()).unwrap();
    (attached, sandbox.document_count().unwrap())
}

#[tokio::test]
async fn a_scan_queued_offline_is_uploaded_once_and_sent_with_its_application() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let store = Arc::new(LocalStore::open_in_memory().unwrap());
    let account = prepare(&store, &client).await;
    let vault = Arc::new(MemoryVault::default());
    vault.scans.lock().unwrap().insert("scan-1".into(), scan_pdf(1));
    let outbox = Outbox::new(store.clone(), account.clone())
        .with_uploader(vault.clone())
        .with_backoff(Backoff { base: Duration::from_millis(1), cap: Duration::from_millis(1) });

    let scan = Attachment::Scan { id: "scan-1".into(), kind: DocumentKind::Passport };
    let item = outbox.enqueue(&save_draft(&store, &account, 5), vec![scan]).unwrap();
    let offline = offline_client(&portal, &client).await;
    let report = outbox.send_due(&offline).await.unwrap();
    assert!(report.offline && report.deferred == 1, "the upload waits: {report:?}");
    assert_eq!(outbox.item(&item.id).unwrap().unwrap().state, OutboxState::Queued);
    assert!(client.documents().await.unwrap().is_empty(), "nothing reached the portal");

    // Back online, the first answer is lost after the portal stored the scan: the retry goes
    // under the same key and the item records the one document.
    vault.lose_next_answer.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let lost = outbox.send_due(&client).await.unwrap();
    assert_eq!((lost.sent, lost.deferred), (0, 1), "{lost:?}");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let report = outbox.send_due(&client).await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");

    let keys = vault.keys.lock().unwrap().clone();
    assert_eq!(keys.len(), 3, "offline, lost, answered: {keys:?}");
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "every attempt under the scan's one key");
    let sent = outbox.item(&item.id).unwrap().unwrap().application.unwrap();
    let documents = client.documents().await.unwrap();
    assert_eq!(documents.len(), 1, "the scan is at the portal once");
    assert_eq!(documents[0].kind, DocumentKind::Passport, "as the attachment it fills");
    let (attached, stored) = portal_record(&portal, &sent.id);
    assert_eq!((attached, stored), (vec![documents[0].id.clone()], 1), "sent with its scan");

    let again = outbox.send_due(&client).await.unwrap();
    assert_eq!(again, SendReport::default(), "nothing is left to send or upload");
    assert_eq!(vault.keys.lock().unwrap().len(), 3, "an uploaded scan is not uploaded again");
}

#[tokio::test]
async fn a_scan_gone_from_the_vault_or_refused_needs_a_fix_and_the_draft_stays() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let store = Arc::new(LocalStore::open_in_memory().unwrap());
    let account = prepare(&store, &client).await;
    let vault = Arc::new(MemoryVault::default());
    // Not a PDF by content: the portal refuses it with 415.
    vault.scans.lock().unwrap().insert("broken".into(), b"GIF89a not a scan".to_vec());
    let outbox = Outbox::new(store.clone(), account.clone()).with_uploader(vault.clone());

    let gone = Attachment::Scan { id: "gone".into(), kind: DocumentKind::Passport };
    let first_draft = save_draft(&store, &account, 6);
    let first = outbox.enqueue(&first_draft, vec![gone]).unwrap();
    let broken = Attachment::Scan { id: "broken".into(), kind: DocumentKind::Passport };
    let second_draft = save_draft(&store, &account, 7);
    let second = outbox.enqueue(&second_draft, vec![broken]).unwrap();
    let report = outbox.send_due(&client).await.unwrap();

    assert_eq!(report.needs_fix, 2, "{report:?}");
    let first = outbox.item(&first.id).unwrap().unwrap();
    let second = outbox.item(&second.id).unwrap().unwrap();
    let problem =
        |item: &OutboxItem| (item.state, item.problems[0].field.clone(), item.problems[0].code);
    assert_eq!(
        problem(&first),
        (
            OutboxState::NeedsFix,
            "attachments/passport".to_owned(),
            FieldProblemCode::MissingAttachment
        ),
        "a scan no longer in the vault is attached again by the person"
    );
    assert_eq!(
        problem(&second),
        (
            OutboxState::NeedsFix,
            "attachments/passport".to_owned(),
            FieldProblemCode::AttachmentFormat
        ),
        "a refused scan is replaced by the person"
    );
    assert!(second.problems[0].message.starts_with("Портал не принял скан"), "in Russian");
    for draft in [&first_draft, &second_draft] {
        assert!(store.draft(&account, draft).unwrap().is_some(), "nothing the person made is lost");
    }
    assert!(client.documents().await.unwrap().is_empty());
}

/// A small seeded generator, so that a failing drill can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Drill {
    db: PathBuf,
    portal: String,
    subject: String,
    token: String,
}

impl Drill {
    /// Starts the drill; with `exit_at`, it exits at the `occurrence`th time it reaches that
    /// fail point.
    fn spawn(&self, exit_at: Option<&str>, occurrence: u64) -> Child {
        Command::new(env!("CARGO_BIN_EXE_outbox-drill"))
            .env("KABINET_DRILL_DB", &self.db)
            .env("KABINET_DRILL_PORTAL", &self.portal)
            .env("KABINET_DRILL_SUBJECT", &self.subject)
            .env("KABINET_DRILL_TOKEN", &self.token)
            .env("KABINET_DRILL_DATA_KEY", "07".repeat(32))
            .env("KABINET_DRILL_EXIT", exit_at.unwrap_or_default())
            .env("KABINET_DRILL_EXIT_AT", occurrence.to_string())
            .env("RUST_LOG", "off")
            .spawn()
            .expect("the drill starts")
    }
}

/// Waits for `child` without blocking the runtime the sandbox runs on.
async fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the drill did not finish within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn scratch_dir() -> PathBuf {
    let mut name = [0u8; 8];
    getrandom::fill(&mut name).unwrap();
    let name: String = name.iter().map(|b| format!("{b:02x}")).collect();
    std::env::temp_dir().join(format!("kabinet-outbox-drill-{name}"))
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open(db: &Path, account: &AccountKey) -> Arc<LocalStore> {
    let store = Arc::new(LocalStore::open(db).unwrap());
    store.unlock(account, Arc::new(DataKey::from_bytes(DATA_KEY)));
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_killed_at_random_points_submits_every_draft_exactly_once() {
    const DRAFTS: usize = 24;
    const RUNS: usize = 30;
    const KILL_WITHIN_MS: u64 = 90;
    let seed = 0x006b_6162_696e_6574_u64;

    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let dir = scratch_dir();
    let _cleanup = RemoveOnDrop(dir.clone());
    let db = dir.join("kabinet.sqlite3");
    let before = application_ids(&client).await;

    let account = {
        let store = open(&db, &client.session().account());
        let account = prepare(&store, &client).await;
        let document = passport_scan(&client).await;
        let outbox = Outbox::new(store.clone(), account.clone());
        for n in 0..DRAFTS {
            let attachments = vec![Attachment::Document(document.clone())];
            outbox.enqueue(&save_draft(&store, &account, 100 + n), attachments).unwrap();
        }
        account
    };
    let token = client.session().access_token(Activity::Background).await.unwrap();
    let drill = Drill {
        db: db.clone(),
        portal: portal.sandbox.url.clone(),
        subject: account.subject.clone(),
        token: token.expose().to_owned(),
    };

    // Once for certain with the request in flight: the portal holds it until the sender is
    // dead, then carries on or drops it; either way the item must go exactly once.
    let hold = portal.sandbox.portal.hold_submissions().await;
    let mut child = drill.spawn(None, 0);
    {
        let outbox = Outbox::new(open(&db, &account), account.clone());
        let started = Instant::now();
        while outbox.items().unwrap()[0].state != OutboxState::Sending {
            assert!(started.elapsed() < Duration::from_secs(20), "the drill claims an item");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Time for the claimed request to reach the portal's gate.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = child.kill();
        let _ = child.wait();
        let first = &outbox.items().unwrap()[0];
        assert_eq!(
            (first.state, first.attempts),
            (OutboxState::Sending, 1),
            "the sender died with the first request out and unanswered"
        );
    }
    drop(hold);

    let mut rng = Rng(seed);
    let mut fail_points = 0;
    let mut answered_stops = 0;
    for run in 0..RUNS {
        let mode = rng.below(3);
        let occurrence = 1 + rng.below(2);
        let mut child = match mode {
            0 => drill.spawn(Some("claimed"), occurrence),
            1 => drill.spawn(Some("answered"), occurrence),
            _ => drill.spawn(None, 0),
        };
        if mode == 2 {
            // Killed from outside after a random moment: starting up, between requests, or
            // with a request in flight.
            tokio::time::sleep(Duration::from_millis(rng.below(KILL_WITHIN_MS))).await;
            let _ = child.kill();
            let _ = child.wait();
            continue;
        }
        let code = wait(&mut child, Duration::from_secs(20)).await;
        assert!(matches!(code, Some(0 | 3)), "run {run} (seed {seed:#x}) ended with {code:?}");
        fail_points += usize::from(code == Some(3));
        answered_stops += usize::from(mode == 1 && code == Some(3));
    }
    assert!(fail_points > 0, "the drill stopped at its fail points");
    assert!(
        answered_stops > 0,
        "at least once the portal created an application whose answer was never recorded"
    );

    let mut last = drill.spawn(None, 0);
    assert_eq!(wait(&mut last, Duration::from_secs(30)).await, Some(0), "the last run finishes");

    let store = open(&db, &account);
    let outbox = Outbox::new(store.clone(), account.clone());
    let items = outbox.items().unwrap();
    assert_eq!(items.len(), DRAFTS, "no item is lost");
    let mut sent = HashSet::new();
    for item in &items {
        assert_eq!(item.state, OutboxState::Sent, "every item is sent: {item:?}");
        sent.insert(item.application.clone().unwrap().id);
    }
    assert_eq!(sent.len(), DRAFTS, "each item is an application of its own");
    assert!(
        items.iter().any(|item| item.attempts > 1),
        "some item was sent again after a crash, under its first key"
    );
    assert!(store.drafts(&account, DraftKind::Draft).unwrap().is_empty(), "no draft is left");

    let after = application_ids(&client).await;
    assert_eq!(
        after.len(),
        before.len() + DRAFTS,
        "the portal has each draft exactly once (seed {seed:#x})"
    );
    let new: HashSet<String> = after.into_iter().filter(|id| !before.contains(id)).collect();
    assert_eq!(new, sent, "and they are the outbox's applications");
}
