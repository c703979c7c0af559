//! What-if (issue 6): plan replay on recorded months and the structure simulator, whose
//! model is pure (crate `baton-simulation`); this module loads history and applies the rights.
