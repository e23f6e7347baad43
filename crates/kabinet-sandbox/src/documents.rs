//! Uploaded documents in the store, and the checks an upload passes before it is kept: the
//! size limit, the SHA-256 the client sent, and a content check that looks past the file's
//! signature at its structure, so a renamed or truncated file is refused.

use kabinet_api::{Document, DocumentKind, MAX_DOCUMENT_SIZE, MediaType};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

use crate::clock::from_unix;

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Over [`MAX_DOCUMENT_SIZE`].
    #[error("the file is {size} bytes; the portal accepts at most {MAX_DOCUMENT_SIZE}")]
    TooLarge {
        /// Its size, or how much of it was read before the limit.
        size: u64,
    },
    /// Empty.
    #[error("the file is empty")]
    Empty,
    /// Not a PDF, JPEG or PNG by content.
    #[error("the file's content is not a PDF, JPEG or PNG")]
    UnsupportedType,
    /// The right signature, but not a whole file of that type.
    #[error("the file starts as {0} but is not a complete {0} file")]
    Malformed(&'static str),
    /// The bytes do not hash to the SHA-256 sent.
    #[error("the file's SHA-256 does not match the one sent with it")]
    ChecksumMismatch,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks an upload and returns its type.
///
/// # Errors
/// A [`Refusal`] saying what is wrong with it.
pub fn check(bytes: &[u8], sha256: &str) -> Result<MediaType, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
        return Err(Refusal::TooLarge { size: bytes.len() as u64 });
    }
    if !sha256.eq_ignore_ascii_case(&sha256_hex(bytes)) {
        return Err(Refusal::ChecksumMismatch);
    }

    let media = MediaType::sniff(bytes).ok_or(Refusal::UnsupportedType)?;
    let complete = match media {
        MediaType::Pdf => pdf_is_complete(bytes),
        MediaType::Jpeg => jpeg_is_complete(bytes),
        MediaType::Png => png_is_complete(bytes),
    };
    if !complete {
        return Err(Refusal::Malformed(match media {
            MediaType::Pdf => "PDF",
            MediaType::Jpeg => "JPEG",
            MediaType::Png => "PNG",
        }));
    }
    Ok(media)
}

/// A PDF ends with `%%EOF`, give or take trailing whitespace, and names a cross-reference.
fn pdf_is_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let trimmed = tail.trim_ascii_end();
    trimmed.ends_with(b"%%EOF") && contains(tail, b"startxref")
}

/// A JPEG ends with its End Of Image marker.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    bytes.trim_ascii_end().ends_with(&[0xFF, 0xD9])
}

/// A PNG's chunks run from the signature to `IEND`, each inside the file, `IHDR` first.
fn png_is_complete(bytes: &[u8]) -> bool {
    let mut at = 8;
    let mut first = true;
    while at + 12 <= bytes.len() {
        let length = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let kind = &bytes[at + 4..at + 8];
        if first && kind != b"IHDR" {
            return false;
        }
        first = false;
        let Some(end) = (at + 12).checked_add(length as usize) else { return false };
        if end > bytes.len() {
            return false;
        }
        if kind == b"IEND" {
            return true;
        }
        at = end;
    }
    false
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

const COLUMNS: &str = "id, name, kind, media_type, size, sha256, uploaded_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Document> {
    let kind: String = row.get(2)?;
    let media: String = row.get(3)?;
    let bad = |what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown document {what}").into(),
        )
    };
    Ok(Document {
        id: row.get::<_, i64>(0)?.to_string(),
        name: row.get(1)?,
        kind: DocumentKind::parse(&kind).ok_or_else(|| bad("kind"))?,
        media_type: [MediaType::Pdf, MediaType::Jpeg, MediaType::Png]
            .into_iter()
            .find(|m| m.as_str() == media)
            .ok_or_else(|| bad("media type"))?,
        size: row.get::<_, i64>(4)? as u64,
        sha256: row.get(5)?,
        uploaded_at: from_unix(row.get(6)?),
    })
}

