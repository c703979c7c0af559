//! What-if simulations for a sales department (issue 6). Pure Rust over plain data: no
//! database, files or network. `structure` is the structure simulator; see
//! `docs/simulator.md`.

pub mod structure;
