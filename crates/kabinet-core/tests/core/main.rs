//! Integration tests of the client core against the sandbox over real loopback HTTP.

mod documents;
mod id_token;
mod listener;
mod outbox;
mod outcomes;
mod poller;
mod retries;
mod session;
mod support;
mod third_party;
