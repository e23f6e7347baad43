//! A headless user agent that signs in through a portal's real sign-in pages.
//!
//! It does what a person in a browser does, over real HTTP: opens the authorization URL,
//! fills the login form, reads the one-time code from the sandbox's outbox (or computes a
//! TOTP code), confirms it, gives consent, and stops at the redirect that leaves the portal
//! for the client's loopback address. Tests use it to drive the sandbox's provider without any
//! shortcut into it, and the end-to-end run uses its binary as the system browser.
//!
//! It keeps cookies like a browser, follows redirects within the portal, and reads only what
//! it needs of HTML (see [`html`]). It has no dependency on the sandbox's code.

pub mod html;

use kabinet_api::SecretString;
use kabinet_api::routes;
use reqwest::header::LOCATION;
use url::Url;

pub use html::{Form, Input};

/// How the agent gets the second factor.
pub enum SecondFactor {
    /// Reads the newest one-time code from the sandbox's loopback outbox.
    Outbox,
    /// Computes a TOTP code from this secret.
    Totp(Vec<u8>),
    /// Types this code.
    Fixed(String),
}

/// What the agent signs in with.
pub struct Credentials {
    /// Email, phone or SNILS.
    pub login: String,
    /// The password.
    pub password: SecretString,
    /// The second factor.
    pub second_factor: SecondFactor,
}

/// The answer on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// Something the agent could not do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The HTTP request failed.
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// A URL could not be parsed or joined.
    #[error("bad URL: {0}")]
    Url(#[from] url::ParseError),
    /// The page was not the one expected at this step.
    #[error("expected {expected} but got HTTP {status}{}", describe_alert(alert.as_deref()))]
    Unexpected {
        /// What the agent looked for.
        expected: &'static str,
        /// The page's status.
        status: u16,
        /// The page's alert, if it showed one.
        alert: Option<String>,
    },
    /// The outbox held no code for this login.
    #[error("the outbox has no one-time code for this login")]
    NoCode,
}

fn describe_alert(alert: Option<&str>) -> String {
    alert.map(|alert| format!(": {alert}")).unwrap_or_default()
}

/// A page of the portal.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it was loaded from.
    pub url: Url,
    /// Its HTTP status.
    pub status: u16,
    /// Its HTML.
    pub html: String,
}

impl Page {
    /// The page's forms.
    pub fn forms(&self) -> Vec<Form> {
        html::forms(&self.html)
    }

    /// The first form that has an input with this name.
    pub fn form_with(&self, input: &str) -> Option<Form> {
        self.forms().into_iter().find(|form| form.has_input(input))
    }

    /// The text of the page's alert, if any.
    pub fn alert(&self) -> Option<String> {
        html::alert(&self.html)
    }

    fn expecting(&self, expected: &'static str) -> Error {
        Error::Unexpected { expected, status: self.status, alert: self.alert() }
    }
}

/// Where a request led.
#[derive(Debug, Clone)]
pub enum Step {
    /// A page of the portal.
    Page(Page),
    /// A redirect that leaves the portal (back to the client).
    Left(Url),
}

impl Step {
    /// The page, or an error naming what was expected.
    ///
    /// # Errors
    /// [`Error::Unexpected`] when the step left the portal.
    pub fn into_page(self, expected: &'static str) -> Result<Page, Error> {
        match self {
            Self::Page(page) => Ok(page),
            Self::Left(_) => Err(Error::Unexpected { expected, status: 303, alert: None }),
        }
    }
}

/// The user agent: an HTTP client with a cookie jar that does not follow redirects by itself.
pub struct Agent {
    http: reqwest::Client,
}

