//! Refresh rotation, revocation, end-session, key rotation, and the API's bearer checks.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kabinet_api::oauth::DESKTOP_CLIENT_ID;

use crate::support::TestPortal;

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    let portal = TestPortal::start().await;
    let first = portal.sign_in().await;
    let first_refresh = first.refresh_token.as_ref().unwrap().expose().to_owned();

    let (status, second) = portal.refresh(&first_refresh).await;
    assert_eq!(status, 200, "{second}");
    let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh, "every refresh rotates the refresh token");
    let (status, _) = portal.get_json("/api/v1/me", second["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "the new access token works");

    let (status, reuse) = portal.refresh(&first_refresh).await;
    assert_eq!((status, reuse["error"].as_str()), (400, Some("invalid_grant")));

    let (status, _) = portal.refresh(&second_refresh).await;
    assert_eq!(status, 400, "the whole family is revoked, the newest token included");
    let (status, _) = portal.get_json("/api/v1/me", second["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "and so are its access tokens");

    let fresh = portal.sign_in().await;
    let (_, activity) = portal.get_json("/api/v1/activity", fresh.access_token.expose()).await;
    assert!(
        activity["items"].as_array().unwrap().iter().any(|e| e["kind"] == "token_reuse"),
        "the reuse is a security event: {activity}"
    );
}

#[tokio::test]
async fn refresh_families_have_an_absolute_lifetime() {
    let portal = TestPortal::start_with(|config| {
        config.lifetimes.refresh_family = Duration::from_secs(3600);
    })
    .await;
    let tokens = portal.sign_in().await;

    let mut refresh = tokens.refresh_token.unwrap().expose().to_owned();
    for _ in 0..3 {
        portal.advance(Duration::from_secs(15 * 60));
        let (status, body) = portal.refresh(&refresh).await;
        assert_eq!(status, 200, "within the family's lifetime: {body}");
        refresh = body["refresh_token"].as_str().unwrap().to_owned();
    }
    portal.advance(Duration::from_secs(16 * 60));
    let (status, body) = portal.refresh(&refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "rotation does not extend it"
    );
}

#[tokio::test]
async fn revoking_the_refresh_token_signs_the_session_out() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let refresh = tokens.refresh_token.as_ref().unwrap().expose();

    let status = portal
        .http
        .post(portal.url("/oauth/revoke"))
        .form(&[
            ("token", refresh),
            ("token_type_hint", "refresh_token"),
            ("client_id", DESKTOP_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);

    let (status, _) = portal.refresh(refresh).await;
    assert_eq!(status, 400, "a revoked refresh token is dead");
    let (status, _) = portal.get_json("/api/v1/me", tokens.access_token.expose()).await;
    assert_eq!(status, 401, "revoking the grant revokes its access tokens (RFC 7009 §2.1)");

    let unknown = portal
        .http
        .post(portal.url("/oauth/revoke"))
        .form(&[("token", "nonsense"), ("client_id", DESKTOP_CLIENT_ID)])
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(unknown, 200, "an unknown token is not an error (RFC 7009 §2.2)");
}

#[tokio::test]
async fn end_session_revokes_and_returns_to_the_registered_loopback_uri() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let id_token = tokens.id_token.as_ref().unwrap().expose();

    let response = portal
        .http
        .get(portal.url("/oauth/logout"))
        .query(&[
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", "http://127.0.0.1:40001/signed-out"),
            ("state", "bye"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "http://127.0.0.1:40001/signed-out?state=bye");

    let (status, _) = portal.refresh(tokens.refresh_token.as_ref().unwrap().expose()).await;
    assert_eq!(status, 400, "the session is over");

    let elsewhere = portal
        .http
        .get(portal.url("/oauth/logout"))
        .query(&[("post_logout_redirect_uri", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 200, "an unregistered target gets a page, not a redirect");
}

fn tamper(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["sub"] = serde_json::json!("1000002");
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    parts.join(".")
}

async fn problem_code(portal: &TestPortal, token: &str) -> (u16, String, String) {
    let response =
        portal.http.get(portal.url("/api/v1/me")).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body["code"].as_str().unwrap().to_owned(), challenge)
}

#[tokio::test]
async fn the_api_refuses_tampered_expired_and_misaddressed_tokens() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let access = tokens.access_token.expose();

    let (status, code, challenge) = problem_code(&portal, &tamper(access)).await;
    assert_eq!((status, code.as_str()), (401, "invalid_token"), "a tampered token");
    assert!(challenge.contains(r#"error="invalid_token""#), "RFC 6750 challenge: {challenge}");

    let response = portal.http.get(portal.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.status(), 401, "no token");

    portal.advance(Duration::from_secs(10 * 60 + 1));
    let (status, _, challenge) = problem_code(&portal, access).await;
    assert_eq!(status, 401, "an expired token");
    assert!(challenge.contains("expired"), "{challenge}");
}

#[tokio::test]
async fn tokens_signed_by_the_portal_for_another_audience_or_issuer_are_refused() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let access = tokens.access_token.expose();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(access.split('.').nth(1).unwrap()).unwrap())
            .unwrap();
    let keys = portal.sandbox.portal.keys();

    let mut other_audience = claims.clone();
    other_audience["aud"] = serde_json::json!("another-api");
    let token = keys.sign(kabinet_api::oauth::ACCESS_TOKEN_TYPE, &other_audience);
    let (status, code, challenge) = problem_code(&portal, &token).await;
    assert_eq!((status, code.as_str()), (401, "invalid_token"));
    assert!(challenge.contains("not meant for this API"), "{challenge}");

    let mut other_issuer = claims.clone();
    other_issuer["iss"] = serde_json::json!(format!("{}/", portal.sandbox.url));
    let token = keys.sign(kabinet_api::oauth::ACCESS_TOKEN_TYPE, &other_issuer);
    let (status, _, challenge) = problem_code(&portal, &token).await;
    assert_eq!(status, 401, "the issuer must match exactly, trailing slash included");
    assert!(challenge.contains("another provider"), "{challenge}");

    let id_token = tokens.id_token.as_ref().unwrap().expose();
    let (status, _, _) = problem_code(&portal, id_token).await;
    assert_eq!(status, 401, "an ID token is not an access token");
}

#[tokio::test]
async fn key_rotation_keeps_issued_tokens_valid_until_they_expire() {
    let portal = TestPortal::start().await;
    let before = portal.sign_in().await;
    let old_kid = jsonwebtoken::decode_header(before.access_token.expose()).unwrap().kid.unwrap();

    let rotated: serde_json::Value = portal
        .http
        .post(portal.url("/admin/keys/rotate"))
        .bearer_auth(portal.sandbox.admin_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_kid = rotated["kid"].as_str().unwrap();
    assert_ne!(new_kid, old_kid);

    let kids: Vec<String> =
        portal.jwks().await.keys.iter().filter_map(|k| k.common.key_id.clone()).collect();
    assert!(
        kids.contains(&old_kid) && kids.iter().any(|k| k == new_kid),
        "both keys published: {kids:?}"
    );
    let (status, _) = portal.get_json("/api/v1/me", before.access_token.expose()).await;
    assert_eq!(status, 200, "a token signed by the retired key still works");

    let after = portal.sign_in().await;
    let kid = jsonwebtoken::decode_header(after.access_token.expose()).unwrap().kid.unwrap();
    assert_eq!(kid, new_kid, "new tokens are signed by the new key");

    portal.advance(Duration::from_secs(10 * 60 + 1));
    let kids: Vec<String> =
        portal.jwks().await.keys.iter().filter_map(|k| k.common.key_id.clone()).collect();
    assert_eq!(kids, vec![new_kid.to_owned()], "the old key leaves once its tokens expired");
}

#[tokio::test]
async fn admin_endpoints_need_the_token() {
    let portal = TestPortal::start().await;

    let response = portal
        .http
        .post(portal.url("/admin/keys/rotate"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
