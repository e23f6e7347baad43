//! Sessions: single-flight refresh, rotation into the keychain, the end of a session.

use std::sync::Arc;
use std::time::Duration;

use kabinet_core::Error;
use kabinet_core::session::{Activity, SessionConfig};
use kabinet_keychain::{MemoryStore, SecretKey, SecretStore};

use crate::support::Portal;

fn stored_refresh(secrets: &MemoryStore, subject: &str) -> Option<String> {
    secrets
        .get(&SecretKey::refresh_token("sandbox", subject))
        .unwrap()
        .map(|s| s.expose().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_callers_with_an_expired_token_cause_one_refresh() {
    // Access tokens live 61 s and are refreshed 60 s early: one second after sign-in the
    // token counts as expired.
    let portal =
        Portal::start(|config| config.lifetimes.access_token = Duration::from_secs(61)).await;
    let secrets = Arc::new(MemoryStore::new());
    let session = portal.sign_in(secrets.clone(), SessionConfig::default()).await;
    let first_refresh = stored_refresh(&secrets, session.subject()).expect("stored at sign-in");
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let session = session.clone();
        callers.spawn(async move {
            session.access_token(Activity::Background).await.map(|t| t.expose().to_owned())
        });
    }
    let tokens: Vec<String> = callers.join_all().await.into_iter().map(Result::unwrap).collect();

    assert_eq!(session.refresh_count(), 1, "exactly one refresh for fifty callers");
    assert!(tokens.windows(2).all(|w| w[0] == w[1]), "everyone got the same new token");
    let rotated = stored_refresh(&secrets, session.subject()).unwrap();
    assert_ne!(
        rotated, first_refresh,
        "the rotated refresh token replaced the old one in the keychain"
    );
}

#[tokio::test]
async fn a_refused_refresh_token_signs_out_and_clears_the_keychain() {
    let portal =
        Portal::start(|config| config.lifetimes.access_token = Duration::from_secs(61)).await;
    let secrets = Arc::new(MemoryStore::new());
    let session = portal.sign_in(secrets.clone(), SessionConfig::default()).await;
    let refresh = stored_refresh(&secrets, session.subject()).unwrap();

    let revoked = portal
        .http
        .post(format!("{}/oauth/revoke", portal.sandbox.url))
        .form(&[("token", refresh.as_str()), ("client_id", "kabinet-desktop")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let result = session.access_token(Activity::Person).await;
    assert!(matches!(result, Err(Error::SignedOut)), "invalid_grant ends the session: {result:?}");
    assert_eq!(stored_refresh(&secrets, session.subject()), None, "and forgets the token");
    assert!(matches!(session.access_token(Activity::Person).await, Err(Error::SignedOut)));
}

#[tokio::test]
async fn an_idle_session_locks_and_needs_a_fresh_sign_in() {
    let portal = Portal::start(|_| {}).await;
    let secrets = Arc::new(MemoryStore::new());
    let config =
        SessionConfig { idle_lock: Some(Duration::from_millis(300)), ..SessionConfig::default() };
    let session = portal.sign_in(secrets.clone(), config).await;
    assert!(session.access_token(Activity::Person).await.is_ok());

    tokio::time::sleep(Duration::from_millis(400)).await;
    let locked = session.access_token(Activity::Background).await;
    assert!(matches!(locked, Err(Error::SessionLocked)), "{locked:?}");
    assert_eq!(
        stored_refresh(&secrets, session.subject()),
        None,
        "a locked session keeps no token"
    );
}

#[tokio::test]
async fn a_restored_session_refreshes_from_the_keychain() {
    let portal = Portal::start(|_| {}).await;
    let secrets = Arc::new(MemoryStore::new());
    let session = portal.sign_in(secrets.clone(), SessionConfig::default()).await;
    let subject = session.subject().to_owned();
    drop(session);

    let restored = kabinet_core::Session::restore(
        portal.http.clone(),
        portal.profile(),
        secrets.clone(),
        &subject,
        SessionConfig::default(),
    )
    .await
    .unwrap()
    .expect("the keychain holds the session");
    assert!(restored.access_token(Activity::Person).await.is_ok(), "a restart needs no sign-in");
    assert_eq!(restored.refresh_count(), 1);
}
