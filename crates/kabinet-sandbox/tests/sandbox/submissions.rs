//! The service catalog and submitting applications: validation by field, the service's
//! attachment rules, the created application on the list, the feed and in the workflow, and
//! every case of the Idempotency-Key semantics.

use std::time::Duration;

use axum::body::Body;
use kabinet_api::SecretString;
use kabinet_sandbox::seed;
use kabinet_useragent::{Credentials, SecondFactor};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::documents::{form, png, sha256, upload};
use crate::support::TestPortal;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// A small but complete PDF, as the portal's content check wants it.
fn pdf(seed: u8) -> Vec<u8> {
    format!("%PDF-1.4\n% {seed}\n1 0 obj<<>>endobj\nstartxref\n9\n%%EOF\n").into_bytes()
}

/// Uploads a document and returns its id.
async fn document(portal: &TestPortal, token: &str, bytes: Vec<u8>, kind: &str) -> String {
    let sha = sha256(&bytes);
    let (status, body) = upload(portal, token, form(bytes, &sha, "Скан", kind)).await;
    assert!(status == 201 || status == 200, "the upload is stored: {body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Answers to the SNILS form that pass every check.
fn snils_answers() -> Value {
    json!({
        "last_name": "Иванов",
        "first_name": "Иван",
        "middle_name": "Петрович",
        "birth_date": "1985-04-12",
        "birth_place": "г. Москва",
        "gender": "male",
        "passport": "4510 123456",
        "passport_issued_on": "2005-05-20",
        "registration_address": "г. Москва, ул. Арбат, д. 1, кв. 1",
        "postal_index": "119002",
        "phone": "+7 (999) 000-00-01",
        "consent": true
    })
}

fn snils_submission(passport_id: &str) -> Value {
    json!({ "service_code": "snils", "answers": snils_answers(), "document_ids": [passport_id] })
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }

    fn replayed(&self) -> bool {
        self.headers.get("idempotent-replayed").is_some_and(|v| v == "true")
    }
}

async fn submit_raw(portal: &TestPortal, token: &str, key: Option<&str>, body: String) -> Reply {
    let mut request = portal
        .http
        .post(portal.url("/api/v1/applications"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Reply { status, headers, text: response.text().await.unwrap() }
}

async fn submit(portal: &TestPortal, token: &str, key: &str, body: &Value) -> Reply {
    submit_raw(portal, token, Some(key), body.to_string()).await
}

/// How many applications the account has.
async fn application_count(portal: &TestPortal, token: &str) -> usize {
    let (status, page) = portal.get_json("/api/v1/applications?limit=100", token).await;
    assert_eq!(status, 200);
    page["items"].as_array().unwrap().len()
}

fn entrepreneur() -> Credentials {
    Credentials {
        login: seed::ENTREPRENEUR_PHONE.to_owned(),
        password: SecretString::new(seed::DEMO_PASSWORD),
        second_factor: SecondFactor::Outbox,
    }
}

/// The fields and codes of a validation problem, in order.
fn field_codes(reply: &Reply) -> Vec<(String, String)> {
    reply.json()["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect()
}

#[tokio::test]
async fn the_catalog_needs_no_token_and_answers_304_to_its_etag() {
    let portal = TestPortal::start().await;

    let response = portal.http.get(portal.url("/api/v1/services")).send().await.unwrap();
    assert_eq!(response.status(), 200, "the catalog is public, so forms can be cached early");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let catalog: Value = response.json().await.unwrap();
    let items = catalog["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "foreign_passport",
            "passport_replacement",
            "snils",
            "entrepreneur_registration",
            "no_criminal_record",
            "driving_licence_replacement"
        ]
    );
    for service in items {
        assert!(service["title"].as_str().unwrap().chars().any(|c| ('а'..='я').contains(&c)));
        assert!(service["fee_kopecks"].is_u64() && service["processing_days"].is_u64());
        assert_eq!(service["form"]["type"], "object", "the form is a JSON Schema object");
        assert!(service["form"]["properties"]["consent"]["title"].is_string());
        assert!(service["attachments"][0]["formats"].is_array());
    }
    let snils = &items[2]["form"]["properties"]["snils"];
    assert!(snils.is_null(), "the SNILS service asks for no SNILS: it issues one");
    let passport = &items[0]["form"]["properties"]["passport"];
    assert_eq!(passport["x-check"], "passport", "fields name their shared check");

    let cached = portal
        .http
        .get(portal.url("/api/v1/services"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304, "an unchanged catalog is not sent again");
}

#[tokio::test]
async fn an_accepted_application_is_listed_on_the_feed_and_moved_by_the_workflow() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let passport = document(&portal, token, png(10), "passport").await;
    let (_, before) = portal.get_json("/api/v1/events", token).await;
    let cursor = before["cursor"].as_str().unwrap().to_owned();

    let reply = submit(&portal, token, "key-accepted", &snils_submission(&passport)).await;
    assert_eq!(reply.status, 201, "a clean submission is accepted: {}", reply.text);
    assert!(!reply.replayed(), "the first response is no replay");
    let created = reply.json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "accepted", "a new application is Принято");
    assert_eq!(created["service_code"], "snils");
    assert_eq!(created["title"], "Получение СНИЛС");
    assert_eq!(created["department"], "Социальный фонд России");
    assert_eq!(created["journal"].as_array().unwrap().len(), 1, "one journal entry");
    assert!(created["number"].as_str().unwrap().len() >= 10, "a number to quote on the phone");
    assert_eq!(reply.headers["location"], format!("/api/v1/applications/{id}"));

    let (_, list) = portal.get_json("/api/v1/applications", token).await;
    assert_eq!(list["items"][0]["id"], id.as_str(), "the newest application comes first");
    let (status, one) = portal.get_json(&format!("/api/v1/applications/{id}"), token).await;
    assert_eq!((status, &one), (200, &created), "the application reads back as it was returned");

    let (_, feed) = portal.get_json(&format!("/api/v1/events?after={cursor}"), token).await;
    let events = feed["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "exactly one event, so the poller notifies once: {feed}");
    assert_eq!(events[0]["kind"], "application_created");
    assert_eq!(events[0]["application_id"], id.as_str());
    assert_eq!(events[0]["status"], "accepted");

    portal.advance(Duration::from_secs(11 * 60));
    assert!(portal.sandbox.workflow_step().unwrap() >= 1, "the workflow picks it up");
    let token = portal.sign_in().await.access_token;
    let (_, moved) = portal.get_json(&format!("/api/v1/applications/{id}"), token.expose()).await;
    assert_eq!(moved["status"], "in_progress", "В обработке after the first step");
}

#[tokio::test]
async fn a_missing_or_malformed_key_is_400_and_changes_nothing() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let passport = document(&portal, token, png(11), "passport").await;
    let count = application_count(&portal, token).await;
    let body = snils_submission(&passport).to_string();

    let missing = submit_raw(&portal, token, None, body.clone()).await;
    assert_eq!((missing.status, missing.code()), (400, "invalid_request".to_owned()));
    assert_eq!(missing.headers["content-type"], "application/problem+json");

    let spaced = submit_raw(&portal, token, Some("a key with spaces"), body.clone()).await;
    assert_eq!(spaced.status, 400, "a key is visible ASCII without spaces");
    let long = "k".repeat(256);
    assert_eq!(submit_raw(&portal, token, Some(&long), body.clone()).await.status, 400);

    let not_json = submit_raw(&portal, token, Some("k1"), "{".to_owned()).await;
    assert_eq!(not_json.status, 400, "a body that is not JSON");
    let not_submission =
        submit_raw(&portal, token, Some("k2"), "{\"answers\":{}}".to_owned()).await;
    assert_eq!(not_submission.status, 400, "a body without a service code");

    assert_eq!(application_count(&portal, token).await, count, "nothing was created");

    let anonymous = portal
        .http
        .post(portal.url("/api/v1/applications"))
        .header("idempotency-key", "k3")
        .json(&snils_submission(&passport))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401, "submitting needs a token like every API route");
}

#[tokio::test]
async fn the_same_key_and_payload_replay_the_first_response() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let passport = document(&portal, token, png(12), "passport").await;
    let count = application_count(&portal, token).await;
    let submission = snils_submission(&passport);

    let first = submit(&portal, token, "\"key-replay\"", &submission).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = submit(&portal, token, "key-replay", &submission).await;
    assert_eq!(again.status, 201, "the replay has the first response's status");
    assert_eq!(again.text, first.text, "and its body, byte for byte");
    assert_eq!(again.headers["location"], first.headers["location"]);
    assert!(again.replayed(), "a replay says so");

    // The same submission serialised differently (member order, whitespace) is the same one.
    let mut reordered = String::from("{\n  \"document_ids\": [\"");
    reordered.push_str(&passport);
    reordered.push_str("\"],\n  \"answers\": ");
    reordered.push_str(&serde_json::to_string_pretty(&snils_answers()).unwrap());
    reordered.push_str(",\n  \"service_code\": \"snils\"\n}");
    let pretty = submit_raw(&portal, token, Some("key-replay"), reordered).await;
    assert_eq!((pretty.status, pretty.replayed()), (201, true), "{}", pretty.text);
    assert_eq!(pretty.text, first.text);

    assert_eq!(application_count(&portal, token).await, count + 1, "created exactly once");
}

