//! What comes with a status: the Требуется уточнение request and its answer, the reasons of
//! Отклонено, and the result document of Одобрено.

use std::time::Duration;

use kabinet_api::SecretString;
use kabinet_sandbox::seed;
use kabinet_useragent::{Credentials, SecondFactor};
use serde_json::{Value, json};

use crate::documents::{form, png, sha256, upload};
use crate::support::TestPortal;

async fn first_with_status(portal: &TestPortal, token: &str, status: &str) -> String {
    let (_, page) = portal.get_json(&format!("/api/v1/applications?status={status}"), token).await;
    page["items"][0]["id"].as_str().expect("the demo citizen has one").to_owned()
}

async fn reply(portal: &TestPortal, token: &str, id: &str, body: Value) -> (u16, Value) {
    let response = portal
        .http
        .post(portal.url(&format!("/api/v1/applications/{id}/clarification")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn ask(portal: &TestPortal, id: &str, change: Value) {
    let response = portal
        .http
        .post(portal.url(&format!("/admin/applications/{id}/status")))
        .bearer_auth(portal.sandbox.admin_token())
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "the admin endpoint applies the change");
}

fn fields(body: &Value) -> Vec<(&str, &str)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_request_is_answered_with_text_and_files_and_the_application_goes_on_to_its_result() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let id = first_with_status(&portal, token, "in_progress").await;
    ask(
        &portal,
        &id,
        json!({
            "status": "needs_info",
            "comment": "Приложите паспорт и укажите прежнюю фамилию",
            "documents": ["passport"],
            "answers": ["previous_names"]
        }),
    )
    .await;

    let (status, request) =
        portal.get_json(&format!("/api/v1/applications/{id}/clarification"), token).await;
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["message"], "Приложите паспорт и укажите прежнюю фамилию");
    assert_eq!(request["documents"], json!(["passport"]), "the named document");
    assert_eq!(request["answers"], json!(["previous_names"]), "the named answer");

    let (status, refused) = reply(&portal, token, &id, json!({ "text": " " })).await;
    assert_eq!((status, refused["code"].as_str()), (422, Some("validation_failed")));
    assert_eq!(
        fields(&refused),
        [("text", "required"), ("attachments/passport", "missing_attachment")]
    );

    let bytes = png(40);
    let sha = sha256(&bytes);
    let (_, scan) = upload(&portal, token, form(bytes, &sha, "Паспорт", "passport")).await;
    let scan = scan["id"].as_str().unwrap();
    let (status, answered) = reply(
        &portal,
        token,
        &id,
        json!({ "text": "Прежняя фамилия — Петров", "document_ids": [scan] }),
    )
    .await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["status"], "in_progress", "В обработке again after the answer");
    let journal = answered["journal"].as_array().unwrap();
    assert_eq!(journal.last().unwrap()["status"], "in_progress", "the answer is in the journal");

    let (status, _) =
        portal.get_json(&format!("/api/v1/applications/{id}/clarification"), token).await;
    assert_eq!(status, 404, "no request is open any more");
    let (status, again) = reply(&portal, token, &id, json!({ "text": "ещё раз" })).await;
    assert_eq!((status, again["code"].as_str()), (409, Some("conflict")), "answered once only");

    portal.advance(Duration::from_secs(11 * 60));
    portal.sandbox.workflow_step().unwrap();
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let (status, decision) =
        portal.get_json(&format!("/api/v1/applications/{id}/decision"), token).await;
    assert_eq!(status, 200, "{decision}");
    assert_eq!(decision["status"], "approved", "a clarified application is approved");
    let result = decision["result"].as_str().unwrap();
    assert_eq!(result, format!("/api/v1/applications/{id}/result"));

    let pdf = portal.http.get(portal.url(result)).bearer_auth(token).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.headers()["content-disposition"].to_str().unwrap().contains(".pdf"));
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4"), "a PDF the person can open");
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"), "a complete one");
}

