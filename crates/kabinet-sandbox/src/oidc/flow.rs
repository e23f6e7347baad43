//! A sign-in in progress: its row in the store, the cookie that binds it to one browser, and
//! the responses the sign-in pages send.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, Row, params};
use url::Url;

use crate::crypto::constant_time_eq;
use crate::pages::{self, Language};

/// Where a sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for login and password.
    Login,
    /// Waiting for the one-time or TOTP code.
    SecondFactor,
    /// Waiting for consent.
    Consent,
    /// Finished; the flow cannot be used again.
    Done,
}

impl Stage {
    fn code(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::SecondFactor => "second_factor",
            Self::Consent => "consent",
            Self::Done => "done",
        }
    }

    fn from_code(code: &str) -> Self {
        match code {
            "login" => Self::Login,
            "second_factor" => Self::SecondFactor,
            "consent" => Self::Consent,
            _ => Self::Done,
        }
    }
}

/// The second factor of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorKind {
    /// A code sent to the outbox.
    OneTimeCode,
    /// A code from an authenticator app.
    Totp,
}

/// A sign-in in progress. Not `Debug`: it holds the browser secret and the code hash.
pub struct Flow {
    pub id: String,
    pub browser_secret: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub offline: bool,
    pub language: Language,
    pub stage: Stage,
    pub oid: Option<i64>,
    pub factor: Option<FactorKind>,
    pub otp_hash: Option<String>,
    pub otp_expires_at: Option<i64>,
    pub expires_at: i64,
}

const FLOW_COLUMNS: &str = "id, browser_secret, client_id, redirect_uri, scope, state, nonce,
    code_challenge, offline, language, stage, oid, factor, otp_hash, otp_expires_at, expires_at";

fn flow_from_row(row: &Row<'_>) -> rusqlite::Result<Flow> {
    let language: String = row.get(9)?;
    let stage: String = row.get(10)?;
    let factor: Option<String> = row.get(12)?;
    Ok(Flow {
        id: row.get(0)?,
        browser_secret: row.get(1)?,
        client_id: row.get(2)?,
        redirect_uri: row.get(3)?,
        scope: row.get(4)?,
        state: row.get(5)?,
        nonce: row.get(6)?,
        code_challenge: row.get(7)?,
        offline: row.get(8)?,
        language: Language::from_tag(&language),
        stage: Stage::from_code(&stage),
        oid: row.get(11)?,
        factor: factor
            .map(|f| if f == "totp" { FactorKind::Totp } else { FactorKind::OneTimeCode }),
        otp_hash: row.get(13)?,
        otp_expires_at: row.get(14)?,
        expires_at: row.get(15)?,
    })
}

/// Stores a new flow.
pub fn insert(conn: &Connection, flow: &Flow, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO login_flows (id, browser_secret, client_id, redirect_uri, scope, state,
             nonce, code_challenge, offline, language, stage, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            flow.id,
            flow.browser_secret,
            flow.client_id,
            flow.redirect_uri,
            flow.scope,
            flow.state,
            flow.nonce,
            flow.code_challenge,
            flow.offline,
            flow.language.tag(),
            flow.stage.code(),
            now,
            flow.expires_at
        ],
    )?;
    Ok(())
}

/// Reads a flow.
pub fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<Flow>> {
    conn.query_row(
        &format!("SELECT {FLOW_COLUMNS} FROM login_flows WHERE id = ?1"),
        [id],
        flow_from_row,
    )
    .optional()
}

/// Moves a flow to the second factor for `oid`.
pub fn to_second_factor(
    conn: &Connection,
    id: &str,
    oid: i64,
    factor: FactorKind,
    otp: Option<(&str, i64)>,
) -> rusqlite::Result<()> {
    let factor = match factor {
        FactorKind::OneTimeCode => "otp",
        FactorKind::Totp => "totp",
    };
    conn.execute(
        "UPDATE login_flows SET stage = 'second_factor', oid = ?2, factor = ?3, otp_hash = ?4,
             otp_expires_at = ?5 WHERE id = ?1",
        params![id, oid, factor, otp.map(|(hash, _)| hash), otp.map(|(_, exp)| exp)],
    )?;
    Ok(())
}

/// Replaces the one-time code of a flow.
pub fn replace_code(
    conn: &Connection,
    id: &str,
    hash: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE login_flows SET otp_hash = ?2, otp_expires_at = ?3 WHERE id = ?1",
        params![id, hash, expires_at],
    )?;
    Ok(())
}

/// Moves a flow to another stage; a code is cleared so it cannot be used twice.
pub fn set_stage(conn: &Connection, id: &str, stage: Stage) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE login_flows SET stage = ?2, otp_hash = NULL WHERE id = ?1",
        params![id, stage.code()],
    )?;
    Ok(())
}

/// Changes a flow's language.
pub fn set_language(conn: &Connection, id: &str, language: Language) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE login_flows SET language = ?2 WHERE id = ?1",
        params![id, language.tag()],
    )?;
    Ok(())
}

/// The name of the cookie that binds flow `id` to a browser.
pub fn cookie_name(id: &str) -> String {
    format!("kabinet_signin_{id}")
}

/// The `Set-Cookie` value for a new flow.
pub fn set_cookie(id: &str, secret: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{}={secret}; Path=/oauth/authorize; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        cookie_name(id)
    )
}

/// Whether the request carries the cookie of this flow.
pub fn cookie_matches(headers: &HeaderMap, flow: &Flow) -> bool {
    let wanted = cookie_name(&flow.id);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == wanted && constant_time_eq(value, &flow.browser_secret))
}

/// An HTML page with the headers every sign-in page carries. `form_target` is the origin the
/// consent form may redirect to.
pub fn page(status: StatusCode, html: String, form_target: Option<&str>) -> Response {
    let form_action = match form_target.and_then(|uri| Url::parse(uri).ok()) {
        Some(url) => format!("'self' {}", url.origin().ascii_serialization()),
        None => "'self'".to_owned(),
    };
    let csp = format!(
        "default-src 'none'; style-src 'self'; form-action {form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = (status, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The page that ends a sign-in that cannot go on.
pub fn error_page(status: StatusCode, lang: Language, ru: &str, en: &str) -> Response {
    page(status, pages::error(lang, ru, en), None)
}

/// A 303 redirect back to the client with the given parameters, plus `state` and `iss`
/// (RFC 9207).
pub fn redirect_to_client(
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
    issuer: &str,
) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", issuer);
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
