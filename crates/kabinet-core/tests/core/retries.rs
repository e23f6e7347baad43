//! Transient failures: a proxy in front of the sandbox's API answers 503 with `Retry-After`
//! for as many requests as a test asks, then passes requests through.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use kabinet_core::Error;
use kabinet_core::client::{EventsResponse, PortalClient};
use kabinet_core::poller::{Notification, Notifier, Poller};
use kabinet_core::store::LocalStore;
use url::Url;

use crate::support::Portal;

#[derive(Clone)]
struct Proxy {
    upstream: String,
    failures_left: Arc<AtomicUsize>,
    seen: Arc<AtomicUsize>,
    http: reqwest::Client,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    proxy.seen.fetch_add(1, Ordering::SeqCst);
    let failing = proxy
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1))
        .is_ok();
    if failing {
        let mut response = Response::new(Body::from("busy"));
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        response.headers_mut().insert("retry-after", HeaderValue::from_static("1"));
        return response;
    }

    let target = format!("{}{}", proxy.upstream, request.uri());
    let mut outgoing = proxy.http.get(target);
    for name in ["authorization", "if-none-match"] {
        if let Some(value) = request.headers().get(name) {
            outgoing = outgoing.header(name, value.as_bytes());
        }
    }
    let upstream = outgoing.send().await.unwrap();
    let mut response = Response::builder().status(upstream.status().as_u16());
    for (name, value) in upstream.headers() {
        response = response.header(name.as_str(), value.as_bytes());
    }
    response.body(Body::from(upstream.bytes().await.unwrap())).unwrap()
}

async fn proxied_client(portal: &Portal, failures: usize) -> (PortalClient, Proxy) {
    let proxy = Proxy {
        upstream: portal.sandbox.url.clone(),
        failures_left: Arc::new(AtomicUsize::new(failures)),
        seen: Arc::new(AtomicUsize::new(0)),
        http: reqwest::Client::new(),
    };
    let app = axum::Router::new().fallback(forward).with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut profile = portal.profile();
    profile.api_base = Url::parse(&format!("http://{address}")).unwrap();
    let secrets = Arc::new(kabinet_keychain::MemoryStore::new());
    let session = {
        let options = kabinet_core::oidc::SignInOptions::default();
        let now = || time::OffsetDateTime::now_utc().unix_timestamp();
        let signed_in = kabinet_core::oidc::sign_in(
            &portal.http,
            &profile,
            &crate::support::AgentBrowser,
            &options,
            now,
            std::future::pending(),
        )
        .await
        .unwrap();
        kabinet_core::Session::start(
            portal.http.clone(),
            profile,
            signed_in,
            secrets,
            Default::default(),
        )
        .await
        .unwrap()
    };
    (PortalClient::new(portal.http.clone(), Arc::new(session)), proxy)
}

#[tokio::test]
async fn a_503_with_retry_after_is_waited_out_and_retried() {
    let portal = Portal::start(|_| {}).await;
    let (client, proxy) = proxied_client(&portal, 1).await;

    let started = Instant::now();
    let response = client.events(None, None).await.unwrap();

    assert!(matches!(response, EventsResponse::Page { .. }));
    assert_eq!(proxy.seen.load(Ordering::SeqCst), 2, "one refusal, one retry");
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After: 1 was honoured");
}

#[derive(Default)]
struct Count(AtomicUsize);

impl Notifier for Count {
    fn notify(&self, _: &Notification) -> Result<(), String> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn while_the_portal_is_down_the_cursor_stays_and_polling_resumes_after() {
    let portal = Portal::start(|_| {}).await;
    let (client, proxy) = proxied_client(&portal, 0).await;
    let store = Arc::new(LocalStore::open_in_memory().unwrap());
    let count = Arc::new(Count::default());
    let poller = Poller::new(&client, store.clone(), count.clone());
    poller.poll_once().await.unwrap();
    let account = client.session().account();
    let before = store.poll_state(&account).unwrap();

    portal.push_status("4", "approved").await;
    proxy.failures_left.store(100, Ordering::SeqCst);
    let down = poller.poll_once().await;
    assert!(matches!(down, Err(Error::Offline(_))), "persistent 503s are reported as offline");
    assert_eq!(store.poll_state(&account).unwrap(), before, "the cursor did not move");
    assert_eq!(count.0.load(Ordering::SeqCst), 0);

    proxy.failures_left.store(0, Ordering::SeqCst);
    assert_eq!(poller.poll_once().await.unwrap().handled, 1, "the change arrives once back online");
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
}
