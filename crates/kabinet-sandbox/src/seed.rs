//! The demo data: a citizen with applications in every status, and an entrepreneur with an
//! organisation and two employees. The README lists the credentials.

use kabinet_api::ApplicationStatus;
use rusqlite::{Connection, params};

use crate::applications::{self, NewApplication, Transition};
use crate::outcomes::{self, Details};
use crate::password;
use crate::store::Store;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Kabinet-Demo-2026!";

/// The TOTP secret of the employee who enrolled an authenticator app (RFC 4648 base32:
/// `GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ`).
pub const DEMO_TOTP_SECRET: &[u8] = b"12345678901234567890";

/// The demo citizen's login (email).
pub const CITIZEN_EMAIL: &str = "ivanov@demo.kabinet.test";
/// The demo citizen's person id.
pub const CITIZEN_OID: i64 = 1_000_001;
/// The demo entrepreneur's login (phone).
pub const ENTREPRENEUR_PHONE: &str = "+79990000002";
/// The demo entrepreneur's person id.
pub const ENTREPRENEUR_OID: i64 = 1_000_002;
/// The employee with an authenticator app; login by SNILS.
pub const EMPLOYEE_TOTP_SNILS: &str = "345-678-912 26";

struct Person {
    oid: i64,
    kind: &'static str,
    email: Option<&'static str>,
    phone: Option<&'static str>,
    snils: &'static str,
    totp: bool,
    name: [&'static str; 3],
    birth_date: &'static str,
    inn: &'static str,
    passport: [&'static str; 5],
}

const PEOPLE: [Person; 4] = [
    Person {
        oid: CITIZEN_OID,
        kind: "citizen",
        email: Some(CITIZEN_EMAIL),
        phone: Some("+79990000001"),
        snils: "123-456-789 64",
        totp: false,
        name: ["Иванов", "Иван", "Петрович"],
        birth_date: "1985-04-12",
        inn: "771234567859",
        passport: ["4510", "123456", "ОВД района Арбат г. Москвы", "2005-05-20", "772-001"],
    },
    Person {
        oid: ENTREPRENEUR_OID,
        kind: "entrepreneur",
        email: Some("petrova@demo.kabinet.test"),
        phone: Some(ENTREPRENEUR_PHONE),
        snils: "234-567-891 00",
        totp: false,
        name: ["Петрова", "Анна", "Сергеевна"],
        birth_date: "1979-11-03",
        inn: "772345678901",
        passport: ["4603", "654321", "ТП УФМС по г. Москве", "2012-03-14", "770-045"],
    },
    Person {
        oid: 1_000_003,
        kind: "citizen",
        email: Some("sidorov@demo.kabinet.test"),
        phone: None,
        snils: EMPLOYEE_TOTP_SNILS,
        totp: true,
        name: ["Сидоров", "Пётр", "Алексеевич"],
        birth_date: "1992-07-30",
        inn: "773456789197",
        passport: ["4515", "112233", "ГУ МВД России по г. Москве", "2015-08-01", "770-002"],
    },
    Person {
        oid: 1_000_004,
        kind: "citizen",
        email: Some("kuznetsova@demo.kabinet.test"),
        phone: Some("+79990000004"),
        snils: "456-789-123 44",
        totp: false,
        name: ["Кузнецова", "Мария", "Игоревна"],
        birth_date: "1996-01-17",
        inn: "774567891247",
        passport: ["4517", "445566", "ГУ МВД России по г. Москве", "2016-02-10", "770-003"],
    },
];

const DAY: i64 = 24 * 60 * 60;

/// Creates the demo accounts and their applications if the database has no accounts.
/// Applications still in the workflow are due at `first_step_at`.
///
/// # Errors
/// When the store fails or hashing fails.
pub fn seed_if_empty(
    store: &Store,
    now: i64,
    first_step_at: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    let count: i64 = store.lock().query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
    if count > 0 {
        return Ok(());
    }

    if !password::check_policy(DEMO_PASSWORD).is_empty() {
        return Err("the demo password does not satisfy the password policy".into());
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    store.transaction(|tx| {
        for person in &PEOPLE {
            insert_person(tx, person, &hash)?;
        }
        insert_organisation(tx)?;
        insert_applications(tx, now, first_step_at)
    })?;
    tracing::info!(accounts = PEOPLE.len(), "seeded the demo accounts");
    Ok(())
}

fn insert_person(conn: &Connection, p: &Person, password_hash: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO accounts (oid, kind, email, phone, snils, password_hash, totp_secret,
             last_name, first_name, middle_name, birth_date, inn, passport_series,
             passport_number, passport_issued_by, passport_issued_on, passport_department_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            p.oid,
            p.kind,
            p.email,
            p.phone,
            p.snils,
            password_hash,
            p.totp.then_some(DEMO_TOTP_SECRET),
            p.name[0],
            p.name[1],
            p.name[2],
            p.birth_date,
            p.inn,
            p.passport[0],
            p.passport[1],
            p.passport[2],
            p.passport[3],
            p.passport[4],
        ],
    )?;
    Ok(())
}

fn insert_organisation(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO organisations (id, owner_oid, name, ogrnip, inn)
         VALUES (1, ?1, 'ИП Петрова Анна Сергеевна', '320774600123456', '772345678901')",
        [ENTREPRENEUR_OID],
    )?;
    for (oid, role) in
        [(ENTREPRENEUR_OID, "owner"), (1_000_003, "accountant"), (1_000_004, "clerk")]
    {
        conn.execute(
            "INSERT INTO organisation_members (organisation_id, oid, role) VALUES (1, ?1, ?2)",
            params![oid, role],
        )?;
    }
    Ok(())
}

struct SeedApplication {
    oid: i64,
    number: &'static str,
    service_code: &'static str,
    title: &'static str,
    department: &'static str,
    days_ago: i64,
    history: &'static [(ApplicationStatus, Option<&'static str>)],
    in_workflow: bool,
}

