//! The shared parity cases (`kabinet-api/tests/form-parity.json`) through the portal's real
//! submission endpoint: the parity form is offered as a service, each case's answers are
//! submitted over HTTP on the set's day, and the portal must refuse exactly the problems the
//! set names, or accept the application when it names none. The desktop app's local check runs
//! the same file (`kabinet-app/tests/app/parity.rs`), so both sides give the same verdicts.

use kabinet_api::Service;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::support::TestPortal;

#[derive(Deserialize)]
struct ParitySet {
    today: String,
    forms: Map<String, Value>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    form: String,
    answers: Map<String, Value>,
    problems: Vec<Verdict>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Verdict {
    field: String,
    code: String,
}

fn parity_set() -> ParitySet {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../kabinet-api/tests/form-parity.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A parity form as a service without attachments, so that only the form decides.
fn service(code: &str, form: &Value) -> Service {
    Service {
        code: format!("parity-{code}"),
        title: "Проверка общих правил".to_owned(),
        department: "Тест".to_owned(),
        description: "Форма общего набора проверок".to_owned(),
        fee_kopecks: 0,
        processing_days: 1,
        form: form.clone(),
        attachments: Vec::new(),
    }
}

#[tokio::test]
async fn the_portal_gives_every_shared_verdict_over_http() {
    let set = parity_set();
    let services: Vec<Service> = set.forms.iter().map(|(code, form)| service(code, form)).collect();
    // Noon in UTC is the same day in Moscow, the portal's time zone.
    let day = kabinet_api::checks::parse_date(&set.today).expect("`today` is a date");
    let portal =
        TestPortal::start_at(day.with_hms(12, 0, 0).unwrap().assume_utc(), move |config| {
            config.extra_services = services;
        })
        .await;
    let token = portal.sign_in().await.access_token;

    let mut disagreements = Vec::new();
    for (index, case) in set.cases.iter().enumerate() {
        let submission = json!({
            "service_code": format!("parity-{}", case.form),
            "answers": case.answers,
            "document_ids": [],
        });
        let response = portal
            .http
            .post(portal.url(kabinet_api::routes::APPLICATIONS))
            .bearer_auth(token.expose())
            .header("Idempotency-Key", format!("parity-{index}"))
            .json(&submission)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let verdict: Vec<Verdict> = match status {
            201 => Vec::new(),
            422 => serde_json::from_value(body["errors"].clone()).unwrap_or_default(),
            other => {
                disagreements.push(format!("{}: HTTP {other}: {body}", case.name));
                continue;
            }
        };
        if verdict != case.problems {
            let expected = &case.problems;
            disagreements.push(format!("{}: expected {expected:?}, got {verdict:?}", case.name));
        }
    }
    assert!(disagreements.is_empty(), "the portal disagrees:\n{}", disagreements.join("\n"));
}
