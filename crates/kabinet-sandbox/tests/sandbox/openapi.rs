//! The committed OpenAPI document must be the one the code generates.

use std::path::PathBuf;

use crate::support::TestPortal;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../kabinet-api/openapi.json")
}

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = kabinet_sandbox::openapi_document();
    let path = committed_path();
    if std::env::var_os("KABINET_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/kabinet-api/openapi.json is out of date; regenerate it with \
         `KABINET_UPDATE_OPENAPI=1 cargo test -p kabinet-sandbox --test sandbox openapi` \
         and commit it"
    );
}

#[tokio::test]
async fn the_sandbox_serves_the_document_and_it_names_every_api_route() {
    let portal = TestPortal::start().await;
    let served =
        reqwest::get(portal.url("/api/v1/openapi.json")).await.unwrap().text().await.unwrap();
    assert_eq!(served, kabinet_sandbox::openapi_document());

    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    for route in [
        kabinet_api::routes::SERVICES,
        kabinet_api::routes::ME,
        kabinet_api::routes::APPLICATIONS,
        kabinet_api::routes::APPLICATION,
        kabinet_api::routes::APPLICATION_CLARIFICATION,
        kabinet_api::routes::APPLICATION_DECISION,
        kabinet_api::routes::APPLICATION_RESULT,
        kabinet_api::routes::EVENTS,
        kabinet_api::routes::ACTIVITY,
        kabinet_api::routes::ADMIN_APPLICATION_STATUS,
        kabinet_api::routes::ADMIN_ROTATE_KEY,
        kabinet_api::routes::DEV_OUTBOX,
    ] {
        assert!(doc["paths"].get(route).is_some(), "{route} is documented");
    }
    assert!(
        doc["paths"][kabinet_api::routes::APPLICATIONS]["post"].is_object(),
        "submitting an application is documented"
    );
    let codes = &doc["components"]["schemas"]["ErrorCode"]["enum"];
    assert!(
        codes.as_array().unwrap().iter().any(|code| code == "idempotency_key_in_use"),
        "clients generated from the document know the new codes"
    );
}
