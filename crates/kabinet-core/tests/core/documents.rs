//! Documents through the typed client: upload with progress, refusals with the portal's
//! code, list and delete.

use std::sync::{Arc, Mutex};

use kabinet_api::{DocumentKind, MediaType};
use kabinet_core::Error;
use kabinet_core::client::Upload;
use sha2::{Digest, Sha256};

use crate::support::Portal;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A JPEG-shaped file: start marker, filler, end marker; the sandbox checks structure only.
fn jpeg_like(size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..size - 6).map(|i| (i % 251) as u8));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

#[tokio::test]
async fn an_upload_reports_its_progress_and_lands_once() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let bytes = jpeg_like(300 * 1024);
    let sha256 = hex(&Sha256::digest(&bytes));
    let upload = Upload {
        name: "Паспорт",
        kind: DocumentKind::Passport,
        media_type: MediaType::Jpeg,
        bytes: &bytes,
        sha256: &sha256,
        idempotency_key: None,
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let progress = Arc::new(move |sent, total| record.lock().unwrap().push((sent, total)));

    let document = client.upload_document(&upload, progress.clone()).await.unwrap();
    assert_eq!((document.size, document.kind), (bytes.len() as u64, DocumentKind::Passport));
    let steps = seen.lock().unwrap().clone();
    assert!(steps.len() > 3, "progress moves in several steps: {steps:?}");
    assert!(steps.windows(2).all(|w| w[0].0 <= w[1].0), "and only forward: {steps:?}");
    assert_eq!(steps.last(), Some(&(bytes.len() as u64, bytes.len() as u64)), "to the end");

    let again = client.upload_document(&upload, progress).await.unwrap();
    assert_eq!(again.id, document.id, "the same bytes are the same document");
    let listed = client.documents().await.unwrap();
    assert_eq!(listed.len(), 1);

    client.delete_document(&document.id).await.unwrap();
    assert!(client.documents().await.unwrap().is_empty());
    assert!(matches!(client.delete_document(&document.id).await, Err(Error::NotFound)));
}

#[tokio::test]
async fn a_refused_upload_carries_the_portals_code() {
    let portal = Portal::start(|_| {}).await;
    let (client, _secrets) = portal.client().await;
    let bytes = jpeg_like(1024);
    let upload = Upload {
        name: "x",
        kind: DocumentKind::Other,
        media_type: MediaType::Jpeg,
        bytes: &bytes,
        sha256: &"0".repeat(64),
        idempotency_key: None,
    };
    match client.upload_document(&upload, Arc::new(|_, _| {})).await {
        Err(Error::Portal { status: 422, code: Some(code), .. }) => {
            assert_eq!(code, kabinet_api::ErrorCode::ChecksumMismatch);
        }
        other => panic!("a wrong checksum is refused with its code: {other:?}"),
    }
}
