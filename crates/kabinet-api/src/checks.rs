//! Checks of Russian identity numbers and contacts that the client and the portal both apply,
//! so that a form the client accepts is one the portal accepts too.

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
}
