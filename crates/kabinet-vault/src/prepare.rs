//! Turning a file into what the vault stores: its type decided by content, images normalised
//! with a thumbnail, PDFs checked and counted. Pure functions of the bytes, with no I/O, so
//! that the expensive part of an import runs outside any lock.

use kabinet_api::{DocumentKind, MediaType};

use crate::check::{MAX_INPUT_SIZE, Refusal, RefusalCode, sniff};
use crate::{pdf, picture};

/// What normalising an image did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Normalisation {
    /// The size as imported, in bytes.
    pub original_size: u64,
    /// The width and height as imported.
    pub original_pixels: [u32; 2],
    /// Turned upright.
    pub rotated: bool,
    /// Compressed harder to fit.
    pub recompressed: bool,
    /// Made smaller to fit.
    pub downscaled: bool,
}

/// A file ready to be sealed.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Its type.
    pub media: MediaType,
    /// The bytes to keep and upload.
    pub bytes: Vec<u8>,
    /// Pages: 1 for an image.
    pub pages: u32,
    /// Width and height, for an image.
    pub pixels: Option<[u32; 2]>,
    /// A small JPEG, for an image.
    pub thumbnail: Option<Vec<u8>>,
    /// What normalisation did, for an image.
    pub normalised: Option<Normalisation>,
}

/// Checks and normalises a file's content so that it is under `limit` bytes.
///
/// # Errors
/// A [`Refusal`] saying why the file cannot be kept.
pub fn prepare(bytes: &[u8], limit: u64) -> Result<Prepared, Refusal> {
    if bytes.len() as u64 > MAX_INPUT_SIZE {
        return Err(Refusal::new(
            RefusalCode::FileTooLarge,
            format!("the file is {} bytes; at most {MAX_INPUT_SIZE} are read", bytes.len()),
        )
        .with_size(bytes.len() as u64));
    }
    let media = sniff(bytes)?;

    if media == MediaType::Pdf {
        let info = pdf::inspect(bytes, limit)?;
        return Ok(Prepared {
            media,
            bytes: bytes.to_vec(),
            pages: info.pages,
            pixels: None,
            thumbnail: None,
            normalised: None,
        });
    }

    let normalised = picture::normalise(bytes, media, limit)?;
    let thumbnail = picture::thumbnail(&normalised.picture);
    Ok(Prepared {
        media: normalised.media,
        pages: 1,
        pixels: Some(normalised.pixels),
        thumbnail: Some(thumbnail),
        normalised: Some(Normalisation {
            original_size: bytes.len() as u64,
            original_pixels: normalised.original_pixels,
            rotated: normalised.rotated,
            recompressed: normalised.recompressed,
            downscaled: normalised.downscaled,
        }),
        bytes: normalised.bytes,
    })
}

/// A first guess at what a file shows, from words in its name; the person can change it.
pub fn guess_kind(file_name: &str) -> DocumentKind {
    let name = file_name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| name.contains(word));
    if has(&["паспорт", "passport"]) {
        DocumentKind::Passport
    } else if has(&["снилс", "snils"]) {
        DocumentKind::Snils
    } else if has(&["инн", "inn"]) {
        DocumentKind::Inn
    } else if has(&["доверенност", "attorney", "доверенн"]) {
        DocumentKind::PowerOfAttorney
    } else if has(&["справк", "свидетельств", "certificate"]) {
        DocumentKind::Certificate
    } else {
        DocumentKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_guessed_from_the_name_in_either_language() {
        assert_eq!(guess_kind("Скан Паспорта.jpg"), DocumentKind::Passport);
        assert_eq!(guess_kind("snils_front.png"), DocumentKind::Snils);
        assert_eq!(guess_kind("ИНН.pdf"), DocumentKind::Inn);
        assert_eq!(guess_kind("Доверенность на Петрову.pdf"), DocumentKind::PowerOfAttorney);
        assert_eq!(guess_kind("справка об отсутствии судимости.pdf"), DocumentKind::Certificate);
        assert_eq!(guess_kind("IMG_2041.JPG"), DocumentKind::Other);
    }

    #[test]
    fn oversized_input_is_refused_before_it_is_looked_at() {
        let big = vec![0u8; MAX_INPUT_SIZE as usize + 1];
        let refused = prepare(&big, 5 * 1024 * 1024).unwrap_err();
        assert_eq!(refused.code, RefusalCode::FileTooLarge);
        assert_eq!(refused.size, Some(MAX_INPUT_SIZE + 1));
    }
}
