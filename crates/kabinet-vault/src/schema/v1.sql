-- The vault's index. Everything personal (names, sizes, what normalisation did) is in
-- `sealed`, an envelope; the plain columns say only what the app needs without the key:
-- which blobs a scan uses, its kind, and whether it is also on the portal.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE scans (
    id          TEXT PRIMARY KEY,
    -- Keyed content addresses (HMAC of the plaintext) of the blob files.
    source      TEXT NOT NULL,
    content     TEXT NOT NULL,
    thumbnail   TEXT,
    kind        TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    added_at    INTEGER NOT NULL,
    deleted_at  INTEGER,
    document_id TEXT,
    uploaded_at INTEGER
);
CREATE INDEX scans_by_content ON scans (content);
CREATE INDEX scans_by_source ON scans (source);
