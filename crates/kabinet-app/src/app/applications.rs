//! Applications in the app: the service catalog (from the portal, or the cache offline),
//! sealed drafts and templates, local checks with the portal's own validator, submitting a
//! draft into the outbox, and the background sender that delivers the outbox.
//!
//! Attachments: a draft attaches vault scans. Submitting uploads nothing: each scan is queued
//! as an [`Attachment::Scan`] of the service attachment it fills, so a draft with scans is
//! queued offline too. The sender uploads the scans through [`VaultUploader`] under per-scan
//! idempotency keys the outbox keeps, then sends the application with their document ids.

use std::sync::{Arc, Weak};
use std::time::Duration;

use kabinet_api::{DocumentKind, FieldProblem, FieldProblemCode, Service, ServiceCatalog};
use kabinet_core::Error;
use kabinet_core::client::{CatalogResponse, PortalClient};
use kabinet_core::outbox::{
    Attachment, EnqueueError, Outbox, OutboxItem, OutboxState, ScanUpload, ScanUploader, Stage,
    UploadFuture,
};
use kabinet_core::store::{AccountKey, Draft, DraftContent, DraftKind};
use tokio::sync::Notify;

use super::{App, now, rfc3339};
use crate::ipc::forms::{
    AttachmentView, CatalogView, DraftInput, DraftView, FieldProblemView, OutboxItemView,
    OutboxStateView, OutboxView, ServiceView, SubmitView,
};
use crate::ipc::vault::MediaKind;
use crate::ipc::{ChangedEvent, CommandError, ErrorCode};

/// The longest the sender sleeps with nothing due, so that a clock change or a missed wake-up
/// costs at most this.
const IDLE_WAIT: Duration = Duration::from_secs(60);

fn service_view(service: &Service) -> ServiceView {
    ServiceView {
        code: service.code.clone(),
        title: service.title.clone(),
        department: service.department.clone(),
        description: service.description.clone(),
        fee_kopecks: service.fee_kopecks,
        processing_days: service.processing_days,
        form: service.form.clone(),
        attachments: service
            .attachments
            .iter()
            .map(|a| AttachmentView {
                kind: super::documents::kind_code(a.kind),
                title: a.title.clone(),
                description: a.description.clone(),
                formats: a
                    .formats
                    .iter()
                    .map(|f| match f {
                        kabinet_api::MediaType::Pdf => MediaKind::Pdf,
                        kabinet_api::MediaType::Jpeg => MediaKind::Jpeg,
                        kabinet_api::MediaType::Png => MediaKind::Png,
                    })
                    .collect(),
                max_size: a.max_size,
                required: a.required,
            })
            .collect(),
    }
}

fn draft_view(draft: &Draft) -> DraftView {
    DraftView {
        id: draft.id.clone(),
        service_code: draft.content.service_code.clone(),
        answers: draft.content.answers.clone(),
        scan_ids: draft.content.scan_ids.clone(),
        name: draft.content.name.clone(),
        updated_at: rfc3339(draft.updated_at).unwrap_or_default(),
    }
}

fn problem_views(problems: &[FieldProblem]) -> Vec<FieldProblemView> {
    problems.iter().map(FieldProblemView::from).collect()
}

fn item_view(item: &OutboxItem, catalog: Option<&ServiceCatalog>) -> OutboxItemView {
    let title = catalog
        .and_then(|c| c.items.iter().find(|s| s.code == item.service_code))
        .map_or_else(|| item.service_code.clone(), |s| s.title.clone());
    let state = match item.state {
        OutboxState::Queued => OutboxStateView::Queued,
        OutboxState::Sending => OutboxStateView::Sending,
        OutboxState::Sent => match &item.application {
            Some(application) => OutboxStateView::Sent {
                number: application.number.clone(),
                application_id: application.id.clone(),
            },
            None => OutboxStateView::Failed { reason: "sent_without_record".to_owned() },
        },
        OutboxState::NeedsFix => {
            OutboxStateView::NeedsFix { problems: problem_views(&item.problems) }
        }
        OutboxState::Failed => OutboxStateView::Failed {
            reason: item.reason.clone().unwrap_or_else(|| "unknown".to_owned()),
        },
    };
    let queued = matches!(item.state, OutboxState::Queued);
    OutboxItemView {
        id: item.id.clone(),
        draft_id: item.draft_id.clone(),
        service_code: item.service_code.clone(),
        service_title: title,
        state,
        attempts: item.attempts,
        next_attempt_at: queued.then(|| rfc3339(item.due_at / 1000)).flatten(),
        created_at: rfc3339(item.created_at / 1000).unwrap_or_default(),
    }
}

