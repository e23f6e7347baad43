//! Documents the person uploads to the portal: scans of their passport, SNILS, INN and other
//! papers, later attached to applications.
//!
//! An upload is a `multipart/form-data` body with the parts named in [`upload_fields`]; the
//! portal checks the file's SHA-256 against the one sent, decides its type from its content,
//! and refuses anything over [`MAX_DOCUMENT_SIZE`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The largest file the portal accepts, in bytes (5 MiB).
pub const MAX_DOCUMENT_SIZE: u64 = 5 * 1024 * 1024;

/// The longest document name the portal keeps, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The names of the parts of an upload.
pub mod upload_fields {
    /// The file itself; its own `filename` and `Content-Type` are not trusted.
    pub const FILE: &str = "file";
    /// The document's name as the person calls it.
    pub const NAME: &str = "name";
    /// Its [`super::DocumentKind`], in snake case.
    pub const KIND: &str = "kind";
    /// The lowercase hex SHA-256 of the file's bytes.
    pub const SHA256: &str = "sha256";
}

/// What a document shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Паспорт.
    Passport,
    /// СНИЛС.
    Snils,
    /// ИНН.
    Inn,
    /// Справка или свидетельство.
    Certificate,
    /// Доверенность.
    PowerOfAttorney,
    /// Другое.
    Other,
}

impl DocumentKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::Passport,
        Self::Snils,
        Self::Inn,
        Self::Certificate,
        Self::PowerOfAttorney,
        Self::Other,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::Snils => "snils",
            Self::Inn => "inn",
            Self::Certificate => "certificate",
            Self::PowerOfAttorney => "power_of_attorney",
            Self::Other => "other",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// The file types the portal accepts, decided from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum MediaType {
    /// A PDF document.
    #[serde(rename = "application/pdf")]
    Pdf,
    /// A JPEG image.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// A PNG image.
    #[serde(rename = "image/png")]
    Png,
}

impl MediaType {
    /// The MIME type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The type whose signature `bytes` start with, if any. A signature is only a first
    /// check: whoever stores the file must still parse it.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else {
            None
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// A document stored at the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Document {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it shows.
    pub kind: DocumentKind,
    /// Its type, as the portal decided it from the content.
    pub media_type: MediaType,
    /// Its size in bytes.
    pub size: u64,
    /// The lowercase hex SHA-256 of its bytes.
    pub sha256: String,
    /// When it was uploaded.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: OffsetDateTime,
}

/// The person's documents, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentList {
    /// The documents.
    pub items: Vec<Document>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_wire_names() {
        for kind in DocumentKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()), "serde and as_str agree");
            assert_eq!(DocumentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DocumentKind::parse("Passport"), None, "wire names are exact");
    }

    #[test]
    fn sniffing_reads_signatures_not_names() {
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"\x89PNG\r\n\x1a\n...."), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(b"GIF89a"), None);
        assert_eq!(MediaType::sniff(b" %PDF-1.7"), None, "the signature must come first");
        assert_eq!(MediaType::sniff(b""), None);
    }

    #[test]
    fn document_wire_format_is_stable() {
        let document = Document {
            id: "d1".to_owned(),
            name: "Паспорт".to_owned(),
            kind: DocumentKind::PowerOfAttorney,
            media_type: MediaType::Jpeg,
            size: 42,
            sha256: "ab".to_owned(),
            uploaded_at: time::macros::datetime!(2026-12-04 10:00 UTC),
        };
        assert_eq!(
            serde_json::to_string(&document).unwrap(),
            concat!(
                r#"{"id":"d1","name":"Паспорт","kind":"power_of_attorney","#,
                r#""media_type":"image/jpeg","size":42,"sha256":"ab","#,
                r#""uploaded_at":"2026-12-04T10:00:00Z"}"#
            ),
            "the client parses this shape"
        );
    }
}
