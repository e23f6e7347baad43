//! Documents: upload with its checks, list, read, delete, and the account boundary.

use kabinet_api::SecretString;
use kabinet_api::documents::upload_fields;
use kabinet_sandbox::seed;
use kabinet_useragent::{Credentials, SecondFactor};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::TestPortal;

/// A small but complete PNG: signature, IHDR, IDAT, IEND.
pub fn png(seed: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in
        [(&b"IHDR"[..], vec![0u8; 13]), (b"IDAT", vec![seed; 32]), (b"IEND", vec![])]
    {
        bytes.extend((data.len() as u32).to_be_bytes());
        bytes.extend(kind);
        bytes.extend(&data);
        bytes.extend([0u8; 4]);
    }
    bytes
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn form(bytes: Vec<u8>, sha: &str, name: &str, kind: &str) -> Form {
    Form::new()
        .text(upload_fields::NAME, name.to_owned())
        .text(upload_fields::KIND, kind.to_owned())
        .text(upload_fields::SHA256, sha.to_owned())
        // The client's file name and type are whatever it says; the portal must not care.
        .part(
            upload_fields::FILE,
            Part::bytes(bytes).file_name("scan.exe").mime_str("text/plain").unwrap(),
        )
}

pub async fn upload(portal: &TestPortal, token: &str, form: Form) -> (u16, Value) {
    let response = portal
        .http
        .post(portal.url("/api/v1/documents"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_upload_is_stored_once_listed_read_and_deleted() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let bytes = png(1);
    let sha = sha256(&bytes);

    let (status, stored) =
        upload(&portal, token, form(bytes.clone(), &sha, "Паспорт, разворот", "passport")).await;
    assert_eq!(status, 201, "a new document is created: {stored}");
    assert_eq!(stored["media_type"], "image/png", "the type comes from the content, not the part");
    assert_eq!(stored["size"], bytes.len());
    assert_eq!(stored["sha256"], sha);
    assert_eq!(stored["name"], "Паспорт, разворот");
    let id = stored["id"].as_str().unwrap().to_owned();

    let (status, again) = upload(&portal, token, form(bytes, &sha, "again", "other")).await;
    assert_eq!(status, 200, "the same bytes again are the same document, so retries are safe");
    assert_eq!(again["id"], id.as_str());

    let (status, list) = portal.get_json("/api/v1/documents", token).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "stored once: {list}");
    let (status, one) = portal.get_json(&format!("/api/v1/documents/{id}"), token).await;
    assert_eq!((status, one["kind"].as_str()), (200, Some("passport")));

    let deleted = portal
        .http
        .delete(portal.url(&format!("/api/v1/documents/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let (status, _) = portal.get_json(&format!("/api/v1/documents/{id}"), token).await;
    assert_eq!(status, 404, "a deleted document is gone");
}

#[tokio::test]
async fn uploads_that_are_too_large_mismatched_renamed_or_truncated_are_refused() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let code = |body: &Value| body["code"].as_str().unwrap_or_default().to_owned();

    let big = vec![0xAB; kabinet_api::MAX_DOCUMENT_SIZE as usize + 1];
    let sha = sha256(&big);
    let (status, body) = upload(&portal, token, form(big, &sha, "big", "other")).await;
    assert_eq!((status, code(&body)), (413, "document_too_large".to_owned()), "{body}");

    let bytes = png(2);
    let (status, body) =
        upload(&portal, token, form(bytes.clone(), &sha256(b"x"), "x", "other")).await;
    assert_eq!((status, code(&body)), (422, "checksum_mismatch".to_owned()), "{body}");

    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let sha = sha256(&gif);
    let (status, body) = upload(&portal, token, form(gif, &sha, "photo.jpg", "other")).await;
    assert_eq!((status, code(&body)), (415, "unsupported_document".to_owned()), "{body}");

    let cut = bytes[..bytes.len() - 12].to_vec();
    let sha = sha256(&cut);
    let (status, body) = upload(&portal, token, form(cut, &sha, "cut", "other")).await;
    assert_eq!((status, code(&body)), (415, "unsupported_document".to_owned()), "{body}");

    let sha = sha256(&bytes);
    let (status, body) = upload(&portal, token, form(bytes.clone(), &sha, "x", "selfie")).await;
    assert_eq!((status, code(&body)), (400, "invalid_request".to_owned()), "unknown kind: {body}");
    let (status, body) = upload(&portal, token, form(bytes, &sha, "  ", "other")).await;
    assert_eq!((status, code(&body)), (400, "invalid_request".to_owned()), "blank name: {body}");

    let without_file =
        Form::new().text(upload_fields::NAME, "x").text(upload_fields::KIND, "other");
    let (status, body) = upload(&portal, token, without_file).await;
    assert_eq!(status, 400, "a missing file part: {body}");

    let (status, list) = portal.get_json("/api/v1/documents", token).await;
    assert_eq!((status, list["items"].as_array().unwrap().len()), (200, 0), "nothing was kept");
}

#[tokio::test]
async fn documents_belong_to_their_account_and_need_a_token() {
    let portal = TestPortal::start().await;
    let citizen = portal.sign_in().await.access_token;
    let bytes = png(3);
    let sha = sha256(&bytes);
    let (status, stored) =
        upload(&portal, citizen.expose(), form(bytes.clone(), &sha, "mine", "inn")).await;
    assert_eq!(status, 201);
    let id = stored["id"].as_str().unwrap();

    let entrepreneur = Credentials {
        login: seed::ENTREPRENEUR_PHONE.to_owned(),
        password: SecretString::new(seed::DEMO_PASSWORD),
        second_factor: SecondFactor::Outbox,
    };
    let other = portal.sign_in_as(&entrepreneur).await.access_token;
    let (status, list) = portal.get_json("/api/v1/documents", other.expose()).await;
    assert_eq!((status, list["items"].as_array().unwrap().len()), (200, 0), "not shared");
    let (status, _) = portal.get_json(&format!("/api/v1/documents/{id}"), other.expose()).await;
    assert_eq!(status, 404, "another account's document does not exist for this one");
    let deleted = portal
        .http
        .delete(portal.url(&format!("/api/v1/documents/{id}")))
        .bearer_auth(other.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 404, "nor can it be deleted");

    let anonymous =
        portal.http.post(portal.url("/api/v1/documents")).multipart(form(bytes, &sha, "x", "inn"));
    assert_eq!(anonymous.send().await.unwrap().status(), 401);
}

/// An upload's status, body and whether it was replayed.
struct Keyed {
    status: u16,
    text: String,
    replayed: bool,
}

impl Keyed {
    fn code(&self) -> String {
        let body: Value = serde_json::from_str(&self.text).unwrap_or(Value::Null);
        body["code"].as_str().unwrap_or_default().to_owned()
    }
}

async fn upload_keyed(portal: &TestPortal, token: &str, key: &str, form: Form) -> Keyed {
    let response = portal
        .http
        .post(portal.url("/api/v1/documents"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    Keyed { status, text: response.text().await.unwrap(), replayed }
}

async fn document_count(portal: &TestPortal, token: &str) -> usize {
    let (status, list) = portal.get_json("/api/v1/documents", token).await;
    assert_eq!(status, 200);
    list["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn an_upload_under_a_key_is_replayed_and_the_key_cannot_carry_other_bytes() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let bytes = png(21);
    let sha = sha256(&bytes);

    let first =
        upload_keyed(&portal, token, "upload-1", form(bytes.clone(), &sha, "П", "inn")).await;
    assert_eq!((first.status, first.replayed), (201, false), "{}", first.text);
    let again = upload_keyed(&portal, token, "\"upload-1\"", form(bytes, &sha, "П", "inn")).await;
    assert_eq!(
        (again.status, again.replayed),
        (201, true),
        "a repeat under the key is the first response, not the 200 of a known file"
    );
    assert_eq!(again.text, first.text, "byte for byte");

    let other = png(22);
    let other_sha = sha256(&other);
    let reused =
        upload_keyed(&portal, token, "upload-1", form(other, &other_sha, "П", "inn")).await;
    assert_eq!((reused.status, reused.code()), (422, "idempotency_key_reused".to_owned()));
    assert_eq!(document_count(&portal, token).await, 1, "the other bytes were not stored");

    let malformed =
        upload_keyed(&portal, token, "two words", form(png(23), &sha, "x", "inn")).await;
    assert_eq!((malformed.status, malformed.code()), (400, "invalid_request".to_owned()));
}

#[tokio::test]
async fn a_refused_upload_leaves_its_key_free() {
    let portal = TestPortal::start().await;
    let token = portal.sign_in().await.access_token;
    let token = token.expose();
    let bytes = png(24);

    let refused =
        upload_keyed(&portal, token, "upload-2", form(bytes.clone(), &sha256(b"x"), "x", "inn"))
            .await;
    assert_eq!((refused.status, refused.code()), (422, "checksum_mismatch".to_owned()));
    let sha = sha256(&bytes);
    let fixed = upload_keyed(&portal, token, "upload-2", form(bytes, &sha, "x", "inn")).await;
    assert_eq!(
        fixed.status, 201,
        "a refusal keeps no response, so the same key carries the corrected upload: {}",
        fixed.text
    );
}

#[tokio::test]
async fn a_duplicate_upload_while_the_first_is_in_flight_is_409() {
    let portal = std::sync::Arc::new(TestPortal::start().await);
    let token = portal.sign_in().await.access_token.expose().to_owned();
    let bytes = png(25);
    let sha = sha256(&bytes);

    let hold = portal.sandbox.portal.hold_submissions().await;
    let mut uploads = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (portal, token, bytes, sha) =
            (portal.clone(), token.clone(), bytes.clone(), sha.clone());
        uploads.spawn(async move {
            upload_keyed(&portal, &token, "upload-3", form(bytes, &sha, "x", "inn")).await
        });
    }
    for _ in 0..3 {
        let reply = tokio::time::timeout(std::time::Duration::from_secs(20), uploads.join_next())
            .await
            .expect("duplicates are answered at once, not held")
            .unwrap()
            .unwrap();
        assert_eq!((reply.status, reply.code()), (409, "idempotency_key_in_use".to_owned()));
    }
    drop(hold);

    let first = uploads.join_next().await.unwrap().unwrap();
    assert_eq!(first.status, 201, "the held upload completes: {}", first.text);
    let retry = upload_keyed(&portal, &token, "upload-3", form(bytes, &sha, "x", "inn")).await;
    assert_eq!((retry.status, retry.replayed), (201, true), "a retry gets the replay");
    assert_eq!(document_count(&portal, &token).await, 1, "stored exactly once");
}
