//! The loopback redirect listener of RFC 8252 §7.3: bound to `127.0.0.1` on a port the OS
//! assigns, it accepts exactly one request to `/callback` whose `state` matches, answers with
//! a short page telling the person to return to Kabinet, and closes.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::Error;

/// The path the provider redirects to.
pub const CALLBACK_PATH: &str = "/callback";

/// What came back to the listener.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<String>,
    /// An error code from the provider.
    pub error: Option<String>,
    /// The provider's description of the error.
    pub error_description: Option<String>,
    /// The issuer of the response (RFC 9207).
    pub iss: Option<String>,
}

/// A bound listener waiting for the browser.
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

/// The language of the page the browser is left with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLanguage {
    /// Russian.
    Ru,
    /// English.
    En,
}

impl LoopbackListener {
    /// Binds `127.0.0.1` on a port the OS assigns.
    ///
    /// # Errors
    /// [`Error::SignInFailed`] when no port can be bound.
    pub async fn bind() -> Result<Self, Error> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|err| Error::SignInFailed(format!("cannot listen on loopback: {err}")))?;
        let port = listener
            .local_addr()
            .map_err(|err| Error::SignInFailed(format!("cannot listen on loopback: {err}")))?
            .port();
        Ok(Self { listener, port })
    }

    /// The redirect URI to register in the authorization request.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits for the one request whose `state` matches, until `timeout` or until `cancel`
    /// completes. Requests to other paths or with another `state` get an error page and are
    /// otherwise ignored. The listener is closed when this returns.
    ///
    /// # Errors
    /// [`Error::SignInTimedOut`] or [`Error::SignInCancelled`].
    pub async fn wait(
        self,
        state: &str,
        timeout: Duration,
        language: PageLanguage,
        cancel: impl Future<Output = ()>,
    ) -> Result<Callback, Error> {
        let accept_loop = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else { continue };
                if let Some(callback) = serve_one(stream, state, language).await {
                    return callback;
                }
            }
        };
        tokio::select! {
            callback = accept_loop => Ok(callback),
            () = tokio::time::sleep(timeout) => Err(Error::SignInTimedOut),
            () = cancel => Err(Error::SignInCancelled),
        }
    }
}

/// Reads one request; answers it; returns the callback if it was the awaited one.
async fn serve_one(mut stream: TcpStream, state: &str, language: PageLanguage) -> Option<Callback> {
    let head = match tokio::time::timeout(Duration::from_secs(5), read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => return None,
    };
    let target = head.lines().next()?.strip_prefix("GET ")?.split(' ').next()?.to_owned();
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    if path != CALLBACK_PATH {
        respond(&mut stream, 404, &page(language, Outcome::Unexpected)).await;
        return None;
    }

    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    if params.get("state").map(String::as_str) != Some(state) {
        tracing::warn!("a request reached the sign-in listener with a foreign state; ignored");
        respond(&mut stream, 400, &page(language, Outcome::Unexpected)).await;
        return None;
    }
    let callback = Callback {
        code: params.get("code").cloned(),
        error: params.get("error").cloned(),
        error_description: params.get("error_description").cloned(),
        iss: params.get("iss").cloned(),
    };
    let outcome = if callback.error.is_some() { Outcome::Refused } else { Outcome::Done };
    respond(&mut stream, 200, &page(language, outcome)).await;
    Some(callback)
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || buffer.len() > 16 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    String::from_utf8(buffer).ok()
}

async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Done,
    Refused,
    Unexpected,
}

fn page(language: PageLanguage, outcome: Outcome) -> String {
    let (lang, title, text) = match (language, outcome) {
        (PageLanguage::Ru, Outcome::Done) => {
            ("ru", "Вход выполнен", "Можно закрыть эту вкладку и вернуться в Kabinet.")
        }
        (PageLanguage::Ru, Outcome::Refused) => {
            ("ru", "Вход не выполнен", "Вернитесь в Kabinet: там сказано, что делать дальше.")
        }
        (PageLanguage::Ru, Outcome::Unexpected) => {
            ("ru", "Неожиданный запрос", "Kabinet не ждал этого запроса. Закройте вкладку.")
        }
        (PageLanguage::En, Outcome::Done) => {
            ("en", "Signed in", "You can close this tab and return to Kabinet.")
        }
        (PageLanguage::En, Outcome::Refused) => {
            ("en", "Not signed in", "Return to Kabinet; it says what to do next.")
        }
        (PageLanguage::En, Outcome::Unexpected) => {
            ("en", "Unexpected request", "Kabinet was not waiting for this request. Close the tab.")
        }
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title} — \
         Kabinet</title><style>body{{font-family:system-ui,sans-serif;margin:3rem;color:#1a1a1a}}\
         </style></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    )
}