#[tokio::test]
async fn the_same_key_with_another_payload_is_422() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let passport = document(&portal, token, png(13), "passport").await;
    let count = application_count(&portal, token).await;

    let first = submit(&portal, token, "key-reuse", &snils_submission(&passport)).await;
    assert_eq!(first.status, 201, "{}", first.text);

    let mut changed = snils_submission(&passport);
    changed["answers"]["first_name"] = json!("Пётр");
    let reused = submit(&portal, token, "key-reuse", &changed).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.code(), "idempotency_key_reused", "told apart from field problems");
    assert!(reused.json()["errors"].is_null(), "no field is at fault");
    assert!(!reused.replayed());

    assert_eq!(application_count(&portal, token).await, count + 1, "the change was not applied");
}

#[tokio::test]
async fn a_refusal_with_field_problems_is_kept_under_its_key_and_replayed() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let mut bad = snils_submission("999999");
    bad["answers"]["postal_index"] = json!("1190");

    let first = submit(&portal, token, "key-refused", &bad).await;
    assert_eq!((first.status, first.code()), (422, "validation_failed".to_owned()));
    let again = submit(&portal, token, "key-refused", &bad).await;
    assert_eq!((again.status, again.replayed()), (422, true));
    assert_eq!(again.text, first.text, "the same verdict, as the draft asks");
    assert_eq!(again.headers["content-type"], "application/problem+json");

    let passport = document(&portal, token, png(14), "passport").await;
    let fixed = submit(&portal, token, "key-refused", &snils_submission(&passport)).await;
    assert_eq!(
        (fixed.status, fixed.code()),
        (422, "idempotency_key_reused".to_owned()),
        "a fixed draft is another request and needs a key of its own"
    );
    let fresh = submit(&portal, token, "key-fixed", &snils_submission(&passport)).await;
    assert_eq!(fresh.status, 201, "{}", fresh.text);
}

