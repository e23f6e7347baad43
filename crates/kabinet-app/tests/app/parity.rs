//! The shared parity cases (`kabinet-api/tests/form-parity.json`) through the app's local
//! check: the portal offers the parity form as a service, each case becomes a sealed draft,
//! and `check_draft`, on the set's day by the app's clock, must name exactly the problems the
//! set names. The sandbox's tests run the same file through its submission endpoint
//! (`kabinet-sandbox/tests/sandbox/parity.rs`), so the app and the portal agree case by case.

use std::sync::Arc;

use kabinet_api::Service;
use kabinet_app::ipc::forms::DraftInput;
use kabinet_core::outbox::Clock;
use kabinet_keychain::MemoryStore;
use kabinet_sandbox::{Options, Speed, Storage, Workflow};

use super::{AgentBrowser, IdleBrowser, Recorder, Setup, tempdir};

#[path = "../../../kabinet-api/tests/api/parity_set.rs"]
mod parity_set;

use parity_set::{Verdict, as_service, noon_of, parity_set};

/// Always the same moment.
struct Fixed(time::OffsetDateTime);

impl Clock for Fixed {
    fn now(&self) -> time::OffsetDateTime {
        self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_check_gives_every_shared_verdict() {
    let set = parity_set();
    let services: Vec<Service> =
        set.forms.iter().map(|(code, form)| as_service(code, form)).collect();
    let sandbox = kabinet_sandbox::start(Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        storage: Storage::Memory,
        speed: Speed::Standard,
        workflow: Workflow::Manual,
        admin_token: Some("admin".to_owned()),
        clock: Arc::new(kabinet_sandbox::SystemClock),
        adjust: Some(Box::new(move |config| config.extra_services = services)),
    })
    .await
    .unwrap();
    let setup =
        Setup { sandbox, data: tempdir::Dir::new("parity"), secrets: Arc::new(MemoryStore::new()) };

    // Signed in and the catalog cached on today's clock, then each case becomes a draft.
    let app = setup.app(Arc::new(AgentBrowser), Arc::new(Recorder::default())).await;
    app.sign_in().await.unwrap();
    let catalog = app.services().await.unwrap();
    assert!(catalog.services.iter().any(|s| s.code == "parity-personal"), "the form is offered");
    let mut drafts = Vec::new();
    for case in &set.cases {
        let input = DraftInput {
            id: None,
            service_code: format!("parity-{}", case.form),
            answers: case.answers.clone(),
            scan_ids: Vec::new(),
        };
        drafts.push(app.save_draft(input).unwrap().id);
    }
    drop(app);

    // The checks run on the set's day, as the app's clock says.
    let clock = Arc::new(Fixed(noon_of(&set)));
    let app = setup.app_at(Arc::new(IdleBrowser), Arc::new(Recorder::default()), clock).await;
    let mut disagreements = Vec::new();
    for (case, draft) in set.cases.iter().zip(&drafts) {
        let verdict: Vec<Verdict> = app
            .check_draft(draft)
            .unwrap()
            .into_iter()
            .map(|problem| Verdict::new(problem.field, problem.code))
            .collect();
        if verdict != case.problems {
            let expected = &case.problems;
            disagreements.push(format!("{}: expected {expected:?}, got {verdict:?}", case.name));
        }
    }
    assert!(disagreements.is_empty(), "the app disagrees:\n{}", disagreements.join("\n"));
}
