//! A sandbox on a loopback port with a manual clock, and the client side of the protocol.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use kabinet_api::SecretString;
use kabinet_api::oauth::{DESKTOP_CLIENT_ID, TokenResponse};
use kabinet_sandbox::{ManualClock, Options, RunningSandbox, Speed, Storage, Workflow, seed};
use kabinet_useragent::{Agent, Consent, Credentials, SecondFactor};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

/// Every scope the desktop app asks for.
pub const ALL_SCOPES: &str = "openid fullname birthdate snils inn contacts id_doc";

/// A redirect URI on a loopback port, as the desktop app would use.
pub const REDIRECT: &str = "http://127.0.0.1:53682/callback";

pub struct TestPortal {
    pub sandbox: RunningSandbox,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
}

impl TestPortal {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(
        adjust: impl FnOnce(&mut kabinet_sandbox::Config) + Send + 'static,
    ) -> Self {
        Self::start_at(time::OffsetDateTime::now_utc(), adjust).await
    }

    /// A portal whose clock starts at `at`.
    pub async fn start_at(
        at: time::OffsetDateTime,
        adjust: impl FnOnce(&mut kabinet_sandbox::Config) + Send + 'static,
    ) -> Self {
        let clock = Arc::new(ManualClock::starting_at(at));
        let options = Options {
            listen: "127.0.0.1:0".parse().unwrap(),
            storage: Storage::Memory,
            speed: Speed::Standard,
            workflow: Workflow::Manual,
            admin_token: Some("test-admin-token".to_owned()),
            clock: clock.clone(),
            adjust: Some(Box::new(adjust)),
        };
        let sandbox = kabinet_sandbox::start(options).await.expect("the sandbox starts");
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { sandbox, clock, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url)
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub async fn get_json(&self, path: &str, token: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn push_status(&self, id: &str, status: &str) -> u16 {
        self.http
            .post(self.url(&kabinet_api::routes::with_id(
                kabinet_api::routes::ADMIN_APPLICATION_STATUS,
                id,
            )))
            .bearer_auth(self.sandbox.admin_token())
            .json(&serde_json::json!({ "status": status, "comment": "pushed by a test" }))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub async fn jwks(&self) -> JwkSet {
        self.http.get(self.url("/oauth/jwks")).send().await.unwrap().json().await.unwrap()
    }

    /// Exchanges a code at the token endpoint; the status and the JSON body.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self.http.post(self.url("/oauth/token")).form(form).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    pub async fn exchange(&self, code: &str, pkce: &Pkce) -> (u16, Value) {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", DESKTOP_CLIENT_ID),
            ("code_verifier", &pkce.verifier),
        ])
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", DESKTOP_CLIENT_ID),
        ])
        .await
    }

    /// Signs the demo citizen in through the forms and returns the redirect back to the app.
    pub async fn sign_in_redirect(&self, request: &AuthRequest) -> Url {
        Agent::new()
            .unwrap()
            .sign_in(&request.url(self), &citizen(), Consent::Allow)
            .await
            .expect("the citizen signs in through the forms")
    }

    /// The whole flow: forms, code, token exchange. Returns the token response.
    pub async fn sign_in(&self) -> TokenResponse {
        self.sign_in_as(&citizen()).await
    }

    /// [`Self::sign_in`] for another person.
    pub async fn sign_in_as(&self, credentials: &Credentials) -> TokenResponse {
        let request = AuthRequest::new();
        let redirect = Agent::new()
            .unwrap()
            .sign_in(&request.url(self), credentials, Consent::Allow)
            .await
            .expect("the person signs in through the forms");
        let code = query_param(&redirect, "code").expect("the redirect carries a code");
        let (status, body) = self.exchange(&code, &request.pkce).await;
        assert_eq!(status, 200, "the code exchanges for tokens: {body}");
        serde_json::from_value(body).unwrap()
    }
}

pub fn citizen() -> Credentials {
    Credentials {
        login: seed::CITIZEN_EMAIL.to_owned(),
        password: SecretString::new(seed::DEMO_PASSWORD),
        second_factor: SecondFactor::Outbox,
    }
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).unwrap();
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self { verifier, challenge }
    }
}

/// An authorization request as the desktop app makes it; fields can be changed per test.
pub struct AuthRequest {
    pub pkce: Pkce,
    pub params: Vec<(String, String)>,
}

impl AuthRequest {
    pub fn new() -> Self {
        let pkce = Pkce::new();
        let params = [
            ("response_type", "code"),
            ("client_id", DESKTOP_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("scope", ALL_SCOPES),
            ("state", "state-123"),
            ("nonce", "nonce-456"),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("access_type", "offline"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        Self { pkce, params }
    }

    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.remove(name);
        self.params.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.remove(name);
        self
    }

    fn remove(&mut self, name: &str) {
        self.params.retain(|(k, _)| k != name);
    }

    pub fn url(&self, portal: &TestPortal) -> String {
        let mut url = Url::parse(&portal.url("/oauth/authorize")).unwrap();
        url.query_pairs_mut().extend_pairs(&self.params);
        url.to_string()
    }
}

pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Validates an ID token as a relying party must: signature from the JWKS, `iss`, `aud`,
/// `exp` against the portal's clock, and returns the claims.
pub async fn validate_id_token(portal: &TestPortal, token: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::ES256, "the provider signs with ES256");
    let jwks = portal.jwks().await;
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("the kid is published");
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_issuer(&[portal.sandbox.url.as_str()]);
    validation.set_audience(&[DESKTOP_CLIENT_ID]);
    validation.validate_exp = false;
    let claims =
        jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .expect("the ID token validates")
            .claims;
    let now = portal.clock.now_unix();
    assert!(claims["exp"].as_i64().unwrap() > now, "the ID token is not expired");
    claims
}

pub trait ClockExt {
    fn now_unix(&self) -> i64;
}

impl ClockExt for ManualClock {
    fn now_unix(&self) -> i64 {
        kabinet_sandbox::Clock::unix(self)
    }
}
