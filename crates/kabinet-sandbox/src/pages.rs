//! The sign-in pages: server-rendered HTML in Russian or English, built to be usable by
//! keyboard and screen reader (labels tied to fields, errors announced and linked to their
//! field, visible focus, sufficient contrast) and to run no script.

use std::fmt::Write as _;

use kabinet_api::oauth::scopes;
use kabinet_api::routes;

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Русский, the default.
    Ru,
    /// English.
    En,
}

impl Language {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Parses a tag; anything but English is Russian.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("en") { Self::En } else { Self::Ru }
    }

    /// The first supported language in an OpenID Connect `ui_locales` list.
    pub fn from_ui_locales(list: Option<&str>) -> Self {
        list.and_then(|list| {
            list.split_whitespace().find_map(|tag| {
                let tag = tag.to_ascii_lowercase();
                if tag.starts_with("en") {
                    Some(Self::En)
                } else if tag.starts_with("ru") {
                    Some(Self::Ru)
                } else {
                    None
                }
            })
        })
        .unwrap_or(Self::Ru)
    }

    /// The first supported language in an HTTP `Accept-Language` header, in the listed order
    /// (browsers list them by preference).
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let tags: Option<String> = header.map(|header| {
            header
                .split(',')
                .map(|item| item.split(';').next().unwrap_or_default().trim())
                .collect::<Vec<_>>()
                .join(" ")
        });
        Self::from_ui_locales(tags.as_deref())
    }

    fn other(self) -> Self {
        match self {
            Self::Ru => Self::En,
            Self::En => Self::Ru,
        }
    }

    fn pick(self, ru: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Ru => ru,
            Self::En => en,
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The stylesheet of every page. Colours meet WCAG 2.1 AA contrast on white.
pub const STYLE: &str = "\
:root{font-family:system-ui,sans-serif;color:#1a1a1a;background:#f3f5f8;line-height:1.4}
body{margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem 2rem;border-radius:8px;
box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.5rem;margin-top:0}
input,button{font:inherit}
label{display:block;font-weight:600;margin-top:1rem}
.hint{color:#4a4f57;font-size:.9rem;margin:.25rem 0 .4rem}
input{display:block;width:100%;box-sizing:border-box;padding:.6rem;
border:2px solid #5a6270;border-radius:4px}
input[aria-invalid=true]{border-color:#b00020}
button{padding:.6rem 1.2rem;margin-top:1.25rem;margin-right:.5rem;
border-radius:4px;border:2px solid #0d4cd3;background:#0d4cd3;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0d4cd3}
button.link{border:none;background:none;color:#0d4cd3;text-decoration:underline;padding:0;
margin:0}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.error{color:#b00020;font-weight:600}
ul.scopes{padding-left:1.25rem}
.top{display:flex;justify-content:space-between;align-items:baseline;margin-bottom:1rem}
.top p,.top form{margin:0}
.demo{margin-top:1.5rem;padding:.75rem 1rem;border-left:4px solid #0d4cd3;background:#eef3fd}
.demo p{margin:0}
a{color:#0d4cd3}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #c9ced6;vertical-align:top}
.code{font-family:ui-monospace,monospace;font-size:1.25rem;font-weight:600}
";

/// A message in the outbox page: who it went to, its text, its code, and when.
pub struct OutboxEntry<'a> {
    /// The recipient, as the message was addressed.
    pub recipient: &'a str,
    /// The message's text.
    pub body: &'a str,
    /// The six-digit code in it.
    pub code: Option<&'a str>,
    /// When it was sent, already formatted.
    pub sent_at: String,
}

/// The demo outbox as a page a person reads: the newest message first.
pub fn outbox(lang: Language, entries: &[OutboxEntry<'_>]) -> String {
    let rows: String = entries
        .iter()
        .map(|entry| {
            format!(
                concat!(
                    r#"<tr><td class="code">{code}</td>"#,
                    r#"<td>{body}<br><small>{to} · {at}</small></td></tr>"#
                ),
                code = escape(entry.code.unwrap_or("—")),
                body = escape(entry.body),
                to = escape(entry.recipient),
                at = escape(&entry.sent_at),
            )
        })
        .collect();
    let table = if entries.is_empty() {
        format!("<p>{}</p>", lang.pick("Сообщений нет.", "No messages."))
    } else {
        format!(
            r#"<table><thead><tr><th scope="col">{code}</th><th scope="col">{message}</th></tr>
</thead><tbody>{rows}</tbody></table>"#,
            code = lang.pick("Код", "Code"),
            message = lang.pick("Сообщение", "Message"),
        )
    };
    let title = lang.pick("Исходящие сообщения", "Outbox");
    let body = format!(
        "<h1>{title}</h1>\n<p class=\"hint\">{hint}</p>\n{table}",
        hint = lang.pick(
            "Демо-портал не отправляет SMS и письма: они попадают сюда. Новые сверху.",
            "The demo portal sends no SMS or mail: messages land here. Newest first.",
        ),
    );
    layout(lang, title, None, &body)
}

/// A message shown above a form, announced to screen readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Wrong login or password.
    WrongCredentials,
    /// The account is locked until the given Unix time (shown as minutes left).
    Locked {
        /// Minutes until sign-in is possible again.
        minutes_left: i64,
    },
    /// Wrong one-time or TOTP code.
    WrongCode,
    /// The one-time code expired.
    CodeExpired,
    /// A new code was sent.
    CodeResent,
    /// A new code was asked for too soon.
    ResendTooSoon,
    /// The form was incomplete.
    MissingFields,
}

impl Notice {
    fn text(self, lang: Language) -> String {
        match self {
            Self::WrongCredentials => {
                lang.pick("Неверный логин или пароль.", "Wrong login or password.").to_owned()
            }
            Self::Locked { minutes_left } => match lang {
                Language::Ru => format!(
                    "Слишком много неудачных попыток. Вход заблокирован, \
                     попробуйте через {minutes_left} мин."
                ),
                Language::En => format!(
                    "Too many failed attempts. Sign-in is locked; try again in {minutes_left} min."
                ),
            },
            Self::WrongCode => lang.pick("Неверный код.", "Wrong code.").to_owned(),
            Self::CodeExpired => lang
                .pick(
                    "Срок действия кода истёк. Запросите новый код.",
                    "The code has expired. Ask for a new one.",
                )
                .to_owned(),
            Self::CodeResent => {
                lang.pick("Новый код отправлен.", "A new code was sent.").to_owned()
            }
            Self::ResendTooSoon => lang
                .pick(
                    "Новый код можно запросить через 30 секунд.",
                    "You can ask for a new code after 30 seconds.",
                )
                .to_owned(),
            Self::MissingFields => {
                lang.pick("Заполните все поля.", "Fill in every field.").to_owned()
            }
        }
    }

    fn is_error(self) -> bool {
        !matches!(self, Self::CodeResent)
    }
}

fn layout(lang: Language, title: &str, flow: Option<&str>, body: &str) -> String {
    let switch = flow.map_or_else(String::new, |flow| {
        let other = lang.other();
        format!(
            r#"<form method="post" action="{action}">
<input type="hidden" name="flow" value="{flow}"><input type="hidden" name="lang" value="{tag}">
<button type="submit" class="link" lang="{tag}">{label}</button></form>"#,
            action = routes::AUTHORIZE_LANGUAGE,
            flow = escape(flow),
            tag = other.tag(),
            label = other.pick("Русский", "English"),
        )
    });
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {portal}</title><link rel="stylesheet" href="{style}"></head>
<body><main>
<div class="top"><p>{portal}</p>{switch}</div>
{body}
</main></body></html>"#,
        lang = lang.tag(),
        title = escape(title),
        portal = lang.pick("Портал госуслуг (песочница)", "Public services portal (sandbox)"),
        style = routes::SIGN_IN_STYLE,
    )
}

fn notice_html(lang: Language, notice: Option<Notice>) -> String {
    match notice {
        Some(notice) if notice.is_error() => format!(
            r#"<p id="form-error" class="error" role="alert">{}</p>"#,
            escape(&notice.text(lang))
        ),
        Some(notice) => format!(r#"<p role="status">{}</p>"#, escape(&notice.text(lang))),
        None => String::new(),
    }
}

/// The first page: login and password.
pub fn login(lang: Language, flow: &str, login: &str, notice: Option<Notice>) -> String {
    let invalid = notice.is_some_and(Notice::is_error);
    let (login_aria, password_aria) = if invalid {
        (
            r#" aria-invalid="true" aria-describedby="form-error login-hint""#,
            r#" aria-invalid="true" aria-describedby="form-error""#,
        )
    } else {
        (r#" aria-describedby="login-hint""#, "")
    };
    let body = format!(
        r#"<h1>{heading}</h1>
{notice}
<form method="post" action="{action}" novalidate>
<input type="hidden" name="flow" value="{flow}">
<label for="login">{login_label}</label>
<p class="hint" id="login-hint">{login_hint}</p>
<input id="login" name="login" type="text" autocomplete="username" required autofocus
 value="{login}"{login_aria}>
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required
{password_aria}>
<button type="submit">{submit}</button>
</form>"#,
        heading = lang.pick("Вход", "Sign in"),
        notice = notice_html(lang, notice),
        action = routes::AUTHORIZE_LOGIN,
        flow = escape(flow),
        login_label = lang.pick("Телефон, почта или СНИЛС", "Phone, email or SNILS"),
        login_hint = lang.pick(
            "Телефон в формате +7XXXXXXXXXX, СНИЛС — 11 цифр",
            "Phone as +7XXXXXXXXXX, SNILS as 11 digits"
        ),
        login = escape(login),
        password_label = lang.pick("Пароль", "Password"),
        submit = lang.pick("Войти", "Sign in"),
    );
    layout(lang, lang.pick("Вход", "Sign in"), Some(flow), &body)
}

/// How the second factor is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor<'a> {
    /// A one-time code sent to a masked recipient.
    OneTimeCode {
        /// The masked phone or email.
        sent_to: &'a str,
        /// In a demo portal, the address of the outbox that holds the code.
        outbox: Option<&'a str>,
    },
    /// A code from the person's authenticator app.
    Totp,
}

/// The second page: the six-digit code.
pub fn second_factor(
    lang: Language,
    flow: &str,
    factor: Factor<'_>,
    notice: Option<Notice>,
) -> String {
    let invalid = notice.is_some_and(Notice::is_error);
    let aria = if invalid {
        r#" aria-invalid="true" aria-describedby="form-error code-hint""#
    } else {
        r#" aria-describedby="code-hint""#
    };
    let demo = match &factor {
        Factor::OneTimeCode { outbox: Some(outbox), .. } => format!(
            concat!(
                r#"<div class="demo" role="note">"#,
                r#"<p>{text} <a href="{href}" target="_blank">{link}</a></p></div>"#
            ),
            text = lang.pick(
                "Это демо-портал: SMS не отправляются, код лежит в исходящих сообщениях.",
                "This is a demo portal: no SMS is sent, the code is in its outbox.",
            ),
            href = escape(outbox),
            link = lang.pick("Открыть исходящие", "Open the outbox"),
        ),
        _ => String::new(),
    };
    let hint = match factor {
        Factor::OneTimeCode { sent_to, .. } => match lang {
            Language::Ru => {
                format!("Мы отправили шестизначный код на {sent_to}. Он действует 5 минут.")
            }
            Language::En => {
                format!("We sent a six-digit code to {sent_to}. It is valid for 5 minutes.")
            }
        },
        Factor::Totp => lang
            .pick(
                "Введите шестизначный код из приложения-аутентификатора.",
                "Enter the six-digit code from your authenticator app.",
            )
            .to_owned(),
    };
    let resend = match factor {
        Factor::OneTimeCode { .. } => format!(
            r#"<form method="post" action="{action}">
<input type="hidden" name="flow" value="{flow}">
<button type="submit" class="secondary">{label}</button></form>"#,
            action = routes::AUTHORIZE_RESEND,
            flow = escape(flow),
            label = lang.pick("Отправить код ещё раз", "Send the code again"),
        ),
        Factor::Totp => String::new(),
    };
    let body = format!(
        r#"<h1>{heading}</h1>
{notice}
<form method="post" action="{action}" novalidate>
<input type="hidden" name="flow" value="{flow}">
<label for="code">{label}</label>
<p class="hint" id="code-hint">{hint}</p>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{{6}}" maxlength="6"
 autocomplete="one-time-code" required autofocus{aria}>
<button type="submit">{submit}</button>
</form>
{resend}
{demo}"#,
        heading = lang.pick("Подтверждение входа", "Confirm sign-in"),
        notice = notice_html(lang, notice),
        action = routes::AUTHORIZE_CODE,
        flow = escape(flow),
        label = lang.pick("Код подтверждения", "Confirmation code"),
        hint = escape(&hint),
        submit = lang.pick("Подтвердить", "Confirm"),
    );
    layout(lang, lang.pick("Подтверждение входа", "Confirm sign-in"), Some(flow), &body)
}

fn scope_label(lang: Language, scope: &str) -> &'static str {
    match scope {
        scopes::OPENID => lang.pick("Идентификатор учётной записи", "Your account id"),
        scopes::FULLNAME => lang.pick("Фамилия, имя, отчество", "Full name"),
        scopes::BIRTHDATE => lang.pick("Дата рождения", "Date of birth"),
        scopes::SNILS => lang.pick("СНИЛС", "SNILS (insurance number)"),
        scopes::INN => lang.pick("ИНН", "INN (taxpayer number)"),
        scopes::CONTACTS => lang.pick("Телефон и электронная почта", "Phone and email"),
        scopes::ID_DOC => lang.pick("Паспорт гражданина РФ", "Internal passport"),
        _ => lang.pick("Другие данные", "Other data"),
    }
}

/// The third page: consent to share the requested data with the application.
pub fn consent(
    lang: Language,
    flow: &str,
    client_name: &str,
    scope: &str,
    offline: bool,
) -> String {
    let mut items = String::new();
    for requested in scope.split_whitespace() {
        let _ = writeln!(items, "<li>{}</li>", escape(scope_label(lang, requested)));
    }
    let offline_note = if offline {
        format!(
            "<p>{}</p>",
            lang.pick(
                "Приложение сможет обращаться к данным, пока вы не выйдете из него.",
                "The application keeps access until you sign out of it."
            )
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"<h1>{heading}</h1>
<p id="consent-what">{intro}</p>
<ul class="scopes" aria-labelledby="consent-what">
{items}</ul>
{offline_note}
<form method="post" action="{action}">
<input type="hidden" name="flow" value="{flow}">
<button type="submit" name="decision" value="allow">{allow}</button>
<button type="submit" name="decision" value="deny" class="secondary">{deny}</button>
</form>"#,
        heading = lang.pick("Предоставление прав доступа", "Grant access"),
        intro = escape(&match lang {
            Language::Ru => format!("Приложение «{client_name}» запрашивает доступ к данным:"),
            Language::En => format!("The application “{client_name}” asks to see:"),
        }),
        action = routes::AUTHORIZE_CONSENT,
        flow = escape(flow),
        allow = lang.pick("Предоставить", "Allow"),
        deny = lang.pick("Отказать", "Deny"),
    );
    layout(lang, lang.pick("Предоставление прав доступа", "Grant access"), Some(flow), &body)
}

/// A page that ends the sign-in: the request was invalid or the sign-in expired.
pub fn error(lang: Language, message_ru: &str, message_en: &str) -> String {
    let body = format!(
        r#"<h1>{heading}</h1><p role="alert">{message}</p><p>{next}</p>"#,
        heading = lang.pick("Не удалось войти", "Sign-in failed"),
        message = escape(match lang {
            Language::Ru => message_ru,
            Language::En => message_en,
        }),
        next = lang.pick(
            "Вернитесь в приложение и начните вход заново.",
            "Return to the application and start signing in again."
        ),
    );
    layout(lang, lang.pick("Ошибка входа", "Sign-in error"), None, &body)
}

/// The page shown after signing out when there is nowhere to return to.
pub fn signed_out(lang: Language) -> String {
    let body = format!(
        "<h1>{}</h1><p>{}</p>",
        lang.pick("Вы вышли", "You are signed out"),
        lang.pick(
            "Сеанс завершён. Окно можно закрыть.",
            "The session has ended. You can close this window."
        ),
    );
    layout(lang, lang.pick("Выход", "Signed out"), None, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(escape(r#"<script>"x" & 'y'"#), "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;");
    }

    #[test]
    fn login_page_labels_every_field_and_links_errors() {
        let page = login(Language::Ru, "f1", "\"><script>", Some(Notice::WrongCredentials));

        assert!(page.contains(r#"<html lang="ru">"#), "the page declares its language");
        assert!(page.contains(r#"<label for="login">"#) && page.contains(r#"id="login""#));
        assert!(page.contains(r#"<label for="password">"#) && page.contains(r#"id="password""#));
        assert!(page.contains(r#"role="alert""#), "errors are announced");
        assert!(
            page.contains(r#"aria-describedby="form-error login-hint""#),
            "the error and the hint both describe the login field"
        );
        assert_eq!(
            page.matches("aria-describedby").count(),
            2,
            "one aria-describedby per field; a repeated attribute would be dropped"
        );
        assert!(!page.contains("<script>"), "the echoed login is escaped");
    }

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        let pick = |header| Language::from_accept_language(Some(header));
        assert_eq!(pick("en-GB,en;q=0.9,ru;q=0.8"), Language::En, "English listed first");
        assert_eq!(pick("de-DE, ru;q=0.7, en;q=0.5"), Language::Ru, "German is skipped");
        assert_eq!(Language::from_accept_language(None), Language::Ru, "Russian by default");
    }

    #[test]
    fn demo_code_page_links_the_outbox_and_real_ones_do_not() {
        let outbox = Some("/dev/outbox?login=%2B79990000001");
        let demo = second_factor(
            Language::Ru,
            "flow",
            Factor::OneTimeCode { sent_to: "+7•••01", outbox },
            None,
        );
        assert!(demo.contains(r#"href="/dev/outbox?login=%2B79990000001""#), "{demo}");
        let real = second_factor(
            Language::Ru,
            "flow",
            Factor::OneTimeCode { sent_to: "+7•••01", outbox: None },
            None,
        );
        assert!(!real.contains("/dev/outbox"), "a real portal does not point at its outbox");
    }

    #[test]
    fn outbox_page_escapes_messages_and_shows_codes() {
        let entries = [OutboxEntry {
            recipient: "+79990000001",
            body: "<b>Код</b> 123456",
            code: Some("123456"),
            sent_at: "2026-12-04T10:00:00Z".to_owned(),
        }];
        let page = outbox(Language::En, &entries);
        assert!(page.contains(r#"<td class="code">123456</td>"#), "{page}");
        assert!(page.contains("&lt;b&gt;"), "message text is escaped: {page}");
        assert!(outbox(Language::Ru, &[]).contains("Сообщений нет."));
    }

    #[test]
    fn ui_locales_pick_the_first_supported_language() {
        assert_eq!(Language::from_ui_locales(Some("de en-GB ru")), Language::En);
        assert_eq!(Language::from_ui_locales(Some("fr")), Language::Ru);
        assert_eq!(Language::from_ui_locales(None), Language::Ru);
    }
}
