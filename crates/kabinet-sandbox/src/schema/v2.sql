-- Documents people upload (scans). The bytes are kept in the database: the sandbox plays a
-- portal, and a portal keeps what it is sent. Identical uploads of one account are stored
-- once, which also makes a retried upload safe.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    oid         INTEGER NOT NULL REFERENCES accounts (oid),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    uploaded_at INTEGER NOT NULL,
    UNIQUE (oid, sha256)
);
CREATE INDEX documents_by_account ON documents (oid, id);
