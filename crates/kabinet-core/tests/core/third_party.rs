//! Signing in to a provider that is not the sandbox: the certified `oidc-provider` package
//! (tests/oidc-provider), with RS256 keys, its own login and consent pages, and its own
//! reading of the standards.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kabinet_core::browser::Browser;
use kabinet_core::oidc::{self, SignInOptions};
use kabinet_core::{Error, PortalProfile};
use kabinet_useragent::{Agent, Step};
use url::Url;

struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider() -> Provider {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider");
    assert!(
        dir.join("node_modules/oidc-provider").exists(),
        "tests/oidc-provider is not installed: run scripts/setup"
    );
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let issuer = lines
        .find_map(|line| line.ok()?.strip_prefix("issuer ").map(str::to_owned))
        .expect("the provider prints its issuer");
    // Keep reading, so that the provider never writes into a closed pipe and dies of it.
    std::thread::spawn(move || lines.for_each(drop));
    Provider { child, issuer }
}

/// A person at the provider's own pages: fills any login form, confirms any other form.
struct FormWalker;

impl Browser for FormWalker {
    fn open(&self, url: &str) -> Result<(), Error> {
        let url = url.to_owned();
        tokio::spawn(async move {
            let agent = Agent::new().unwrap();
            let mut step = agent.open(&url).await.unwrap();
            for _ in 0..8 {
                let page = match step {
                    Step::Left(redirect) => {
                        agent.deliver(&redirect).await.unwrap();
                        return;
                    }
                    Step::Page(page) => page,
                };
                let forms = page.forms();
                let form = forms
                    .iter()
                    .find(|f| f.has_input("password"))
                    .or_else(|| forms.iter().find(|f| f.method == "post"))
                    .unwrap_or_else(|| panic!("no form on {}: {}", page.url, page.html))
                    .clone();
                let fill: &[(&str, &str)] = if form.has_input("password") {
                    &[("login", "third-party-person"), ("password", "any")]
                } else {
                    &[]
                };
                step = agent.submit(&page, &form, fill).await.unwrap();
            }
            panic!("the provider's pages did not end in a redirect");
        });
        Ok(())
    }
}

#[tokio::test]
async fn the_client_signs_in_to_a_certified_third_party_provider() {
    let provider = start_provider();
    let profile = PortalProfile {
        id: "third-party".to_owned(),
        issuer: Url::parse(&provider.issuer).unwrap(),
        client_id: "kabinet-desktop".to_owned(),
        scopes: "openid".to_owned(),
        api_base: Url::parse(&provider.issuer).unwrap(),
    };
    let http = kabinet_core::http_client().unwrap();
    let options = SignInOptions { timeout: Duration::from_secs(30), ..SignInOptions::default() };
    let now = || time::OffsetDateTime::now_utc().unix_timestamp();

    let signed_in =
        oidc::sign_in(&http, &profile, &FormWalker, &options, now, std::future::pending())
            .await
            .expect("the same sign-in code works with a provider that is not the sandbox");

    assert_eq!(signed_in.claims.sub, "third-party-person");
    assert_eq!(signed_in.claims.iss, provider.issuer, "the exact issuer");
    let id_token = signed_in.tokens.id_token.as_ref().unwrap().expose();
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256, "RS256, unlike the sandbox's ES256");
    assert!(signed_in.metadata.authorization_response_iss_parameter_supported, "RFC 9207 checked");
}
