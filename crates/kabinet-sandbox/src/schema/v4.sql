-- Требуется уточнение: what the department asked for (the kinds of documents and the names of
-- answers, as JSON arrays) and, once given, the person's reply. An application has at most one
-- open request: the newest without a reply.
CREATE TABLE clarifications (
    id                 INTEGER PRIMARY KEY,
    application_id     INTEGER NOT NULL REFERENCES applications (id),
    message            TEXT NOT NULL,
    documents          TEXT NOT NULL,
    answers            TEXT NOT NULL,
    requested_at       INTEGER NOT NULL,
    reply_text         TEXT,
    reply_document_ids TEXT,
    replied_at         INTEGER
);
CREATE INDEX clarifications_by_application ON clarifications (application_id, id);

-- The outcome of a finished application: the reasons of a refusal (a JSON array) and what to
-- fix, or nothing more for an approval, whose result document is generated when asked for.
CREATE TABLE decisions (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id),
    status         TEXT NOT NULL,
    reasons        TEXT NOT NULL,
    how_to_fix     TEXT,
    decided_at     INTEGER NOT NULL
);
