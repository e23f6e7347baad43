//! Accounts: finding a person by login, the lockout, the activity log, and the profile.

use kabinet_api::oauth::scopes;
use kabinet_api::{
    AccountKind, ActivityEntry, ActivityKind, Contacts, DocumentNumber, EventKind, FullName,
    Passport, Profile,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::clock::from_unix;
use crate::config::Lockout;
use crate::feed::{self, NewEvent};
use crate::store::{code_of, from_code};

/// An account as stored. Its `Debug` is not derived: it holds the password hash, a TOTP
/// secret and document numbers.
pub struct Account {
    /// The person id.
    pub oid: i64,
    /// Citizen or entrepreneur.
    pub kind: AccountKind,
    /// Email, if any.
    pub email: Option<String>,
    /// Phone as `+7XXXXXXXXXX`, if any.
    pub phone: Option<String>,
    /// SNILS as `XXX-XXX-XXX YY`.
    pub snils: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// TOTP secret, where the person enrolled an authenticator app.
    pub totp_secret: Option<Vec<u8>>,
    /// The last TOTP step accepted, so that a code is used once.
    pub totp_last_step: Option<i64>,
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub middle_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// Twelve digits.
    pub inn: String,
    /// Passport series, number, issuer, date, department code.
    pub passport: [String; 5],
    /// Unix seconds until which sign-in is refused.
    pub locked_until: Option<i64>,
}

const ACCOUNT_COLUMNS: &str = "oid, kind, email, phone, snils, password_hash, totp_secret,
    totp_last_step, last_name, first_name, middle_name, birth_date, inn, passport_series,
    passport_number, passport_issued_by, passport_issued_on, passport_department_code,
    locked_until";

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        oid: row.get(0)?,
        kind: from_code(row.get(1)?)?,
        email: row.get(2)?,
        phone: row.get(3)?,
        snils: row.get(4)?,
        password_hash: row.get(5)?,
        totp_secret: row.get(6)?,
        totp_last_step: row.get(7)?,
        last_name: row.get(8)?,
        first_name: row.get(9)?,
        middle_name: row.get(10)?,
        birth_date: row.get(11)?,
        inn: row.get(12)?,
        passport: [row.get(13)?, row.get(14)?, row.get(15)?, row.get(16)?, row.get(17)?],
        locked_until: row.get(18)?,
    })
}

impl Account {
    /// Where one-time codes go: the phone when there is one, else the email.
    pub fn code_recipient(&self) -> Option<&str> {
        self.phone.as_deref().or(self.email.as_deref())
    }

    /// The profile as the given scopes allow it to be seen.
    pub fn profile(&self, granted: &[&str]) -> Profile {
        let has = |scope: &str| granted.contains(&scope);
        let [series, number, issued_by, issued_on, department_code] = self.passport.clone();
        Profile {
            oid: self.oid.unsigned_abs(),
            kind: self.kind,
            full_name: has(scopes::FULLNAME).then(|| FullName {
                last_name: self.last_name.clone(),
                first_name: self.first_name.clone(),
                middle_name: self.middle_name.clone(),
            }),
            birth_date: has(scopes::BIRTHDATE).then(|| self.birth_date.clone()),
            snils: has(scopes::SNILS).then(|| DocumentNumber::new(self.snils.clone())),
            inn: has(scopes::INN).then(|| DocumentNumber::new(self.inn.clone())),
            passport: has(scopes::ID_DOC).then(|| Passport {
                series: DocumentNumber::new(series),
                number: DocumentNumber::new(number),
                issued_by,
                issued_on,
                department_code,
            }),
            contacts: has(scopes::CONTACTS)
                .then(|| Contacts { email: self.email.clone(), phone: self.phone.clone() }),
        }
    }
}

/// Finds an account by the login a person typed: an email, a phone as `+7XXXXXXXXXX`, or a
/// SNILS with or without separators.
///
/// # Errors
/// When the query fails.
pub fn find_by_login(conn: &Connection, login: &str) -> rusqlite::Result<Option<Account>> {
    let login = login.trim();
    let (column, value) = if login.contains('@') {
        ("email", login.to_lowercase())
    } else if login.starts_with('+') {
        match kabinet_api::checks::normalize_phone(login) {
            Some(phone) => ("phone", phone),
            None => return Ok(None),
        }
    } else {
        match kabinet_api::checks::normalize_snils(login) {
            Some(snils) => ("snils", snils),
            None => return Ok(None),
        }
    };
    conn.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = ?1"),
        [value],
        account_from_row,
    )
    .optional()
}

