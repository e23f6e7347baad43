-- Portal profiles besides the built-in sandbox.
CREATE TABLE profiles (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

-- Who is signed in at each portal, so that a restart finds the keychain entry. The refresh
-- token itself is only in the keychain.
CREATE TABLE sessions (
    portal       TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    signed_in_at INTEGER NOT NULL
);

-- The last known profile, with document numbers masked: the full numbers are fetched when a
-- form needs them and never cached.
CREATE TABLE cached_profile (
    portal     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    json       TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (portal, subject)
);

-- The last known applications; `journal` is present once the application was opened.
CREATE TABLE cached_applications (
    portal     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    id         TEXT NOT NULL,
    summary    TEXT NOT NULL,
    journal    TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (portal, subject, id)
);

-- Where the poller stands in the change feed.
CREATE TABLE poll_state (
    portal  TEXT NOT NULL,
    subject TEXT NOT NULL,
    cursor  TEXT,
    etag    TEXT,
    synced_at INTEGER,
    PRIMARY KEY (portal, subject)
);

-- Events already handed to the notifier, so none is notified twice.
CREATE TABLE handled_events (
    portal     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    handled_at INTEGER NOT NULL,
    PRIMARY KEY (portal, subject, event_id)
);