/// The service attachment each of `scan_ids` fills, matched as the window matches them: in
/// order, each scan fills the first attachment not yet filled whose kind is the scan's own
/// (`kinds` has the vault's kind of each scan it knows); a scan the vault does not know fills
/// the first free one. `None` for a scan that fills none.
fn filled_attachments(
    service: &Service,
    scan_ids: &[String],
    kinds: &[(String, DocumentKind)],
) -> Vec<Option<DocumentKind>> {
    let mut filled: Vec<DocumentKind> = Vec::new();
    scan_ids
        .iter()
        .map(|id| {
            let own = kinds.iter().find(|(scan, _)| scan == id).map(|(_, kind)| *kind);
            let attachment = service
                .attachments
                .iter()
                .find(|a| !filled.contains(&a.kind) && own.is_none_or(|own| own == a.kind))?;
            filled.push(attachment.kind);
            Some(attachment.kind)
        })
        .collect()
}

/// Uploads the outbox's scans from the signed-in person's vault; a scan the vault already
/// knows as uploaded is not sent again.
struct VaultUploader {
    app: Weak<App>,
}

impl ScanUploader for VaultUploader {
    fn upload<'a>(&'a self, client: &'a PortalClient, scan: &'a ScanUpload) -> UploadFuture<'a> {
        Box::pin(async move {
            let Some(app) = self.app.upgrade() else { return Err(Error::SignedOut.into()) };
            app.portal_document(client, &scan.scan_id, Some(scan.kind), Some(&scan.key)).await
        })
    }
}

fn not_found(what: &str) -> CommandError {
    CommandError { code: ErrorCode::NotFound, message: format!("no such {what}") }
}

impl App {
    /// The signed-in account, or `signed_out`.
    fn signed_in_account(&self) -> Result<AccountKey, CommandError> {
        self.lock_account().clone().ok_or_else(|| CommandError::from(Error::SignedOut))
    }

    fn outbox_of(&self, account: AccountKey) -> Outbox {
        Outbox::new(self.store.clone(), account).with_clock(self.clock.clone())
    }

