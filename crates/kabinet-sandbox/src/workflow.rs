//! The workflow engine: moves applications through their statuses on a schedule, as the
//! departments behind a real portal would. The outcome of each application is decided by its
//! id, so a run is reproducible.

use kabinet_api::{ApplicationStatus, DocumentKind};

use crate::Portal;
use crate::applications::{self, Transition};
use crate::outcomes::{self, Details};

/// Whether the person has already answered a Требуется уточнение request of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clarified {
    /// Never asked, or not answered yet.
    No,
    /// Answered; the department does not ask twice.
    Yes,
}

/// The next status of an application the workflow is moving, with the department's comment;
/// `None` when the workflow has nothing more to do with it. An application that was clarified
/// is approved; others end as their id decides.
pub fn next_status(
    id: i64,
    current: ApplicationStatus,
    clarified: Clarified,
) -> Option<(ApplicationStatus, &'static str)> {
    match current {
        ApplicationStatus::Accepted => {
            Some((ApplicationStatus::InProgress, "Заявление передано в ведомство"))
        }
        ApplicationStatus::InProgress if clarified == Clarified::Yes => {
            Some((ApplicationStatus::Approved, "Сведения получены, услуга оказана"))
        }
        ApplicationStatus::InProgress => Some(match id % 3 {
            0 => (ApplicationStatus::NeedsInfo, "Приложите скан страницы паспорта с регистрацией"),
            1 => (ApplicationStatus::Approved, "Услуга оказана, результат готов"),
            _ => (ApplicationStatus::Rejected, "Сведения не подтверждены ведомством"),
        }),
        ApplicationStatus::NeedsInfo
        | ApplicationStatus::Approved
        | ApplicationStatus::Rejected => None,
    }
}

/// What the workflow's department attaches to a status it sets.
fn details_for(status: ApplicationStatus) -> Details {
    match status {
        ApplicationStatus::NeedsInfo => {
            Details { documents: vec![DocumentKind::Passport], ..Details::default() }
        }
        ApplicationStatus::Rejected => Details {
            how_to_fix: Some(
                "Проверьте, что данные в заявлении совпадают с паспортом, и подайте его заново"
                    .to_owned(),
            ),
            ..Details::default()
        },
        _ => Details::default(),
    }
}

/// When the workflow should move an application that just entered `status`.
pub fn next_step_at(portal: &Portal, status: ApplicationStatus, now: i64) -> Option<i64> {
    matches!(status, ApplicationStatus::Accepted | ApplicationStatus::InProgress)
        .then(|| now + portal.config().workflow_step.as_secs() as i64)
}

/// Moves every application that is due. Returns how many moved.
///
/// # Errors
/// When the store fails.
pub fn step(portal: &Portal) -> rusqlite::Result<usize> {
    let now = portal.now();
    let (moved, latest) = portal.store().transaction(|tx| {
        let (mut moved, mut latest) = (0, None);
        for (id, current) in applications::due(tx, now)? {
            let clarified =
                if outcomes::was_clarified(tx, id)? { Clarified::Yes } else { Clarified::No };
            let Some((status, comment)) = next_status(id, current, clarified) else {
                tx.execute("UPDATE applications SET next_step_at = NULL WHERE id = ?1", [id])?;
                continue;
            };
            let change = Transition {
                id,
                status,
                comment: Some(comment),
                at: now,
                next_step_at: next_step_at(portal, status, now),
            };
            if let Some(event) = applications::transition(tx, &change)? {
                outcomes::record(tx, id, status, Some(comment), now, &details_for(status))?;
                tracing::info!(
                    application = id,
                    status = status.code(),
                    "workflow moved an application"
                );
                moved += 1;
                latest = Some(event);
            }
        }
        Ok::<_, rusqlite::Error>((moved, latest))
    })?;

    if let Some(event) = latest {
        portal.announce_events(event);
    }
    Ok(moved)
}

/// Deletes what can no longer be used: finished or expired sign-ins, expired codes,
/// revocation entries of access tokens that have expired anyway, and idempotency keys older
/// than their retention. Returns the rows deleted.
///
/// # Errors
/// When the store fails.
pub fn sweep(portal: &Portal) -> rusqlite::Result<usize> {
    let now = portal.now();
    portal.store().transaction(|tx| {
        let mut deleted = tx.execute("DELETE FROM login_flows WHERE expires_at < ?1", [now])?;
        deleted +=
            tx.execute("DELETE FROM auth_codes WHERE expires_at < ?1 AND grant_id IS NULL", [now])?;
        deleted += tx.execute("DELETE FROM revoked_access_tokens WHERE expires_at < ?1", [now])?;
        let retention = portal.config().idempotency_retention.as_secs() as i64;
        deleted += crate::idempotency::sweep(tx, now - retention)?;
        Ok(deleted)
    })
}

/// Runs [`step`] every `workflow_tick` until the task is dropped, and [`sweep`] now and then.
pub async fn run(portal: Portal) {
    let mut ticker = tokio::time::interval(portal.config().workflow_tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for tick in 0u64.. {
        ticker.tick().await;
        if let Err(err) = step(&portal) {
            tracing::warn!(error = %err, "workflow step failed; retrying at the next tick");
        }
        if tick % 60 == 0
            && let Err(err) = sweep(&portal)
        {
            tracing::warn!(error = %err, "sweeping expired sign-ins and keys failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::clock::ManualClock;
    use crate::{Config, Store};

    #[test]
    fn sweep_removes_expired_sign_ins_only() {
        let clock = Arc::new(ManualClock::starting_at(time::OffsetDateTime::now_utc()));
        let portal = Portal::new(
            Config::new("http://sandbox.test"),
            Store::open_in_memory().unwrap(),
            clock.clone(),
        )
        .unwrap();
        let now = portal.now();
        let insert = |id: &str, expires_at: i64| {
            portal.store().lock().execute(
                "INSERT INTO login_flows (id, browser_secret, client_id, redirect_uri, scope,
                     code_challenge, offline, language, stage, created_at, expires_at)
                 VALUES (?1, 's', 'c', 'r', 'openid', 'x', 0, 'ru', 'login', ?2, ?3)",
                rusqlite::params![id, now, expires_at],
            )
        };
        insert("old", now + 10).unwrap();
        insert("live", now + 1000).unwrap();

        clock.advance(Duration::from_secs(11));
        assert_eq!(sweep(&portal).unwrap(), 1, "only the expired flow goes");
        let left: String = portal
            .store()
            .lock()
            .query_row("SELECT id FROM login_flows", [], |row| row.get(0))
            .unwrap();
        assert_eq!(left, "live");
    }

    #[test]
    fn every_submitted_application_reaches_a_status_that_needs_a_person_or_is_final() {
        for id in 0..30 {
            let mut status = ApplicationStatus::Accepted;
            let mut steps = 0;
            while let Some((next, _)) = next_status(id, status, Clarified::No) {
                status = next;
                steps += 1;
            }
            assert_eq!(steps, 2, "accepted → in progress → outcome");
            assert!(status.is_final() || status == ApplicationStatus::NeedsInfo);
        }
    }

    #[test]
    fn a_clarified_application_is_approved_and_never_asked_again() {
        for id in 0..30 {
            let next = next_status(id, ApplicationStatus::InProgress, Clarified::Yes);
            assert_eq!(
                next.map(|(status, _)| status),
                Some(ApplicationStatus::Approved),
                "asking again after a reply would loop forever"
            );
        }
    }
}