#[tokio::test]
async fn the_demo_request_asks_about_a_former_surname_and_takes_text_alone() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let id = first_with_status(&portal, token, "needs_info").await;

    let (status, request) =
        portal.get_json(&format!("/api/v1/applications/{id}/clarification"), token).await;
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["answers"], json!(["previous_names"]));
    assert_eq!(request["documents"], json!([]), "no document is asked for");

    let (status, unknown) =
        reply(&portal, token, &id, json!({ "text": "Нет", "document_ids": ["424242"] })).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&unknown), [("document_ids/0", "unknown_document")]);
    let (status, answered) = reply(&portal, token, &id, json!({ "text": "Не менялась" })).await;
    assert_eq!((status, answered["status"].as_str()), (200, Some("in_progress")), "{answered}");

    let other = Credentials {
        login: seed::ENTREPRENEUR_PHONE.to_owned(),
        password: SecretString::new(seed::DEMO_PASSWORD),
        second_factor: SecondFactor::Outbox,
    };
    let other = portal.sign_in_as(&other).await.access_token;
    let (status, _) = reply(&portal, other.expose(), &id, json!({ "text": "чужое" })).await;
    assert_eq!(status, 404, "another account's application does not exist for this one");
}

#[tokio::test]
async fn a_refusal_says_why_and_what_to_fix_and_has_no_result() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let rejected = first_with_status(&portal, token, "rejected").await;

    let (status, decision) =
        portal.get_json(&format!("/api/v1/applications/{rejected}/decision"), token).await;
    assert_eq!(status, 200, "{decision}");
    assert_eq!(decision["status"], "rejected");
    assert_eq!(decision["reasons"], json!(["Фотография не соответствует требованиям"]));
    assert!(decision["how_to_fix"].as_str().unwrap().contains("заново"), "{decision}");
    assert!(decision["result"].is_null(), "a refusal has no result document");
    let (status, _) =
        portal.get_json(&format!("/api/v1/applications/{rejected}/result"), token).await;
    assert_eq!(status, 404);

    let approved = first_with_status(&portal, token, "approved").await;
    let (status, decision) =
        portal.get_json(&format!("/api/v1/applications/{approved}/decision"), token).await;
    assert_eq!((status, decision["reasons"].is_null()), (200, true), "{decision}");
    let result = portal
        .http
        .get(portal.url(decision["result"].as_str().unwrap()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(result.status(), 200, "the demo approval has its result too");

    let pending = first_with_status(&portal, token, "in_progress").await;
    let (status, _) =
        portal.get_json(&format!("/api/v1/applications/{pending}/decision"), token).await;
    assert_eq!(status, 404, "an unfinished application has no decision yet");
}

/// A reply sent under an `Idempotency-Key`: status, the `Idempotent-Replayed` header, the
/// content type and the body as text.
async fn reply_with_key(
    portal: &TestPortal,
    token: &str,
    id: &str,
    key: &str,
    body: &Value,
) -> (u16, bool, String, String) {
    let response = portal
        .http
        .post(portal.url(&format!("/api/v1/applications/{id}/clarification")))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, replayed, content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn a_reply_retried_under_its_key_gets_the_first_answer_not_a_conflict() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let id = first_with_status(&portal, token, "needs_info").await;
    let body = json!({ "text": "Фамилия не менялась" });

    let (status, replayed, _, first) = reply_with_key(&portal, token, &id, "reply-1", &body).await;
    assert_eq!((status, replayed), (200, false), "{first}");
    let (status, replayed, content_type, again) =
        reply_with_key(&portal, token, &id, "reply-1", &body).await;
    assert_eq!((status, replayed), (200, true), "a lost response is asked again: {again}");
    assert_eq!(content_type, "application/json");
    assert_eq!(again, first, "the very same answer, not a second reply");

    let (_, application) = portal.get_json(&format!("/api/v1/applications/{id}"), token).await;
    let answers = application["journal"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["comment"] == "Получен ответ заявителя на запрос ведомства")
        .count();
    assert_eq!(answers, 1, "the reply entered the journal once");

    let other = json!({ "text": "Фамилия менялась" });
    let (status, _, content_type, reused) =
        reply_with_key(&portal, token, &id, "reply-1", &other).await;
    assert_eq!(status, 422, "{reused}");
    assert_eq!(content_type, "application/problem+json");
    let reused: Value = serde_json::from_str(&reused).unwrap();
    assert_eq!(reused["code"], "idempotency_key_reused", "another reply needs another key");

    let (status, _, _, answered) = reply_with_key(&portal, token, &id, "reply-2", &other).await;
    let answered: Value = serde_json::from_str(&answered).unwrap();
    assert_eq!(
        (status, answered["code"].as_str()),
        (409, Some("conflict")),
        "a new key cannot answer a request twice"
    );
    let (status, _, _, _) = reply_with_key(&portal, token, &id, "bad key", &body).await;
    assert_eq!(status, 400, "a key with a space is not a key");
}

#[tokio::test]
async fn a_reply_over_the_limit_is_refused_and_the_refusal_is_kept_under_its_key() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let id = first_with_status(&portal, token, "needs_info").await;

    let at_limit = "я".repeat(kabinet_api::MAX_REPLY_CHARS);
    let over = json!({ "text": format!("{at_limit}!") });
    let (status, replayed, content_type, refused) =
        reply_with_key(&portal, token, &id, "long", &over).await;
    assert_eq!((status, replayed), (422, false), "{refused}");
    assert_eq!(content_type, "application/problem+json", "a problem the client can read");
    let refused: Value = serde_json::from_str(&refused).unwrap();
    assert_eq!(refused["code"], "validation_failed");
    assert_eq!(fields(&refused), [("text", "too_long")], "one character over the limit");
    let (status, replayed, _, _) = reply_with_key(&portal, token, &id, "long", &over).await;
    assert_eq!((status, replayed), (422, true), "the same verdict again under the same key");

    let (status, answered) = reply(&portal, token, &id, json!({ "text": at_limit })).await;
    assert_eq!((status, answered["status"].as_str()), (200, Some("in_progress")), "{answered}");
}

