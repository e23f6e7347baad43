-- The cached profile and applications are sealed with the person's data key (kabinet-seal):
-- the database holds no personal data in clear. Earlier plain copies are dropped; they are a
-- cache and come back from the portal.
DROP TABLE cached_profile;
CREATE TABLE cached_profile (
    portal     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (portal, subject)
);

DROP TABLE cached_applications;
CREATE TABLE cached_applications (
    portal  TEXT NOT NULL,
    subject TEXT NOT NULL,
    id      TEXT NOT NULL,
    summary BLOB NOT NULL,
    journal BLOB,
    PRIMARY KEY (portal, subject, id)
);
