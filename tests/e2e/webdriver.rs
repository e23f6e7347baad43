//! A small W3C WebDriver client: just the commands the end-to-end run uses.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key W3C WebDriver uses for element references.
pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// An error from the driver, or a wait that ran out.
pub type Error = String;

/// One WebDriver session: one running app.
pub struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    /// Starts the app at `application` with `args` through tauri-driver at `driver`.
    pub async fn start(driver: &str, application: &str, args: &[&str]) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": { "tauri:options": { "application": application, "args": args } }
            }
        });
        let started = http
            .post(format!("{driver}/session"))
            .json(&capabilities)
            .send()
            .await
            .map_err(|e| format!("cannot reach tauri-driver: {e}"))?;
        let body: Value = started.json().await.map_err(|e| e.to_string())?;
        let id = body["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session: {body}"))?
            .to_owned();
        Ok(Self { http, base: format!("{driver}/session/{id}") })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value, Error> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url);
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| format!("{path}: {e}"))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| format!("{path}: {e}"))?;
        if !status.is_success() {
            return Err(format!("{path}: {status}: {}", body["value"]));
        }
        Ok(body["value"].clone())
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, Error> {
        self.call(reqwest::Method::POST, path, body).await
    }

    async fn get(&self, path: &str) -> Result<Value, Error> {
        self.call(reqwest::Method::GET, path, Value::Null).await
    }

    /// The elements matching a CSS selector, now.
    pub async fn find_all(&self, css: &str) -> Result<Vec<String>, Error> {
        let found =
            self.post("/elements", json!({ "using": "css selector", "value": css })).await?;
        Ok(found
            .as_array()
            .map(|list| {
                list.iter().filter_map(|e| e[ELEMENT].as_str().map(str::to_owned)).collect()
            })
            .unwrap_or_default())
    }

    /// Waits up to `limit` for an element matching `css`.
    pub async fn wait_for(&self, css: &str, limit: Duration) -> Result<String, Error> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(first) = self.find_all(css).await?.into_iter().next() {
                return Ok(first);
            }
            if Instant::now() > deadline {
                let text = self.page_text().await.unwrap_or_default();
                return Err(format!("no `{css}` within {limit:?}; the page says: {text}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks an element.
    ///
    /// An element that is still moving in (a dialog's opening animation) or covered by
    /// something on its way out is "not interactable" for a moment: as a person would, the
    /// click waits for it, bringing it into view, for a few seconds before it gives up.
    pub async fn click(&self, element: &str) -> Result<(), Error> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let clicked = self.post(&format!("/element/{element}/click"), json!({})).await;
            match clicked {
                Err(err) if err.contains("not interactable") && Instant::now() < deadline => {
                    let reference = json!({ ELEMENT: element });
                    let script = "arguments[0].scrollIntoView({block: 'center'});";
                    self.execute(script, json!([reference])).await?;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                other => return other.map(drop),
            }
        }
    }

    /// Types into an element.
    pub async fn type_text(&self, element: &str, text: &str) -> Result<(), Error> {
        self.post(&format!("/element/{element}/value"), json!({ "text": text })).await.map(drop)
    }

    /// An element's rendered text.
    pub async fn text(&self, element: &str) -> Result<String, Error> {
        let text = self.get(&format!("/element/{element}/text")).await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// An element's attribute.
    pub async fn attribute(&self, element: &str, name: &str) -> Result<Option<String>, Error> {
        let value = self.get(&format!("/element/{element}/attribute/{name}")).await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Runs a script in the page and returns its result.
    pub async fn execute(&self, script: &str, args: Value) -> Result<Value, Error> {
        self.post("/execute/sync", json!({ "script": script, "args": args })).await
    }

    /// Runs a script that calls its last argument with the result.
    pub async fn execute_async(&self, script: &str, args: Value) -> Result<Value, Error> {
        self.post("/execute/async", json!({ "script": script, "args": args })).await
    }

    /// The page's visible text, for error messages.
    pub async fn page_text(&self) -> Result<String, Error> {
        let text = self.execute("return document.body.innerText;", json!([])).await?;
        Ok(text.as_str().unwrap_or_default().replace('\n', " | "))
    }

    /// The current URL.
    pub async fn url(&self) -> Result<String, Error> {
        Ok(self.get("/url").await?.as_str().unwrap_or_default().to_owned())
    }

    /// A PNG of the window.
    pub async fn screenshot(&self) -> Result<Vec<u8>, Error> {
        use base64::Engine;

        let encoded = self.get("/screenshot").await?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())
    }

    /// Ends the session, which closes the app.
    pub async fn quit(self) -> Result<(), Error> {
        self.call(reqwest::Method::DELETE, "", Value::Null).await.map(drop)
    }
}
