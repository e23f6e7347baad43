//! The router without a port, and what survives a restart.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode};
use kabinet_sandbox::{Config, ManualClock, Options, Portal, Speed, Storage, Store, Workflow};
use tower::ServiceExt;

fn portal() -> Portal {
    let clock = Arc::new(ManualClock::starting_at(time::OffsetDateTime::now_utc()));
    let mut config = Config::new("http://sandbox.test");
    config.admin_token = "token".to_owned();
    Portal::new(config, Store::open_in_memory().unwrap(), clock).unwrap()
}

fn rotate_request() -> Request<Body> {
    Request::post("/admin/keys/rotate")
        .header("authorization", "Bearer token")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn admin_endpoints_answer_only_a_loopback_peer() {
    let app = kabinet_sandbox::router(portal());

    let unknown_peer = app.clone().oneshot(rotate_request()).await.unwrap();
    assert_eq!(unknown_peer.status(), StatusCode::FORBIDDEN, "no peer address, no admin");

    let remote = app
        .clone()
        .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40000))))
        .oneshot(rotate_request())
        .await
        .unwrap();
    assert_eq!(
        remote.status(),
        StatusCode::FORBIDDEN,
        "a remote peer is refused even with the token"
    );

    let local = app
        .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))))
        .oneshot(rotate_request())
        .await
        .unwrap();
    assert_eq!(local.status(), StatusCode::OK, "a loopback peer with the token may rotate");
}

#[tokio::test]
async fn unknown_paths_get_a_problem_body() {
    let app = kabinet_sandbox::router(portal());

    let response =
        app.oneshot(Request::get("/api/v1/nothing").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn the_database_and_signing_key_survive_a_restart_with_a_data_folder() {
    let dir = std::env::temp_dir().join(format!("kabinet-sandbox-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let options = || Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        storage: Storage::Dir(dir.clone()),
        speed: Speed::Standard,
        workflow: Workflow::Manual,
        admin_token: None,
        clock: Arc::new(kabinet_sandbox::SystemClock),
        adjust: None,
    };
    let kids = |sandbox: &kabinet_sandbox::RunningSandbox| {
        let url = format!("{}/oauth/jwks", sandbox.url);
        async move {
            let jwks: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].clone()).collect::<Vec<_>>()
        }
    };

    let first = kabinet_sandbox::start(options()).await.unwrap();
    let before = kids(&first).await;
    first.shutdown().await;

    let second = kabinet_sandbox::start(options()).await.unwrap();
    let after = kids(&second).await;
    second.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(before.len(), 1);
    assert_eq!(before, after, "the signing key generated on first start is reused after a restart");
}