#[tokio::test]
async fn a_duplicate_while_the_first_is_in_flight_is_409() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose().to_owned();
    let passport = document(&portal, &token, png(15), "passport").await;
    let count = application_count(&portal, &token).await;
    let submission = snils_submission(&passport);

    // Hold the back office, then send the same request many times at once: one claims the
    // key and waits; every other one arrives while it is in flight.
    let hold = portal.sandbox.portal.hold_submissions().await;
    let portal = std::sync::Arc::new(portal);
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (portal, token, submission) = (portal.clone(), token.clone(), submission.clone());
        requests.spawn(async move { submit(&portal, &token, "key-race", &submission).await });
    }
    for _ in 0..7 {
        let reply = tokio::time::timeout(Duration::from_secs(20), requests.join_next())
            .await
            .expect("duplicates are answered at once, not held")
            .unwrap()
            .unwrap();
        assert_eq!(reply.status, 409, "{}", reply.text);
        assert_eq!(reply.code(), "idempotency_key_in_use", "the client retries shortly on this");
    }
    assert!(
        tokio::time::timeout(Duration::from_millis(200), requests.join_next()).await.is_err(),
        "the first request is still held"
    );

    drop(hold);
    let first = requests.join_next().await.unwrap().unwrap();
    assert_eq!(first.status, 201, "the held request completes: {}", first.text);
    let retry = submit(&portal, &token, "key-race", &submission).await;
    assert_eq!((retry.status, retry.replayed()), (201, true), "a retry now gets the replay");
    assert_eq!(retry.text, first.text);
    assert_eq!(application_count(&portal, &token).await, count + 1, "created exactly once");
}