    /// The vault's kind of each scan it holds; nothing when the vault is not open.
    fn scan_kinds(&self) -> Vec<(String, DocumentKind)> {
        let Ok(vault) = self.current_vault() else { return Vec::new() };
        match vault.scans() {
            Ok(scans) => scans.into_iter().map(|scan| (scan.id, scan.kind)).collect(),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the vault's scans");
                Vec::new()
            }
        }
    }

    /// The service catalog: fetched from the portal when it answers (and cached), from the
    /// cache when it does not or nobody is signed in.
    ///
    /// # Errors
    /// [`ErrorCode::Offline`] when the portal cannot be reached and nothing is cached;
    /// storage errors.
    pub async fn services(&self) -> Result<CatalogView, CommandError> {
        let portal = self.profile.id.clone();
        let cached = self.store.cached_catalog(&portal)?;
        let view = |catalog: &ServiceCatalog, online| CatalogView {
            services: catalog.items.iter().map(service_view).collect(),
            online,
        };

        let Ok((client, _)) = self.client().await else {
            return cached
                .map(|(catalog, _)| view(&catalog, false))
                .ok_or_else(|| CommandError::from(Error::SignedOut));
        };
        let etag = cached.as_ref().and_then(|(_, etag)| etag.clone());
        match client.services(etag.as_deref()).await {
            Ok(CatalogResponse::Fresh { catalog, etag }) => {
                self.store.cache_catalog(&portal, &catalog, etag.as_deref(), now())?;
                self.set_online(true);
                Ok(view(&catalog, true))
            }
            Ok(CatalogResponse::NotModified) => {
                self.set_online(true);
                match cached {
                    Some((catalog, _)) => Ok(view(&catalog, true)),
                    None => Err(CommandError {
                        code: ErrorCode::Internal,
                        message: "the portal said the catalog is unchanged, but none is cached"
                            .to_owned(),
                    }),
                }
            }
            Err(Error::Offline(reason)) => {
                tracing::warn!(%reason, "the catalog comes from the cache");
                self.set_online(false);
                cached
                    .map(|(catalog, _)| view(&catalog, false))
                    .ok_or_else(|| Error::Offline(reason).into())
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Saves a draft as the person types: a new one when `input.id` is `None`.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`] when `input.id` names no draft; `signed_out`; storage errors.
    pub fn save_draft(&self, input: DraftInput) -> Result<DraftView, CommandError> {
        let account = self.signed_in_account()?;
        let content = DraftContent {
            service_code: input.service_code,
            answers: input.answers,
            scan_ids: input.scan_ids,
            name: None,
        };
        let draft = match input.id {
            None => Draft::new(DraftKind::Draft, content, now())?,
            Some(id) => {
                let existing = self.store.draft(&account, &id)?;
                if !existing.is_some_and(|d| d.kind == DraftKind::Draft) {
                    return Err(not_found("draft"));
                }
                Draft { id, kind: DraftKind::Draft, content, updated_at: now() }
            }
        };
        self.store.save_draft(&account, &draft)?;
        tracing::debug!(draft = %draft.id, "draft saved");
        Ok(draft_view(&draft))
    }

    /// The drafts, last saved first.
    ///
    /// # Errors
    /// `signed_out`; storage errors.
    pub fn drafts(&self) -> Result<Vec<DraftView>, CommandError> {
        let account = self.signed_in_account()?;
        Ok(self.store.drafts(&account, DraftKind::Draft)?.iter().map(draft_view).collect())
    }

    /// One draft or template.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`]; `signed_out`; storage errors.
    pub fn draft(&self, id: &str) -> Result<DraftView, CommandError> {
        let account = self.signed_in_account()?;
        let draft = self.store.draft(&account, id)?.ok_or_else(|| not_found("draft"))?;
        Ok(draft_view(&draft))
    }

    /// Deletes a draft or template.
    ///
    /// # Errors
    /// `signed_out`; storage errors.
    pub fn delete_draft(&self, id: &str) -> Result<(), CommandError> {
        let account = self.signed_in_account()?;
        self.store.delete_draft(&account, id)?;
        Ok(())
    }

    /// Saves draft `id`'s form as a template named `name`.
    ///
    /// # Errors
    /// [`ErrorCode::Invalid`] for a blank name; [`ErrorCode::NotFound`]; `signed_out`.
    pub fn save_template(&self, id: &str, name: &str) -> Result<DraftView, CommandError> {
        let account = self.signed_in_account()?;
        let name = name.trim();
        if name.is_empty() {
            return Err(CommandError {
                code: ErrorCode::Invalid,
                message: "a template needs a name".to_owned(),
            });
        }
        let draft = self.store.draft(&account, id)?.ok_or_else(|| not_found("draft"))?;
        let template = draft.to_template(name, now())?;
        self.store.save_draft(&account, &template)?;
        Ok(draft_view(&template))
    }

    /// The templates, last saved first.
    ///
    /// # Errors
    /// `signed_out`; storage errors.
    pub fn templates(&self) -> Result<Vec<DraftView>, CommandError> {
        let account = self.signed_in_account()?;
        Ok(self.store.drafts(&account, DraftKind::Template)?.iter().map(draft_view).collect())
    }

    /// Starts a new draft from template `id`.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`] when `id` is not a template; `signed_out`; storage errors.
    pub fn draft_from_template(&self, id: &str) -> Result<DraftView, CommandError> {
        let account = self.signed_in_account()?;
        let template = self
            .store
            .draft(&account, id)?
            .filter(|d| d.kind == DraftKind::Template)
            .ok_or_else(|| not_found("template"))?;
        let draft = template.to_draft(now())?;
        self.store.save_draft(&account, &draft)?;
        Ok(draft_view(&draft))
    }

    /// Every problem the portal's own validator finds in draft `id`, against the cached
    /// catalog: works offline. An empty list means the form passes.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`]; `signed_out`; storage errors.
    pub fn check_draft(&self, id: &str) -> Result<Vec<FieldProblemView>, CommandError> {
        let account = self.signed_in_account()?;
        let draft = self.store.draft(&account, id)?.ok_or_else(|| not_found("draft"))?;
        let catalog = self.store.cached_catalog(&self.profile.id)?;
        let service = catalog.as_ref().and_then(|(catalog, _)| {
            catalog.items.iter().find(|s| s.code == draft.content.service_code)
        });
        let Some(service) = service else {
            return Ok(vec![FieldProblemView::from(&FieldProblem {
                field: "service_code".to_owned(),
                code: FieldProblemCode::UnknownService,
                message: "Услуга не найдена в каталоге; обновите каталог".to_owned(),
            })]);
        };
        let today = kabinet_api::forms::portal_date(self.clock.now());
        let mut problems =
            kabinet_api::validate_answers(&service.form, &draft.content.answers, today).map_err(
                |err| CommandError {
                    code: ErrorCode::Internal,
                    message: format!("the service's form is unusable: {err}"),
                },
            )?;

        // The portal refuses an application without a required document; so does the check.
        let filled = filled_attachments(service, &draft.content.scan_ids, &self.scan_kinds());
        for requirement in service.attachments.iter().filter(|a| a.required) {
            if !filled.contains(&Some(requirement.kind)) {
                problems.push(requirement.missing_problem());
            }
        }
        Ok(problem_views(&problems))
    }

    /// Submits draft `id`: queues it in the outbox, with each attached scan as the service
    /// attachment it fills, under a fresh idempotency key, and wakes the sender, which uploads
    /// the scans and sends it. Nothing goes to the portal here, so this works offline.
    ///
    /// # Errors
    /// [`ErrorCode::NotFound`] for an unknown draft; `signed_out`; storage errors.
    pub async fn submit_draft(&self, id: &str) -> Result<SubmitView, CommandError> {
        let account = self.signed_in_account()?;
        let draft = self
            .store
            .draft(&account, id)?
            .filter(|d| d.kind == DraftKind::Draft)
            .ok_or_else(|| not_found("draft"))?;

        let problems = self.check_draft(id)?;
        if !problems.is_empty() {
            return Ok(SubmitView::Problems { problems });
        }

        let catalog = self.store.cached_catalog(&self.profile.id)?;
        let service = catalog.as_ref().and_then(|(catalog, _)| {
            catalog.items.iter().find(|s| s.code == draft.content.service_code)
        });
        let kinds = self.scan_kinds();
        let filled = service.map_or_else(Vec::new, |service| {
            filled_attachments(service, &draft.content.scan_ids, &kinds)
        });
        let attachments = draft
            .content
            .scan_ids
            .iter()
            .enumerate()
            .map(|(index, scan_id)| {
                // A scan that fills no attachment goes as what it shows, and the portal judges.
                let own = kinds.iter().find(|(id, _)| id == scan_id).map(|(_, kind)| *kind);
                let kind = filled.get(index).copied().flatten().or(own);
                Attachment::Scan { id: scan_id.clone(), kind: kind.unwrap_or(DocumentKind::Other) }
            })
            .collect();

        let outbox = self.outbox_of(account);
        let item = match outbox.enqueue(id, attachments) {
            Ok(item) => item,
            Err(EnqueueError::Problems(problems)) => {
                return Ok(SubmitView::Problems { problems: problem_views(&problems) });
            }
            Err(EnqueueError::NoDraft) => return Err(not_found("draft")),
            Err(EnqueueError::Store(err)) => return Err(err.into()),
            Err(err) => {
                return Err(CommandError { code: ErrorCode::Internal, message: err.to_string() });
            }
        };
        tracing::info!(item = %item.id, "draft submitted to the outbox");
        self.announce_outbox(&outbox);
        self.outbox_wake.notify_one();
        Ok(SubmitView::Queued { item: item_view(&item, catalog.as_ref().map(|(c, _)| c)) })
    }

    /// The outbox, oldest submission first.
    ///
    /// # Errors
    /// `signed_out`; storage errors.
    pub fn outbox(&self) -> Result<OutboxView, CommandError> {
        let account = self.signed_in_account()?;
        self.outbox_view(&self.outbox_of(account))
    }

    fn outbox_view(&self, outbox: &Outbox) -> Result<OutboxView, CommandError> {
        let catalog = self.store.cached_catalog(&self.profile.id)?;
        let catalog = catalog.as_ref().map(|(c, _)| c);
        Ok(OutboxView { items: outbox.items()?.iter().map(|i| item_view(i, catalog)).collect() })
    }

    fn announce_outbox(&self, outbox: &Outbox) {
        match self.outbox_view(outbox) {
            Ok(view) => self.events.outbox_changed(&view),
            Err(err) => tracing::warn!(error = %err.message, "cannot read the outbox"),
        }
    }

    /// Starts the background sender of `client`'s account, replacing any earlier one.
    pub(crate) fn start_sender(&self, client: PortalClient) {
        let account = client.session().account();
        let observer = self.me.clone();
        let observed = account.clone();
        let uploader = Arc::new(VaultUploader { app: self.me.clone() });
        let outbox = self.outbox_of(account).with_uploader(uploader).on_stage(move |stage| {
            // The window shows `sending` while the request is out.
            if stage == Stage::Claimed
                && let Some(app) = observer.upgrade()
            {
                app.announce_outbox(&app.outbox_of(observed.clone()));
            }
        });
        let wake = self.outbox_wake.clone();
        let task = tokio::spawn(run_sender(self.me.clone(), client, outbox, wake));
        if let Some(old) = self.sender.lock().unwrap_or_else(|p| p.into_inner()).replace(task) {
            old.abort();
        }
    }

    /// Stops the background sender; what it was sending stays in the outbox, sent again under
    /// the same key next time.
    pub(crate) fn stop_sender(&self) {
        if let Some(task) = self.sender.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }
}

/// Sends what is due, then sleeps until the next item is due, something is submitted, or the
/// portal answers again after being unreachable.
async fn run_sender(app: Weak<App>, client: PortalClient, outbox: Outbox, wake: Arc<Notify>) {
    loop {
        let Some(strong) = app.upgrade() else { return };

        let mut unreachable = false;
        match outbox.send_due(&client).await {
            Ok(report) => {
                unreachable = report.offline;
                let settled = report.sent + report.needs_fix + report.failed;
                if report.offline {
                    strong.set_online(false);
                } else if settled > 0 {
                    strong.set_online(true);
                }
                if settled > 0 || report.deferred > 0 {
                    strong.announce_outbox(&outbox);
                }
                if report.sent > 0 {
                    // The dashboard has new applications; the event names none, and no
                    // notification is shown for the person's own submission.
                    strong.events.changed(&ChangedEvent { application_id: None });
                }
            }
            Err(err @ (Error::SignedOut | Error::SessionLocked)) => {
                // The poller notices the same and ends the session; the items stay queued.
                tracing::info!(error = %err, "the outbox sender stopped: the session ended");
                return;
            }
            Err(err) => tracing::warn!(error = %err, "the outbox round failed"),
        }

        let wait = match outbox.next_due() {
            Ok(Some(due_ms)) => {
                let now_ms = strong.clock.now().unix_timestamp() * 1000;
                let ms = u64::try_from(due_ms.saturating_sub(now_ms)).unwrap_or(0);
                Duration::from_millis(ms).min(IDLE_WAIT)
            }
            Ok(None) => IDLE_WAIT,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read when the outbox is due");
                IDLE_WAIT
            }
        };
        // Items behind the one the portal did not answer are due at once; a pause keeps an
        // unreachable portal from being asked in a tight loop.
        let wait = if unreachable { wait.max(Duration::from_secs(1)) } else { wait };
        drop(strong);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wake.notified() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use kabinet_core::outbox::SentApplication;

    use super::*;

    fn item(state: OutboxState) -> OutboxItem {
        OutboxItem {
            id: "item".to_owned(),
            draft_id: "draft".to_owned(),
            service_code: "snils".to_owned(),
            state,
            attempts: 1,
            due_at: 1_700_000_000_000,
            created_at: 1_700_000_000_000,
            application: None,
            problems: Vec::new(),
            reason: None,
        }
    }

    #[test]
    fn the_window_gets_each_state_in_a_tagged_shape() {
        let sent = OutboxItem {
            application: Some(SentApplication { id: "a1".to_owned(), number: "N-1".to_owned() }),
            ..item(OutboxState::Sent)
        };
        let view = item_view(&sent, None);
        assert_eq!(
            serde_json::to_value(&view.state).unwrap(),
            serde_json::json!({ "state": "sent", "number": "N-1", "application_id": "a1" }),
            "the UI switches on `state` and reads the number beside it"
        );
        assert_eq!(view.service_title, "snils", "without a catalog the code stands in");
        assert!(view.next_attempt_at.is_none(), "a sent item is not retried");

        let queued = item_view(&item(OutboxState::Queued), None);
        assert_eq!(queued.next_attempt_at.as_deref(), Some("2023-11-14T22:13:20Z"));

        let broken = item_view(&item(OutboxState::Sent), None);
        assert!(
            matches!(broken.state, OutboxStateView::Failed { .. }),
            "a sent item without its application is shown as a failure, not as sent"
        );
    }

    #[test]
    fn scans_fill_the_attachments_of_their_kind_as_the_window_matches_them() {
        let service: Service = serde_json::from_value(serde_json::json!({
            "code": "s", "title": "", "department": "", "description": "",
            "fee_kopecks": 0, "processing_days": 1, "form": {},
            "attachments": [
                { "kind": "passport", "title": "Паспорт", "description": "",
                  "formats": ["application/pdf"], "max_size": 1, "required": true },
                { "kind": "snils", "title": "СНИЛС", "description": "",
                  "formats": ["application/pdf"], "max_size": 1, "required": false }
            ]
        }))
        .unwrap();
        let kinds = [
            ("s1".to_owned(), DocumentKind::Snils),
            ("p1".to_owned(), DocumentKind::Passport),
            ("p2".to_owned(), DocumentKind::Passport),
            ("o1".to_owned(), DocumentKind::Other),
        ];
        let ids = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

        assert_eq!(
            filled_attachments(&service, &ids(&["s1", "p1"]), &kinds),
            [Some(DocumentKind::Snils), Some(DocumentKind::Passport)],
            "each scan fills the attachment of its own kind, whatever the order"
        );
        assert_eq!(
            filled_attachments(&service, &ids(&["p1", "p2", "o1"]), &kinds),
            [Some(DocumentKind::Passport), None, None],
            "an attachment is filled once, and a scan of another kind fills none"
        );
        assert_eq!(
            filled_attachments(&service, &ids(&["p1", "gone"]), &kinds),
            [Some(DocumentKind::Passport), Some(DocumentKind::Snils)],
            "a scan the vault does not know takes the first free attachment"
        );
    }
}
