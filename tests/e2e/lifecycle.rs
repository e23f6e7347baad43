//! An application's whole life in the real app: with the portal stopped, a scan is added
//! and a form filled, checked and submitted into the outbox; the app restarts and the item is
//! still queued; the portal comes back and the item is sent exactly once with its scan; the
//! department asks for a clarification, which is answered with text and a scan; the
//! application is approved and its result is saved through the native save dialog.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::documents::{click_and_choose, phone_photo, until};
use crate::webdriver::{ELEMENT, Session};
use crate::{Portal, Record, SCREEN, artifacts, push_change, wait_until_exited};

/// How the run starts the app again.
pub struct Launch<'a> {
    pub driver: &'a str,
    pub application: &'a str,
    pub args: &'a [&'a str],
    pub display: &'a str,
}

/// The answers typed into the SNILS form, by field name. Dates are typed as people write
/// them.
const ANSWERS: &[(&str, &str)] = &[
    ("last_name", "Иванов"),
    ("first_name", "Иван"),
    ("middle_name", "Петрович"),
    ("birth_date", "12.04.1985"),
    ("birth_place", "г. Тверь"),
    ("passport", "4510 123456"),
    ("passport_issued_on", "20.05.2015"),
    ("registration_address", "г. Москва, ул. Тверская, д. 1, кв. 1"),
    ("postal_index", "125009"),
    ("phone", "+79991234567"),
];

/// How long the outbox may take to send once the portal is back: the sender notices the
/// portal within a poll or two.
const BACK_ONLINE: Duration = Duration::from_secs(60);

/// One number from the portal's database.
fn count(portal: &Portal, sql: &str) -> Result<i64, String> {
    let running = portal.running()?;
    let conn = running.portal.store().lock();
    conn.query_row(sql, [], |row| row.get(0)).map_err(|e| format!("{sql}: {e}"))
}

/// How many documents the portal holds.
fn document_count(portal: &Portal) -> Result<i64, String> {
    portal.running()?.portal.document_count().map_err(|e| e.to_string())
}

/// Types `text` into field `name` of the draft's form, as a person would.
async fn fill(app: &Session, name: &str, text: &str) -> Result<(), String> {
    let field = app.wait_for(&format!("#field-{name}"), SCREEN).await?;
    app.type_text(&field, text).await?;
    let value = app.execute("return arguments[0].value;", json!([{ ELEMENT: field }])).await?;
    if value != json!(text) {
        return Err(format!("field {name} holds {value} after typing `{text}`"));
    }
    Ok(())
}

/// Clicks the option of select `#id` whose value is `value`.
async fn choose_option(app: &Session, id: &str, value: &str) -> Result<(), String> {
    let option = app.wait_for(&format!("#{id} option[value='{value}']"), SCREEN).await?;
    app.click(&option).await?;
    until(
        app,
        &format!("return document.getElementById('{id}').value === '{value}';"),
        &format!("choosing {value} in {id}"),
    )
    .await
}

/// Waits until the application page shows `status`.
async fn wait_status(app: &Session, status: &str, limit: Duration) -> Result<(), String> {
    let css = format!("[data-testid='application-status'][data-status='{status}']");
    app.wait_for(&css, limit).await.map(|_| ()).map_err(|err| format!("status {status}: {err}"))
}

