//! What the CLI prints: text in Russian or English, or JSON with `--json`. Errors are one
//! line on standard error.

use kabinet_api::{Application, ApplicationSummary, Profile};
use kabinet_core::poller::{Language, Notification, status_label};
use kabinet_core::{Error, ErrorCode, PortalProfile};
use serde_json::json;

/// The fixed phrases.
#[derive(Debug, Clone, Copy)]
pub enum Text {
    /// No keychain on this machine.
    NoKeychain,
}

/// Prints results in the chosen form and language.
#[derive(Debug, Clone)]
pub struct Output {
    json: bool,
    language: Language,
}

fn pick(language: Language, ru: &'static str, en: &'static str) -> &'static str {
    match language {
        Language::Ru => ru,
        Language::En => en,
    }
}

fn date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// The process exit code for an error: 3 when a sign-in is needed, 4 when the portal cannot
/// be reached, 1 otherwise (2 is clap's, for usage errors).
pub fn exit_code(err: &Error) -> u8 {
    match err.code() {
        ErrorCode::SignedOut | ErrorCode::SessionLocked => 3,
        ErrorCode::Offline => 4,
        _ => 1,
    }
}

impl Output {
    /// Text or JSON, in a language.
    pub fn new(json: bool, language: Language) -> Self {
        Self { json, language }
    }

    /// The language of messages.
    pub fn language(&self) -> Language {
        self.language
    }

