//! The loopback redirect listener.

use std::time::Duration;

use kabinet_core::Error;
use kabinet_core::oidc::PageLanguage;
use kabinet_core::oidc::loopback::LoopbackListener;

async fn get(url: &str) -> Result<u16, reqwest::Error> {
    Ok(reqwest::get(url).await?.status().as_u16())
}

#[tokio::test]
async fn only_the_request_with_the_right_state_is_accepted_and_then_the_port_closes() {
    let listener = LoopbackListener::bind().await.unwrap();
    let redirect = listener.redirect_uri();
    assert!(redirect.starts_with("http://127.0.0.1:"), "RFC 8252: an IP literal, not localhost");
    let waiting = tokio::spawn(async move {
        listener
            .wait("expected", Duration::from_secs(10), PageLanguage::Ru, std::future::pending())
            .await
    });

    assert_eq!(get(&format!("{redirect}?code=evil&state=forged")).await.unwrap(), 400);
    assert_eq!(get(&redirect.replace("/callback", "/favicon.ico")).await.unwrap(), 404);
    assert_eq!(get(&format!("{redirect}?code=abc&state=expected&iss=x")).await.unwrap(), 200);

    let callback = waiting.await.unwrap().unwrap();
    assert_eq!(callback.code.as_deref(), Some("abc"), "the forged request did not count");
    assert_eq!(callback.iss.as_deref(), Some("x"));
    assert!(
        get(&format!("{redirect}?code=again&state=expected")).await.is_err(),
        "closed after one"
    );
}

#[tokio::test]
async fn the_wait_times_out_and_can_be_cancelled() {
    let listener = LoopbackListener::bind().await.unwrap();
    let result = listener
        .wait("s", Duration::from_millis(200), PageLanguage::En, std::future::pending())
        .await;
    assert!(matches!(result, Err(Error::SignInTimedOut)));

    let listener = LoopbackListener::bind().await.unwrap();
    let cancel = tokio::time::sleep(Duration::from_millis(50));
    let result = listener.wait("s", Duration::from_secs(30), PageLanguage::En, cancel).await;
    assert!(matches!(result, Err(Error::SignInCancelled)));
}
