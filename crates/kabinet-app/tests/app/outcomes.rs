//! The department's request answered from the app, and the decision: the reasons of a refusal
//! and the result PDF of an approval saved to a file.

use std::sync::Arc;

use kabinet_app::ipc::outcomes::DecisionView;
use kabinet_app::ipc::vault::{DocumentKindCode, ImportOutcome};
use kabinet_app::ipc::{ErrorCode, StatusCode};

use super::{AgentBrowser, Recorder, Setup, photo};

async fn push(setup: &Setup, id: &str, change: serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/admin/applications/{id}/status", setup.sandbox.url))
        .bearer_auth("admin")
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "the admin endpoint applies the change");
}

fn first_with(dashboard: &kabinet_app::ipc::DashboardView, status: StatusCode) -> String {
    dashboard
        .applications
        .iter()
        .find(|a| a.status == status)
        .expect("the demo citizen has one in every status")
        .id
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_answered_once_with_a_scan_and_the_result_is_saved() {
    let setup = Setup::new("outcomes").await;
    let app = setup.app(Arc::new(AgentBrowser), Arc::new(Recorder::default())).await;
    app.sign_in().await.unwrap();
    app.services().await.unwrap();
    let dashboard = app.refresh().await.unwrap();
    let id = first_with(&dashboard, StatusCode::InProgress);
    assert!(app.application(&id).await.unwrap().request.is_none(), "nothing asked yet");

    push(
        &setup,
        &id,
        serde_json::json!({
            "status": "needs_info",
            "comment": "Приложите паспорт и укажите прежние ФИО",
            "documents": ["passport"],
            "answers": ["previous_names"]
        }),
    )
    .await;
    let page = app.application(&id).await.unwrap();
    assert_eq!(page.application.status, StatusCode::NeedsInfo);
    let request = page.request.expect("the page shows the request");
    assert_eq!(request.message, "Приложите паспорт и укажите прежние ФИО");
    assert_eq!(request.documents[0].kind, DocumentKindCode::Passport);
    assert!(!request.documents[0].title.is_empty(), "a Russian title, not a code");
    assert_eq!(request.answers[0].name, "previous_names");
    assert!(!request.answered);

    // Refused locally, with a message in Russian, before anything is sent.
    let empty = app.answer_clarification(id.clone(), "  ".to_owned(), vec![]).await.unwrap_err();
    assert_eq!(empty.code, ErrorCode::Invalid);
    assert!(empty.message.contains("Напишите"), "{}", empty.message);
    let long = "я".repeat(kabinet_api::MAX_REPLY_CHARS + 1);
    let long = app.answer_clarification(id.clone(), long, vec![]).await.unwrap_err();
    assert_eq!(long.code, ErrorCode::Invalid, "the portal's limit, checked here too");
    let missing =
        app.answer_clarification(id.clone(), "Петров".to_owned(), vec![]).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::Invalid, "the portal wants the passport");
    assert!(missing.message.contains("Приложите"), "in the portal's words: {}", missing.message);

    // A scan only in the vault is uploaded first, then the reply goes.
    let files = setup.data.0.join("incoming");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("Паспорт.jpg"), photo(900, 700)).unwrap();
    let report = app.import_paths(vec![files.join("Паспорт.jpg")]).await.unwrap();
    let ImportOutcome::Imported { scan, .. } = &report.items[0] else {
        panic!("imported: {report:?}")
    };
    assert!(scan.uploaded.is_none(), "not on the portal yet");
    let answered = app
        .answer_clarification(id.clone(), "Петров".to_owned(), vec![scan.id.clone()])
        .await
        .unwrap();
    assert_eq!(answered.application.status, StatusCode::InProgress, "В обработке again");
    assert!(answered.request.as_ref().is_some_and(|r| r.answered), "the page says answered");
    let vault = app.vault().await.unwrap();
    assert!(vault.scans[0].uploaded.is_some(), "the scan went to the portal with the reply");

    // Sending the same reply again (a lost answer, a second click) is not a second reply.
    let again = app
        .answer_clarification(id.clone(), "Петров".to_owned(), vec![scan.id.clone()])
        .await
        .unwrap();
    assert_eq!(again.journal, answered.journal, "the portal replayed its first answer");
    let replies = again
        .journal
        .iter()
        .filter(|e| e.comment.as_deref() == Some("Получен ответ заявителя на запрос ведомства"))
        .count();
    assert_eq!(replies, 1, "one reply in the journal");
    let other = app.answer_clarification(id.clone(), "Другое".to_owned(), vec![]).await;
    assert_eq!(other.unwrap_err().code, ErrorCode::Invalid, "the request is closed now");
    let page = app.application(&id).await.unwrap();
    assert!(page.request.is_some_and(|r| r.answered), "answered until the department moves on");

    // Approved: the result is downloaded and written where the person chose.
    push(&setup, &id, serde_json::json!({ "status": "approved" })).await;
    let page = app.application(&id).await.unwrap();
    assert!(page.request.is_none(), "the request is history once decided");
    assert!(
        matches!(page.decision, Some(DecisionView::Approved { result_available: true, .. })),
        "{:?}",
        page.decision
    );
    let name = app.result_file_name(&id).await.unwrap();
    assert_eq!(name, format!("result-{}.pdf", page.application.number));
    let path = setup.data.0.join(&name);
    std::fs::write(&path, b"an older file").unwrap();
    let saved = app.save_result(id.clone(), Some(path.clone())).await.unwrap();
    assert!(saved.saved);
    assert_eq!(saved.file_name.as_deref(), Some(name.as_str()));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "the PDF replaced the older file");
    let leftovers = std::fs::read_dir(&setup.data.0)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(leftovers, 0, "no temporary file is left");
    let closed = app.save_result(id.clone(), None).await.unwrap();
    assert!(!closed.saved, "a closed dialog writes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_shows_its_reasons_and_has_no_result() {
    let setup = Setup::new("refusal").await;
    let app = setup.app(Arc::new(AgentBrowser), Arc::new(Recorder::default())).await;
    app.sign_in().await.unwrap();
    let dashboard = app.refresh().await.unwrap();
    let id = first_with(&dashboard, StatusCode::InProgress);

    push(
        &setup,
        &id,
        serde_json::json!({
            "status": "rejected",
            "comment": "Нет подписи",
            "how_to_fix": "Подпишите заявление и подайте его снова"
        }),
    )
    .await;
    let page = app.application(&id).await.unwrap();
    let Some(DecisionView::Refused { reasons, how_to_fix, .. }) = page.decision else {
        panic!("a refusal: {:?}", page.decision)
    };
    assert_eq!(reasons, ["Нет подписи"]);
    assert_eq!(how_to_fix.as_deref(), Some("Подпишите заявление и подайте его снова"));

    let path = setup.data.0.join("result.pdf");
    let error = app.save_result(id, Some(path.clone())).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound, "a refusal has no result");
    assert!(!path.exists(), "and nothing is written");
}
