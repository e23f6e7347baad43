//! What comes after a status, in the app: the department's request of Требуется уточнение
//! shown on the application's page and answered with text and vault scans, and the decision:
//! the reasons of a refusal, or the result PDF of an approval saved where the person chose.
//!
//! A reply goes under an idempotency key derived from what it says (the application, the
//! request it answers, the text and the scans), so that sending it again after a lost answer
//! gets the portal's first answer instead of a second reply or a refusal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kabinet_api::{
    Application, ApplicationStatus, ClarificationReply, ClarificationRequest, Decision,
    DocumentKind, ErrorCode as PortalCode, MAX_REPLY_CHARS, Service,
};
use kabinet_core::Error;
use kabinet_core::client::{PortalClient, ReplyOutcome};
use sha2::{Digest, Sha256};

use super::App;
use super::documents::{kind_code, upload_error};
use crate::ipc::outcomes::{
    ClarificationView, DecisionView, RequestedAnswerView, RequestedDocumentView, SavedResultView,
};
use crate::ipc::{ApplicationDetailView, CommandError, ErrorCode};

/// How often a reply whose twin is still in flight at the portal is asked again, and how long
/// to wait between the tries.
const IN_FLIGHT_TRIES: u32 = 10;
const IN_FLIGHT_WAIT: Duration = Duration::from_millis(300);

/// Requests this run of the app has seen, by application id, and whether it answered them.
/// The portal forgets a request once it is answered; this lets a retry derive the same key,
/// and the page say «answered» until the department moves on.
pub(crate) type Requests = HashMap<String, (ClarificationRequest, bool)>;

fn invalid(message: impl Into<String>) -> CommandError {
    CommandError { code: ErrorCode::Invalid, message: message.into() }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The Russian name of a document kind, for a request whose service does not name it.
fn kind_title(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Passport => "Паспорт",
        DocumentKind::Snils => "СНИЛС",
        DocumentKind::Inn => "ИНН",
        DocumentKind::Certificate => "Справка или свидетельство",
        DocumentKind::PowerOfAttorney => "Доверенность",
        DocumentKind::Other => "Другой документ",
    }
}

/// The view of a request, with titles from the application's service when it is known.
fn request_view(
    request: &ClarificationRequest,
    service: Option<&Service>,
    answered: bool,
) -> ClarificationView {
    let documents = request
        .documents
        .iter()
        .map(|kind| RequestedDocumentView {
            kind: kind_code(*kind),
            title: service
                .and_then(|s| s.attachments.iter().find(|a| a.kind == *kind))
                .map_or_else(|| kind_title(*kind).to_owned(), |a| a.title.clone()),
        })
        .collect();
    let answers = request
        .answers
        .iter()
        .map(|name| RequestedAnswerView {
            name: name.clone(),
            title: service
                .and_then(|s| s.form["properties"][name.as_str()]["title"].as_str())
                .unwrap_or(name)
                .to_owned(),
        })
        .collect();
    ClarificationView {
        message: request.message.clone(),
        documents,
        answers,
        requested_at: rfc3339(request.requested_at),
        answered,
        max_reply_chars: MAX_REPLY_CHARS as u32,
    }
}

fn decision_view(decision: &Decision) -> Option<DecisionView> {
    let decided_at = rfc3339(decision.decided_at);
    match decision.status {
        ApplicationStatus::Approved => {
            Some(DecisionView::Approved { decided_at, result_available: decision.result.is_some() })
        }
        ApplicationStatus::Rejected => Some(DecisionView::Refused {
            decided_at,
            reasons: decision.reasons.clone(),
            how_to_fix: decision.how_to_fix.clone(),
        }),
        _ => None,
    }
}

