//! suanpan (算盘): checks the arithmetic of Chinese government budget disclosure reports
//! (部门决算说明 / 部门预算说明) — totals and parts, shares, changes and rates, units, and the
//! same figure stated twice — and says how to fix each slip.
//!
//! Layers, bottom up (see ARCHITECTURE.md): `text` (spans, lines) → `extract` (numbers, units,
//! words) → `segment` (blocks, sentences, tables) → `facts` (statements about quantities) →
//! `relate` (relations between them, checked with `interval` arithmetic) → `rules` (findings) →
//! `ide` (hover, outline…) → the front ends `cli` and `lsp`.

pub mod analysis;
mod bundle;
mod canon;
pub mod cli;
mod engine;
pub mod extract;
mod facts;
pub mod finding;
pub mod ide;
pub mod incremental;
pub mod interval;
mod label;
pub mod lsp;
mod memo;
mod relate;
pub mod rules;
mod segment;
mod table;
#[cfg(test)]
mod testing;
pub mod text;

pub use analysis::{
    analyze, analyze_with, findings, AmountInfo, Analysis, Expected, Heading, Options, QuantityKey,
    Relation, RelationKind, Term,
};
#[doc(hidden)]
pub use engine::debug_dump;
pub use finding::{Applicability, Edit, Finding, Fix, Related, Severity};
pub use text::Span;

/// The text of a panic's payload, for the front ends, which catch panics so that one bug in the
/// analysis costs a file's or a request's result and not the session.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}
