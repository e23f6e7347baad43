//! The type of a file comes from its content: renamed files, polyglots and hostile PDFs.

use kabinet_api::MediaType;
use kabinet_vault::{Import, RefusalCode, Variant};

use crate::support::{
    Scratch, contains, deflated_zeros, jpeg, one_page_pdf, page, pdf, png, stream, vault,
};

fn refused(import: Import) -> kabinet_vault::Refusal {
    match import {
        Import::Refused(refusal) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn simple_pdf() -> Vec<u8> {
    one_page_pdf("", stream("", b"BT /F1 12 Tf 72 720 Td (hello) Tj ET"), Vec::new())
}

#[test]
fn renamed_files_are_judged_by_their_content() {
    let dir = Scratch::new("renamed");
    let vault = vault(&dir.0, 1);

    let gif =
        refused(vault.import("passport.jpg", b"GIF89a\x01\x00\x01\x00\x80\x00\x00", 1).unwrap());
    assert_eq!((gif.code, gif.detected), (RefusalCode::UnsupportedType, Some("GIF")));
    let html = refused(vault.import("scan.pdf", b"<!DOCTYPE html><script>", 1).unwrap());
    assert_eq!(html.detected, Some("HTML"));
    let exe = refused(vault.import("photo.png", b"MZ\x90\x00\x03\x00", 1).unwrap());
    assert_eq!(exe.detected, Some("EXE"));

    match vault.import("actually-a-pdf.jpg", &simple_pdf(), 1).unwrap() {
        Import::Added(scan) => assert_eq!((scan.media, scan.pages), (MediaType::Pdf, 1)),
        other => panic!("a PDF named .jpg is a PDF: {other:?}"),
    }
    match vault.import("actually-a-jpeg.pdf", &jpeg(&page(80, 60, 1), 80), 1).unwrap() {
        Import::Added(scan) => assert_eq!(scan.media, MediaType::Jpeg),
        other => panic!("a JPEG named .pdf is a JPEG: {other:?}"),
    }
}

#[test]
fn data_hidden_after_an_image_does_not_survive_the_import() {
    let dir = Scratch::new("polyglot");
    let vault = vault(&dir.0, 1);
    let mut polyglot = jpeg(&page(160, 120, 2), 85);
    polyglot.extend(b"PK\x03\x04\x14\x00 a zip archive riding along");
    polyglot.extend(simple_pdf());

    let Import::Added(scan) = vault.import("innocent.jpg", &polyglot, 1).unwrap() else {
        panic!("the image part is a valid JPEG");
    };
    let (_, stored) = vault.bytes(&scan.id, Variant::Content).unwrap();
    assert!(!contains(&stored, b"PK\x03\x04"), "re-encoding leaves the archive behind");
    assert!(!contains(&stored, b"%PDF"), "and the PDF");

    let mut pdf_late = b"JUNK BEFORE THE HEADER\n".to_vec();
    pdf_late.extend(simple_pdf());
    let late = refused(vault.import("late.pdf", &pdf_late, 1).unwrap());
    assert_eq!(late.detected, Some("PDF with data before its header"));
}

#[test]
fn broken_encrypted_empty_and_active_pdfs_are_refused() {
    let dir = Scratch::new("pdfs");
    let vault = vault(&dir.0, 1);

    let mut truncated = simple_pdf();
    truncated.truncate(40);
    let broken = refused(vault.import("cut.pdf", &truncated, 1).unwrap());
    assert_eq!(broken.code, RefusalCode::PdfBroken, "{broken:?}");

    let encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 \
        /O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef> \
        /U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >>";
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        encrypt.to_vec(),
    ];
    let encrypted = pdf(
        &objects,
        concat!(
            "/Encrypt 4 0 R ",
            "/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
        ),
    );
    let refusal = refused(vault.import("locked.pdf", &encrypted, 1).unwrap());
    assert_eq!(refusal.code, RefusalCode::PdfEncrypted, "{refusal:?}");

    let empty = pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
        ],
        "",
    );
    assert_eq!(refused(vault.import("empty.pdf", &empty, 1).unwrap()).code, RefusalCode::PdfEmpty);

    let script = one_page_pdf(
        "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>",
        stream("", b"q Q"),
        Vec::new(),
    );
    let active = refused(vault.import("script.pdf", &script, 1).unwrap());
    assert_eq!(active.code, RefusalCode::PdfActiveContent, "{active:?}");

    let launch =
        one_page_pdf("/OpenAction << /S /Launch /F (calc.exe) >>", stream("", b"q Q"), Vec::new());
    assert_eq!(
        refused(vault.import("launch.pdf", &launch, 1).unwrap()).code,
        RefusalCode::PdfActiveContent
    );

    let attached = one_page_pdf(
        "/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
        stream("", b"q Q"),
        vec![stream("/Type /EmbeddedFile", b"MZ payload")],
    );
    assert_eq!(
        refused(vault.import("attached.pdf", &attached, 1).unwrap()).code,
        RefusalCode::PdfActiveContent
    );
}

#[test]
fn a_pdf_over_the_limit_is_refused_with_its_size() {
    let dir = Scratch::new("bigpdf");
    let vault =
        kabinet_vault::Vault::open_with_limit(&dir.0, crate::support::key(1), 4096).unwrap();
    let padding = vec![b'0'; 8192];
    let big = one_page_pdf("", stream("", &padding), Vec::new());
    let refusal = refused(vault.import("big.pdf", &big, 1).unwrap());
    assert_eq!((refusal.code, refusal.size), (RefusalCode::PdfTooLarge, Some(big.len() as u64)));
}

#[test]
fn a_deflate_bomb_in_a_page_is_refused() {
    let dir = Scratch::new("bomb");
    let vault = vault(&dir.0, 1);
    let bomb =
        one_page_pdf("", stream("/Filter /FlateDecode", &deflated_zeros(128 << 20)), Vec::new());
    assert!(bomb.len() < 1 << 20, "a small file: {} bytes", bomb.len());
    let refusal = refused(vault.import("bomb.pdf", &bomb, 1).unwrap());
    assert_eq!(refusal.code, RefusalCode::PdfBomb, "{refusal:?}");
}

#[test]
fn an_image_that_is_no_image_is_refused_as_broken() {
    let dir = Scratch::new("broken-image");
    let vault = vault(&dir.0, 1);
    let mut cut = png(&page(200, 200, 3));
    cut.truncate(cut.len() / 2);
    assert_eq!(refused(vault.import("cut.png", &cut, 1).unwrap()).code, RefusalCode::ImageBroken);
    let empty = refused(vault.import("empty.jpg", b"", 1).unwrap());
    assert_eq!(empty.code, RefusalCode::Empty);
}
