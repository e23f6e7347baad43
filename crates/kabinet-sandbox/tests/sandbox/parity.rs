//! The shared parity cases (`kabinet-api/tests/form-parity.json`) through the portal's real
//! submission endpoint: the parity form is offered as a service, each case's answers are
//! submitted over HTTP on the set's day, and the portal must refuse exactly the problems the
//! set names, or accept the application when it names none. The desktop app's local check runs
//! the same file (`kabinet-app/tests/app/parity.rs`), so both sides give the same verdicts.

use kabinet_api::Service;
use serde_json::{Value, json};

use crate::support::TestPortal;

#[path = "../../../kabinet-api/tests/api/parity_set.rs"]
mod parity_set;

use parity_set::{Verdict, as_service, noon_of, parity_set};

#[tokio::test]
async fn the_portal_gives_every_shared_verdict_over_http() {
    let set = parity_set();
    let services: Vec<Service> =
        set.forms.iter().map(|(code, form)| as_service(code, form)).collect();
    let portal = TestPortal::start_at(noon_of(&set), move |config| {
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