/// Finds an account by its person id.
///
/// # Errors
/// When the query fails.
pub fn by_oid(conn: &Connection, oid: i64) -> rusqlite::Result<Option<Account>> {
    conn.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE oid = ?1"),
        [oid],
        account_from_row,
    )
    .optional()
}

/// What a failed attempt led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Counted; the account is still open.
    Counted,
    /// This attempt locked the account until the given Unix time.
    Locked {
        /// When the lock ends.
        until: i64,
    },
}

/// Counts a failed attempt, locking the account when the policy says so. The lock is logged
/// as a security event and put on the account's feed. Returns the new event id on a lock.
///
/// The caller must hold the account's sign-in lock, so that parallel attempts are counted one
/// by one.
///
/// # Errors
/// When the store fails.
pub fn record_failure(
    conn: &Connection,
    oid: i64,
    now: i64,
    policy: &Lockout,
) -> rusqlite::Result<(Failure, Option<i64>)> {
    log_activity(conn, oid, ActivityKind::SignInFailed, now)?;
    let failures: u32 = conn.query_row(
        "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE oid = ?1
         RETURNING failed_attempts",
        [oid],
        |row| row.get(0),
    )?;
    if failures < policy.max_failures {
        return Ok((Failure::Counted, None));
    }

    let until = now + policy.duration.as_secs() as i64;
    conn.execute(
        "UPDATE accounts SET failed_attempts = 0, locked_until = ?2 WHERE oid = ?1",
        params![oid, until],
    )?;
    log_activity(conn, oid, ActivityKind::AccountLocked, now)?;
    let event = feed::append(
        conn,
        NewEvent {
            oid,
            kind: EventKind::AccountLocked,
            application_id: None,
            status: None,
            at: now,
        },
    )?;
    Ok((Failure::Locked { until }, Some(event)))
}

/// Clears the failure count after a complete, successful sign-in.
///
/// # Errors
/// When the update fails.
pub fn record_success(conn: &Connection, oid: i64, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE oid = ?1",
        [oid],
    )?;
    log_activity(conn, oid, ActivityKind::SignIn, now)
}

fn is_security(kind: ActivityKind) -> bool {
    matches!(kind, ActivityKind::AccountLocked | ActivityKind::TokenReuse)
}

/// Appends to the account's activity log.
///
/// # Errors
/// When the insert fails.
pub fn log_activity(
    conn: &Connection,
    oid: i64,
    kind: ActivityKind,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO activity (oid, kind, security, at) VALUES (?1, ?2, ?3, ?4)",
        params![oid, code_of(kind), is_security(kind), at],
    )?;
    Ok(())
}

/// The newest `limit` entries of the activity log, newest first.
///
/// # Errors
/// When the query fails.
pub fn activity(conn: &Connection, oid: i64, limit: u32) -> rusqlite::Result<Vec<ActivityEntry>> {
    let mut stmt = conn.prepare(
        "SELECT kind, at, security FROM activity WHERE oid = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![oid, limit], |row| {
        Ok(ActivityEntry {
            kind: from_code(row.get(0)?)?,
            at: from_unix(row.get(1)?),
            security: row.get(2)?,
        })
    })?;
    rows.collect()
}

/// Masks a phone or email for logs and pages: `+7•••••••01`, `i•••@example.ru`.
pub fn mask_recipient(recipient: &str) -> String {
    if let Some((name, domain)) = recipient.split_once('@') {
        let first: String = name.chars().take(1).collect();
        return format!("{first}•••@{domain}");
    }
    let chars: Vec<char> = recipient.chars().collect();
    let keep = chars.len().saturating_sub(2);
    chars.iter().enumerate().map(|(i, c)| if i < 2 || i >= keep { *c } else { '•' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked() {
        assert_eq!(mask_recipient("+79990000001"), "+7••••••••01");
        assert_eq!(mask_recipient("ivanov@example.ru"), "i•••@example.ru");
    }
}