#[tokio::test]
async fn many_racing_duplicates_create_one_application() {
    let portal = std::sync::Arc::new(TestPortal::start().await);
    let token = portal.sign_in().await.access_token.expose().to_owned();
    let passport = document(&portal, &token, png(16), "passport").await;
    let count = application_count(&portal, &token).await;
    let submission = snils_submission(&passport);

    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (portal, token, submission) = (portal.clone(), token.clone(), submission.clone());
        requests.spawn(async move { submit(&portal, &token, "key-many", &submission).await });
    }
    let mut bodies = Vec::new();
    while let Some(reply) = requests.join_next().await {
        let reply = reply.unwrap();
        assert!(
            reply.status == 201 || reply.status == 409,
            "each duplicate is a replay or told to wait: {} {}",
            reply.status,
            reply.text
        );
        if reply.status == 201 {
            bodies.push(reply.text);
        }
    }
    assert!(!bodies.is_empty(), "at least the first one got through");
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "every 201 is the same application");
    assert_eq!(application_count(&portal, &token).await, count + 1, "created exactly once");
}

#[tokio::test]
async fn a_request_dropped_in_flight_releases_its_key() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let passport = document(&portal, token, png(17), "passport").await;
    let body = snils_submission(&passport).to_string();
    let request = || {
        axum::http::Request::post("/api/v1/applications")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "key-dropped")
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let app = kabinet_sandbox::router(portal.sandbox.portal.clone());

    // The client gives up while the request is held: its handler is dropped mid-flight.
    let hold = portal.sandbox.portal.hold_submissions().await;
    let gave_up =
        tokio::time::timeout(Duration::from_millis(300), app.clone().oneshot(request())).await;
    assert!(gave_up.is_err(), "the request was still held when the client went away");
    drop(hold);

    let retried = app.oneshot(request()).await.unwrap();
    assert_eq!(
        retried.status(),
        201,
        "the abandoned claim must not leave the key stuck in flight (409 forever)"
    );
}

#[tokio::test]
async fn keys_belong_to_their_account() {
    let portal = TestPortal::start().await;
    let citizen = portal.sign_in().await.access_token;
    let other = portal.sign_in_as(&entrepreneur()).await.access_token;
    let mine = document(&portal, citizen.expose(), png(18), "passport").await;
    let theirs = document(&portal, other.expose(), png(19), "passport").await;

    let first = submit(&portal, citizen.expose(), "shared-key", &snils_submission(&mine)).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let second = submit(&portal, other.expose(), "shared-key", &snils_submission(&theirs)).await;
    assert_eq!(second.status, 201, "another account's key is another key: {}", second.text);
    assert!(!second.replayed(), "nobody sees another account's response");
    assert_ne!(first.json()["id"], second.json()["id"]);
}

#[tokio::test]
async fn keys_are_kept_thirty_days_and_then_swept() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose().to_owned();
    let passport = document(&portal, &token, png(20), "passport").await;
    let first = submit(&portal, &token, "key-old", &snils_submission(&passport)).await;
    assert_eq!(first.status, 201, "{}", first.text);

    let mut changed = snils_submission(&passport);
    changed["answers"]["first_name"] = json!("Пётр");
    portal.advance(29 * DAY);
    portal.sandbox.sweep().unwrap();
    let token = portal.sign_in().await.access_token.expose().to_owned();
    let replay = submit(&portal, &token, "key-old", &snils_submission(&passport)).await;
    assert_eq!(
        (replay.status, replay.replayed()),
        (201, true),
        "a draft that waited 29 days offline still gets its first response"
    );

    portal.advance(2 * DAY);
    assert!(portal.sandbox.sweep().unwrap() >= 1, "the sweep forgets keys older than 30 days");
    let token = portal.sign_in().await.access_token.expose().to_owned();
    let reused = submit(&portal, &token, "key-old", &changed).await;
    assert_eq!(reused.status, 201, "a forgotten key is a new key: {}", reused.text);
}

