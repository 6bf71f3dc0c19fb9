//! The desk's hardware, behind small traits with the real drivers: badge printers over IPP
//! ([`printer`]) and card encoders over PC/SC ([`encoder`]). Problems are reported in words a receptionist can act on. This crate knows
//! nothing of visits; it prints documents and reports on devices.

pub mod encoder;
pub mod journal;
pub mod printer;
