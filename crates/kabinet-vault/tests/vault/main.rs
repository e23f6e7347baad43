//! The vault over a real folder: storage and sealing, content checks against renamed files,
//! polyglots and bombs (measured in a process of their own), normalisation, and imports
//! killed in the middle.

mod bombs;
mod checks;
mod crash;
mod normalise;
mod storage;
mod support;
