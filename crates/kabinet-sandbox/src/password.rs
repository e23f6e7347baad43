//! The portal's password policy and password hashing (argon2id).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

/// What a password lacks to satisfy the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyProblem {
    /// Fewer than [`MIN_LENGTH`] characters.
    TooShort,
    /// No lowercase letter.
    NoLowercase,
    /// No uppercase letter.
    NoUppercase,
    /// No digit.
    NoDigit,
    /// No character that is neither a letter nor a digit.
    NoSpecial,
}

/// The shortest password the portal accepts.
pub const MIN_LENGTH: usize = 12;

/// Checks a password against the policy and lists every problem at once.
pub fn check_policy(password: &str) -> Vec<PolicyProblem> {
    let mut problems = Vec::new();
    if password.chars().count() < MIN_LENGTH {
        problems.push(PolicyProblem::TooShort);
    }
    if !password.chars().any(char::is_lowercase) {
        problems.push(PolicyProblem::NoLowercase);
    }
    if !password.chars().any(char::is_uppercase) {
        problems.push(PolicyProblem::NoUppercase);
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        problems.push(PolicyProblem::NoDigit);
    }
    if !password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()) {
        problems.push(PolicyProblem::NoSpecial);
    }
    problems
}

/// A password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password with argon2id and a random salt, as a PHC string.
///
/// # Errors
/// When argon2 rejects its parameters; not expected with the defaults.
pub fn hash(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| HashError(err.to_string()))
}

/// Whether `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_lists_every_problem() {
        assert_eq!(
            check_policy("short"),
            vec![
                PolicyProblem::TooShort,
                PolicyProblem::NoUppercase,
                PolicyProblem::NoDigit,
                PolicyProblem::NoSpecial
            ]
        );
        assert!(check_policy("Kabinet-Demo-2026").is_empty(), "a strong password passes");
        assert_eq!(check_policy("Пароль-надёжный-1"), vec![], "Cyrillic letters count");
        assert_eq!(check_policy("NoSpecialChar12"), vec![PolicyProblem::NoSpecial]);
    }

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let first = hash("Kabinet-Demo-2026").unwrap();
        let second = hash("Kabinet-Demo-2026").unwrap();

        assert!(first.starts_with("$argon2id$"), "argon2id is the variant in use");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("Kabinet-Demo-2026", &first));
        assert!(!verify("kabinet-demo-2026", &first));
        assert!(!verify("Kabinet-Demo-2026", "not a hash"));
    }
}
