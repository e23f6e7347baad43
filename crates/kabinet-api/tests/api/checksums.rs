//! Property tests of the SNILS and INN checks against implementations written here from the
//! published rules in another form, over numbers from a seeded generator (no dependency on a
//! property-testing crate; the seed makes every failure reproducible).

use kabinet_api::checks::{is_valid_inn, is_valid_snils};

/// SplitMix64: small, fast and good enough to spread test numbers.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn digits(&mut self, count: usize) -> Vec<u32> {
        (0..count).map(|_| (self.next() % 10) as u32).collect()
    }
}

const SEED: u64 = 0x6B61_6269_6E65_7406;

fn text(digits: &[u32]) -> String {
    digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect()
}

/// The SNILS check number: the weighted sum (weights 9 down to 1) modulo 101, where 100
/// counts as 00. For sums below 100 this is the sum itself, and 100 and 101 give 00, as the
/// rule's three cases say.
fn snils_check(prefix: &[u32]) -> u32 {
    let sum: u32 = prefix.iter().enumerate().map(|(i, d)| d * (9 - i as u32)).sum();
    sum % 101 % 100
}

/// An INN check digit: the weights are the tail of one sequence, as long as the digits.
fn inn_check(digits: &[u32]) -> u32 {
    const WEIGHTS: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    let weights = &WEIGHTS[WEIGHTS.len() - digits.len()..];
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

#[test]
fn exactly_one_snils_check_number_fits_each_number() {
    let mut numbers = Numbers(SEED);
    for _ in 0..2_000 {
        let prefix = numbers.digits(9);
        let expected = snils_check(&prefix);
        for check in 0..100 {
            let snils = format!("{}{check:02}", text(&prefix));
            assert_eq!(
                is_valid_snils(&snils),
                check == expected,
                "{snils}: only the check number {expected:02} may pass (seed {SEED:#x})"
            );
        }
        let formatted = format!(
            "{}-{}-{} {expected:02}",
            text(&prefix[..3]),
            text(&prefix[3..6]),
            text(&prefix[6..])
        );
        assert!(is_valid_snils(&formatted), "{formatted}: the printed form passes too");
    }
}

#[test]
fn snils_numbers_whose_sums_sit_at_the_rule_edges_check_as_the_rule_says() {
    // Random prefixes rarely land on the edges, so walk all sums from 95 to 210 by building
    // prefixes that reach each one.
    for target in 95u32..=210 {
        let mut prefix = [0u32; 9];
        let mut rest = target;
        for (i, digit) in prefix.iter_mut().enumerate() {
            let weight = 9 - i as u32;
            *digit = (rest / weight).min(9);
            rest -= *digit * weight;
        }
        assert_eq!(rest, 0, "every sum up to 405 can be built");
        let expected = snils_check(&prefix);
        let snils = format!("{}{expected:02}", text(&prefix));
        assert!(is_valid_snils(&snils), "{snils} (sum {target}) must check as {expected:02}");
    }
}

#[test]
fn exactly_one_inn_check_digit_fits_each_organisation_number() {
    let mut numbers = Numbers(SEED ^ 10);
    for _ in 0..5_000 {
        let prefix = numbers.digits(9);
        let expected = inn_check(&prefix);
        for check in 0..10 {
            let inn = format!("{}{check}", text(&prefix));
            assert_eq!(is_valid_inn(&inn), check == expected, "{inn} (seed {SEED:#x})");
        }
    }
}

#[test]
fn exactly_one_pair_of_inn_check_digits_fits_each_personal_number() {
    let mut numbers = Numbers(SEED ^ 12);
    for _ in 0..2_000 {
        let mut digits = numbers.digits(10);
        digits.push(inn_check(&digits));
        let expected_last = inn_check(&digits);
        let expected = (digits[10], expected_last);
        for first in 0..10 {
            for second in 0..10 {
                let inn = format!("{}{first}{second}", text(&digits[..10]));
                assert_eq!(
                    is_valid_inn(&inn),
                    (first, second) == expected,
                    "{inn}: only {expected:?} may pass (seed {SEED:#x})"
                );
            }
        }
    }
}

#[test]
fn numbers_of_other_lengths_or_with_letters_never_pass() {
    let mut numbers = Numbers(SEED ^ 99);
    for length in (0..=14).filter(|n| ![10, 11, 12].contains(n)) {
        let digits = text(&numbers.digits(length));
        assert!(!is_valid_inn(&digits), "{digits}: an INN has 10 or 12 digits");
        assert!(!is_valid_snils(&digits), "{digits}: a SNILS has 11 digits");
    }
    for _ in 0..500 {
        let mut snils = text(&numbers.digits(9));
        snils.push_str(&format!("{:02}", snils_check(&numbers.digits(9))));
        let at = (numbers.next() % 11) as usize;
        snils.replace_range(at..=at, "O");
        assert!(!is_valid_snils(&snils), "{snils}: a letter is never a digit");
    }
}
