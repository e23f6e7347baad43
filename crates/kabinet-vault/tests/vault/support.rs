//! Files for the tests: photographed pages, EXIF, polyglots, hostile PDFs and bombs, and a
//! vault in a folder of its own.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::{DynamicImage, Rgb, RgbImage};
use kabinet_seal::DataKey;
use kabinet_vault::Vault;
use kabinet_vault::picture::encode_jpeg;

/// A folder removed when the test ends.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).unwrap();
        let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("kabinet-vault-{name}-{suffix}"));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn key(byte: u8) -> Arc<DataKey> {
    Arc::new(DataKey::from_bytes([byte; 32]))
}

pub fn key_hex(byte: u8) -> String {
    format!("{byte:02x}").repeat(32)
}

pub fn vault(dir: &Path, key_byte: u8) -> Vault {
    Vault::open(dir, key(key_byte)).expect("the vault opens")
}

/// A photographed page: lines of "words" on paper, with a little sensor noise. `seed`
/// shifts the pattern so that pages differ.
pub fn page(width: u32, height: u32, seed: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let y = y + seed * 7;
        let in_line = (y % 48) >= 14 && (y % 48) < 34;
        let in_word = (x / 14) % 4 != 3 && !(x / 90 + y / 48 + seed).is_multiple_of(6);
        let noise = ((x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)) % 9) as u8;
        if in_line && in_word {
            Rgb([30 + noise, 30 + noise, 40 + noise])
        } else {
            Rgb([235 + noise, 232 + noise, 225 + noise])
        }
    }))
}

/// A photo with fine detail everywhere, which compresses badly: the worst case for the limit.
pub fn detailed_photo(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let hash = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(2_246_822_519);
        let hash = hash ^ (hash >> 13);
        Rgb([(hash & 0xFF) as u8, ((hash >> 8) & 0xFF) as u8, ((x + y) & 0xFF) as u8])
    }))
}

pub fn jpeg(picture: &DynamicImage, quality: u8) -> Vec<u8> {
    encode_jpeg(picture, quality)
}

pub fn png(picture: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The text the EXIF block names the camera with, to look for afterwards.
pub const CAMERA: &str = "KabinetTestPhone";

/// Inserts an EXIF block right after a JPEG's start marker: an orientation, the camera's
/// name, and a GPS position.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II\x2a\x00".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut bytes = tag.to_le_bytes().to_vec();
        bytes.extend(kind.to_le_bytes());
        bytes.extend(count.to_le_bytes());
        bytes.extend(value.to_le_bytes());
        bytes
    };
    let make = format!("{CAMERA}\0");
    // IFD0 at 8: 2 + 3 entries of 12 + 4 = 42 bytes; then the camera's name, then the GPS IFD.
    let make_at = 8 + 42;
    let gps_at = (make_at + make.len() as u32 + 1) & !1;
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, u32::from(orientation)));
    tiff.extend(entry(0x010F, 2, make.len() as u32, make_at));
    tiff.extend(entry(0x8825, 4, 1, gps_at));
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(make.as_bytes());
    while (tiff.len() as u32) < gps_at {
        tiff.push(0);
    }
    let rationals_at = gps_at + 2 + 12 + 4;
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(entry(0x0002, 5, 3, rationals_at));
    tiff.extend(0u32.to_le_bytes());
    for (numerator, denominator) in [(55u32, 1u32), (45, 1), (2160, 100)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }

    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((segment.len() + 2) as u16).to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// CRC-32 as PNG chunks use it.
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

fn png_chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let mut checked = kind.to_vec();
    checked.extend(data);
    out.extend(&checked);
    out.extend(crc32(&checked).to_be_bytes());
}

/// A PNG that claims `width` x `height` pixels of greyscale, with a few zero bytes of image
/// data that deflate would expand to all of them.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &header);
    let mut compressed = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    compressed.write_all(&vec![0u8; 1 << 20]).unwrap();
    png_chunk(&mut out, b"IDAT", &compressed.finish().unwrap());
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// Writes a PDF from its objects' bodies (numbered from 1), with a correct cross-reference
/// table and the given extra trailer entries.
pub fn pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend(data);
    body.extend(b"\nendstream");
    body
}

/// A catalog, a page tree and one page with `contents` as its content stream object.
pub fn one_page_pdf(catalog_extra: &str, contents: Vec<u8>, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        contents,
    ];
    objects.extend(more);
    pdf(&objects, "")
}

/// `size` zero bytes (a multiple of 1 MiB), as a zlib stream. One 1 MiB block is compressed
/// with a full flush, which makes it independent of what came before, and then repeated: a
/// gigabyte costs as little to make as a megabyte.
pub fn deflated_zeros(size: usize) -> Vec<u8> {
    const CHUNK: usize = 1 << 20;
    assert!(size.is_multiple_of(CHUNK), "whole chunks only");
    let mut compressor = flate2::Compress::new(flate2::Compression::best(), false);
    let mut block = Vec::with_capacity(1 << 20);
    compressor.compress_vec(&vec![0u8; CHUNK], &mut block, flate2::FlushCompress::Full).unwrap();
    assert_eq!(compressor.total_in(), CHUNK as u64, "the whole chunk went in");

    let mut out = vec![0x78, 0xDA];
    for _ in 0..size / CHUNK {
        out.extend(&block);
    }
    // A final, empty block with fixed codes, then the Adler-32 of `size` zero bytes.
    out.extend([0x03, 0x00]);
    let b = (size % 65_521) as u32;
    out.extend(((b << 16) | 1).to_be_bytes());
    out
}

/// Every file below `dir`, with its bytes.
pub fn files_below(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_below(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}
