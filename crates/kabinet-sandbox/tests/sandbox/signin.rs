//! The whole sign-in, driven through the real forms.

use kabinet_api::SecretString;
use kabinet_api::oauth::DESKTOP_CLIENT_ID;
use kabinet_sandbox::seed;
use kabinet_useragent::{Agent, Consent, Credentials, SecondFactor, Step};
use serde_json::Value;

use crate::support::{AuthRequest, ClockExt, TestPortal, query_param, validate_id_token};

#[tokio::test]
async fn discovery_names_every_endpoint_and_requires_s256() {
    let portal = TestPortal::start().await;

    let doc: Value = reqwest::get(portal.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(doc["issuer"], portal.sandbox.url.as_str(), "issuer is the exact base URL");
    assert_eq!(doc["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        doc["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    for endpoint in [
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "revocation_endpoint",
        "end_session_endpoint",
    ] {
        let url = doc[endpoint].as_str().unwrap_or_default();
        assert!(url.starts_with(&portal.sandbox.url), "{endpoint} is under the issuer: {url}");
    }
}

#[tokio::test]
async fn a_person_signs_in_through_the_forms_and_the_app_gets_valid_tokens() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();

    let redirect = portal.sign_in_redirect(&request).await;
    assert_eq!(redirect.origin(), url::Url::parse(crate::support::REDIRECT).unwrap().origin());
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("state-123"), "state comes back");
    assert_eq!(
        query_param(&redirect, "iss").as_deref(),
        Some(portal.sandbox.url.as_str()),
        "RFC 9207: the authorization response names its issuer"
    );

    let code = query_param(&redirect, "code").unwrap();
    let (status, body) = portal.exchange(&code, &request.pkce).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["refresh_token"].is_string(), "access_type=offline yields a refresh token");

    let claims = validate_id_token(&portal, body["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["nonce"], "nonce-456", "the nonce of the request is in the ID token");
    assert_eq!(claims["sub"], seed::CITIZEN_OID.to_string(), "the subject is the numeric oid");
    assert_eq!(claims["aud"], DESKTOP_CLIENT_ID);
    assert!(claims["auth_time"].as_i64().unwrap() <= portal.clock.now_unix());

    let token = body["access_token"].as_str().unwrap();
    let (status, me) = portal.get_json("/api/v1/me", token).await;
    assert_eq!(status, 200);
    assert_eq!(me["full_name"]["last_name"], "Иванов");
    assert_eq!(me["snils"], "123-456-789 64");
    assert_eq!(me["contacts"]["email"], seed::CITIZEN_EMAIL);
}

#[tokio::test]
async fn scopes_limit_what_the_profile_shows() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new().set("scope", "openid fullname");

    let redirect = portal.sign_in_redirect(&request).await;
    let (_, body) = portal.exchange(&query_param(&redirect, "code").unwrap(), &request.pkce).await;
    let token = body["access_token"].as_str().unwrap();

    let (_, me) = portal.get_json("/api/v1/me", token).await;
    assert_eq!(me["full_name"]["first_name"], "Иван");
    assert!(me.get("snils").is_none(), "no snils scope, no SNILS: {me}");
    assert!(me.get("passport").is_none(), "no id_doc scope, no passport: {me}");

    let (status, info) = portal.get_json("/oauth/userinfo", token).await;
    assert_eq!(status, 200);
    assert_eq!(info["family_name"], "Иванов");
    assert!(info.get("email").is_none(), "no contacts scope, no email: {info}");
}

#[tokio::test]
async fn without_offline_access_there_is_no_refresh_token() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new().without("access_type");

    let redirect = portal.sign_in_redirect(&request).await;
    let (status, body) =
        portal.exchange(&query_param(&redirect, "code").unwrap(), &request.pkce).await;

    assert_eq!(status, 200);
    assert!(body.get("refresh_token").is_none(), "ESIA issues refresh tokens only offline: {body}");
}

#[tokio::test]
async fn an_account_with_an_authenticator_app_signs_in_with_totp() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();
    let credentials = Credentials {
        login: "34567891226".to_owned(),
        password: SecretString::new(seed::DEMO_PASSWORD),
        second_factor: SecondFactor::Totp(seed::DEMO_TOTP_SECRET.to_vec()),
    };
    // The portal's clock and the agent's must agree for a TOTP code: the test clock starts at
    // the real time and has not moved.
    let redirect = Agent::new()
        .unwrap()
        .sign_in(&request.url(&portal), &credentials, Consent::Allow)
        .await
        .expect("the employee signs in with SNILS and a TOTP code");

    let (status, body) =
        portal.exchange(&query_param(&redirect, "code").unwrap(), &request.pkce).await;
    assert_eq!(status, 200, "{body}");
    let claims = validate_id_token(&portal, body["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
}

#[tokio::test]
async fn login_by_phone_works_and_refusing_consent_reports_access_denied() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();
    let credentials = Credentials {
        login: "+7 999 000-00-02".to_owned(),
        password: SecretString::new(seed::DEMO_PASSWORD),
        second_factor: SecondFactor::Outbox,
    };

    let redirect = Agent::new()
        .unwrap()
        .sign_in(&request.url(&portal), &credentials, Consent::Deny)
        .await
        .unwrap();

    assert_eq!(query_param(&redirect, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("state-123"));
    assert!(query_param(&redirect, "code").is_none());
}

#[tokio::test]
async fn the_sign_in_pages_switch_language_and_stay_accessible() {
    let portal = TestPortal::start().await;
    let agent = Agent::new().unwrap();
    let page = match agent.open(&AuthRequest::new().url(&portal)).await.unwrap() {
        Step::Page(page) => page,
        Step::Left(url) => panic!("unexpected redirect to {url}"),
    };
    assert!(page.html.contains(r#"<html lang="ru">"#), "Russian first");
    assert!(page.html.contains("Телефон, почта или СНИЛС"));

    let switch = page.forms().into_iter().find(|f| f.has_input("lang")).expect("a language switch");
    let english = agent.submit(&page, &switch, &[]).await.unwrap().into_page("login").unwrap();
    assert!(english.html.contains(r#"<html lang="en">"#));
    assert!(english.html.contains("Phone, email or SNILS"));
    assert!(english.html.contains(r#"autocomplete="current-password""#));

    let csp = reqwest::get(AuthRequest::new().url(&portal)).await.unwrap();
    let policy = csp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("default-src 'none'"), "sign-in pages run no script: {policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "sign-in pages cannot be framed");
}
