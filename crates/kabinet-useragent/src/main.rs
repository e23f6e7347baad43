//! `kabinet-useragent URL`: signs in at URL through the portal's forms and delivers the
//! redirect to the client, as a person's browser would. Usable as `$BROWSER`.
//!
//! Credentials come from the environment: `KABINET_LOGIN`, `KABINET_PASSWORD`, and
//! optionally `KABINET_TOTP_SECRET` (the raw secret) for accounts with an authenticator app;
//! otherwise the one-time code is read from the sandbox's outbox. `KABINET_CONSENT=deny`
//! refuses consent.

use std::process::ExitCode;

use kabinet_api::SecretString;
use kabinet_useragent::{Agent, Consent, Credentials, SecondFactor};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: kabinet-useragent URL (with KABINET_LOGIN and KABINET_PASSWORD set)");
        return ExitCode::from(2);
    };
    let (Ok(login), Ok(password)) =
        (std::env::var("KABINET_LOGIN"), std::env::var("KABINET_PASSWORD"))
    else {
        eprintln!("kabinet-useragent: set KABINET_LOGIN and KABINET_PASSWORD");
        return ExitCode::from(2);
    };
    let second_factor = match std::env::var("KABINET_TOTP_SECRET") {
        Ok(secret) => SecondFactor::Totp(secret.into_bytes()),
        Err(_) => SecondFactor::Outbox,
    };
    let consent = match std::env::var("KABINET_CONSENT").as_deref() {
        Ok("deny") => Consent::Deny,
        _ => Consent::Allow,
    };
    let credentials = Credentials { login, password: SecretString::new(password), second_factor };

    let result = async {
        let agent = Agent::new()?;
        let redirect = agent.sign_in(&url, &credentials, consent).await?;
        agent.deliver(&redirect).await
    };
    match result.await {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kabinet-useragent: {err}");
            ExitCode::FAILURE
        }
    }
}
