//! What comes after a status through the typed client: the open Требуется уточнение request,
//! a reply under an idempotency key, the decision and the result document.

use kabinet_api::{ApplicationStatus, ClarificationReply, DocumentKind, ErrorCode};
use kabinet_core::Error;
use kabinet_core::client::{PortalClient, ReplyOutcome};
use sha2::{Digest, Sha256};

use crate::support::Portal;

async fn first_with_status(client: &PortalClient, status: ApplicationStatus) -> String {
    let found = client.applications(Some(status)).await.unwrap();
    found.first().expect("the demo citizen has one in every status").id.clone()
}

async fn push(portal: &Portal, id: &str, change: serde_json::Value) {
    let response = portal
        .http
        .post(format!("{}/admin/applications/{id}/status", portal.sandbox.url))
        .bearer_auth("admin")
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "the admin endpoint applies the change");
}

#[tokio::test]
async fn a_request_is_read_and_answered_once_even_when_the_reply_is_sent_twice() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let id = first_with_status(&client, ApplicationStatus::InProgress).await;
    assert!(client.clarification(&id).await.unwrap().is_none(), "nothing is asked yet");

    push(
        &portal,
        &id,
        serde_json::json!({
            "status": "needs_info",
            "comment": "Укажите прежнюю фамилию и приложите паспорт",
            "documents": ["passport"],
            "answers": ["previous_names"]
        }),
    )
    .await;
    let request = client.clarification(&id).await.unwrap().expect("the request is open");
    assert_eq!(request.documents, [DocumentKind::Passport]);
    assert_eq!(request.answers, ["previous_names"]);

    let text_only =
        ClarificationReply { text: "Петров".to_owned(), document_ids: Vec::new() };
    let outcome = client.reply_to_clarification(&id, &text_only, "core-reply-1").await.unwrap();
    let ReplyOutcome::NeedsFix(problems) = outcome else {
        panic!("the passport is missing: {outcome:?}");
    };
    assert_eq!(problems[0].field, "attachments/passport", "{problems:?}");

    // A JPEG-shaped file: start marker, filler, end marker; the sandbox checks structure only.
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..2000).map(|i| (i % 251) as u8));
    bytes.extend([0xFF, 0xD9]);
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let upload = kabinet_core::client::Upload {
        name: "Паспорт",
        kind: DocumentKind::Passport,
        media_type: kabinet_api::MediaType::Jpeg,
        bytes: &bytes,
        sha256: &sha256,
        idempotency_key: None,
    };
    let scan = client.upload_document(&upload, std::sync::Arc::new(|_, _| {})).await.unwrap();
    let reply = ClarificationReply { text: "Петров".to_owned(), document_ids: vec![scan.id] };
    let first = client.reply_to_clarification(&id, &reply, "core-reply-2").await.unwrap();
    let ReplyOutcome::Answered(first) = first else { panic!("answered: {first:?}") };
    assert_eq!(first.summary.status, ApplicationStatus::InProgress, "В обработке again");

    let again = client.reply_to_clarification(&id, &reply, "core-reply-2").await.unwrap();
    let ReplyOutcome::Answered(again) = again else { panic!("replayed: {again:?}") };
    assert_eq!(again, first, "a retry after a lost answer gets the first answer");
    let reused = client.reply_to_clarification(&id, &text_only, "core-reply-2").await.unwrap();
    assert!(matches!(reused, ReplyOutcome::KeyReused), "{reused:?}");
    let late = client.reply_to_clarification(&id, &reply, "core-reply-3").await;
    assert!(
        matches!(late, Err(Error::Portal { code: Some(ErrorCode::Conflict), .. })),
        "a fresh key cannot answer twice: {late:?}"
    );
    assert!(client.clarification(&id).await.unwrap().is_none(), "the request is closed");
}

#[tokio::test]
async fn a_refusal_has_reasons_and_an_approval_a_pdf() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;

    let pending = first_with_status(&client, ApplicationStatus::InProgress).await;
    assert!(client.decision(&pending).await.unwrap().is_none(), "not finished yet");
    assert!(matches!(client.result(&pending).await, Err(Error::NotFound)));

    push(
        &portal,
        &pending,
        serde_json::json!({
            "status": "rejected",
            "comment": "Нет подписи",
            "how_to_fix": "Подпишите заявление"
        }),
    )
    .await;
    let refused = client.decision(&pending).await.unwrap().expect("decided");
    assert_eq!(refused.status, ApplicationStatus::Rejected);
    assert_eq!(refused.reasons, ["Нет подписи"]);
    assert_eq!(refused.how_to_fix.as_deref(), Some("Подпишите заявление"));
    assert!(matches!(client.result(&pending).await, Err(Error::NotFound)), "no result");

    let approved = first_with_status(&client, ApplicationStatus::Approved).await;
    let decision = client.decision(&approved).await.unwrap().expect("decided");
    assert!(decision.result.is_some(), "an approval points at its result");
    let pdf = client.result(&approved).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "the bytes are a PDF");
    assert!(pdf.len() < kabinet_core::client::MAX_RESULT_SIZE);
}
