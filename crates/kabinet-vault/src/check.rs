//! Deciding what a file is from its content, and why a file is refused.

use kabinet_api::MediaType;

/// The largest file the vault reads at all. Images above the portal's limit are normalised
/// down to it, so this is well above that limit: a 50-megapixel PNG can be 60 MB.
pub const MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// Why a file was not added to the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalCode {
    /// Not a PDF, JPEG or PNG by content.
    UnsupportedType,
    /// Empty.
    Empty,
    /// Over [`MAX_INPUT_SIZE`].
    FileTooLarge,
    /// A PDF over the portal's limit.
    PdfTooLarge,
    /// An image with more pixels than the vault decodes.
    ImageTooLarge,
    /// An image that does not fit the portal's limit at the smallest legible size.
    CannotFit,
    /// A damaged image.
    ImageBroken,
    /// A password-protected PDF.
    PdfEncrypted,
    /// A damaged PDF.
    PdfBroken,
    /// A PDF without pages.
    PdfEmpty,
    /// A decompression bomb in a PDF.
    PdfBomb,
    /// Scripts, launch actions or embedded files in a PDF.
    PdfActiveContent,
    /// The file could not be read.
    Unreadable,
}

/// A refused file: the reason, the facts the person is told, and a technical detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct Refusal {
    /// Why.
    pub code: RefusalCode,
    /// What the content looks like, for [`RefusalCode::UnsupportedType`].
    pub detected: Option<&'static str>,
    /// The file's size, for size refusals.
    pub size: Option<u64>,
    /// The pixels an image claims, for [`RefusalCode::ImageTooLarge`].
    pub pixels: Option<[u32; 2]>,
    /// What went wrong, in English, lowercase.
    pub detail: String,
}

impl Refusal {
    /// A refusal with only a code and a detail.
    pub fn new(code: RefusalCode, detail: impl Into<String>) -> Self {
        Self { code, detected: None, size: None, pixels: None, detail: detail.into() }
    }

    /// Adds the file's size.
    pub fn with_size(mut self, size: u64) -> Self {
        self.size = Some(size);
        self
    }
}

/// Signatures of formats people often have instead of the three accepted ones, so a refusal
/// can say what the file is.
const OTHER_SIGNATURES: &[(&[u8], &str)] = &[
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\0", "TIFF"),
    (b"MM\0*", "TIFF"),
    (b"PK\x03\x04", "ZIP"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7Z"),
    (b"\x1f\x8b", "GZIP"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"{\\rtf", "RTF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "DOC"),
    (b"<?xml", "XML"),
    (b"<svg", "SVG"),
    (b"<!DOCTYPE html", "HTML"),
    (b"<html", "HTML"),
];

/// What a file that is not a PDF, JPEG or PNG looks like, when that is recognisable.
pub fn describe_other(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("WEBP");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        return Some(if [b"heic", b"heix", b"mif1", b"heif"].contains(&brand.try_into().ok()?) {
            "HEIC"
        } else {
            "MP4"
        });
    }
    if bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        // PDF readers tolerate junk before the header; the portal does not, and a file
        // that is something else first and a PDF later is how polyglots are made.
        return Some("PDF with data before its header");
    }
    OTHER_SIGNATURES
        .iter()
        .find(|(signature, _)| bytes.starts_with(signature))
        .map(|(_, name)| *name)
}

/// The accepted type of `bytes`, decided by content alone.
///
/// # Errors
/// [`RefusalCode::Empty`] or [`RefusalCode::UnsupportedType`], naming what the file looks like.
pub fn sniff(bytes: &[u8]) -> Result<MediaType, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::new(RefusalCode::Empty, "the file is empty"));
    }
    MediaType::sniff(bytes).ok_or_else(|| {
        let detected = describe_other(bytes);
        Refusal {
            detected,
            detail: match detected {
                Some(kind) => format!("the content is {kind}, not PDF, JPEG or PNG"),
                None => "the content is not PDF, JPEG or PNG".to_owned(),
            },
            ..Refusal::new(RefusalCode::UnsupportedType, "")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_whatever_the_name() {
        assert_eq!(sniff(b"%PDF-1.4 ...").unwrap(), MediaType::Pdf);
        let gif = sniff(b"GIF89a\x01\x00").unwrap_err();
        assert_eq!((gif.code, gif.detected), (RefusalCode::UnsupportedType, Some("GIF")));
        let exe = sniff(b"MZ\x90\x00").unwrap_err();
        assert_eq!(exe.detected, Some("EXE"));
        let heic = sniff(b"\0\0\0\x18ftypheic\0\0\0\0").unwrap_err();
        assert_eq!(heic.detected, Some("HEIC"), "iPhone photos get a precise reason");
        let text = sniff(b"just some text").unwrap_err();
        assert_eq!(text.detected, None);
        assert_eq!(sniff(b"").unwrap_err().code, RefusalCode::Empty);
    }

    #[test]
    fn a_pdf_hidden_after_other_bytes_is_named_and_refused() {
        let refused = sniff(b"GARBAGE\n%PDF-1.7\n").unwrap_err();
        assert_eq!(refused.detected, Some("PDF with data before its header"));
    }
}
