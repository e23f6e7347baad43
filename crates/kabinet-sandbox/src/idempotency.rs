//! Idempotency keys in the store, after the IETF Idempotency-Key draft (the rules are in
//! [`kabinet_api::idempotency`]).
//!
//! A request first *claims* its key: the portal records the key with the request's
//! fingerprint and no response. A second request under the key then learns whether the first
//! is still in flight, was another request, or has a response to replay. The handler records
//! the response with [`complete`] in the same transaction as the effect it describes, or
//! [`release`]s the claim when it fails without one, so that a retry can try again.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A response kept under a key, to be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// The `Location` header, if the response had one.
    pub location: Option<String>,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new; the caller owns it now and must complete or release it.
    New,
    /// The same request was answered before; here is the answer.
    Replay(StoredResponse),
    /// The key was used for a different request.
    Mismatch,
    /// The same request is still being processed.
    InFlight,
}

/// The fingerprint of a request: the SHA-256 of its method and route and its JSON body in
/// canonical form (object members sorted by name, no insignificant whitespace), as hex.
pub fn fingerprint(method_and_route: &str, body: &Value) -> String {
    let mut canonical = String::with_capacity(256);
    canonical.push_str(method_and_route);
    canonical.push('\n');
    write_canonical(body, &mut canonical);
    Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `value` as canonical JSON. Strings and numbers are written as serde_json writes
/// them; only the order of object members needs fixing, since a map may keep insertion order.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (name, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(name.clone()).to_string());
                out.push(':');
                write_canonical(member, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Claims `key` for a request of account `oid` with `fingerprint`, or reports what the key
/// is already used for. Call it inside a transaction (or under the store's lock), so that two
/// requests cannot both see the key as new.
///
/// # Errors
/// When the database fails.
pub fn claim(
    conn: &Connection,
    oid: i64,
    key: &str,
    fingerprint: &str,
    now: i64,
) -> rusqlite::Result<Claim> {
    let found: Option<(String, Option<StoredResponse>)> = conn
        .query_row(
            "SELECT fingerprint, status, body, location FROM idempotency_keys
             WHERE oid = ?1 AND key = ?2",
            params![oid, key],
            |row| {
                let status: Option<u16> = row.get(1)?;
                let response = match status {
                    Some(status) => Some(StoredResponse {
                        status,
                        body: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        location: row.get(3)?,
                    }),
                    None => None,
                };
                Ok((row.get(0)?, response))
            },
        )
        .optional()?;

    let Some((stored_fingerprint, response)) = found else {
        conn.execute(
            "INSERT INTO idempotency_keys (oid, key, fingerprint, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![oid, key, fingerprint, now],
        )?;
        return Ok(Claim::New);
    };
    if stored_fingerprint != fingerprint {
        return Ok(Claim::Mismatch);
    }
    Ok(response.map_or(Claim::InFlight, Claim::Replay))
}

/// Records the response of a claimed key. Call it in the transaction that makes the response
/// true (the one that creates the application, say).
///
/// # Errors
/// When the database fails.
pub fn complete(
    conn: &Connection,
    oid: i64,
    key: &str,
    response: &StoredResponse,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE idempotency_keys SET status = ?3, body = ?4, location = ?5
         WHERE oid = ?1 AND key = ?2",
        params![oid, key, response.status, response.body, response.location],
    )?;
    Ok(())
}

/// Gives up a claim that has no response, so that the request can be tried again.
///
/// # Errors
/// When the database fails.
pub fn release(conn: &Connection, oid: i64, key: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM idempotency_keys WHERE oid = ?1 AND key = ?2 AND status IS NULL",
        params![oid, key],
    )?;
    Ok(())
}

/// Drops every claim without a response. At start no request can be in flight, so these were
/// left by a process that stopped mid-request; their effect never committed.
///
/// # Errors
/// When the database fails.
pub fn release_abandoned(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM idempotency_keys WHERE status IS NULL", [])
}

/// Forgets keys created before `before` (Unix seconds). Returns how many went.
///
/// # Errors
/// When the database fails.
pub fn sweep(conn: &Connection, before: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [before])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Store;
    use crate::seed::CITIZEN_OID;

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        crate::seed::seed_if_empty(&store, 1_000_000_000, 1_000_000_020).unwrap();
        store
    }

    fn created() -> StoredResponse {
        StoredResponse { status: 201, body: "{}".to_owned(), location: Some("/x/1".to_owned()) }
    }

    #[test]
    fn fingerprints_ignore_member_order_and_whitespace_but_not_values() {
        let a: Value =
            serde_json::from_str(r#"{"b": [1, {"y": 2, "x": "é"}], "a": null}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":null,"b":[1,{"x":"é","y":2}]}"#).unwrap();
        assert_eq!(fingerprint("POST /r", &a), fingerprint("POST /r", &b), "same request");
        assert_ne!(
            fingerprint("POST /r", &a),
            fingerprint("POST /r", &json!({"a": null, "b": [{"x": "é", "y": 2}, 1]})),
            "array order is meaningful"
        );
        assert_ne!(fingerprint("POST /r", &a), fingerprint("POST /s", &a), "another route");
    }

    #[test]
    fn a_key_moves_from_new_to_in_flight_to_replay() {
        let store = store();
        let conn = store.lock();
        assert_eq!(claim(&conn, CITIZEN_OID, "k", "f1", 10).unwrap(), Claim::New);
        assert_eq!(claim(&conn, CITIZEN_OID, "k", "f1", 11).unwrap(), Claim::InFlight);
        assert_eq!(claim(&conn, CITIZEN_OID, "k", "f2", 11).unwrap(), Claim::Mismatch);

        complete(&conn, CITIZEN_OID, "k", &created()).unwrap();
        assert_eq!(claim(&conn, CITIZEN_OID, "k", "f1", 12).unwrap(), Claim::Replay(created()));
        assert_eq!(claim(&conn, CITIZEN_OID, "k", "f2", 12).unwrap(), Claim::Mismatch);
        release(&conn, CITIZEN_OID, "k").unwrap();
        assert_eq!(
            claim(&conn, CITIZEN_OID, "k", "f1", 13).unwrap(),
            Claim::Replay(created()),
            "a completed key cannot be released"
        );
    }

    #[test]
    fn keys_are_per_account() {
        let store = store();
        let conn = store.lock();
        assert_eq!(claim(&conn, CITIZEN_OID, "k", "f1", 10).unwrap(), Claim::New);
        assert_eq!(
            claim(&conn, crate::seed::ENTREPRENEUR_OID, "k", "f2", 10).unwrap(),
            Claim::New,
            "another account's key of the same name is another key"
        );
    }

    #[test]
    fn abandoned_claims_go_at_start_and_old_keys_go_in_the_sweep() {
        let store = store();
        let conn = store.lock();
        claim(&conn, CITIZEN_OID, "abandoned", "f", 10).unwrap();
        claim(&conn, CITIZEN_OID, "answered", "f", 10).unwrap();
        complete(&conn, CITIZEN_OID, "answered", &created()).unwrap();

        assert_eq!(release_abandoned(&conn).unwrap(), 1, "only the claim without a response");
        assert_eq!(claim(&conn, CITIZEN_OID, "abandoned", "f", 20).unwrap(), Claim::New);

        assert_eq!(sweep(&conn, 10).unwrap(), 0, "a key created at the cut-off stays");
        assert_eq!(sweep(&conn, 11).unwrap(), 1, "the answered key created before it goes");
        assert_eq!(claim(&conn, CITIZEN_OID, "answered", "other", 30).unwrap(), Claim::New);
    }
}
