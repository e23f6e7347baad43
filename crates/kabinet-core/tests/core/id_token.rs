//! ID token validation against the sandbox's real keys.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kabinet_core::oidc::id_token::{Expectations, KeyCache, validate};
use serde_json::{Value, json};
use url::Url;

use crate::support::Portal;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn claims(portal: &Portal) -> Value {
    json!({
        "iss": portal.sandbox.url,
        "sub": "1000001",
        "aud": "kabinet-desktop",
        "exp": now() + 600,
        "iat": now(),
        "nonce": "n-1",
    })
}

fn expect<'a>(portal: &'a Portal) -> Expectations<'a> {
    Expectations {
        issuer: &portal.sandbox.url,
        client_id: "kabinet-desktop",
        nonce: Some("n-1"),
        now: now(),
    }
}

async fn check(portal: &Portal, token: &str) -> Result<(), String> {
    let keys = KeyCache::new(Url::parse(&format!("{}/oauth/jwks", portal.sandbox.url)).unwrap());
    validate(&portal.http, &keys, token, &expect(portal))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn sign(portal: &Portal, claims: &Value) -> String {
    portal.sandbox.portal.keys().sign("JWT", claims)
}

#[tokio::test]
async fn a_genuine_token_validates_and_every_forgery_is_refused() {
    let portal = Portal::start(|_| {}).await;
    assert_eq!(check(&portal, &sign(&portal, &claims(&portal))).await, Ok(()));

    let cases: [(&str, &str, Value); 4] = [
        ("iss", "another provider", json!(format!("{}/", portal.sandbox.url))),
        ("aud", "another client", json!("someone-else")),
        ("nonce", "nonce", json!("n-2")),
        ("exp", "expired", json!(now() - 3600)),
    ];
    for (claim, expected, value) in cases {
        let mut forged = claims(&portal);
        forged[claim] = value;
        let error = check(&portal, &sign(&portal, &forged)).await.unwrap_err();
        assert!(error.contains(expected), "a wrong {claim} is refused: {error}");
    }

    let token = sign(&portal, &claims(&portal));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut tampered = claims(&portal);
    tampered["sub"] = json!("1000002");
    parts[1] = URL_SAFE_NO_PAD.encode(tampered.to_string());
    let error = check(&portal, &parts.join(".")).await.unwrap_err();
    assert!(error.contains("bad signature"), "{error}");

    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&portal).to_string())
    );
    assert!(check(&portal, &none).await.is_err(), "alg none is never accepted");

    let hmac = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&portal).to_string()),
        URL_SAFE_NO_PAD.encode([0u8; 32])
    );
    let error = check(&portal, &hmac).await.unwrap_err();
    assert!(error.contains("algorithm"), "HMAC is refused for a public client: {error}");
}

#[tokio::test]
async fn an_unknown_kid_refreshes_the_keys_once() {
    let portal = Portal::start(|_| {}).await;
    let keys = KeyCache::new(Url::parse(&format!("{}/oauth/jwks", portal.sandbox.url)).unwrap());
    let first = sign(&portal, &claims(&portal));
    assert!(validate(&portal.http, &keys, &first, &expect(&portal)).await.is_ok());

    portal.sandbox.portal.rotate_signing_key().unwrap();
    let after_rotation = sign(&portal, &claims(&portal));
    assert!(
        validate(&portal.http, &keys, &after_rotation, &expect(&portal)).await.is_ok(),
        "the cached key set did not know the new kid; one refresh found it"
    );
}
