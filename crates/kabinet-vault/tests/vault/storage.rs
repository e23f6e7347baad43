//! What the vault keeps on disk, and how it changes.

use kabinet_api::{DocumentKind, MediaType};
use kabinet_seal::OpenError;
use kabinet_vault::{Import, Variant, Vault, VaultError, VaultState};

use crate::support::{Scratch, contains, files_below, jpeg, key, page, png, vault};

fn added(import: Import) -> kabinet_vault::Scan {
    match import {
        Import::Added(scan) => scan,
        other => panic!("expected a new scan, got {other:?}"),
    }
}

#[test]
fn nothing_personal_is_readable_in_the_vault_folder() {
    let dir = Scratch::new("plain");
    let vault = vault(&dir.0, 1);
    let photo = jpeg(&page(600, 800, 1), 90);
    let scan = added(vault.import("Паспорт Иванова Ивана.jpg", &photo, 100).unwrap());
    assert_eq!(scan.name, "Паспорт Иванова Ивана");
    assert_eq!(scan.kind, DocumentKind::Passport, "guessed from the name");
    let (_, stored) = vault.bytes(&scan.id, Variant::Content).unwrap();
    drop(vault);

    let files = files_below(&dir.0);
    assert!(files.len() >= 3, "an index, a blob and a thumbnail: {files:?}");
    for (path, bytes) in files {
        assert!(!contains(&bytes, "Иванова".as_bytes()), "{path:?} holds the name in clear");
        assert!(!contains(&bytes, &stored[..64]), "{path:?} holds the scan in clear");
        assert!(!contains(&bytes, b"JFIF"), "{path:?} holds a JPEG in clear");
    }
}

#[test]
fn the_same_file_twice_is_one_scan() {
    let dir = Scratch::new("dedupe");
    let vault = vault(&dir.0, 1);
    let photo = png(&page(300, 200, 2));
    let first = added(vault.import("a.png", &photo, 1).unwrap());
    match vault.import("copy of a.png", &photo, 2).unwrap() {
        Import::Duplicate(scan) => assert_eq!(scan.id, first.id),
        other => panic!("a second import of the same bytes is a duplicate: {other:?}"),
    }
    assert_eq!(vault.scans().unwrap().len(), 1);
}

#[test]
fn rename_kind_delete_undo_and_purge() {
    let dir = Scratch::new("edit");
    let vault = vault(&dir.0, 1);
    let scan = added(vault.import("IMG_0001.jpg", &jpeg(&page(400, 300, 3), 85), 10).unwrap());
    assert_eq!(scan.kind, DocumentKind::Other);

    let renamed = vault.rename(&scan.id, "  СНИЛС \u{202E}лицевая ").unwrap();
    assert_eq!(renamed.name, "СНИЛС лицевая", "cleaned of direction characters");
    assert!(matches!(vault.rename(&scan.id, " \u{200B} "), Err(VaultError::EmptyName)));
    assert_eq!(vault.set_kind(&scan.id, DocumentKind::Snils).unwrap().kind, DocumentKind::Snils);

    vault.delete(&scan.id, 20).unwrap();
    assert!(vault.scans().unwrap().is_empty(), "a deleted scan is not listed");
    assert!(matches!(vault.bytes(&scan.id, Variant::Content), Err(VaultError::NotFound)));
    let back = vault.restore(&scan.id).unwrap();
    assert_eq!((back.name.as_str(), back.kind), ("СНИЛС лицевая", DocumentKind::Snils));

    vault.delete(&scan.id, 30).unwrap();
    assert_eq!(vault.purge_deleted(29).unwrap(), 0, "not yet: deleted after the cut-off");
    let blobs_before = files_below(&dir.join("blobs")).len();
    assert_eq!(vault.purge_deleted(30).unwrap(), 1);
    assert!(matches!(vault.restore(&scan.id), Err(VaultError::NotFound)), "gone for good");
    assert_eq!(blobs_before, 2, "the scan and its thumbnail");
    assert!(files_below(&dir.join("blobs")).is_empty(), "its blobs were collected");
}

#[test]
fn an_altered_or_swapped_blob_fails_to_open_and_says_so() {
    let dir = Scratch::new("tamper");
    let vault = vault(&dir.0, 1);
    let a = added(vault.import("a.png", &png(&page(120, 90, 4)), 1).unwrap());
    let b = added(vault.import("b.png", &png(&page(120, 90, 5)), 2).unwrap());
    assert!(vault.verify().unwrap().is_empty());

    // Each scan has a content blob and a thumbnail; find a's content by size.
    let blobs = files_below(&dir.join("blobs"));
    let (a_path, a_bytes) = blobs
        .iter()
        .find(|(_, bytes)| bytes.len() as u64 == a.size + 37 + 16)
        .cloned()
        .expect("a's sealed content: its size plus the envelope");
    let (b_path, b_bytes) = blobs
        .iter()
        .find(|(_, bytes)| bytes.len() as u64 == b.size + 37 + 16)
        .cloned()
        .expect("b's sealed content");

    std::fs::write(&a_path, &b_bytes).unwrap();
    std::fs::write(&b_path, &a_bytes).unwrap();
    for id in [&a.id, &b.id] {
        match vault.bytes(id, Variant::Content) {
            Err(VaultError::Corrupt { source: OpenError::Corrupt, .. }) => {}
            other => panic!("a swapped blob must not open: {other:?}"),
        }
    }

    let mut altered = a_bytes.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    std::fs::write(&a_path, &altered).unwrap();
    std::fs::write(&b_path, &b_bytes).unwrap();
    assert!(vault.bytes(&b.id, Variant::Content).is_ok(), "the untouched one opens");
    let failures = vault.verify().unwrap();
    assert_eq!(failures.len(), 1, "one damaged scan is reported: {failures:?}");
    assert_eq!(failures[0].0, a.id);

    std::fs::write(&a_path, &altered[..100]).unwrap();
    assert!(matches!(
        vault.bytes(&a.id, Variant::Content),
        Err(VaultError::Corrupt { source: OpenError::Corrupt, .. })
    ));
    std::fs::remove_file(&a_path).unwrap();
    assert!(matches!(vault.bytes(&a.id, Variant::Content), Err(VaultError::Missing { .. })));
}

