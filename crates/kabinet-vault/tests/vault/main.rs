//! The vault over a real folder.
