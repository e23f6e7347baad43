//! PDFs: checking one before it is kept, and assembling images into one.
//!
//! A PDF is parsed, not trusted by its header: it must load, have pages, carry no password,
//! no scripts, launch actions or embedded files, and none of its compressed streams may
//! expand beyond what a real document needs. Decompression is bounded per stream at load and
//! in total afterwards, so a deflate bomb costs a few megabytes and milliseconds, not
//! gigabytes.

use std::fmt::Write as _;

use lopdf::{Document, LoadOptions, Object};

use crate::check::{Refusal, RefusalCode};

/// The most one stream may expand to.
pub const MAX_STREAM_EXPANSION: usize = 16 * 1024 * 1024;
/// The most all streams of one PDF may expand to together. Images are not counted: they are
/// not expanded here, only their declared size is checked.
pub const MAX_TOTAL_EXPANSION: usize = 32 * 1024 * 1024;
/// The most pixels one image in a PDF may declare.
pub const MAX_IMAGE_PIXELS: u64 = crate::picture::MAX_PIXELS;

/// What a checked PDF is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfInfo {
    /// Its number of pages.
    pub pages: u32,
}

fn is_bomb(err: &lopdf::Error) -> bool {
    // The limit error may arrive wrapped (an object stream inside a cross-reference stream),
    // so its message is checked too.
    matches!(err, lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }))
        || err.to_string().contains("possible decompression bomb")
}

/// Filters that only images use; their data stays compressed and is never expanded here.
const IMAGE_FILTERS: [&[u8]; 4] = [b"DCTDecode", b"JPXDecode", b"CCITTFaxDecode", b"JBIG2Decode"];

fn filters(stream: &lopdf::Stream) -> Vec<Vec<u8>> {
    match stream.dict.get(b"Filter") {
        Ok(Object::Name(name)) => vec![name.clone()],
        Ok(Object::Array(items)) => {
            items.iter().filter_map(|item| item.as_name().ok().map(<[u8]>::to_vec)).collect()
        }
        _ => Vec::new(),
    }
}

fn name_is(object: &Object, expected: &[u8]) -> bool {
    object.as_name().is_ok_and(|name| name == expected)
}

/// Whether an object, or anything inside it, asks for something active. Indirect objects
/// are each visited on their own, so only direct nesting is followed here.
fn find_active(object: &Object, depth: u32) -> Option<&'static str> {
    if depth > 64 {
        return None;
    }
    match object {
        Object::Dictionary(dict) => is_active(dict)
            .or_else(|| dict.iter().find_map(|(_, value)| find_active(value, depth + 1))),
        Object::Stream(stream) => is_active(&stream.dict)
            .or_else(|| stream.dict.iter().find_map(|(_, value)| find_active(value, depth + 1))),
        Object::Array(items) => items.iter().find_map(|item| find_active(item, depth + 1)),
        _ => None,
    }
}

/// Whether a dictionary asks for something active: a script, a launched program, an
/// embedded file.
fn is_active(dict: &lopdf::Dictionary) -> Option<&'static str> {
    if dict.has(b"JavaScript") || dict.has(b"JS") {
        return Some("a script");
    }
    if dict.get(b"S").is_ok_and(|s| name_is(s, b"JavaScript")) {
        return Some("a script");
    }
    if dict.get(b"S").is_ok_and(|s| name_is(s, b"Launch")) {
        return Some("a launch action");
    }
    if dict.has(b"EmbeddedFiles") || dict.get(b"Type").is_ok_and(|t| name_is(t, b"EmbeddedFile")) {
        return Some("an embedded file");
    }
    None
}

/// Checks a PDF the way the portal will, and counts its pages.
///
/// # Errors
/// A refusal for a PDF over `limit`, broken, empty, encrypted, active or a bomb.
pub fn inspect(bytes: &[u8], limit: u64) -> Result<PdfInfo, Refusal> {
    if bytes.len() as u64 > limit {
        return Err(Refusal::new(
            RefusalCode::PdfTooLarge,
            format!("the PDF is {} bytes; the portal accepts at most {limit}", bytes.len()),
        )
        .with_size(bytes.len() as u64));
    }

    let options =
        LoadOptions { max_decompressed_size: Some(MAX_STREAM_EXPANSION), ..LoadOptions::default() };
    let document = Document::load_mem_with_options(bytes, options).map_err(|err| {
        if is_bomb(&err) {
            Refusal::new(RefusalCode::PdfBomb, format!("a stream expands too far: {err}"))
        } else if matches!(err, lopdf::Error::Decryption(_))
            || err.to_string().to_ascii_lowercase().contains("encrypt")
        {
            Refusal::new(RefusalCode::PdfEncrypted, format!("the PDF is encrypted: {err}"))
        } else {
            Refusal::new(RefusalCode::PdfBroken, format!("the PDF cannot be read: {err}"))
        }
    })?;
    if document.is_encrypted()
        || document.encryption_state.is_some()
        || document.trailer.has(b"Encrypt")
    {
        return Err(Refusal::new(RefusalCode::PdfEncrypted, "the PDF is encrypted"));
    }

    let pages = document.get_pages().len() as u32;
    if pages == 0 {
        return Err(Refusal::new(RefusalCode::PdfEmpty, "the PDF has no pages"));
    }

    let mut expanded = 0usize;
    for object in document.objects.values() {
        if let Some(what) = find_active(object, 0) {
            return Err(Refusal::new(
                RefusalCode::PdfActiveContent,
                format!("the PDF contains {what}"),
            ));
        }
        let Object::Stream(stream) = object else { continue };
        if stream.dict.get(b"Subtype").is_ok_and(|s| name_is(s, b"Image")) {
            let side = |key: &[u8]| stream.dict.get(key).and_then(Object::as_i64).unwrap_or(0);
            let pixels = side(b"Width").max(0) as u64 * side(b"Height").max(0) as u64;
            if pixels > MAX_IMAGE_PIXELS {
                return Err(Refusal::new(
                    RefusalCode::PdfBomb,
                    format!("an image in the PDF declares {pixels} pixels"),
                ));
            }
            continue;
        }
        let filters = filters(stream);
        if filters.is_empty() || filters.iter().all(|f| IMAGE_FILTERS.contains(&f.as_slice())) {
            continue;
        }
        let budget = MAX_STREAM_EXPANSION.min(MAX_TOTAL_EXPANSION - expanded);
        match stream.decompressed_content_with_limit(budget) {
            Ok(content) => expanded += content.len(),
            Err(err) if is_bomb(&err) => {
                return Err(Refusal::new(
                    RefusalCode::PdfBomb,
                    format!("the PDF's streams expand beyond {MAX_TOTAL_EXPANSION} bytes"),
                ));
            }
            // A stream with a filter lopdf does not know is left as it is: the portal
            // stores PDFs, it does not render them.
            Err(_) => {}
        }
    }
    Ok(PdfInfo { pages })
}

