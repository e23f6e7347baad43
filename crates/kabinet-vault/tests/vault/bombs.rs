//! Decompression bombs are refused quickly and with bounded memory. Each one is checked in a
//! process of its own (`kabinet-vault-check`), which reports its time and peak memory.

use std::process::Command;

use serde_json::Value;

use crate::support::{Scratch, deflated_zeros, one_page_pdf, pdf, png_claiming, stream};

/// How long refusing a bomb may take.
const TIME_LIMIT_MS: f64 = 1000.0;
/// How much memory the checking process may reach, bomb included.
const MEMORY_LIMIT_KIB: u64 = 160 * 1024;

fn check(dir: &Scratch, name: &str, bytes: &[u8]) -> Value {
    let path = dir.write(name, bytes);
    let output =
        Command::new(env!("CARGO_BIN_EXE_kabinet-vault-check")).arg(&path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn assert_refused_quickly(report: &Value, code: &str) {
    assert_eq!(report["outcome"], "refused", "{report}");
    assert_eq!(report["code"], code, "{report}");
    let elapsed = report["elapsed_ms"].as_f64().unwrap();
    assert!(elapsed < TIME_LIMIT_MS, "refused in {elapsed:.0} ms: {report}");
    let peak = report["peak_memory_kib"].as_u64();
    if cfg!(target_os = "linux") {
        let peak = peak.expect("Linux reports peak memory");
        assert!(peak < MEMORY_LIMIT_KIB, "peak memory {peak} KiB: {report}");
    }
}

#[test]
fn a_png_claiming_100000_by_100000_pixels() {
    let dir = Scratch::new("png-bomb");
    let report = check(&dir, "huge.png", &png_claiming(100_000, 100_000));
    assert_refused_quickly(&report, "ImageTooLarge");
    let report = check(&dir, "wide.png", &png_claiming(12_000, 12_000));
    assert_refused_quickly(&report, "ImageTooLarge");
}

#[test]
fn a_pdf_whose_page_inflates_to_gigabytes() {
    let dir = Scratch::new("pdf-bomb");
    let bomb =
        one_page_pdf("", stream("/Filter /FlateDecode", &deflated_zeros(1 << 30)), Vec::new());
    assert!(bomb.len() < 2 << 20, "a gigabyte of zeros deflates to {} bytes", bomb.len());
    assert_refused_quickly(&check(&dir, "page.pdf", &bomb), "PdfBomb");
}

#[test]
fn a_pdf_whose_object_stream_inflates_as_it_loads() {
    let dir = Scratch::new("objstm-bomb");
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &deflated_zeros(256 << 20)),
    ];
    assert_refused_quickly(&check(&dir, "objstm.pdf", &pdf(&objects, "")), "PdfBomb");
}

#[test]
fn a_pdf_of_many_streams_each_under_the_limit() {
    let dir = Scratch::new("many-bomb");
    let each = deflated_zeros(15 << 20);
    let streams: Vec<Vec<u8>> = (0..12).map(|_| stream("/Filter /FlateDecode", &each)).collect();
    let bomb = one_page_pdf("", stream("", b"q Q"), streams);
    assert_refused_quickly(&check(&dir, "many.pdf", &bomb), "PdfBomb");
}