#[tokio::test]
async fn a_duplicate_reply_while_the_first_is_in_flight_is_409() {
    let portal = std::sync::Arc::new(TestPortal::start().await);
    let token = portal.sign_in().await.access_token.expose().to_owned();
    let id = first_with_status(&portal, &token, "needs_info").await;
    let body = json!({ "text": "Не менялась" });

    let hold = portal.sandbox.portal.hold_submissions().await;
    let first = {
        let (portal, token, id, body) = (portal.clone(), token.clone(), id.clone(), body.clone());
        tokio::spawn(async move { reply_with_key(&portal, &token, &id, "race", &body).await })
    };
    // The held request claims its key before it waits at the gate; send the duplicate only
    // then, or the duplicate would be the one that claims it and waits.
    let claimed = || {
        portal.sandbox.portal.store().lock().query_row(
            "SELECT count(*) FROM idempotency_keys WHERE key = 'race'",
            [],
            |row| row.get::<_, i64>(0),
        )
    };
    for _ in 0..500 {
        if claimed().unwrap() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(claimed().unwrap(), 1, "the first reply has claimed its key");
    let duplicate = reply_with_key(&portal, &token, &id, "race", &body).await;
    let code: Value = serde_json::from_str(&duplicate.3).unwrap();
    assert_eq!(
        (duplicate.0, code["code"].as_str()),
        (409, Some("idempotency_key_in_use")),
        "the duplicate is told to wait, not answered twice"
    );
    assert!(!first.is_finished(), "the first reply is still held");

    drop(hold);
    let (status, replayed, _, first) = first.await.unwrap();
    assert_eq!((status, replayed), (200, false), "the held reply completes: {first}");
    let (status, replayed, _, retry) = reply_with_key(&portal, &token, &id, "race", &body).await;
    assert_eq!((status, replayed, retry), (200, true, first), "a retry now gets the replay");
}
