//! The `Idempotency-Key` header, after the IETF draft "The Idempotency-Key HTTP Header Field"
//! (draft-ietf-httpapi-idempotency-key-header).
//!
//! A client makes a key when the person submits, stores it with the request, and sends every
//! attempt of that request under it. The portal answers:
//!
//! - no key: `400` (`invalid_request`);
//! - a key it has not seen for this account: the request is processed and its response kept;
//! - the same key with the same request: the kept response again, same status and body, with
//!   [`REPLAYED_HEADER`] set;
//! - the same key with a different request: `422` ([`crate::ErrorCode::IdempotencyKeyReused`]);
//! - the same key while the first request is still being processed: `409`
//!   ([`crate::ErrorCode::IdempotencyKeyInUse`]); try again shortly.
//!
//! "The same request" means the same method, route and JSON body, compared after putting the
//! body in a canonical form (object members sorted, no insignificant whitespace), so that
//! re-serialising a draft does not make it another request. Keys are scoped to the account and
//! kept at least [`RETENTION_DAYS`] days, as long as a draft may wait offline.
//!
//! A submission must carry a key. A reply to a clarification request may: with one, these
//! rules apply to it too, so that a reply retried after a lost response is not refused as
//! answered already.

/// The request header that carries the key.
pub const HEADER: &str = "idempotency-key";

/// The response header set to `true` on a replayed response.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// How many days the portal keeps a key and its response, at least.
pub const RETENTION_DAYS: u32 = 30;

/// The longest key the portal accepts, in characters.
pub const MAX_KEY_CHARS: usize = 255;

/// Reads the key from the header's value.
///
/// The draft defines the field as a structured-field string (`"8e03…"`, quoted); bare tokens
/// are common in the wild and accepted too. A key is 1 to [`MAX_KEY_CHARS`] visible ASCII
/// characters. Returns `None` for anything else.
pub fn parse_key(value: &str) -> Option<&str> {
    let value = value.trim();
    let key = match value.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"')?,
        None => value,
    };
    let visible = key.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    (!key.is_empty() && key.len() <= MAX_KEY_CHARS && visible).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_bare_keys_are_read_alike() {
        let key = "8e03978e-40d5-43e8-bc93-6894a57f9324";
        assert_eq!(parse_key(&format!("\"{key}\"")), Some(key), "the draft's quoted form");
        assert_eq!(parse_key(key), Some(key), "the common bare form");
        assert_eq!(parse_key(&format!("  {key} ")), Some(key));
    }

    #[test]
    fn empty_long_and_odd_keys_are_refused() {
        assert_eq!(parse_key(""), None);
        assert_eq!(parse_key("\"\""), None, "a quoted empty key is still empty");
        assert_eq!(parse_key("\"abc"), None, "an unterminated quote");
        assert_eq!(parse_key("a b"), None, "no spaces inside");
        assert_eq!(parse_key("ключ"), None, "visible ASCII only");
        assert_eq!(parse_key(&"k".repeat(MAX_KEY_CHARS)), Some("k".repeat(255).as_str()));
        assert_eq!(parse_key(&"k".repeat(MAX_KEY_CHARS + 1)), None);
    }
}
