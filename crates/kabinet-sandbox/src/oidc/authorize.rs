//! The authorization endpoint and the sign-in pages behind it: login and password, then a
//! one-time or TOTP code, then consent, then the redirect back to the client with a code.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use kabinet_api::oauth::{ACCESS_TYPE_OFFLINE, scopes};
use rusqlite::params;

use super::flow::{self, FactorKind, Flow, Stage};
use crate::Portal;
use crate::accounts::{self, Account, Failure};
use crate::clients;
use crate::crypto::{constant_time_eq, random_digits, random_token, storage_hash};
use crate::pages::{self, Factor, Language, Notice};
use kabinet_api::totp;

type FormFields = HashMap<String, String>;

/// The authorization request's parameters. Repeated parameters are refused (RFC 6749 §3.1).
fn parse_query(raw: Option<&str>) -> Result<HashMap<String, String>, String> {
    let mut params = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(format!("the parameter {name} is repeated"));
        }
    }
    Ok(params)
}

fn is_pkce_challenge(value: &str) -> bool {
    value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /oauth/authorize`: checks the request and shows the login page.
pub async fn start(State(portal): State<Portal>, RawQuery(raw): RawQuery) -> Response {
    let params = match parse_query(raw.as_deref()) {
        Ok(params) => params,
        Err(_) => {
            return flow::error_page(
                StatusCode::BAD_REQUEST,
                Language::Ru,
                "Запрос на вход повторяет параметр.",
                "The sign-in request repeats a parameter.",
            );
        }
    };
    let lang = Language::from_ui_locales(params.get("ui_locales").map(String::as_str));
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());

    // Until client and redirect URI are known good, errors are shown here, never redirected:
    // redirecting to an unchecked URI would make the provider an open redirector.
    let Some(client) = param("client_id").and_then(clients::find) else {
        return flow::error_page(
            StatusCode::BAD_REQUEST,
            lang,
            "Приложение не зарегистрировано на портале.",
            "The application is not registered with the portal.",
        );
    };
    let Some(redirect_uri) = param("redirect_uri").filter(|uri| client.accepts_redirect(uri))
    else {
        return flow::error_page(
            StatusCode::BAD_REQUEST,
            lang,
            "Адрес возврата не совпадает с зарегистрированным.",
            "The redirect address does not match a registered one.",
        );
    };

    let state = param("state");
    let issuer = &portal.config().issuer;
    let fail = |error: &str, description: &str| {
        flow::redirect_to_client(
            redirect_uri,
            &[("error", error), ("error_description", description)],
            state,
            issuer,
        )
    };

    if param("response_type") != Some("code") {
        return fail("unsupported_response_type", "only the authorization code flow is supported");
    }
    let scope = param("scope").unwrap_or_default();
    let requested: Vec<&str> = scope.split_whitespace().collect();
    if !requested.contains(&scopes::OPENID) {
        return fail("invalid_scope", "the openid scope is required");
    }
    if let Some(unknown) = requested.iter().find(|s| !scopes::ALL.contains(s)) {
        return fail("invalid_scope", &format!("unknown scope {unknown}"));
    }
    match param("code_challenge_method") {
        Some("S256") => {}
        Some(_) => return fail("invalid_request", "code_challenge_method must be S256"),
        None => return fail("invalid_request", "PKCE with code_challenge_method=S256 is required"),
    }
    let Some(code_challenge) = param("code_challenge").filter(|c| is_pkce_challenge(c)) else {
        return fail("invalid_request", "code_challenge must be a base64url SHA-256");
    };
    if param("prompt").is_some_and(|prompt| prompt.split_whitespace().any(|p| p == "none")) {
        return fail("login_required", "the person must sign in");
    }

    let now = portal.now();
    let lifetime = portal.config().lifetimes.login_flow.as_secs();
    let scope = scopes::ALL.iter().filter(|s| requested.contains(s)).copied().collect::<Vec<_>>();
    let new = Flow {
        id: random_token(),
        browser_secret: random_token(),
        client_id: client.id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        scope: scope.join(" "),
        state: state.map(str::to_owned),
        nonce: param("nonce").map(str::to_owned),
        code_challenge: code_challenge.to_owned(),
        offline: param("access_type") == Some(ACCESS_TYPE_OFFLINE),
        language: lang,
        stage: Stage::Login,
        oid: None,
        factor: None,
        otp_hash: None,
        otp_expires_at: None,
        expires_at: now + lifetime as i64,
    };
    if let Err(err) = flow::insert(&portal.store().lock(), &new, now) {
        return internal(lang, &err);
    }
    tracing::info!(flow = %crate::tokens::short(&new.id), client = client.id, "sign-in started");

    let secure = portal.config().issuer.starts_with("https://");
    let mut response =
        flow::page(StatusCode::OK, pages::login(lang, &new.id, "", None), Some(redirect_uri));
    let cookie = flow::set_cookie(&new.id, &new.browser_secret, lifetime, secure);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

fn internal(lang: Language, err: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %err, "sign-in page failed");
    flow::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        "Внутренняя ошибка портала.",
        "The portal failed.",
    )
}

/// Loads the flow a form belongs to and checks that this browser owns it, that it has not
/// expired, and that it is at `stage`.
fn flow_for_form(
    portal: &Portal,
    headers: &HeaderMap,
    form: &FormFields,
    stages: &[Stage],
) -> Result<Flow, Box<Response>> {
    let expired = || {
        Box::new(flow::error_page(
            StatusCode::BAD_REQUEST,
            Language::Ru,
            "Сеанс входа истёк или недействителен.",
            "The sign-in session has expired or is not valid.",
        ))
    };
    let id = form.get("flow").ok_or_else(expired)?;
    let found =
        flow::load(&portal.store().lock(), id).map_err(|err| internal(Language::Ru, &err))?;
    let flow = found.ok_or_else(expired)?;
    if !flow::cookie_matches(headers, &flow) || flow.expires_at <= portal.now() {
        return Err(expired());
    }
    if !stages.contains(&flow.stage) {
        return Err(Box::new(flow::error_page(
            StatusCode::BAD_REQUEST,
            flow.language,
            "Этот шаг входа уже пройден.",
            "This sign-in step is already done.",
        )));
    }
    Ok(flow)
}

fn field<'a>(form: &'a FormFields, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or_default()
}

/// A hash that never matches, verified against when the login is unknown so that a wrong
/// login takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| crate::password::hash(&random_token()).unwrap_or_default())
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || crate::password::verify(&password, &hash))
        .await
        .unwrap_or(false)
}

fn minutes_left(until: i64, now: i64) -> i64 {
    ((until - now) + 59) / 60
}

/// `POST /oauth/authorize/login`: checks login and password, then asks for the second factor.
pub async fn submit_login(
    State(portal): State<Portal>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let flow = match flow_for_form(&portal, &headers, &form, &[Stage::Login]) {
        Ok(flow) => flow,
        Err(response) => return *response,
    };
    let (lang, login, password) =
        (flow.language, field(&form, "login").trim(), field(&form, "password"));
    let login_page = |status, notice| {
        flow::page(
            status,
            pages::login(lang, &flow.id, login, Some(notice)),
            Some(&flow.redirect_uri),
        )
    };
    if login.is_empty() || password.is_empty() {
        return login_page(StatusCode::BAD_REQUEST, Notice::MissingFields);
    }

    let found = accounts::find_by_login(&portal.store().lock(), login);
    let account = match found {
        Ok(Some(account)) => account,
        Ok(None) => {
            verify_password(password.to_owned(), decoy_hash().to_owned()).await;
            return login_page(StatusCode::BAD_REQUEST, Notice::WrongCredentials);
        }
        Err(err) => return internal(lang, &err),
    };

    // One attempt at a time per account: the count and the lock cannot be raced past.
    let lock = portal.sign_in_lock(account.oid);
    let _guard = lock.lock().await;
    let account = match accounts::by_oid(&portal.store().lock(), account.oid) {
        Ok(Some(account)) => account,
        Ok(None) => return login_page(StatusCode::BAD_REQUEST, Notice::WrongCredentials),
        Err(err) => return internal(lang, &err),
    };
    let now = portal.now();
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        let notice = Notice::Locked { minutes_left: minutes_left(until, now) };
        return login_page(StatusCode::FORBIDDEN, notice);
    }

    if !verify_password(password.to_owned(), account.password_hash.clone()).await {
        return match count_failure(&portal, account.oid) {
            Ok(Failure::Locked { until }) => login_page(
                StatusCode::FORBIDDEN,
                Notice::Locked { minutes_left: minutes_left(until, now) },
            ),
            Ok(Failure::Counted) => login_page(StatusCode::BAD_REQUEST, Notice::WrongCredentials),
            Err(err) => internal(lang, &err),
        };
    }

    match begin_second_factor(&portal, &flow, &account) {
        Ok(sent_to) => {
            // The stored flow now belongs to the account; this copy was read before it did.
            let flow = Flow { oid: Some(account.oid), ..flow };
            second_factor_page(&portal, &flow, sent_to.as_deref(), StatusCode::OK, None)
        }
        Err(err) => internal(lang, &err),
    }
}

fn count_failure(portal: &Portal, oid: i64) -> rusqlite::Result<Failure> {
    let now = portal.now();
    let lockout = &portal.config().lockout;
    let (failure, event) =
        portal.store().transaction(|tx| accounts::record_failure(tx, oid, now, lockout))?;
    if let Some(event) = event {
        tracing::warn!(oid, "account locked after failed sign-in attempts");
        portal.announce_events(event);
    }
    Ok(failure)
}

/// Sends a new one-time code for `flow` to the account's phone or email, through the outbox.
/// Returns the masked recipient.
fn send_code(
    portal: &Portal,
    flow_id: &str,
    account: &Account,
) -> rusqlite::Result<Option<String>> {
    let Some(recipient) = account.code_recipient() else { return Ok(None) };
    let code = random_digits(6);
    let now = portal.now();
    let expires_at = now + portal.config().lifetimes.one_time_code.as_secs() as i64;
    let body = format!("Код для входа на портал: {code}. Никому его не сообщайте.");

    portal.store().transaction(|tx| {
        flow::replace_code(tx, flow_id, &storage_hash(&code), expires_at)?;
        tx.execute(
            "INSERT INTO outbox (oid, recipient, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![account.oid, recipient, body, now],
        )?;
        Ok::<_, rusqlite::Error>(())
    })?;
    let masked = accounts::mask_recipient(recipient);
    // The sandbox prints codes on purpose: it has no real SMS or mail to deliver them.
    tracing::info!(oid = account.oid, to = %masked, code = %code, "sandbox outbox: one-time code");
    Ok(Some(masked))
}

fn begin_second_factor(
    portal: &Portal,
    flow: &Flow,
    account: &Account,
) -> rusqlite::Result<Option<String>> {
    if account.totp_secret.is_some() {
        flow::to_second_factor(
            &portal.store().lock(),
            &flow.id,
            account.oid,
            FactorKind::Totp,
            None,
        )?;
        return Ok(None);
    }
    flow::to_second_factor(
        &portal.store().lock(),
        &flow.id,
        account.oid,
        FactorKind::OneTimeCode,
        None,
    )?;
    send_code(portal, &flow.id, account)
}

fn second_factor_page(
    portal: &Portal,
    flow: &Flow,
    sent_to: Option<&str>,
    status: StatusCode,
    notice: Option<Notice>,
) -> Response {
    let outbox = demo_outbox(portal, flow);
    let factor = match sent_to {
        Some(sent_to) => Factor::OneTimeCode { sent_to, outbox: outbox.as_deref() },
        None => Factor::Totp,
    };
    flow::page(
        status,
        pages::second_factor(flow.language, &flow.id, factor, notice),
        Some(&flow.redirect_uri),
    )
}

/// In a demo portal, where the person can read the one-time code: the outbox of the flow's
/// account. A real portal sends an SMS and shows no such thing.
fn demo_outbox(portal: &Portal, flow: &Flow) -> Option<String> {
    if !portal.config().demo_hints {
        return None;
    }
    let account = accounts::by_oid(&portal.store().lock(), flow.oid?).ok().flatten()?;
    let login = account.code_recipient()?;
    let login: String = url::form_urlencoded::byte_serialize(login.as_bytes()).collect();
    Some(format!("{}?login={login}", kabinet_api::routes::DEV_OUTBOX))
}

fn masked_recipient(account: &Account, flow: &Flow) -> Option<String> {
    match flow.factor {
        Some(FactorKind::Totp) => None,
        _ => account.code_recipient().map(accounts::mask_recipient),
    }
}

/// `POST /oauth/authorize/code`: checks the one-time or TOTP code, then asks for consent.
pub async fn submit_code(
    State(portal): State<Portal>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let flow = match flow_for_form(&portal, &headers, &form, &[Stage::SecondFactor]) {
        Ok(flow) => flow,
        Err(response) => return *response,
    };
    let lang = flow.language;
    let Some(oid) = flow.oid else { return internal(lang, &"a second-factor flow has no account") };

    let lock = portal.sign_in_lock(oid);
    let _guard = lock.lock().await;
    let account = match accounts::by_oid(&portal.store().lock(), oid) {
        Ok(Some(account)) => account,
        Ok(None) => return internal(lang, &"the account of a flow disappeared"),
        Err(err) => return internal(lang, &err),
    };
    let sent_to = masked_recipient(&account, &flow);
    let reply = |status, notice| {
        second_factor_page(&portal, &flow, sent_to.as_deref(), status, Some(notice))
    };
    let now = portal.now();
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        return reply(
            StatusCode::FORBIDDEN,
            Notice::Locked { minutes_left: minutes_left(until, now) },
        );
    }

    let code = field(&form, "code").trim();
    let accepted = match flow.factor {
        Some(FactorKind::Totp) => {
            let secret = account.totp_secret.as_deref().unwrap_or_default();
            match totp::matching_step(secret, code, now, account.totp_last_step) {
                Some(step) => {
                    let stored = portal.store().lock().execute(
                        "UPDATE accounts SET totp_last_step = ?2 WHERE oid = ?1",
                        params![oid, step],
                    );
                    if let Err(err) = stored {
                        return internal(lang, &err);
                    }
                    true
                }
                None => false,
            }
        }
        _ => {
            if flow.otp_expires_at.is_none_or(|at| at <= now) {
                return reply(StatusCode::BAD_REQUEST, Notice::CodeExpired);
            }
            let expected = flow.otp_hash.as_deref().unwrap_or_default();
            !expected.is_empty() && constant_time_eq(&storage_hash(code), expected)
        }
    };
    if !accepted {
        return match count_failure(&portal, oid) {
            Ok(Failure::Locked { until }) => reply(
                StatusCode::FORBIDDEN,
                Notice::Locked { minutes_left: minutes_left(until, now) },
            ),
            Ok(Failure::Counted) => reply(StatusCode::BAD_REQUEST, Notice::WrongCode),
            Err(err) => internal(lang, &err),
        };
    }

    let done = portal.store().transaction(|tx| {
        accounts::record_success(tx, oid, now)?;
        flow::set_stage(tx, &flow.id, Stage::Consent)
    });
    if let Err(err) = done {
        return internal(lang, &err);
    }
    tracing::info!(oid, flow = %crate::tokens::short(&flow.id), "person authenticated");
    consent_page(&flow)
}

fn consent_page(flow: &Flow) -> Response {
    let client_name = clients::find(&flow.client_id).map_or("?", |client| client.name);
    flow::page(
        StatusCode::OK,
        pages::consent(flow.language, &flow.id, client_name, &flow.scope, flow.offline),
        Some(&flow.redirect_uri),
    )
}

/// `POST /oauth/authorize/resend`: sends a new one-time code, at most every 30 seconds.
pub async fn resend_code(
    State(portal): State<Portal>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let flow = match flow_for_form(&portal, &headers, &form, &[Stage::SecondFactor]) {
        Ok(flow) => flow,
        Err(response) => return *response,
    };
    let lang = flow.language;
    let account = match flow.oid.map(|oid| accounts::by_oid(&portal.store().lock(), oid)) {
        Some(Ok(Some(account))) => account,
        Some(Err(err)) => return internal(lang, &err),
        _ => return internal(lang, &"a second-factor flow has no account"),
    };
    if flow.factor != Some(FactorKind::OneTimeCode) {
        return second_factor_page(&portal, &flow, None, StatusCode::BAD_REQUEST, None);
    }

    let ttl = portal.config().lifetimes.one_time_code.as_secs() as i64;
    let sent_at = flow.otp_expires_at.map(|at| at - ttl);
    if sent_at.is_some_and(|sent| portal.now() < sent + 30) {
        let sent_to = masked_recipient(&account, &flow);
        return second_factor_page(
            &portal,
            &flow,
            sent_to.as_deref(),
            StatusCode::TOO_MANY_REQUESTS,
            Some(Notice::ResendTooSoon),
        );
    }
    match send_code(&portal, &flow.id, &account) {
        Ok(sent_to) => second_factor_page(
            &portal,
            &flow,
            sent_to.as_deref(),
            StatusCode::OK,
            Some(Notice::CodeResent),
        ),
        Err(err) => internal(lang, &err),
    }
}

/// `POST /oauth/authorize/consent`: issues an authorization code, or reports the refusal.
pub async fn submit_consent(
    State(portal): State<Portal>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let flow = match flow_for_form(&portal, &headers, &form, &[Stage::Consent]) {
        Ok(flow) => flow,
        Err(response) => return *response,
    };
    let issuer = portal.config().issuer.clone();
    let state = flow.state.as_deref();
    let Some(oid) = flow.oid else {
        return internal(flow.language, &"a consent flow has no account");
    };

    if field(&form, "decision") != "allow" {
        if let Err(err) = flow::set_stage(&portal.store().lock(), &flow.id, Stage::Done) {
            return internal(flow.language, &err);
        }
        let params = [("error", "access_denied"), ("error_description", "the person refused")];
        return flow::redirect_to_client(&flow.redirect_uri, &params, state, &issuer);
    }

    let code = random_token();
    let now = portal.now();
    let expires_at = now + portal.config().lifetimes.authorization_code.as_secs() as i64;
    let amr = match flow.factor {
        Some(FactorKind::Totp) => "pwd otp mfa",
        _ => "pwd sms mfa",
    };
    let stored = portal.store().transaction(|tx| {
        tx.execute(
            "INSERT INTO auth_codes (code_hash, oid, client_id, redirect_uri, scope, nonce,
                 code_challenge, offline, auth_time, amr, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                storage_hash(&code),
                oid,
                flow.client_id,
                flow.redirect_uri,
                flow.scope,
                flow.nonce,
                flow.code_challenge,
                flow.offline,
                now,
                amr,
                expires_at
            ],
        )?;
        flow::set_stage(tx, &flow.id, Stage::Done)
    });
    if let Err(err) = stored {
        return internal(flow.language, &err);
    }
    flow::redirect_to_client(&flow.redirect_uri, &[("code", &code)], state, &issuer)
}

/// `POST /oauth/authorize/language`: shows the current step in the other language.
pub async fn switch_language(
    State(portal): State<Portal>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let stages = [Stage::Login, Stage::SecondFactor, Stage::Consent];
    let mut flow = match flow_for_form(&portal, &headers, &form, &stages) {
        Ok(flow) => flow,
        Err(response) => return *response,
    };
    flow.language = Language::from_tag(field(&form, "lang"));
    if let Err(err) = flow::set_language(&portal.store().lock(), &flow.id, flow.language) {
        return internal(flow.language, &err);
    }

    match flow.stage {
        Stage::SecondFactor => {
            let account = flow
                .oid
                .and_then(|oid| accounts::by_oid(&portal.store().lock(), oid).ok().flatten());
            let sent_to = account.as_ref().and_then(|account| masked_recipient(account, &flow));
            second_factor_page(&portal, &flow, sent_to.as_deref(), StatusCode::OK, None)
        }
        Stage::Consent => consent_page(&flow),
        _ => flow::page(
            StatusCode::OK,
            pages::login(flow.language, &flow.id, "", None),
            Some(&flow.redirect_uri),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(parse_query(Some("a=1&b=2")).is_ok());
        assert!(parse_query(Some("a=1&a=2")).is_err(), "RFC 6749 forbids repeated parameters");
    }

    #[test]
    fn pkce_challenges_are_43_base64url_characters() {
        assert!(is_pkce_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        assert!(!is_pkce_challenge("short"));
        assert!(!is_pkce_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
    }
}
