//! Integration tests of the sandbox portal over real HTTP on loopback, with a headless user
//! agent that fills the real sign-in forms.

mod documents;
mod feed;
mod negative;
mod openapi;
mod outcomes;
mod parity;
mod router;
mod signin;
mod submissions;
mod support;
mod tokens;
