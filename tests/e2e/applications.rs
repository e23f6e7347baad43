//! A new application in the real app: the service catalog, a draft's form built from its
//! schema, "Проверить" finding every problem of the empty form and taking the focus to the
//! first, and the outbox, each screen checked by axe on the way.

use crate::documents::until;
use crate::webdriver::Session;
use crate::{Record, SCREEN};

/// From the dashboard to a checked draft and the outbox, and back to the dashboard.
pub async fn applications(app: &Session, record: &mut Record) -> Result<(), String> {
    let link = app.wait_for("[data-testid='nav-new-application']", SCREEN).await?;
    app.click(&link).await?;
    app.wait_for("[data-testid='catalog-heading']", SCREEN).await?;
    app.wait_for("[data-testid='service']", SCREEN).await?;
    let services = app.find_all("[data-testid='service']").await?;
    if services.len() < 6 {
        return Err(format!("the catalog shows {} services, not the portal's six", services.len()));
    }
    record.screen(app, "09b-new-application").await?;

    // The first service's form, checked while empty: every required field is a problem.
    let choose = app.wait_for("[data-testid='choose-service']", SCREEN).await?;
    app.click(&choose).await?;
    app.wait_for("[data-testid='draft-heading']", SCREEN).await?;
    app.wait_for("[data-testid='form-field']", SCREEN).await?;
    let check = app.wait_for("[data-testid='check-button']", SCREEN).await?;
    app.click(&check).await?;
    app.wait_for("[data-testid='problem-summary']", SCREEN).await?;
    let problems = app.find_all("[data-testid='problem-link']").await?;
    if problems.len() < 2 {
        return Err(format!("an empty form has only {} problems", problems.len()));
    }
    until(
        app,
        "const field = document.activeElement;\
         return !!field && field.getAttribute('aria-invalid') === 'true';",
        "the focus moving to the first problem",
    )
    .await?;
    record.screen(app, "09c-draft-checked").await?;

    let outbox = app.wait_for("[data-testid='nav-outbox']", SCREEN).await?;
    app.click(&outbox).await?;
    app.wait_for("[data-testid='outbox-heading']", SCREEN).await?;
    record.screen(app, "09d-outbox").await?;

    let home = app.wait_for("[data-testid='home-link']", SCREEN).await?;
    app.click(&home).await?;
    app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;
    Ok(())
}