/// The idempotency key of a reply: the SHA-256 of the application, the request it answers
/// (when it was asked and what it says), the text and the chosen scans, as hex. The same reply
/// to the same request is the same key, and so one reply at the portal however often it goes.
fn reply_key(
    application_id: &str,
    request: &ClarificationRequest,
    text: &str,
    scan_ids: &[String],
) -> String {
    let mut hash = Sha256::new();
    for part in [application_id, &rfc3339(request.requested_at), &request.message, text] {
        hash.update(part.len().to_string().as_bytes());
        hash.update(b":");
        hash.update(part.as_bytes());
    }
    for id in scan_ids {
        hash.update(b"scan:");
        hash.update(id.as_bytes());
        hash.update(b"\n");
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The local check of a reply, with the message the person sees.
fn check_reply(text: &str, scan_ids: &[String]) -> Result<(), CommandError> {
    let text = text.trim();
    if text.is_empty() && scan_ids.is_empty() {
        return Err(invalid("Напишите ответ или приложите документ"));
    }
    if text.chars().count() > MAX_REPLY_CHARS {
        return Err(invalid(format!("Ответ длиннее {MAX_REPLY_CHARS} символов — сократите его")));
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and then
/// renamed over the target, so that the target is either the old file or the whole new one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;

    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut suffix = [0u8; 6];
    getrandom::fill(&mut suffix).map_err(std::io::Error::other)?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let temporary = folder.join(format!(".{name}.{suffix}.part"));

    let written = (|| {
        let mut file = std::fs::File::create_new(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

impl App {
    fn lock_requests(&self) -> std::sync::MutexGuard<'_, Requests> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached service of an application, for the titles of what a request names.
    fn service_of(&self, application: &Application) -> Option<Service> {
        let cached = self.store.cached_catalog(&self.profile.id).ok().flatten()?;
        let (catalog, _) = cached;
        catalog.items.into_iter().find(|s| s.code == application.summary.service_code)
    }

    /// Adds the request or the decision to the view of an application just fetched. A
    /// failure here leaves them out of the view rather than failing the page.
    pub(super) async fn with_outcomes(
        &self,
        client: &PortalClient,
        application: &Application,
        mut view: ApplicationDetailView,
    ) -> ApplicationDetailView {
        let id = application.summary.id.clone();
        match application.summary.status {
            ApplicationStatus::NeedsInfo => match client.clarification(&id).await {
                Ok(Some(request)) => {
                    let service = self.service_of(application);
                    view.request = Some(request_view(&request, service.as_ref(), false));
                    self.lock_requests().insert(id, (request, false));
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "cannot read the open request"),
            },
            ApplicationStatus::InProgress => {
                let answered = self.lock_requests().get(&id).filter(|(_, done)| *done).cloned();
                if let Some((request, _)) = answered {
                    let service = self.service_of(application);
                    view.request = Some(request_view(&request, service.as_ref(), true));
                }
            }
            ApplicationStatus::Approved | ApplicationStatus::Rejected => {
                match client.decision(&id).await {
                    Ok(decision) => view.decision = decision.as_ref().and_then(decision_view),
                    Err(err) => tracing::warn!(error = %err, "cannot read the decision"),
                }
            }
            ApplicationStatus::Accepted => {}
        }
        view
    }

    /// Answers the open request of application `application_id` with `text` and vault scans:
    /// uploads the scans not on the portal yet, then sends the reply under a key derived from
    /// its content. Returns the application as it is now, with the request marked answered.
    ///
    /// # Errors
    /// [`ErrorCode::Invalid`] with a Russian message for an empty or too long reply, for one
    /// the portal refuses (its own words), and when no request waits for an answer;
    /// [`ErrorCode::Offline`]; [`ErrorCode::NotFound`] for an unknown scan; upload refusals.
    pub async fn answer_clarification(
        &self,
        application_id: String,
        text: String,
        scan_ids: Vec<String>,
    ) -> Result<ApplicationDetailView, CommandError> {
        check_reply(&text, &scan_ids)?;
        let (client, account) = self.client().await?;

        // The open request, or the one this run saw before: a reply whose answer was lost
        // has closed it at the portal, and its retry must derive the same key.
        let request = match client.clarification(&application_id).await? {
            Some(request) => request,
            None => self
                .lock_requests()
                .get(&application_id)
                .map(|(request, _)| request.clone())
                .ok_or_else(|| invalid("Ведомство не ждёт ответа по этому заявлению"))?,
        };
        let key = reply_key(&application_id, &request, &text, &scan_ids);

        // Scans the portal has already are not sent again.
        if !scan_ids.is_empty() {
            self.current_vault()?;
        }
        let mut document_ids = Vec::with_capacity(scan_ids.len());
        for scan_id in &scan_ids {
            let upload = self.portal_document(&client, scan_id, None, None).await;
            document_ids.push(upload.map_err(upload_error)?);
        }
        let reply = ClarificationReply { text, document_ids };

        let mut tries = 0;
        let application = loop {
            tries += 1;
            match client.reply_to_clarification(&application_id, &reply, &key).await {
                Ok(ReplyOutcome::Answered(application)) => break application,
                Ok(ReplyOutcome::NeedsFix(problems)) => {
                    let messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
                    return Err(invalid(messages.join("; ")));
                }
                Ok(ReplyOutcome::InFlight) if tries < IN_FLIGHT_TRIES => {
                    tokio::time::sleep(IN_FLIGHT_WAIT).await;
                }
                Ok(ReplyOutcome::InFlight) => {
                    let message = "the portal is still processing the reply; try again shortly";
                    return Err(CommandError::from(Error::Offline(message.to_owned())));
                }
                Ok(ReplyOutcome::KeyReused) => {
                    // The scans' portal documents changed since the first try (deleted and
                    // uploaded again): the portal sees another reply under the same key.
                    tracing::warn!(application = %application_id, "a reply key was reused");
                    return Err(invalid(
                        "Этот ответ уже отправлялся с другими файлами — измените ответ и \
                         отправьте снова",
                    ));
                }
                Err(Error::Portal { code: Some(PortalCode::Conflict), .. }) => {
                    return Err(invalid("Ведомство больше не ждёт ответа по этому заявлению"));
                }
                Err(err) => return Err(err.into()),
            }
        };
        tracing::info!(application = %application_id, scans = scan_ids.len(), "reply sent");

        self.store.cache_application(&account, &application)?;
        let service = self.service_of(&application);
        let mut view = ApplicationDetailView::new(&application, false);
        view.request = Some(request_view(&request, service.as_ref(), true));
        self.lock_requests().insert(application_id, (request, true));
        Ok(view)
    }

    /// Downloads the result document of an approved application and writes it to `path`
    /// (chosen in the native save dialog) atomically. `None`, a closed dialog, saves nothing.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`] when the application has no result; [`ErrorCode::Offline`];
    /// [`ErrorCode::Portal`] when the portal's answer is not a PDF; [`ErrorCode::Storage`]
    /// when the file cannot be written.
    pub async fn save_result(
        &self,
        application_id: String,
        path: Option<PathBuf>,
    ) -> Result<SavedResultView, CommandError> {
        let Some(path) = path else {
            return Ok(SavedResultView { saved: false, file_name: None });
        };
        let (client, _) = self.client().await?;
        let pdf = client.result(&application_id).await?;

        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let size = pdf.len();
        let written = tokio::task::spawn_blocking(move || write_atomically(&path, &pdf)).await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                tracing::error!(error = %err, "cannot write the result document");
                return Err(CommandError { code: ErrorCode::Storage, message: err.to_string() });
            }
            Err(err) => {
                return Err(CommandError { code: ErrorCode::Internal, message: err.to_string() });
            }
        }
        tracing::info!(application = %application_id, size, "result saved");
        Ok(SavedResultView { saved: true, file_name })
    }

    /// The file name the save dialog suggests for an application's result: its number, as
    /// cached when its page was shown.
    ///
    /// # Errors
    /// `signed_out`; storage errors.
    pub async fn result_file_name(&self, application_id: &str) -> Result<String, CommandError> {
        let (_, account) = self.client().await?;
        let cached = self.store.cached_application(&account, application_id)?;
        let number: String = cached
            .map(|a| a.summary.number)
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if number.is_empty() {
            return Ok("result.pdf".to_owned());
        }
        Ok(format!("result-{number}.pdf"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(message: &str) -> ClarificationRequest {
        ClarificationRequest {
            message: message.to_owned(),
            documents: vec![DocumentKind::Passport],
            answers: vec!["previous_names".to_owned()],
            requested_at: time::macros::datetime!(2026-12-04 10:00 UTC),
        }
    }

    #[test]
    fn the_same_reply_to_the_same_request_is_the_same_key_and_anything_else_another() {
        let asked = request("Укажите прежнюю фамилию");
        let scans = vec!["a".to_owned(), "b".to_owned()];
        let key = reply_key("7", &asked, "Петров", &scans);
        assert_eq!(key, reply_key("7", &asked, "Петров", &scans), "a retry derives the same");
        assert_eq!(key.len(), 64, "a SHA-256 in hex fits the portal's key limit");

        let others = [
            reply_key("8", &asked, "Петров", &scans),
            reply_key("7", &request("Другой запрос"), "Петров", &scans),
            reply_key("7", &asked, "Петрова", &scans),
            reply_key("7", &asked, "Петров", &scans[..1]),
            reply_key("7", &asked, "Петров", &["b".to_owned(), "a".to_owned()]),
            reply_key("7", &asked, "Петров\nscan:a", &[]),
        ];
        for other in &others {
            assert_ne!(&key, other, "a different reply must not replay this one's answer");
        }
    }

    #[test]
    fn an_empty_or_too_long_reply_is_refused_in_russian() {
        let empty = check_reply("   ", &[]).unwrap_err();
        assert_eq!(empty.code, ErrorCode::Invalid);
        assert!(empty.message.contains("Напишите ответ"), "{}", empty.message);
        assert!(check_reply("", &["scan".to_owned()]).is_ok(), "a scan alone is a reply");

        let at_limit = "ж".repeat(MAX_REPLY_CHARS);
        assert!(check_reply(&at_limit, &[]).is_ok(), "the limit itself is allowed");
        let long = check_reply(&format!("{at_limit}ж"), &[]).unwrap_err();
        assert!(long.message.contains("4000"), "{}", long.message);
    }

    #[test]
    fn titles_come_from_the_service_and_fall_back_to_the_kind() {
        let view = request_view(&request("Нужно"), None, false);
        assert_eq!(view.documents[0].title, "Паспорт");
        assert_eq!(view.answers[0].title, "previous_names", "no form: the name itself");
        assert_eq!(view.max_reply_chars, 4000);
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_nothing_else() {
        let folder = std::env::temp_dir().join(format!(
            "kabinet-result-{}-{}",
            std::process::id(),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos()
        ));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("result.pdf");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"%PDF-new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-new");
        let names: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");

        let missing = folder.join("no-such-folder").join("result.pdf");
        assert!(write_atomically(&missing, b"%PDF-").is_err(), "a missing folder is an error");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
