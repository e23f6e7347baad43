//! What encryption at rest and normalisation cost, measured in one run against plain file
//! operations on the same machine:
//!
//! - importing a 5 MB phone scan (type check, decode, upright, re-encode, thumbnail, seal,
//!   atomic write, index) against copying the file;
//! - sealing and writing the same bytes alone against copying them;
//! - opening the scan for viewing (read, authenticate, decrypt) against reading the file;
//! - refusing decompression bombs against importing the scan.
//!
//! `cargo bench -p kabinet-vault --bench import`. Each figure is the median of several runs;
//! the ratios are what the README reports, since absolute times depend on the machine.

use std::hint::black_box;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{DynamicImage, Rgb, RgbImage};
use kabinet_seal::{DataKey, seal};
use kabinet_vault::picture::encode_jpeg;
use kabinet_vault::{Import, Variant, Vault};

const RUNS: usize = 7;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(mut run: impl FnMut(usize)) -> Duration {
    run(usize::MAX);
    median(
        (0..RUNS)
            .map(|index| {
                let started = Instant::now();
                run(index);
                started.elapsed()
            })
            .collect(),
    )
}

/// A photographed page with the detail and noise of a phone camera.
fn phone_scan(width: u32, height: u32) -> Vec<u8> {
    let picture = DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let in_line = (y % 48) >= 14 && (y % 48) < 34;
        let in_word = (x / 14) % 4 != 3 && !(x / 90 + y / 48).is_multiple_of(6);
        let hash = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(2_246_822_519);
        let noise = ((hash ^ (hash >> 15)) % 23) as u8;
        if in_line && in_word {
            Rgb([25 + noise, 25 + noise, 35 + noise])
        } else {
            Rgb([220 + noise, 216 + noise, 205 + noise])
        }
    }));
    encode_jpeg(&picture, 92)
}

fn scratch(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("kabinet-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).unwrap();
    path
}

fn copy_durably(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    std::fs::File::open(to).unwrap().sync_all().unwrap();
}

fn main() {
    let root = scratch("root");
    let scan = phone_scan(4032, 3024);
    let source = root.join("scan.jpg");
    std::fs::write(&source, &scan).unwrap();
    let key = Arc::new(DataKey::from_bytes([7; 32]));
    println!("scan: {:.2} MB JPEG, 4032 x 3024", scan.len() as f64 / 1e6);

    let copy = time(|run| copy_durably(&source, &root.join(format!("copy-{run}.jpg"))));

    let import = time(|run| {
        let dir = root.join(format!("vault-{run}"));
        let vault = Vault::open(&dir, key.clone()).unwrap();
        let outcome = vault.import_file(&source, 1).unwrap();
        assert!(matches!(outcome, Import::Added(_)), "the scan is imported: {outcome:?}");
    });

    let sealed_only = time(|run| {
        let sealed = seal(&key, b"blob:bench", &scan);
        let path = root.join(format!("sealed-{run}"));
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(&sealed).unwrap();
        file.sync_all().unwrap();
    });

    let vault = Vault::open(&root.join("view"), key.clone()).unwrap();
    let Import::Added(stored) = vault.import_file(&source, 1).unwrap() else {
        panic!("the scan is imported");
    };
    let open = time(|_| {
        black_box(vault.bytes(&stored.id, Variant::Content).unwrap());
    });
    let read = time(|_| {
        black_box(std::fs::read(&source).unwrap());
    });

    let png_bomb = {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut header = b"IHDR".to_vec();
        header.extend(100_000u32.to_be_bytes());
        header.extend(100_000u32.to_be_bytes());
        header.extend([8, 0, 0, 0, 0]);
        png.extend(13u32.to_be_bytes());
        png.extend(&header);
        png.extend(crc32(&header).to_be_bytes());
        png
    };
    let refuse_png = time(|_| {
        black_box(kabinet_vault::prepare::prepare(&png_bomb, kabinet_api::MAX_DOCUMENT_SIZE))
            .unwrap_err();
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("copy of the file (fsync)        {:>9.2} ms", ms(copy));
    println!(
        "import into the vault           {:>9.2} ms  {:>7.1}x copy",
        ms(import),
        ratio(import, copy)
    );
    println!(
        "seal and write alone (fsync)    {:>9.2} ms  {:>7.1}x copy",
        ms(sealed_only),
        ratio(sealed_only, copy)
    );
    println!("read of the file                {:>9.2} ms", ms(read));
    println!(
        "open for viewing                {:>9.2} ms  {:>7.1}x read",
        ms(open),
        ratio(open, read)
    );
    println!(
        "refuse a 100000x100000 PNG      {:>9.3} ms  {:>7.4}x import",
        ms(refuse_png),
        ratio(refuse_png, import)
    );

    let _ = std::fs::remove_dir_all(&root);
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
