-- What a person submitted with an application: the answers to the service's form (a JSON
-- object) and the ids of the attached documents (a JSON array). The demo applications of the
-- seed have neither.
ALTER TABLE applications ADD COLUMN answers TEXT;
ALTER TABLE applications ADD COLUMN document_ids TEXT;

-- Idempotency keys of submissions (the IETF Idempotency-Key draft), scoped per account. A row
-- is written when a request claims its key; until its response is recorded (status NULL) the
-- request is in flight. The response is recorded in the same transaction as its effect, so a
-- key with a response always means the effect happened, and one without means it did not.
CREATE TABLE idempotency_keys (
    oid         INTEGER NOT NULL REFERENCES accounts (oid),
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    status      INTEGER,
    body        TEXT,
    location    TEXT,
    PRIMARY KEY (oid, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
