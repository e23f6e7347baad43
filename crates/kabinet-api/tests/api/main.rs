//! Tests of the portal contract from the outside: the shared form-parity cases that every
//! client runs too, and property tests of the identity-number checksums against independent
//! implementations.

mod checksums;
mod parity;
mod parity_set;
