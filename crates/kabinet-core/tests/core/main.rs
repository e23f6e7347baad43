//! Integration tests of the client core against the sandbox over real loopback HTTP.
