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
