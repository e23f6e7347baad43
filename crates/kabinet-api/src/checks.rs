//! Checks of Russian identity numbers, contacts and dates that the client and the portal both
//! apply, so that a form the client accepts is one the portal accepts too.
//!
//! The functions here answer one question about one string each. [`Check`] names them as a
//! service's form does (the `x-check` keyword of a field, see [`crate::forms`]) and says which
//! [`FieldProblemCode`] a failed check reports, so that both sides give the same verdict.

use serde::{Deserialize, Serialize};
use time::{Date, Month};
use utoipa::ToSchema;

use crate::problem::FieldProblemCode;

/// The digits of `input`, or `None` when it holds anything but digits, spaces and hyphens.
fn digits_of(input: &str) -> Option<Vec<u32>> {
    input.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_digit(10)).collect()
}

/// Whether `input` is a SNILS with a correct check number. Spaces and hyphens are ignored.
pub fn is_valid_snils(input: &str) -> bool {
    let Some(digits) = digits_of(input) else { return false };
    if digits.len() != 11 {
        return false;
    }

    let sum: u32 = digits[..9].iter().zip((1..=9).rev()).map(|(d, w)| d * w).sum();
    let expected = match sum {
        0..=99 => sum,
        100 | 101 => 0,
        _ => match sum % 101 {
            100 => 0,
            rest => rest,
        },
    };
    expected == digits[9] * 10 + digits[10]
}

/// Formats eleven SNILS digits as `XXX-XXX-XXX YY`, or `None` if `input` is not a SNILS.
pub fn normalize_snils(input: &str) -> Option<String> {
    let digits = digits_of(input)?;
    if digits.len() != 11 {
        return None;
    }
    let s: String = digits.iter().filter_map(|d| char::from_digit(*d, 10)).collect();
    Some(format!("{}-{}-{} {}", &s[0..3], &s[3..6], &s[6..9], &s[9..11]))
}

fn inn_check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// Whether `input` is an INN of an organisation (10 digits) or a person (12 digits) with
/// correct check digits.
pub fn is_valid_inn(input: &str) -> bool {
    let Some(digits) = input.chars().map(|c| c.to_digit(10)).collect::<Option<Vec<u32>>>() else {
        return false;
    };
    match digits.len() {
        10 => inn_check_digit(&digits[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9],
        12 => {
            inn_check_digit(&digits[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[10]
                && inn_check_digit(&digits[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[11]
        }
        _ => false,
    }
}

/// Normalises a Russian mobile number to `+7XXXXXXXXXX`; accepts `+7`, spaces, hyphens and
/// brackets. Returns `None` for anything else.
pub fn normalize_phone(input: &str) -> Option<String> {
    let rest = input.trim().strip_prefix("+7")?;
    let digits: String = rest.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
        Some(format!("+7{digits}"))
    } else {
        None
    }
}

/// Normalises a passport's series and number to `SSSS NNNNNN`: four digits of the series and
/// six of the number, with any spaces between them. Returns `None` for anything else.
pub fn normalize_passport(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| *c != ' ').collect();
    if compact.len() != 10 || !compact.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{} {}", &compact[..4], &compact[4..]))
}

/// Whether `input` is a Russian postal index: exactly six digits, surrounding spaces aside.
pub fn is_valid_postal_index(input: &str) -> bool {
    let trimmed = input.trim();
    trimmed.len() == 6 && trimmed.chars().all(|c| c.is_ascii_digit())
}

/// Characters a mailbox name may use besides ASCII letters and digits (RFC 5322 `atext`).
const MAILBOX_SYMBOLS: &str = ".!#$%&'*+/=?^_`{|}~-";

/// Whether `input` is an email address the portal can write to.
///
/// The rule is deliberately simple so that every client can repeat it exactly: at most 254
/// characters; one `@`; a mailbox name of 1 to 64 ASCII letters, digits and RFC 5322 symbols
/// that neither starts nor ends with a dot nor holds two in a row; a domain of at least two
/// labels of 1 to 63 letters (any script, so `почта.рф` passes), digits and hyphens, no label
/// starting or ending with a hyphen, and a last label of at least two letters.
pub fn is_valid_email(input: &str) -> bool {
    let email = input.trim();
    if email.chars().count() > 254 {
        return false;
    }
    let Some((mailbox, domain)) = email.split_once('@') else { return false };

    let mailbox_ok = (1..=64).contains(&mailbox.len())
        && mailbox.chars().all(|c| c.is_ascii_alphanumeric() || MAILBOX_SYMBOLS.contains(c))
        && !mailbox.starts_with('.')
        && !mailbox.ends_with('.')
        && !mailbox.contains("..");
    if !mailbox_ok {
        return false;
    }

    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.chars().count())
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_ok = labels
        .last()
        .is_some_and(|top| top.chars().count() >= 2 && top.chars().all(char::is_alphabetic));
    labels.len() >= 2 && labels.iter().all(label_ok) && top_ok
}

/// The earliest year a form accepts in a date; earlier years are typing mistakes.
pub const EARLIEST_YEAR: i32 = 1900;
/// The latest year a form accepts in a date.
pub const LATEST_YEAR: i32 = 2100;

/// Why a string is not a date a form accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not of the shape `YYYY-MM-DD`.
    Format,
    /// Of the right shape, but no such day (`2025-02-30`), or a year outside
    /// [`EARLIEST_YEAR`]..=[`LATEST_YEAR`].
    NoSuchDay,
}

/// Parses an ISO 8601 calendar date, `YYYY-MM-DD` exactly, surrounding spaces aside.
///
/// # Errors
/// [`DateError::Format`] for another shape, [`DateError::NoSuchDay`] for a day the calendar
/// does not have or a year outside the accepted range.
pub fn parse_date(input: &str) -> Result<Date, DateError> {
    let text = input.trim();
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Format);
    }

    let number = |range: std::ops::Range<usize>| text[range].parse::<u16>().unwrap_or(0);
    let year = i32::from(number(0..4));
    if !(EARLIEST_YEAR..=LATEST_YEAR).contains(&year) {
        return Err(DateError::NoSuchDay);
    }
    let month = u8::try_from(number(5..7)).ok().and_then(|m| Month::try_from(m).ok());
    let day = u8::try_from(number(8..10)).unwrap_or(0);
    month
        .and_then(|month| Date::from_calendar_date(year, month, day).ok())
        .ok_or(DateError::NoSuchDay)
}