/// The life of one application, from the dashboard back to it; returns the restarted app.
pub async fn lifecycle(
    app: Session,
    record: &mut Record,
    portal: &mut Portal,
    launch: &Launch<'_>,
) -> Result<Session, String> {
    let applications = count(portal, "SELECT COUNT(*) FROM applications")?;
    let documents = document_count(portal)?;
    portal.stop().await?;

    // Offline: a second page of the passport goes into the vault.
    let page_path = artifacts().join("passport-registration-page.jpg");
    std::fs::write(&page_path, phone_photo(1)).map_err(|e| e.to_string())?;
    let link = app.wait_for("[data-testid='nav-documents']", SCREEN).await?;
    app.click(&link).await?;
    app.wait_for("[data-testid='documents-heading']", SCREEN).await?;
    let add = app.wait_for("[data-testid='add-scans-button']", SCREEN).await?;
    click_and_choose(&app, &add, launch.display, "Добавить сканы", &page_path).await?;
    until(
        &app,
        "return document.querySelectorAll(\"[data-testid='scan-card']\").length === 2;",
        "the second scan in the vault",
    )
    .await?;

    // The catalog comes from the cache; the SNILS form is filled by keyboard.
    let link = app.wait_for("[data-testid='nav-new-application']", SCREEN).await?;
    app.click(&link).await?;
    app.wait_for("[data-testid='catalog-offline']", SCREEN).await?;
    let choose = "[data-testid='choose-service'][aria-describedby='service-snils']";
    let choose = app.wait_for(choose, SCREEN).await?;
    app.click(&choose).await?;
    app.wait_for("[data-testid='draft-heading']", SCREEN).await?;
    app.wait_for("[data-testid='date-format']", SCREEN).await?;
    for (name, text) in ANSWERS {
        fill(&app, name, text).await?;
    }
    choose_option(&app, "field-gender", "male").await?;
    let consent = app.wait_for("#field-consent", SCREEN).await?;
    app.click(&consent).await?;

    // The registration page, chosen among the passport's scans.
    let scan_id = app
        .execute(
            "const select = document.getElementById('field-attachments-passport');\
             const option = [...select.options].find((o) => o.text.includes('registration'));\
             return option ? option.value : null;",
            json!([]),
        )
        .await?;
    let scan_id = scan_id.as_str().ok_or("the passport's picker lacks the new scan")?.to_owned();
    choose_option(&app, "field-attachments-passport", &scan_id).await?;

    let check = app.wait_for("[data-testid='check-button']", SCREEN).await?;
    app.click(&check).await?;
    if let Err(err) = app.wait_for("[data-testid='draft-clean']", SCREEN).await {
        let text = app.page_text().await.unwrap_or_default();
        return Err(format!("the filled form did not pass its check ({err}): {text}"));
    }
    record.screen(&app, "09e-draft-offline-checked").await?;
    let submit = app.wait_for("[data-testid='submit-button']", SCREEN).await?;
    app.click(&submit).await?;
    app.wait_for("[data-testid='outbox-heading']", SCREEN).await?;
    app.wait_for("[data-testid='outbox-item'][data-state='queued']", SCREEN).await?;
    record.screen(&app, "09f-outbox-queued").await?;

    // A restart while offline keeps the queued item.
    app.quit().await?;
    wait_until_exited(std::path::Path::new(launch.application)).await?;
    let app = Session::start(launch.driver, launch.application, launch.args).await?;
    app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;
    let link = app.wait_for("[data-testid='nav-outbox']", SCREEN).await?;
    app.click(&link).await?;
    app.wait_for("[data-testid='outbox-item'][data-state='queued']", SCREEN).await?;

    // The portal is back: the item is sent once, with the new scan.
    let back = Instant::now();
    portal.resume().await?;
    let number = app
        .wait_for(
            "[data-testid='outbox-item'][data-state='sent'] [data-testid='outbox-number']",
            BACK_ONLINE,
        )
        .await?;
    println!("e2e: sent {:.1} s after the portal came back", back.elapsed().as_secs_f64());
    record.screen(&app, "09g-outbox-sent").await?;
    let added = count(portal, "SELECT COUNT(*) FROM applications")? - applications;
    if added != 1 {
        return Err(format!("the portal has {added} new applications, not one"));
    }
    let uploaded = document_count(portal)? - documents;
    if uploaded != 1 {
        return Err(format!("the portal has {uploaded} new documents, not the one scan"));
    }
    let newest =
        "SELECT id FROM applications WHERE service_code = 'snils' ORDER BY id DESC LIMIT 1";
    let id = count(portal, newest)?;
    let attached = portal.running()?.portal.submitted_documents(id).map_err(|e| e.to_string())?;
    if attached.len() != 1 {
        return Err(format!("the application went with {attached:?}, not the one scan"));
    }
    let id = id.to_string();

    // The department asks for the registration page and the address.
    push_change(portal, &id, "in_progress", json!({})).await?;
    let request = json!({
        "comment": "Приложите страницу паспорта с регистрацией",
        "documents": ["passport"],
        "answers": ["registration_address"],
    });
    push_change(portal, &id, "needs_info", request).await?;
    app.click(&number).await?;
    app.wait_for("[data-testid='application-heading']", SCREEN).await?;
    wait_status(&app, "needs_info", SCREEN).await?;
    app.wait_for("[data-testid='clarification-section']", SCREEN).await?;
    record.screen(&app, "09h-clarification").await?;

    let reply = app.wait_for("[data-testid='reply-text']", SCREEN).await?;
    let text = "Прилагаю страницу с регистрацией, адрес прежний";
    app.type_text(&reply, text).await?;
    let scan = format!("[data-testid='reply-scan'][value='{scan_id}']");
    let scan = app.wait_for(&scan, SCREEN).await?;
    app.click(&scan).await?;
    let send = app.wait_for("[data-testid='send-reply']", SCREEN).await?;
    app.click(&send).await?;
    app.wait_for("[data-testid='reply-answered']", SCREEN).await?;
    wait_status(&app, "in_progress", SCREEN).await?;
    let replies = count(
        portal,
        &format!(
            "SELECT COUNT(*) FROM clarifications WHERE application_id = {id} \
             AND reply_text LIKE '%регистрацией%' AND reply_document_ids LIKE '[_%]'"
        ),
    )?;
    if replies != 1 {
        return Err(format!("the portal holds {replies} replies with the scan, not one"));
    }

    // Approved: the result is saved where the person chooses.
    push_change(portal, &id, "approved", json!({ "comment": "СНИЛС оформлен" })).await?;
    wait_status(&app, "approved", SCREEN).await?;
    app.wait_for("[data-testid='decision-section']", SCREEN).await?;
    record.screen(&app, "09i-approved").await?;
    let saved = artifacts().join("result.pdf");
    let _ = std::fs::remove_file(&saved);
    let download = app.wait_for("[data-testid='result-download']", SCREEN).await?;
    click_and_choose(&app, &download, launch.display, "Сохранить результат", &saved).await?;
    until(
        &app,
        "const status = document.querySelector(\"[data-testid='result-status']\");\
         return !!status && status.textContent.includes('result.pdf');",
        "the saved result's message",
    )
    .await?;
    let pdf = std::fs::read(&saved).map_err(|e| format!("the result was not saved: {e}"))?;
    if !pdf.starts_with(b"%PDF-") {
        return Err("the saved result is not a PDF".into());
    }
    record.screen(&app, "09j-result-saved").await?;

    let back = app.wait_for("[data-testid='back-link']", SCREEN).await?;
    app.click(&back).await?;
    app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;
    Ok(app)
}
