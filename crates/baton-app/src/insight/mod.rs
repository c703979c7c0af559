//! Instruments for the head of sales (issue 4). The analytics are pure (crate
//! `baton-analytics`); this module loads their facts and applies the rights.
