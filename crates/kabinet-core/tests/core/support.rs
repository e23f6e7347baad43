//! A sandbox on loopback and a browser played by the headless user agent.

use std::sync::Arc;
use std::time::Duration;

use kabinet_api::SecretString;
use kabinet_core::browser::Browser;
use kabinet_core::client::PortalClient;
use kabinet_core::oidc::{self, SignInOptions};
use kabinet_core::session::SessionConfig;
use kabinet_core::{Error, PortalProfile, Session};
use kabinet_keychain::{MemoryStore, SecretStore};
use kabinet_sandbox::{
    Config, ManualClock, Options, RunningSandbox, Speed, Storage, Workflow, seed,
};
use kabinet_useragent::{Agent, Consent, Credentials, SecondFactor};
use url::Url;

pub struct AgentBrowser;

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

pub struct Portal {
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
}

impl Portal {
    pub async fn start(adjust: impl FnOnce(&mut Config) + Send + 'static) -> Self {
        let clock = Arc::new(ManualClock::starting_at(time::OffsetDateTime::now_utc()));
        // The portal's clock stays at the start; token lifetimes run on the client's clock.
        let sandbox = kabinet_sandbox::start(Options {
            listen: "127.0.0.1:0".parse().unwrap(),
            storage: Storage::Memory,
            speed: Speed::Standard,
            workflow: Workflow::Manual,
            admin_token: Some("admin".to_owned()),
            clock: clock.clone(),
            adjust: Some(Box::new(adjust)),
        })
        .await
        .unwrap();
        Self { sandbox, http: kabinet_core::http_client().unwrap() }
    }

    pub fn profile(&self) -> PortalProfile {
        PortalProfile::sandbox_at(Url::parse(&self.sandbox.url).unwrap())
    }

    pub async fn sign_in(
        &self,
        secrets: Arc<dyn SecretStore>,
        config: SessionConfig,
    ) -> Arc<Session> {
        let options =
            SignInOptions { timeout: Duration::from_secs(30), ..SignInOptions::default() };
        let now = || time::OffsetDateTime::now_utc().unix_timestamp();
        let signed_in = oidc::sign_in(
            &self.http,
            &self.profile(),
            &AgentBrowser,
            &options,
            now,
            std::future::pending(),
        )
        .await
        .expect("the sign-in through the real forms succeeds");
        Arc::new(
            Session::start(self.http.clone(), self.profile(), signed_in, secrets, config)
                .await
                .unwrap(),
        )
    }

    pub async fn client(&self) -> (PortalClient, Arc<MemoryStore>) {
        let secrets = Arc::new(MemoryStore::new());
        let session = self.sign_in(secrets.clone(), SessionConfig::default()).await;
        (PortalClient::new(self.http.clone(), session), secrets)
    }

    pub async fn push_status(&self, id: &str, status: &str) {
        let response = self
            .http
            .post(format!("{}/admin/applications/{id}/status", self.sandbox.url))
            .bearer_auth("admin")
            .json(&serde_json::json!({ "status": status }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }
}
