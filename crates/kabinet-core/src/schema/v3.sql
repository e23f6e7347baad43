-- The service catalog, cached so that forms can be filled offline. It is public and holds no
-- personal data, so it is kept as the portal sent it.
CREATE TABLE cached_catalog (
    portal     TEXT PRIMARY KEY,
    etag       TEXT,
    json       TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
);

-- Drafts and templates of applications. Everything the person typed is in `sealed` (sealed
-- with their data key, the context naming the row); the columns in clear are ids and times.
CREATE TABLE drafts (
    portal     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('draft', 'template')),
    sealed     BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal, subject, id)
);

-- Submissions on their way to the portal. `idempotency_key` is made when the item is written
-- and never changes, so every attempt, before or after a crash, is the same request to the
-- portal. The request and the portal's answer are sealed; times are Unix milliseconds.
CREATE TABLE outbox (
    portal          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    id              TEXT NOT NULL,
    draft_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    request         BLOB NOT NULL,
    state           TEXT NOT NULL
        CHECK (state IN ('queued', 'sending', 'sent', 'needs_fix', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    application_id  TEXT,
    outcome         BLOB,
    PRIMARY KEY (portal, subject, id)
);
CREATE INDEX outbox_due ON outbox (portal, subject, state, due_at);