    /// A fixed phrase.
    pub fn text(&self, text: Text) -> &'static str {
        match text {
            Text::NoKeychain => pick(
                self.language,
                "Хранилище паролей системы недоступно, \
                 сеанс сохранится только до выхода из программы",
                "The system keychain is unavailable; \
                 the session lasts only until the program exits",
            ),
        }
    }

    fn print_json(value: &serde_json::Value) {
        println!("{value}");
    }

    /// A warning on standard error.
    pub fn warn(&self, message: &str) {
        eprintln!("kabinet-cli: {message}");
    }

    /// After a sign-in.
    pub fn signed_in(&self, subject: &str) {
        if self.json {
            return Self::print_json(&json!({ "signed_in": true, "subject": subject }));
        }
        println!("{}", pick(self.language, "Вход выполнен.", "Signed in."));
    }

    /// After a sign-out.
    pub fn signed_out(&self) {
        if self.json {
            return Self::print_json(&json!({ "signed_in": false }));
        }
        println!("{}", pick(self.language, "Вы вышли.", "Signed out."));
    }

    fn cached_note(&self, at: Option<i64>) {
        if let Some(at) = at {
            eprintln!(
                "kabinet-cli: {} {}",
                pick(
                    self.language,
                    "портал недоступен; данные на",
                    "the portal is unreachable; data as of"
                ),
                date(at)
            );
        }
    }

    /// The (masked) profile.
    pub fn profile(&self, profile: &Profile, cached_at: Option<i64>) {
        self.cached_note(cached_at);
        if self.json {
            return Self::print_json(&json!({ "profile": profile, "cached_at": cached_at }));
        }
        if let Some(name) = &profile.full_name {
            let middle = name.middle_name.as_deref().unwrap_or_default();
            println!("{} {} {}", name.last_name, name.first_name, middle);
        }
        println!("oid {}", profile.oid);
        if let Some(snils) = &profile.snils {
            println!("{} {}", pick(self.language, "СНИЛС", "SNILS"), snils.expose());
        }
        if let Some(contacts) = &profile.contacts {
            for value in [&contacts.email, &contacts.phone].into_iter().flatten() {
                println!("{value}");
            }
        }
    }

    /// A list of applications.
    pub fn applications(&self, items: &[ApplicationSummary], cached_at: Option<i64>) {
        self.cached_note(cached_at);
        if self.json {
            return Self::print_json(&json!({ "applications": items, "cached_at": cached_at }));
        }
        if items.is_empty() {
            println!("{}", pick(self.language, "Заявлений нет.", "No applications."));
        }
        for item in items {
            println!(
                "{:>6}  № {}  {:<22}  {}",
                item.id,
                item.number,
                status_label(item.status, self.language),
                item.title
            );
        }
    }

    /// One application with its journal.
    pub fn application(&self, application: &Application, cached: bool) {
        if cached {
            self.cached_note(Some(application.summary.updated_at.unix_timestamp()));
        }
        if self.json {
            return Self::print_json(&json!({ "application": application, "cached": cached }));
        }
        let summary = &application.summary;
        println!("{} (№ {})", summary.title, summary.number);
        println!("{}: {}", pick(self.language, "Ведомство", "Department"), summary.department);
        println!(
            "{}: {}",
            pick(self.language, "Статус", "Status"),
            status_label(summary.status, self.language)
        );
        for entry in &application.journal {
            let comment = entry.comment.as_deref().map(|c| format!(" — {c}")).unwrap_or_default();
            println!(
                "  {}  {:<22}  {}{comment}",
                date(entry.at.unix_timestamp()),
                status_label(entry.status, self.language),
                entry.department
            );
        }
    }

    /// `watch` started.
    pub fn watching(&self) {
        if !self.json {
            eprintln!(
                "{}",
                pick(
                    self.language,
                    "Слежу за изменениями (Ctrl+C — выход)…",
                    "Watching for changes (Ctrl+C to stop)…"
                )
            );
        }
    }

    /// One event seen by `watch`.
    pub fn event(&self, notification: &Notification) {
        if self.json {
            return Self::print_json(&json!({
                "event_id": notification.event_id,
                "application_id": notification.application_id,
                "title": notification.title,
                "body": notification.body,
            }));
        }
        println!("{}: {}", notification.title, notification.body);
    }

    /// The portal profiles.
    pub fn profiles(&self, profiles: &[PortalProfile]) {
        if self.json {
            return Self::print_json(&json!({ "profiles": profiles }));
        }
        for profile in profiles {
            println!("{:<12} {}  (API {})", profile.id, profile.issuer, profile.api_base);
        }
    }

    /// An error: one line on standard error (JSON with `--json`).
    pub fn error(&self, err: &Error) {
        let message = self.describe(err);
        if self.json {
            eprintln!("{}", json!({ "code": err.code(), "message": message }));
        } else {
            eprintln!("kabinet-cli: {message}");
        }
    }

    fn describe(&self, err: &Error) -> String {
        let lead = match err.code() {
            ErrorCode::SignedOut => {
                return pick(
                    self.language,
                    "вы не вошли; выполните «kabinet-cli login»",
                    "not signed in; run `kabinet-cli login`",
                )
                .to_owned();
            }
            ErrorCode::SessionLocked => {
                return pick(
                    self.language,
                    "сеанс заблокирован после бездействия; войдите снова",
                    "the session locked after inactivity; sign in again",
                )
                .to_owned();
            }
            ErrorCode::NotFound => {
                return pick(self.language, "не найдено", "not found").to_owned();
            }
            ErrorCode::Offline => {
                pick(self.language, "портал недоступен", "the portal cannot be reached")
            }
            ErrorCode::SignInCancelled => pick(
                self.language,
                "вход отменён или не завершён",
                "the sign-in was cancelled or timed out",
            ),
            ErrorCode::SignInFailed => pick(self.language, "вход не удался", "the sign-in failed"),
            ErrorCode::InvalidProfile => {
                pick(self.language, "неверные настройки", "invalid settings")
            }
            ErrorCode::Keychain => {
                pick(self.language, "ошибка хранилища паролей", "keychain error")
            }
            ErrorCode::Storage => {
                pick(self.language, "ошибка локальной базы", "local database error")
            }
            ErrorCode::Portal => pick(self.language, "портал отказал", "the portal refused"),
            _ => pick(self.language, "ошибка", "error"),
        };
        format!("{lead} ({err})")
    }
}
