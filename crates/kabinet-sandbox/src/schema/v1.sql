-- Accounts: people who can sign in. oid is the portal's numeric person id.
CREATE TABLE accounts (
    oid              INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('citizen', 'entrepreneur')),
    email            TEXT UNIQUE,
    phone            TEXT UNIQUE,
    snils            TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    totp_secret      BLOB,
    totp_last_step   INTEGER,
    last_name        TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    middle_name      TEXT,
    birth_date       TEXT NOT NULL,
    inn              TEXT NOT NULL,
    passport_series  TEXT NOT NULL,
    passport_number  TEXT NOT NULL,
    passport_issued_by TEXT NOT NULL,
    passport_issued_on TEXT NOT NULL,
    passport_department_code TEXT NOT NULL,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     INTEGER
);

-- Organisations an entrepreneur acts for, and the people delegated to act for them.
CREATE TABLE organisations (
    id        INTEGER PRIMARY KEY,
    owner_oid INTEGER NOT NULL REFERENCES accounts (oid),
    name      TEXT NOT NULL,
    ogrnip    TEXT NOT NULL,
    inn       TEXT NOT NULL
);
CREATE TABLE organisation_members (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    oid             INTEGER NOT NULL REFERENCES accounts (oid),
    role            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, oid)
);

-- The account's activity log; security events are flagged.
CREATE TABLE activity (
    id       INTEGER PRIMARY KEY,
    oid      INTEGER NOT NULL REFERENCES accounts (oid),
    kind     TEXT NOT NULL,
    security INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX activity_by_account ON activity (oid, id);

-- The message outbox: one-time codes the sandbox "sends" by email or SMS.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    oid        INTEGER NOT NULL,
    recipient  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Signing keys of the identity provider. A retired key stays published until every token
-- it signed has expired.
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    pkcs8      BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);

-- A sign-in in progress: one authorization request walking through the sign-in pages.
CREATE TABLE login_flows (
    id             TEXT PRIMARY KEY,
    browser_secret TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    state          TEXT,
    nonce          TEXT,
    code_challenge TEXT NOT NULL,
    offline        INTEGER NOT NULL,
    language       TEXT NOT NULL,
    stage          TEXT NOT NULL CHECK (stage IN ('login', 'second_factor', 'consent', 'done')),
    oid            INTEGER REFERENCES accounts (oid),
    factor         TEXT,
    otp_hash       TEXT,
    otp_expires_at INTEGER,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);

-- A grant: what one authorization produced. It is the refresh token family and the session
-- id (`sid`) that access and ID tokens carry; revoking it revokes them all.
CREATE TABLE grants (
    id         TEXT PRIMARY KEY,
    oid        INTEGER NOT NULL REFERENCES accounts (oid),
    client_id  TEXT NOT NULL,
    scope      TEXT NOT NULL,
    auth_time  INTEGER NOT NULL,
    amr        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Authorization codes, stored by hash. grant_id is set once the code is exchanged.
CREATE TABLE auth_codes (
    code_hash      TEXT PRIMARY KEY,
    oid            INTEGER NOT NULL REFERENCES accounts (oid),
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    nonce          TEXT,
    code_challenge TEXT NOT NULL,
    offline        INTEGER NOT NULL,
    auth_time      INTEGER NOT NULL,
    amr            TEXT NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    grant_id       TEXT REFERENCES grants (id)
);

-- Refresh tokens, stored by hash; each is used once and replaced by the next of its grant.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES grants (id),
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Access tokens revoked one by one (RFC 7009), kept until they would have expired.
CREATE TABLE revoked_access_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

-- Applications and their journals.
CREATE TABLE applications (
    id           INTEGER PRIMARY KEY,
    oid          INTEGER NOT NULL REFERENCES accounts (oid),
    number       TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL,
    title        TEXT NOT NULL,
    department   TEXT NOT NULL,
    status       TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    next_step_at INTEGER
);
CREATE INDEX applications_by_account ON applications (oid, id);
CREATE INDEX applications_due ON applications (next_step_at) WHERE next_step_at IS NOT NULL;

CREATE TABLE journal (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    status         TEXT NOT NULL,
    at             INTEGER NOT NULL,
    department     TEXT NOT NULL,
    comment        TEXT
);
CREATE INDEX journal_by_application ON journal (application_id, id);

-- The change feed. AUTOINCREMENT keeps ids strictly growing even after deletes, so a
-- cursor never points at a reused id.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    oid            INTEGER NOT NULL REFERENCES accounts (oid),
    kind           TEXT NOT NULL,
    application_id INTEGER,
    status         TEXT,
    at             INTEGER NOT NULL
);
CREATE INDEX events_by_account ON events (oid, id);
