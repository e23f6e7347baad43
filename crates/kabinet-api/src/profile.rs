//! The person's profile.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A document number (SNILS, INN, passport series and number).
///
/// It crosses the wire on purpose, but its `Debug` is redacted so that logging a profile
/// reveals nothing, and [`DocumentNumber::masked`] is what a screen or a notification shows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    /// Wraps a document number.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The full number; use it only where the full number is required.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The number with every digit but the last two replaced by `•`.
    pub fn masked(&self) -> String {
        let digits = self.0.chars().filter(char::is_ascii_digit).count();
        let mut seen = 0;
        self.0
            .chars()
            .map(|c| {
                if !c.is_ascii_digit() {
                    return c;
                }
                seen += 1;
                if seen + 2 > digits { c } else { '•' }
            })
            .collect()
    }
}

impl fmt::Debug for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Whether the account belongs to a private person or an individual entrepreneur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A private person.
    Citizen,
    /// An individual entrepreneur (ИП) who acts for an organisation.
    Entrepreneur,
}

/// A person's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FullName {
    /// Фамилия.
    pub last_name: String,
    /// Имя.
    pub first_name: String,
    /// Отчество, where the person has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
}

/// The internal passport.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Passport {
    /// Four digits.
    pub series: DocumentNumber,
    /// Six digits.
    pub number: DocumentNumber,
    /// The issuing department.
    pub issued_by: String,
    /// Date of issue, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub issued_on: String,
    /// Department code, `XXX-XXX`.
    pub department_code: String,
}

/// Confirmed contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contacts {
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mobile phone as `+7XXXXXXXXXX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The person's profile. Each group of fields is present only when the access token carries
/// the scope that covers it (`fullname`, `birthdate`, `snils`, `inn`, `contacts`, `id_doc`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    /// The person's numeric id at the portal (ESIA `oid`).
    pub oid: u64,
    /// Citizen or entrepreneur.
    pub kind: AccountKind,
    /// Name, with scope `fullname`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<FullName>,
    /// Date of birth `YYYY-MM-DD`, with scope `birthdate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    /// SNILS `XXX-XXX-XXX YY`, with scope `snils`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snils: Option<DocumentNumber>,
    /// INN, twelve digits for a person, with scope `inn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inn: Option<DocumentNumber>,
    /// The internal passport, with scope `id_doc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport: Option<Passport>,
    /// Contacts, with scope `contacts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Contacts>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_are_redacted_in_debug_and_masked_for_display() {
        let snils = DocumentNumber::new("112-233-445 95");

        assert_eq!(format!("{snils:?}"), "[redacted]", "a logged profile must not leak SNILS");
        assert_eq!(snils.masked(), "•••-•••-••• 95");
        assert_eq!(snils.expose(), "112-233-445 95");
    }
}