/// One page of an assembled PDF: a JPEG and its size in pixels.
pub struct PageImage<'a> {
    /// The JPEG's bytes.
    pub jpeg: &'a [u8],
    /// Width and height in pixels.
    pub pixels: [u32; 2],
    /// Whether it is greyscale (one channel) rather than RGB.
    pub grey: bool,
}

/// Writes a PDF with one image per page, in order. Each page is sized so that its long side
/// is an A4 page's (842 pt) and the image fills it.
pub fn assemble(pages: &[PageImage<'_>]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let object_count = 2 + 3 * pages.len();

    let begin = |out: &mut Vec<u8>, offsets: &mut Vec<usize>| {
        offsets.push(out.len());
        let number = offsets.len();
        out.extend(format!("{number} 0 obj\n").as_bytes());
    };

    begin(&mut out, &mut offsets);
    out.extend(b"<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");

    begin(&mut out, &mut offsets);
    let mut kids = String::new();
    for index in 0..pages.len() {
        let _ = write!(kids, "{} 0 R ", 3 + 3 * index);
    }
    out.extend(
        format!("<< /Type /Pages /Kids [{}] /Count {} >>\nendobj\n", kids.trim_end(), pages.len())
            .as_bytes(),
    );

    for (index, page) in pages.iter().enumerate() {
        let [width, height] = page.pixels;
        let scale = 842.0 / f64::from(width.max(height).max(1));
        let (page_width, page_height) = (f64::from(width) * scale, f64::from(height) * scale);
        let image = 4 + 3 * index;
        let contents = 5 + 3 * index;

        begin(&mut out, &mut offsets);
        out.extend(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_width:.2} {page_height:.2}] \
                 /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {contents} 0 R >>\n\
                 endobj\n"
            )
            .as_bytes(),
        );

        begin(&mut out, &mut offsets);
        let colour = if page.grey { "/DeviceGray" } else { "/DeviceRGB" };
        out.extend(
            format!(
                "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} \
                 /ColorSpace {colour} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\n\
                 stream\n",
                page.jpeg.len()
            )
            .as_bytes(),
        );
        out.extend(page.jpeg);
        out.extend(b"\nendstream\nendobj\n");

        begin(&mut out, &mut offsets);
        let draw = format!("q {page_width:.2} 0 0 {page_height:.2} 0 0 cm /Im0 Do Q");
        out.extend(
            format!("<< /Length {} >>\nstream\n{draw}\nendstream\nendobj\n", draw.len()).as_bytes(),
        );
    }

    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", object_count + 1).as_bytes());
    for offset in &offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            object_count + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use image::{DynamicImage, RgbImage};

    use super::*;
    use crate::picture::encode_jpeg;

    const LIMIT: u64 = 5 * 1024 * 1024;

    #[test]
    fn an_assembled_pdf_has_one_page_per_image_in_order_and_passes_the_checks() {
        let first = encode_jpeg(&DynamicImage::ImageRgb8(RgbImage::new(60, 80)), 80);
        let second = encode_jpeg(&DynamicImage::ImageRgb8(RgbImage::new(120, 40)), 80);
        let pdf = assemble(&[
            PageImage { jpeg: &first, pixels: [60, 80], grey: false },
            PageImage { jpeg: &second, pixels: [120, 40], grey: false },
        ]);
        assert_eq!(inspect(&pdf, LIMIT), Ok(PdfInfo { pages: 2 }));

        let document = Document::load_mem(&pdf).unwrap();
        let pages = document.get_pages();
        let boxes: Vec<Vec<f32>> = pages
            .values()
            .map(|id| {
                let page = document.get_dictionary(*id).unwrap();
                page.get(b"MediaBox")
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_float().unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(boxes[0][3], 842.0, "a portrait image first: its height is A4's long side");
        assert_eq!(boxes[1][2], 842.0, "then the landscape one");
    }

    #[test]
    fn broken_and_oversized_pdfs_are_refused() {
        let broken = inspect(b"%PDF-1.7\nthis is not a pdf at all", LIMIT).unwrap_err();
        assert_eq!(broken.code, RefusalCode::PdfBroken);
        let big = vec![b' '; LIMIT as usize + 1];
        let refused = inspect(&big, LIMIT).unwrap_err();
        assert_eq!((refused.code, refused.size), (RefusalCode::PdfTooLarge, Some(LIMIT + 1)));
    }
}
