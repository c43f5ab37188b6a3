//! `analyze(text) -> Analysis`: the one entry point of the engine. Never fails, does no IO.
//!
//! Besides the findings, an analysis keeps what the IDE features need: every amount with its
//! label and column, every relation that was checked (holding or not), and the outline.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::finding::Finding;
use crate::text::Span;

/// What kind of arithmetic a relation states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// A total and its parts.
    Sum,
    /// `占…X%`: part ÷ whole.
    Share,
    /// A change amount: current − base.
    Change,
    /// A growth rate: change ÷ base.
    Rate,
    /// The same quantity stated twice.
    Same,
    /// A table's column formula (`5=4/3`).
    Formula,
}

/// One figure taking part in a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Normalised label, e.g. `工资福利支出`.
    pub label: Arc<str>,
    /// Where the figure is written.
    pub span: Span,
    /// The value as written, in `unit`.
    pub value: Decimal,
    /// `元`, `万元`, `%`, `项`…; empty when none was written.
    pub unit: &'static str,
}

/// A relation the engine checked, holding or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub kind: RelationKind,
    /// Which column or period: `决算`, `年初预算`, `上年`, `增减额`…
    pub column: Arc<str>,
    /// The figure that is checked: the total, the share, the change, the rate.
    pub target: Term,
    /// What it is checked against: the parts of a sum; part and whole of a share; current and
    /// base of a change or rate; the other statement of a quantity.
    pub parts: Vec<Term>,
    /// The recomputed value, in the target's unit.
    pub expected: Expected,
    pub holds: bool,
    /// Why a list was taken as complete, or other context worth showing.
    pub note: Option<Arc<str>>,
}

/// A recomputed value as the target would write it (`1,001.50`, `12.35%`): kept as a number
/// and formatted when shown, since most relations are never looked at (formatting every one
/// was a twentieth of a full analysis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expected {
    pub value: Decimal,
    /// Decimal places shown.
    pub decimals: u32,
    /// A share or rate, shown with `%`.
    pub percent: bool,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = crate::extract::number::format_grouped(self.value, self.decimals);
        write!(f, "{digits}{}", if self.percent { "%" } else { "" })
    }
}

/// A heading of the report's outline (第一部分 / 一、/（一）/ 1.).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub title: String,
    /// 0 for the outermost level seen in this document.
    pub level: u8,
    /// The heading line.
    pub span: Span,
    /// From the heading to the end of its section.
    pub section: Span,
}

/// A figure the engine read, with what it understood of it.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountInfo {
    pub span: Span,
    pub value: Decimal,
    /// As written; empty when the figure takes its sentence's unit.
    pub unit: &'static str,
    pub label: Arc<str>,
    /// `本年`, `比上年增减`, `占比`…
    pub column: &'static str,
    /// Same key, same quantity: used for go-to-definition and references.
    pub key: Option<QuantityKey>,
}

/// Which quantity a figure states: its label made canonical and its column (`支出总计|本年`).
/// Kept as its two parts, shared with the statement, rather than written out: writing a key
/// for every figure was a thirtieth of a full analysis.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct QuantityKey {
    pub label: Arc<str>,
    pub column: &'static str,
}

impl std::fmt::Display for QuantityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}|{}", self.label, self.column)
    }
}

impl std::fmt::Debug for QuantityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.to_string(), f)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub relations: Vec<Relation>,
    pub amounts: Vec<AmountInfo>,
    pub outline: Vec<Heading>,
}

/// What the user may tell the engine that the text does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Options {
    /// The unit of a table that declares none (no `单位：万元` above it or in its header), as
    /// a factor of 元: `Some(10_000)` reads such a table in 万元. `None` (the default) leaves
    /// its bare figures unread, because guessing a unit wrong would report every row.
    pub assumed_unit: Option<u32>,
}

impl Options {
    /// `元` → 1, `万元` → 10,000 (also `yuan`, `wanyuan`, `none`); `Err` says what is accepted.
    pub fn parse_unit(s: &str) -> Result<Option<u32>, String> {
        match s.trim() {
            "" | "none" | "无" => Ok(None),
            "元" | "yuan" => Ok(Some(1)),
            "千元" => Ok(Some(1_000)),
            "万元" | "wanyuan" => Ok(Some(10_000)),
            "亿元" => Ok(Some(100_000_000)),
            other => Err(format!(
                "unknown unit “{other}”: use 元, 千元, 万元, 亿元 or none"
            )),
        }
    }
}

/// Analyse a whole report.
pub fn analyze(text: &str) -> Analysis {
    crate::engine::run(text, &Options::default())
}

/// Analyse a whole report with options.
pub fn analyze_with(text: &str, options: &Options) -> Analysis {
    crate::engine::run(text, options)
}

/// Only the findings of a whole report: `analyze_with(text, options).findings`, without the
/// views the IDE shows (amounts, relations, outline) — what `suanpan check` needs.
pub fn findings(text: &str, options: &Options) -> Vec<Finding> {
    crate::engine::findings(text, options)
}

impl Analysis {
    /// Append the analysis of a report that starts `by` bytes into the file.
    pub fn append(&mut self, mut other: Analysis, by: usize) {
        other.shift(by);
        self.findings.append(&mut other.findings);
        self.relations.append(&mut other.relations);
        self.amounts.append(&mut other.amounts);
        self.outline.append(&mut other.outline);
    }

    /// Move every position `by` bytes later: the analysis of a report that starts there.
    pub fn shift(&mut self, by: usize) {
        if by != 0 {
            self.findings.iter_mut().for_each(|f| f.shift(by));
            for r in &mut self.relations {
                for t in std::iter::once(&mut r.target).chain(&mut r.parts) {
                    t.span = t.span.shift(by);
                }
            }
            for a in &mut self.amounts {
                a.span = a.span.shift(by);
            }
            for h in &mut self.outline {
                h.span = h.span.shift(by);
                h.section = h.section.shift(by);
            }
        }
    }

    /// The amount written at `offset`, if any.
    pub fn amount_at(&self, offset: usize) -> Option<&AmountInfo> {
        self.amounts.iter().find(|a| a.span.touches(offset))
    }

    /// Relations in which the figure at `span` takes part, as target or part.
    pub fn relations_of(&self, span: Span) -> impl Iterator<Item = &Relation> {
        self.relations
            .iter()
            .filter(move |r| r.target.span == span || r.parts.iter().any(|p| p.span == span))
    }
}