const APPLICATIONS: [SeedApplication; 7] = [
    SeedApplication {
        oid: CITIZEN_OID,
        number: "3014567801",
        service_code: "foreign_passport",
        title: "Оформление заграничного паспорта нового образца",
        department: "МВД России",
        days_ago: 40,
        history: &[
            (ApplicationStatus::InProgress, Some("Заявление передано в подразделение")),
            (ApplicationStatus::Approved, Some("Паспорт готов, приходите за ним с оригиналами")),
        ],
        in_workflow: false,
    },
    SeedApplication {
        oid: CITIZEN_OID,
        number: "3014567802",
        service_code: "passport_replacement",
        title: "Замена паспорта гражданина РФ",
        department: "МВД России",
        days_ago: 30,
        history: &[
            (ApplicationStatus::InProgress, None),
            (ApplicationStatus::Rejected, Some("Фотография не соответствует требованиям")),
        ],
        in_workflow: false,
    },
    SeedApplication {
        oid: CITIZEN_OID,
        number: "3014567803",
        service_code: "no_criminal_record",
        title: "Справка о наличии (отсутствии) судимости",
        department: "МВД России",
        days_ago: 12,
        history: &[
            (ApplicationStatus::InProgress, None),
            (ApplicationStatus::NeedsInfo, Some("Укажите прежнюю фамилию, если она менялась")),
        ],
        in_workflow: false,
    },
    SeedApplication {
        oid: CITIZEN_OID,
        number: "3014567804",
        service_code: "snils",
        title: "Получение СНИЛС",
        department: "Социальный фонд России",
        days_ago: 3,
        history: &[(ApplicationStatus::InProgress, Some("Проверяем сведения"))],
        in_workflow: true,
    },
    SeedApplication {
        oid: CITIZEN_OID,
        number: "3014567805",
        service_code: "driving_licence_replacement",
        title: "Замена водительского удостоверения",
        department: "Госавтоинспекция",
        days_ago: 1,
        history: &[],
        in_workflow: true,
    },
    SeedApplication {
        oid: ENTREPRENEUR_OID,
        number: "3014567806",
        service_code: "entrepreneur_registration",
        title: "Государственная регистрация физического лица в качестве ИП",
        department: "ФНС России",
        days_ago: 90,
        history: &[(ApplicationStatus::InProgress, None), (ApplicationStatus::Approved, None)],
        in_workflow: false,
    },
    SeedApplication {
        oid: ENTREPRENEUR_OID,
        number: "3014567807",
        service_code: "foreign_passport",
        title: "Оформление заграничного паспорта нового образца",
        department: "МВД России",
        days_ago: 2,
        history: &[],
        in_workflow: true,
    },
];

/// What the departments of the demo applications asked for or said: the application waiting
/// for a clarification asks about a former surname; the refused one says what to fix.
fn seed_details(status: ApplicationStatus) -> Details {
    match status {
        ApplicationStatus::NeedsInfo => {
            Details { answers: vec!["previous_names".to_owned()], ..Details::default() }
        }
        ApplicationStatus::Rejected => Details {
            how_to_fix: Some(
                "Сделайте фотографию по требованиям МВД и подайте заявление заново".to_owned(),
            ),
            ..Details::default()
        },
        _ => Details::default(),
    }
}

fn insert_applications(conn: &Connection, now: i64, first_step_at: i64) -> rusqlite::Result<()> {
    for app in &APPLICATIONS {
        let submitted_at = now - app.days_ago * DAY;
        let id = applications::create(
            conn,
            &NewApplication {
                oid: app.oid,
                number: app.number,
                service_code: app.service_code,
                title: app.title,
                department: app.department,
                submitted_at,
                next_step_at: None,
            },
        )?;
        let last = app.history.len();
        for (step, (status, comment)) in app.history.iter().enumerate() {
            let at = submitted_at + (step as i64 + 1) * app.days_ago * DAY / (last as i64 + 1);
            let next_step_at = (step + 1 == last && app.in_workflow).then_some(first_step_at);
            applications::transition(
                conn,
                &Transition { id, status: *status, comment: *comment, at, next_step_at },
            )?;
            outcomes::record(conn, id, *status, *comment, at, &seed_details(*status))?;
        }
        if last == 0 && app.in_workflow {
            conn.execute(
                "UPDATE applications SET next_step_at = ?2 WHERE id = ?1",
                params![id, first_step_at],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::code_of;

    #[test]
    fn demo_people_have_valid_numbers_and_passwords() {
        for person in &PEOPLE {
            assert!(kabinet_api::checks::is_valid_snils(person.snils), "{}", person.oid);
            assert!(kabinet_api::checks::is_valid_inn(person.inn), "{}", person.oid);
        }
        assert!(
            password::check_policy(DEMO_PASSWORD).is_empty(),
            "the demo password must satisfy the policy the portal enforces"
        );
    }

    #[test]
    fn the_citizen_has_an_application_in_every_status() {
        let store = Store::open_in_memory().unwrap();
        seed_if_empty(&store, 10 * 365 * DAY, 10 * 365 * DAY + 20).unwrap();

        let conn = store.lock();
        for status in ApplicationStatus::ALL {
            let count: i64 = conn
                .query_row(
                    "SELECT count(*) FROM applications WHERE oid = ?1 AND status = ?2",
                    params![CITIZEN_OID, code_of(status)],
                    |row| row.get(0),
                )
                .unwrap();
            assert!(count > 0, "the demo citizen needs an application in status {status:?}");
        }
    }
}