impl Agent {
    /// A new agent with an empty cookie jar.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new() -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kabinet-useragent/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http })
    }

    async fn follow(&self, mut response: reqwest::Response) -> Result<Step, Error> {
        for _ in 0..10 {
            if !response.status().is_redirection() {
                let url = response.url().clone();
                let status = response.status().as_u16();
                return Ok(Step::Page(Page { url, status, html: response.text().await? }));
            }
            let here = response.url().clone();
            let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok());
            let Some(location) = location else {
                return Err(Error::Unexpected { expected: "a Location", status: 302, alert: None });
            };
            let target = here.join(location)?;
            if target.origin() != here.origin() {
                return Ok(Step::Left(target));
            }
            response = self.http.get(target).send().await?;
        }
        Err(Error::Unexpected { expected: "fewer redirects", status: 310, alert: None })
    }

    /// Opens a URL.
    ///
    /// # Errors
    /// When the request fails.
    pub async fn open(&self, url: &str) -> Result<Step, Error> {
        let response = self.http.get(url).send().await?;
        self.follow(response).await
    }

    /// Submits `form` of `page`: its inputs with their values, overridden and extended by
    /// `fill` (which also names the button pressed, if any).
    ///
    /// # Errors
    /// When the request fails.
    pub async fn submit(
        &self,
        page: &Page,
        form: &Form,
        fill: &[(&str, &str)],
    ) -> Result<Step, Error> {
        let mut fields: Vec<(String, String)> =
            form.inputs.iter().map(|input| (input.name.clone(), input.value.clone())).collect();
        for (name, value) in fill {
            match fields.iter_mut().find(|(n, _)| n == name) {
                Some(field) => field.1 = (*value).to_owned(),
                None => fields.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        let action = page.url.join(&form.action)?;
        let response = if form.method == "post" {
            self.http.post(action).form(&fields).send().await?
        } else {
            self.http.get(action).query(&fields).send().await?
        };
        self.follow(response).await
    }

    /// Reads the newest one-time code for `login` from the outbox of the portal at `base`.
    ///
    /// # Errors
    /// When the request fails or there is no code.
    pub async fn outbox_code(&self, base: &Url, login: &str) -> Result<String, Error> {
        #[derive(serde::Deserialize)]
        struct Message {
            code: Option<String>,
        }
        let url = base.join(routes::DEV_OUTBOX)?;
        let messages: Vec<Message> = self
            .http
            .get(url)
            .query(&[("login", login)])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        messages.into_iter().find_map(|m| m.code).ok_or(Error::NoCode)
    }

    /// Signs in from the authorization URL to the redirect back to the client, and returns
    /// that redirect's URL (with `code`, `state` and `iss`, or with `error`).
    ///
    /// # Errors
    /// When a step fails or a page is not the one expected; the error carries the page's alert.
    pub async fn sign_in(
        &self,
        authorize_url: &str,
        credentials: &Credentials,
        consent: Consent,
    ) -> Result<Url, Error> {
        let page = match self.open(authorize_url).await? {
            Step::Page(page) => page,
            Step::Left(url) => return Ok(url),
        };
        let form = page.form_with("password").ok_or_else(|| page.expecting("the login form"))?;
        let fill =
            [("login", credentials.login.as_str()), ("password", credentials.password.expose())];
        let page = self.submit(&page, &form, &fill).await?.into_page("the code page")?;

        let form = page.form_with("code").ok_or_else(|| page.expecting("the code form"))?;
        let code = match &credentials.second_factor {
            SecondFactor::Outbox => self.outbox_code(&page.url, &credentials.login).await?,
            SecondFactor::Totp(secret) => kabinet_api::totp::code_at(secret, unix_now()),
            SecondFactor::Fixed(code) => code.clone(),
        };
        let page =
            self.submit(&page, &form, &[("code", &code)]).await?.into_page("the consent page")?;

        let form = page
            .forms()
            .into_iter()
            .find(|form| form.buttons.iter().any(|(name, _)| name == "decision"))
            .ok_or_else(|| page.expecting("the consent form"))?;
        let decision = match consent {
            Consent::Allow => "allow",
            Consent::Deny => "deny",
        };
        match self.submit(&page, &form, &[("decision", decision)]).await? {
            Step::Left(url) => Ok(url),
            Step::Page(page) => Err(page.expecting("the redirect back to the client")),
        }
    }

    /// Delivers the final redirect to the client, as a browser would by loading it, and
    /// returns the page the client answered with.
    ///
    /// # Errors
    /// When the request fails.
    pub async fn deliver(&self, redirect: &Url) -> Result<String, Error> {
        Ok(self.http.get(redirect.clone()).send().await?.text().await?)
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