/// A checked upload, ready to store.
pub struct NewDocument<'a> {
    /// The account.
    pub oid: i64,
    /// Its name.
    pub name: &'a str,
    /// What it shows.
    pub kind: DocumentKind,
    /// Its type.
    pub media_type: MediaType,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// When, as Unix seconds.
    pub now: i64,
}

/// Stores a document, or returns the one the account already has with the same bytes.
/// The second value says whether it was new.
///
/// # Errors
/// When the database fails.
pub fn insert(conn: &Connection, new: &NewDocument<'_>) -> rusqlite::Result<(Document, bool)> {
    let sha256 = sha256_hex(new.bytes);
    let inserted = conn.execute(
        "INSERT INTO documents (oid, name, kind, media_type, size, sha256, bytes, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (oid, sha256) DO NOTHING",
        params![
            new.oid,
            new.name,
            new.kind.as_str(),
            new.media_type.as_str(),
            new.bytes.len() as i64,
            sha256,
            new.bytes,
            new.now
        ],
    )?;
    let document = conn.query_row(
        &format!("SELECT {COLUMNS} FROM documents WHERE oid = ?1 AND sha256 = ?2"),
        params![new.oid, sha256],
        from_row,
    )?;
    Ok((document, inserted == 1))
}

/// The account's documents, newest first.
///
/// # Errors
/// When the database fails.
pub fn list(conn: &Connection, oid: i64) -> rusqlite::Result<Vec<Document>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM documents WHERE oid = ?1 ORDER BY id DESC"))?;
    stmt.query_map([oid], from_row)?.collect()
}

/// One of the account's documents.
///
/// # Errors
/// When the database fails.
pub fn get(conn: &Connection, oid: i64, id: i64) -> rusqlite::Result<Option<Document>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM documents WHERE oid = ?1 AND id = ?2"),
        params![oid, id],
        from_row,
    )
    .optional()
}

/// Deletes one of the account's documents; false when it has no such document.
///
/// # Errors
/// When the database fails.
pub fn delete(conn: &Connection, oid: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM documents WHERE oid = ?1 AND id = ?2", params![oid, id])? == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [(&b"IHDR"[..], &[0u8; 13][..]), (b"IEND", &[])] {
            bytes.extend((data.len() as u32).to_be_bytes());
            bytes.extend(kind);
            bytes.extend(data);
            bytes.extend([0u8; 4]);
        }
        bytes
    }

    #[test]
    fn a_complete_file_with_its_checksum_passes() {
        let bytes = png();
        assert_eq!(check(&bytes, &sha256_hex(&bytes)), Ok(MediaType::Png));
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n9\n%%EOF\n";
        assert_eq!(check(pdf, &sha256_hex(pdf)), Ok(MediaType::Pdf));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
        assert_eq!(check(&jpeg, &sha256_hex(&jpeg).to_uppercase()), Ok(MediaType::Jpeg));
    }

    #[test]
    fn truncated_renamed_and_mismatched_files_are_refused() {
        let bytes = png();
        let cut = &bytes[..bytes.len() - 6];
        assert_eq!(check(cut, &sha256_hex(cut)), Err(Refusal::Malformed("PNG")), "no IEND");
        let gif = b"GIF89a....";
        assert_eq!(check(gif, &sha256_hex(gif)), Err(Refusal::UnsupportedType));
        assert_eq!(check(&bytes, &sha256_hex(b"other")), Err(Refusal::ChecksumMismatch));
        assert_eq!(check(b"", &sha256_hex(b"")), Err(Refusal::Empty));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert_eq!(check(&jpeg, &sha256_hex(&jpeg)), Err(Refusal::Malformed("JPEG")));
    }

    #[test]
    fn a_png_chunk_claiming_more_than_the_file_is_malformed() {
        let mut bytes = png();
        bytes[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(!png_is_complete(&bytes), "a chunk length past the end must not be trusted");
    }

    #[test]
    fn the_size_limit_is_checked_before_anything_is_hashed() {
        let big = vec![0u8; MAX_DOCUMENT_SIZE as usize + 1];
        assert_eq!(check(&big, ""), Err(Refusal::TooLarge { size: MAX_DOCUMENT_SIZE + 1 }));
    }
}
