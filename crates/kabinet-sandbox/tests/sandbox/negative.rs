//! What the provider must refuse.

use std::time::Duration;

use kabinet_sandbox::seed;
use kabinet_useragent::{Agent, Step};

use crate::support::{AuthRequest, TestPortal, query_param};

async fn authorize_redirect(portal: &TestPortal, request: &AuthRequest) -> reqwest::Response {
    portal.http.get(request.url(portal)).send().await.unwrap()
}

fn location(response: &reqwest::Response) -> url::Url {
    url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn missing_or_plain_pkce_is_refused() {
    let portal = TestPortal::start().await;

    let missing = AuthRequest::new().without("code_challenge").without("code_challenge_method");
    let response = authorize_redirect(&portal, &missing).await;
    assert_eq!(response.status(), 303);
    assert_eq!(query_param(&location(&response), "error").as_deref(), Some("invalid_request"));

    let plain = AuthRequest::new().set("code_challenge_method", "plain");
    let response = authorize_redirect(&portal, &plain).await;
    assert_eq!(query_param(&location(&response), "error").as_deref(), Some("invalid_request"));
    assert_eq!(query_param(&location(&response), "state").as_deref(), Some("state-123"));
}

#[tokio::test]
async fn a_wrong_verifier_does_not_redeem_the_code() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();
    let redirect = portal.sign_in_redirect(&request).await;

    let other = crate::support::Pkce::new();
    let (status, body) = portal.exchange(&query_param(&redirect, "code").unwrap(), &other).await;

    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn unregistered_redirects_get_an_error_page_not_a_redirect() {
    let portal = TestPortal::start().await;

    for uri in [
        "https://evil.example/callback",
        "http://localhost:53682/callback",
        "http://127.0.0.1:53682/elsewhere",
    ] {
        let response =
            authorize_redirect(&portal, &AuthRequest::new().set("redirect_uri", uri)).await;
        assert_eq!(response.status(), 400, "{uri} must not be accepted");
        assert!(response.headers().get("location").is_none(), "{uri}: no open redirect");
    }

    let any_port = AuthRequest::new().set("redirect_uri", "http://[::1]:40000/callback");
    let response = authorize_redirect(&portal, &any_port).await;
    assert_eq!(response.status(), 200, "RFC 8252: a loopback redirect matches on any port");
}

#[tokio::test]
async fn a_code_redirect_uri_must_equal_the_one_in_the_request() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();
    let redirect = portal.sign_in_redirect(&request).await;

    let (status, body) = portal
        .token_request(&[
            ("grant_type", "authorization_code"),
            ("code", &query_param(&redirect, "code").unwrap()),
            ("redirect_uri", "http://127.0.0.1:1/callback"),
            ("client_id", "kabinet-desktop"),
            ("code_verifier", &request.pkce.verifier),
        ])
        .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn a_reused_code_fails_and_revokes_what_it_issued() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();
    let redirect = portal.sign_in_redirect(&request).await;
    let code = query_param(&redirect, "code").unwrap();

    let (status, first) = portal.exchange(&code, &request.pkce).await;
    assert_eq!(status, 200);
    let (status, second) = portal.exchange(&code, &request.pkce).await;
    assert_eq!((status, second["error"].as_str()), (400, Some("invalid_grant")));

    let (status, _) = portal.get_json("/api/v1/me", first["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "the access token from a replayed code is revoked");
    let (status, _) = portal.refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 400, "so is the refresh token");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let portal = TestPortal::start().await;
    let request = AuthRequest::new();
    let redirect = portal.sign_in_redirect(&request).await;

    portal.advance(Duration::from_secs(10 * 60 + 1));
    let (status, body) =
        portal.exchange(&query_param(&redirect, "code").unwrap(), &request.pkce).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn the_password_grant_is_refused() {
    let portal = TestPortal::start().await;

    let (status, body) = portal
        .token_request(&[
            ("grant_type", "password"),
            ("username", seed::CITIZEN_EMAIL),
            ("password", seed::DEMO_PASSWORD),
            ("client_id", "kabinet-desktop"),
        ])
        .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")));
}

async fn login_page(portal: &TestPortal, agent: &Agent) -> kabinet_useragent::Page {
    match agent.open(&AuthRequest::new().url(portal)).await.unwrap() {
        Step::Page(page) => page,
        Step::Left(url) => panic!("unexpected redirect to {url}"),
    }
}

async fn try_password(authorize_url: String, password: String) -> (u16, Option<String>) {
    let agent = Agent::new().unwrap();
    let page = agent.open(&authorize_url).await.unwrap().into_page("the login page").unwrap();
    let form = page.form_with("password").unwrap();
    let next = agent
        .submit(&page, &form, &[("login", seed::CITIZEN_EMAIL), ("password", &password)])
        .await
        .unwrap()
        .into_page("a page")
        .unwrap();
    (next.status, next.alert())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_wrong_passwords_lock_the_account_after_exactly_five() {
    let portal = TestPortal::start().await;

    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        attempts
            .spawn(try_password(AuthRequest::new().url(&portal), format!("Wrong-Password-{i}!")));
    }
    let results = attempts.join_all().await;
    let wrong = results.iter().filter(|(status, _)| *status == 400).count();
    let locked = results.iter().filter(|(status, _)| *status == 403).count();
    assert_eq!(wrong, 4, "four attempts are merely wrong: {results:?}");
    assert_eq!(locked, 16, "the fifth locks, and the rest find it locked: {results:?}");

    let (status, alert) =
        try_password(AuthRequest::new().url(&portal), seed::DEMO_PASSWORD.to_owned()).await;
    assert_eq!(status, 403, "even the right password is refused while locked");
    assert!(alert.unwrap().contains("заблокирован"), "the person is told in Russian");

    portal.advance(Duration::from_secs(15 * 60 + 1));
    let tokens = portal.sign_in().await;
    let (_, activity) = portal.get_json("/api/v1/activity", tokens.access_token.expose()).await;
    let locks = activity["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == "account_locked" && entry["security"] == true)
        .count();
    assert_eq!(locks, 1, "exactly one lock, logged as a security event: {activity}");
}

#[tokio::test]
async fn an_expired_one_time_code_is_refused_and_a_new_one_works() {
    let portal = TestPortal::start().await;
    let agent = Agent::new().unwrap();
    let page = login_page(&portal, &agent).await;
    let form = page.form_with("password").unwrap();
    let code_page = agent
        .submit(&page, &form, &[("login", seed::CITIZEN_EMAIL), ("password", seed::DEMO_PASSWORD)])
        .await
        .unwrap()
        .into_page("the code page")
        .unwrap();
    let code = agent.outbox_code(&code_page.url, seed::CITIZEN_EMAIL).await.unwrap();

    portal.advance(Duration::from_secs(5 * 60 + 1));
    let form = code_page.form_with("code").unwrap();
    let refused =
        agent.submit(&code_page, &form, &[("code", &code)]).await.unwrap().into_page("x").unwrap();
    assert_eq!(refused.status, 400);
    assert!(refused.alert().unwrap().contains("истёк"), "the person is told the code expired");

    let resend = refused.forms().into_iter().find(|f| f.action.ends_with("/resend")).unwrap();
    let fresh_page = agent.submit(&refused, &resend, &[]).await.unwrap().into_page("x").unwrap();
    let fresh = agent.outbox_code(&fresh_page.url, seed::CITIZEN_EMAIL).await.unwrap();
    let form = fresh_page.form_with("code").unwrap();
    let consent = agent
        .submit(&fresh_page, &form, &[("code", &fresh)])
        .await
        .unwrap()
        .into_page("x")
        .unwrap();
    assert_eq!(consent.status, 200);
    assert!(consent.html.contains(r#"name="decision""#), "a fresh code leads to consent");

    let form = code_page.form_with("code").unwrap();
    let replay =
        agent.submit(&code_page, &form, &[("code", &fresh)]).await.unwrap().into_page("x").unwrap();
    assert_eq!(replay.status, 400, "a code is single use: the flow has moved on");
}

#[tokio::test]
async fn a_form_from_another_browser_is_refused() {
    let portal = TestPortal::start().await;
    let owner = Agent::new().unwrap();
    let page = login_page(&portal, &owner).await;
    let form = page.form_with("password").unwrap();

    let stranger = Agent::new().unwrap();
    let fill = [("login", seed::CITIZEN_EMAIL), ("password", seed::DEMO_PASSWORD)];
    let refused = stranger.submit(&page, &form, &fill).await.unwrap().into_page("x").unwrap();
    assert_eq!(refused.status, 400, "the flow is bound to the browser that started it");
}

#[tokio::test]
async fn a_demo_portal_shows_where_its_codes_are_and_a_real_one_does_not() {
    let fill = [("login", seed::CITIZEN_EMAIL), ("password", seed::DEMO_PASSWORD)];
    let code_page = |portal: &TestPortal| {
        let url = AuthRequest::new().url(portal);
        async move {
            let agent = Agent::new().unwrap();
            let page = agent.open(&url).await.unwrap().into_page("the login page").unwrap();
            let form = page.form_with("password").unwrap();
            agent.submit(&page, &form, &fill).await.unwrap().into_page("the code page").unwrap()
        }
    };

    let real = TestPortal::start().await;
    let page = code_page(&real).await;
    assert!(!page.html.contains("/dev/outbox"), "a real portal says nothing of an outbox");

    let demo = TestPortal::start_with(|config| config.demo_hints = true).await;
    let page = code_page(&demo).await;
    let link = page
        .html
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("outbox"))
        .unwrap_or_default();
    assert!(link.starts_with("/dev/outbox?login="), "the demo code page links the outbox: {link}");

    // A person opening that link in a browser reads the code on a page.
    let outbox = demo
        .http
        .get(demo.url(&link.replace("&amp;", "&")))
        .header("accept", "text/html,application/xhtml+xml;q=0.9")
        .header("accept-language", "ru-RU,ru;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(outbox.status(), 200);
    assert_eq!(outbox.headers()["cache-control"], "no-store", "codes are not cached");
    let html = outbox.text().await.unwrap();
    let agent = Agent::new().unwrap();
    let code = agent.outbox_code(&page.url, seed::CITIZEN_EMAIL).await.unwrap();
    assert!(html.contains(&format!(r#"<td class="code">{code}</td>"#)), "{html}");
    assert!(html.contains(r#"<html lang="ru">"#), "the page follows Accept-Language");
}
