//! The names under which secrets are kept.

use std::fmt;

/// The keychain service every Kabinet entry is filed under.
pub const SERVICE: &str = "kabinet";

/// The address of one keychain entry: a service and an account within it.
///
/// Both parts are visible to anyone who can list the keychain and may appear in logs, so they
/// must hold opaque identifiers only, never a name, a document number or a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    service: String,
    account: String,
}

impl SecretKey {
    /// The entry for the refresh token of one person at one portal.
    ///
    /// `portal_id` names the portal (its issuer) and `subject` is the person's opaque id there.
    /// The account reads `refresh-token:{portal}:{subject}`; a `:` or `%` inside either part
    /// is percent-encoded so that two different pairs can never share an entry.
    pub fn refresh_token(portal_id: &str, subject: &str) -> Self {
        let account = format!("refresh-token:{}:{}", escape(portal_id), escape(subject));
        Self { service: SERVICE.to_owned(), account }
    }

    /// The entry for the key that seals one person's local data at one portal (scans,
    /// drafts, the cached profile). Unlike the refresh token it stays after sign-out, since
    /// what it seals belongs to the person, not to the session.
    pub fn data_key(portal_id: &str, subject: &str) -> Self {
        let account = format!("data-key:{}:{}", escape(portal_id), escape(subject));
        Self { service: SERVICE.to_owned(), account }
    }

    /// The entry [`crate::open`] writes and removes to check that the keychain works. Each
    /// probe has its own name (process id and a random part), so that two programs probing
    /// at once (the app and the CLI, or parallel tests) never delete each other's entry.
    pub(crate) fn probe() -> Self {
        let mut nonce = [0u8; 8];
        let random = getrandom::fill(&mut nonce).map_or(0, |()| u64::from_le_bytes(nonce));
        let account = format!("keychain-probe:{}:{random:016x}", std::process::id());
        Self { service: SERVICE.to_owned(), account }
    }

    /// The service the entry is filed under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The account, which names the entry within its service.
    pub fn account(&self) -> &str {
        &self.account
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.service, self.account)
    }
}

/// Percent-encodes the separator and the escape character, leaving everything else readable.
fn escape(part: &str) -> String {
    let mut escaped = String::with_capacity(part.len());
    for c in part.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            ':' => escaped.push_str("%3A"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_token_keys_name_the_portal_and_the_person() {
        let key = SecretKey::refresh_token("sandbox", "oid-1000");

        assert_eq!(key.service(), "kabinet", "all entries share Kabinet's service");
        assert_eq!(key.account(), "refresh-token:sandbox:oid-1000");
        assert_eq!(key.to_string(), "kabinet/refresh-token:sandbox:oid-1000");
    }

    #[test]
    fn data_keys_and_refresh_tokens_never_share_an_entry() {
        let data = SecretKey::data_key("sandbox", "oid-1000");
        assert_eq!(data.account(), "data-key:sandbox:oid-1000");
        assert_ne!(data, SecretKey::refresh_token("sandbox", "oid-1000"));
    }

    #[test]
    fn separators_inside_ids_cannot_merge_two_entries() {
        let left = SecretKey::refresh_token("a:b", "c");
        let right = SecretKey::refresh_token("a", "b:c");

        assert_ne!(left, right, "a colon in an id must not shift the boundary between parts");
        assert_eq!(left.account(), "refresh-token:a%3Ab:c");
        assert_eq!(SecretKey::refresh_token("100%", "x").account(), "refresh-token:100%25:x");
    }

    #[test]
    fn portals_with_a_url_as_id_keep_a_readable_account() {
        let key = SecretKey::refresh_token("https://portal.example", "oid-7");

        assert_eq!(key.account(), "refresh-token:https%3A//portal.example:oid-7");
    }
}