#[tokio::test]
async fn every_problem_of_a_submission_is_reported_at_once_by_field() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let other = portal.sign_in_as(&entrepreneur()).await.access_token;
    let token = token.expose();
    let snils_scan = document(&portal, token, png(21), "snils").await;
    let theirs = document(&portal, other.expose(), png(22), "passport").await;
    let count = application_count(&portal, token).await;

    let submission = json!({
        "service_code": "no_criminal_record",
        "answers": {
            "last_name": "Иванов",
            "first_name": "",
            "birth_date": "2090-01-01",
            "birth_place": "г. Москва",
            "snils": "123-456-789 65",
            "registration_address": "г. Москва, ул. Арбат, д. 1",
            "postal_index": "119002",
            "purpose": "curiosity",
            "phone": "89990000001",
            "email": "ivanov@demo.kabinet.test",
            "consent": false,
            "favourite_colour": "синий"
        },
        "document_ids": [snils_scan, theirs, "not-an-id"]
    });
    let reply = submit(&portal, token, "key-problems", &submission).await;
    assert_eq!((reply.status, reply.code()), (422, "validation_failed".to_owned()));
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    assert_eq!(
        field_codes(&reply),
        pairs(&[
            ("first_name", "required"),
            ("birth_date", "date_in_future"),
            ("snils", "invalid_checksum"),
            ("purpose", "not_an_option"),
            ("phone", "invalid_format"),
            ("consent", "required"),
            ("favourite_colour", "unknown_field"),
            ("document_ids/0", "unexpected_attachment"),
            ("document_ids/1", "unknown_document"),
            ("document_ids/2", "unknown_document"),
            ("attachments/passport", "missing_attachment"),
        ]),
        "form problems in form order, then documents, then missing attachments"
    );
    let errors = reply.json()["errors"].clone();
    assert!(
        errors.as_array().unwrap().iter().all(|e| {
            let message = e["message"].as_str().unwrap();
            message.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap()))
        }),
        "every message is Russian: {errors}"
    );
    assert_eq!(application_count(&portal, token).await, count, "nothing was created");

    let unknown = json!({ "service_code": "moon_landing", "answers": {}, "document_ids": [] });
    let reply = submit(&portal, token, "key-unknown", &unknown).await;
    assert_eq!(field_codes(&reply), pairs(&[("service_code", "unknown_service")]));
}

#[tokio::test]
async fn attachments_must_be_of_a_format_and_size_the_service_takes() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let passport = document(&portal, token, png(23), "passport").await;
    let png_certificate = document(&portal, token, png(24), "certificate").await;
    let pdf_certificate = document(&portal, token, pdf(1), "certificate").await;
    let big = {
        let mut bytes = pdf(2);
        bytes.splice(9..9, vec![b' '; 3 * 1024 * 1024]);
        document(&portal, token, bytes, "certificate").await
    };

    let answers = json!({
        "reason": "expired",
        "last_name": "Иванов",
        "first_name": "Иван",
        "birth_date": "1985-04-12",
        "licence": "9912 345678",
        "licence_issued_on": "2016-05-20",
        "medical_certificate_on": "2026-11-01",
        "phone": "+79990000001",
        "consent": true
    });
    let with = |ids: Vec<&str>| {
        json!({
            "service_code": "driving_licence_replacement",
            "answers": answers,
            "document_ids": ids
        })
    };

    let reply =
        submit(&portal, token, "key-png", &with(vec![passport.as_str(), png_certificate.as_str()]))
            .await;
    assert_eq!(field_codes(&reply), pairs(&[("document_ids/1", "attachment_format")]));
    let reply =
        submit(&portal, token, "key-big", &with(vec![passport.as_str(), big.as_str()])).await;
    assert_eq!(field_codes(&reply), pairs(&[("document_ids/1", "attachment_too_large")]));
    let reply = submit(&portal, token, "key-none", &with(vec![passport.as_str()])).await;
    assert_eq!(field_codes(&reply), pairs(&[("attachments/certificate", "missing_attachment")]));

    let reply =
        submit(&portal, token, "key-ok", &with(vec![passport.as_str(), pdf_certificate.as_str()]))
            .await;
    assert_eq!(reply.status, 201, "a PDF certificate under 2 MB passes: {}", reply.text);
    assert_eq!(reply.json()["department"], "Госавтоинспекция");
}