#[test]
fn another_key_locks_the_vault_until_a_reset_that_says_what_it_loses() {
    let dir = Scratch::new("key");
    {
        let vault = vault(&dir.0, 1);
        let local = added(vault.import("local.png", &png(&page(100, 80, 6)), 1).unwrap());
        let uploaded = added(vault.import("up.png", &png(&page(100, 80, 7)), 2).unwrap());
        vault.mark_uploaded(&uploaded.id, "doc-1", 3).unwrap();
        assert_eq!(vault.scan(&local.id).unwrap().uploaded, None);
    }

    let changed = Vault::open(&dir.0, key(2)).unwrap();
    assert_eq!(changed.state(), VaultState::KeyChanged { local_only: 1, uploaded: 1 });
    assert!(matches!(changed.scans(), Err(VaultError::Locked)), "nothing opens with another key");
    let photo = png(&page(50, 50, 8));
    assert!(matches!(changed.import("x.png", &photo, 4), Err(VaultError::Locked)));
    assert_eq!(files_below(&dir.join("blobs")).len(), 4, "and nothing was deleted by opening");

    changed.reset().unwrap();
    assert_eq!(changed.state(), VaultState::Ready);
    assert!(changed.scans().unwrap().is_empty());
    assert!(files_below(&dir.join("blobs")).is_empty(), "the old blobs are gone");
    added(changed.import("x.png", &photo, 5).unwrap());
    drop(changed);
    assert_eq!(Vault::open(&dir.0, key(2)).unwrap().state(), VaultState::Ready);
}

#[test]
fn export_writes_the_decrypted_scan_atomically_under_a_safe_name() {
    let dir = Scratch::new("export");
    let out = Scratch::new("export-out");
    let vault = vault(&dir.0, 1);
    let scan = added(vault.import("../../CON.jpg", &jpeg(&page(200, 150, 9), 80), 1).unwrap());
    assert_eq!(scan.name, "CON", "only the last part of the name is kept");
    let file_name = vault.export_name(&scan.id).unwrap();
    assert_eq!(file_name, "_CON.jpg", "a Windows device name is not a file name");

    let destination = out.join(&file_name);
    vault.export(&scan.id, &destination).unwrap();
    let (_, expected) = vault.bytes(&scan.id, Variant::Content).unwrap();
    assert_eq!(std::fs::read(&destination).unwrap(), expected, "the scan, decrypted");
    let leftovers: Vec<_> = std::fs::read_dir(&out.0).unwrap().flatten().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    assert!(!dir.0.parent().unwrap().join("CON.jpg").exists(), "nothing escaped the vault");
}

#[test]
fn images_are_assembled_into_one_pdf_in_the_chosen_order() {
    let dir = Scratch::new("assemble");
    let vault = vault(&dir.0, 1);
    let first = added(vault.import("right.jpg", &jpeg(&page(300, 400, 10), 85), 1).unwrap());
    let second = added(vault.import("left.png", &png(&page(500, 250, 11)), 2).unwrap());
    let order = vec![second.id.clone(), first.id.clone()];
    let pdf = vault.assemble(&order, "Паспорт, разворот", DocumentKind::Passport, 3).unwrap();
    assert_eq!((pdf.media, pdf.pages, pdf.kind), (MediaType::Pdf, 2, DocumentKind::Passport));
    assert!(pdf.has_thumbnail, "the first page's thumbnail stands for the PDF");

    let (_, bytes) = vault.bytes(&pdf.id, Variant::Content).unwrap();
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    let widths: Vec<i64> = document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream.dict.get(b"Subtype").is_ok_and(|s| s.as_name().is_ok_and(|n| n == b"Image"))
        })
        .map(|stream| stream.dict.get(b"Width").unwrap().as_i64().unwrap())
        .collect();
    assert_eq!(widths.len(), 2);
    let pages = document.get_pages();
    let first_page = document.get_dictionary(pages[&1]).unwrap();
    let media_box = first_page.get(b"MediaBox").unwrap().as_array().unwrap();
    assert_eq!(media_box[2].as_float().unwrap(), 842.0, "page 1 is the landscape PNG");

    let with_pdf = vec![pdf.id.clone(), first.id.clone()];
    assert!(matches!(
        vault.assemble(&with_pdf, "x", DocumentKind::Other, 4),
        Err(VaultError::NotAnImage)
    ));
    assert!(matches!(
        vault.assemble(&[], "x", DocumentKind::Other, 4),
        Err(VaultError::NothingToAssemble)
    ));
}