/// A shared check a form field names in its `x-check` keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// СНИЛС: eleven digits with a correct check number; spaces and hyphens allowed.
    Snils,
    /// ИНН of a person or an organisation: 12 or 10 digits with correct check digits.
    Inn,
    /// ИНН of a person: 12 digits with correct check digits.
    PersonInn,
    /// A mobile phone, `+7` and ten digits; spaces, hyphens and brackets allowed.
    Phone,
    /// An email address, see [`is_valid_email`].
    Email,
    /// A postal index: six digits.
    PostalIndex,
    /// The internal passport's series and number: four digits and six digits.
    Passport,
    /// A driving licence's series and number: four digits and six digits, as on the card.
    DrivingLicence,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A calendar date no later than today (a birth date, a date of issue).
    PastDate,
    /// A calendar date no earlier than today (a wished-for appointment).
    FutureDate,
}

impl Check {
    /// Every check.
    pub const ALL: [Self; 11] = [
        Self::Snils,
        Self::Inn,
        Self::PersonInn,
        Self::Phone,
        Self::Email,
        Self::PostalIndex,
        Self::Passport,
        Self::DrivingLicence,
        Self::Date,
        Self::PastDate,
        Self::FutureDate,
    ];

    /// The name the `x-check` keyword uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snils => "snils",
            Self::Inn => "inn",
            Self::PersonInn => "person_inn",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::PostalIndex => "postal_index",
            Self::Passport => "passport",
            Self::DrivingLicence => "driving_licence",
            Self::Date => "date",
            Self::PastDate => "past_date",
            Self::FutureDate => "future_date",
        }
    }

    /// Parses an `x-check` name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|check| check.as_str() == name)
    }

    /// Applies the check to a non-empty answer. `today` is the portal's date, against which
    /// [`Check::PastDate`] and [`Check::FutureDate`] are judged.
    ///
    /// # Errors
    /// The code of the first problem found: [`FieldProblemCode::InvalidFormat`] for a wrong
    /// shape, [`FieldProblemCode::InvalidChecksum`] for SNILS or INN digits that do not check,
    /// [`FieldProblemCode::InvalidDate`] for a day that does not exist, and
    /// [`FieldProblemCode::DateInFuture`] or [`FieldProblemCode::DateInPast`] for a date on the
    /// wrong side of today.
    pub fn verify(self, value: &str, today: Date) -> Result<(), FieldProblemCode> {
        let format = |ok: bool| if ok { Ok(()) } else { Err(FieldProblemCode::InvalidFormat) };
        let checksum = |ok: bool| if ok { Ok(()) } else { Err(FieldProblemCode::InvalidChecksum) };
        match self {
            Self::Snils => {
                format(normalize_snils(value.trim()).is_some())?;
                checksum(is_valid_snils(value.trim()))
            }
            Self::Inn => {
                format(matches!(ascii_digits(value), Some(10 | 12)))?;
                checksum(is_valid_inn(value.trim()))
            }
            Self::PersonInn => {
                format(ascii_digits(value) == Some(12))?;
                checksum(is_valid_inn(value.trim()))
            }
            Self::Phone => format(normalize_phone(value).is_some()),
            Self::Email => format(is_valid_email(value)),
            Self::PostalIndex => format(is_valid_postal_index(value)),
            Self::Passport | Self::DrivingLicence => format(normalize_passport(value).is_some()),
            Self::Date | Self::PastDate | Self::FutureDate => {
                let date = parse_date(value).map_err(|err| match err {
                    DateError::Format => FieldProblemCode::InvalidFormat,
                    DateError::NoSuchDay => FieldProblemCode::InvalidDate,
                })?;
                match self {
                    Self::PastDate if date > today => Err(FieldProblemCode::DateInFuture),
                    Self::FutureDate if date < today => Err(FieldProblemCode::DateInPast),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// How many characters `input` has when it is all ASCII digits (spaces around it aside).
fn ascii_digits(input: &str) -> Option<usize> {
    let trimmed = input.trim();
    trimmed.chars().all(|c| c.is_ascii_digit()).then_some(trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snils_checksums() {
        assert!(is_valid_snils("112-233-445 95"), "the textbook example is valid");
        assert!(is_valid_snils("11223344595"), "digits only are accepted");
        assert!(!is_valid_snils("112-233-445 96"), "a wrong check number is caught");
        assert!(!is_valid_snils("112-233-445"), "too short");
        assert!(!is_valid_snils("112-233-445 9a"), "letters are refused");
    }

    #[test]
    fn snils_sum_of_exactly_100_or_101_checks_as_zero() {
        // The rule's edge case: a weighted sum of 100 or 101 gives the check number 00.
        let found = (0..1_000_000_000u64)
            .step_by(7_919)
            .map(|n| format!("{n:09}"))
            .find(|s| {
                let sum: u32 =
                    s.chars().zip((1..=9).rev()).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
                sum == 100 || sum == 101
            })
            .expect("some number has a weighted sum of 100 or 101");
        assert!(is_valid_snils(&format!("{found}00")), "{found}: sum 100/101 must check as 00");
    }

    #[test]
    fn inn_checksums() {
        assert!(is_valid_inn("7707083893"), "a known organisation INN");
        assert!(!is_valid_inn("7707083894"));
        assert!(is_valid_inn("500100732259"), "a known personal INN");
        assert!(!is_valid_inn("500100732250"));
        assert!(!is_valid_inn("50010073225"), "11 digits is no INN");
    }

    #[test]
    fn phones_normalise_to_plus_seven() {
        assert_eq!(normalize_phone("+7 (999) 000-00-01").as_deref(), Some("+79990000001"));
        assert_eq!(normalize_phone("89990000001"), None, "the portal asks for +7");
        assert_eq!(normalize_phone("+7999000000"), None, "too short");
    }

    #[test]
    fn snils_formats() {
        assert_eq!(normalize_snils("11223344595").as_deref(), Some("112-233-445 95"));
        assert_eq!(normalize_snils("1122334459"), None);
    }

    #[test]
    fn passports_are_four_and_six_digits() {
        assert_eq!(normalize_passport("4510 123456").as_deref(), Some("4510 123456"));
        assert_eq!(normalize_passport("45 10 123456").as_deref(), Some("4510 123456"));
        assert_eq!(normalize_passport("4510123456").as_deref(), Some("4510 123456"));
        assert_eq!(normalize_passport("4510 12345"), None, "the number has six digits");
        assert_eq!(normalize_passport("451O 123456"), None, "a letter O is not a zero");
        assert_eq!(normalize_passport("4510-123456"), None, "only spaces separate the parts");
    }

    #[test]
    fn postal_indexes_are_six_digits() {
        assert!(is_valid_postal_index("101000"));
        assert!(is_valid_postal_index(" 690000 "), "spaces around the index are ignored");
        assert!(!is_valid_postal_index("10100"));
        assert!(!is_valid_postal_index("1010000"));
        assert!(!is_valid_postal_index("10100a"));
        assert!(!is_valid_postal_index("１０１０００"), "full-width digits are not ASCII digits");
    }

    #[test]
    fn emails_follow_the_documented_rule() {
        for good in ["ivanov@demo.kabinet.test", "a.b+tag@mail.ru", "user@почта.рф", "x@ya.ru"]
        {
            assert!(is_valid_email(good), "{good} is an address");
        }
        for bad in [
            "",
            "ivanov",
            "@mail.ru",
            "ivanov@",
            "ivanov@localhost",
            "iva nov@mail.ru",
            ".ivanov@mail.ru",
            "iva..nov@mail.ru",
            "ivanov@mail..ru",
            "ivanov@-mail.ru",
            "ivanov@mail.r",
            "ivanov@mail.ru1",
            "a@b@mail.ru",
            "иванов@mail.ru",
        ] {
            assert!(!is_valid_email(bad), "{bad:?} is not an address");
        }
        let long = format!("{}@mail.ru", "a".repeat(65));
        assert!(!is_valid_email(&long), "a mailbox name has at most 64 characters");
    }

    #[test]
    fn dates_are_iso_and_real() {
        use time::macros::date;

        assert_eq!(parse_date("2024-02-29"), Ok(date!(2024 - 02 - 29)), "a leap day");
        assert_eq!(parse_date("2023-02-29"), Err(DateError::NoSuchDay), "not a leap year");
        assert_eq!(parse_date("2023-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("2023-00-10"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("2023-04-31"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("1899-12-31"), Err(DateError::NoSuchDay), "before 1900 is a typo");
        assert_eq!(
            parse_date("12.04.1985"),
            Err(DateError::Format),
            "the Russian shape is not ISO"
        );
        assert_eq!(parse_date("1985-4-12"), Err(DateError::Format));
        assert_eq!(parse_date("1985-04-12T00:00"), Err(DateError::Format));
        assert_eq!(parse_date("+985-04-12"), Err(DateError::Format));
    }

    #[test]
    fn date_checks_judge_against_today() {
        use time::macros::date;

        let today = date!(2026 - 12 - 04);
        assert_eq!(Check::PastDate.verify("2026-12-04", today), Ok(()), "today is not future");
        assert_eq!(
            Check::PastDate.verify("2026-12-05", today),
            Err(FieldProblemCode::DateInFuture)
        );
        assert_eq!(Check::FutureDate.verify("2026-12-04", today), Ok(()), "today is not past");
        assert_eq!(
            Check::FutureDate.verify("2026-12-03", today),
            Err(FieldProblemCode::DateInPast)
        );
        assert_eq!(Check::Date.verify("2026-02-30", today), Err(FieldProblemCode::InvalidDate));
        assert_eq!(Check::Date.verify("04.12.2026", today), Err(FieldProblemCode::InvalidFormat));
    }

    #[test]
    fn number_checks_tell_a_wrong_shape_from_a_wrong_checksum() {
        let today = time::macros::date!(2026 - 12 - 04);
        assert_eq!(Check::Snils.verify("112-233-445 95", today), Ok(()));
        assert_eq!(Check::Snils.verify("112-233-445", today), Err(FieldProblemCode::InvalidFormat));
        assert_eq!(
            Check::Snils.verify("112-233-445 96", today),
            Err(FieldProblemCode::InvalidChecksum)
        );
        assert_eq!(Check::Inn.verify("7707083893", today), Ok(()), "an organisation's INN");
        assert_eq!(
            Check::PersonInn.verify("7707083893", today),
            Err(FieldProblemCode::InvalidFormat),
            "a person's INN has twelve digits"
        );
        assert_eq!(
            Check::PersonInn.verify("500100732250", today),
            Err(FieldProblemCode::InvalidChecksum)
        );
        assert_eq!(Check::Inn.verify("50010073225", today), Err(FieldProblemCode::InvalidFormat));
    }

    #[test]
    fn check_names_round_trip() {
        for check in Check::ALL {
            let json = serde_json::to_string(&check).unwrap();
            assert_eq!(json, format!("\"{}\"", check.as_str()), "serde and as_str agree");
            assert_eq!(Check::parse(check.as_str()), Some(check));
        }
    }
}
