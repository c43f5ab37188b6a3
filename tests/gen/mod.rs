//! Generator of realistic 部门决算说明 / 部门预算说明 documents with known, injected arithmetic
//! errors — the recall and false-alarm harness of suanpan.
//!
//! A document is rendered from a [`ledger::Ledger`] whose relations hold exactly (DOMAIN.md §2);
//! displayed figures are rounded from it, so clean documents carry realistic rounding slack (the
//! trap a checker must not fall into). Errors are injected while rendering, each only where a
//! careful reviewer could prove it from the text alone (complete lists, stated bases), and each
//! is recorded as an [`Expected`] with its line and the rule ids that may report it.
//!
//! Everything is a pure function of the seed: `generate(seed, &opts)` is reproducible.

#![allow(dead_code)] // shared by tests/generated.rs and examples/gen.rs, each using a subset

pub mod ledger;
pub mod num;
pub mod render;
pub mod rng;

use rng::Rng;

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Number of errors to inject (0 = a clean document).
    pub errors: usize,
    /// When set, concatenate departments until the text is at least this many bytes.
    pub target_bytes: Option<usize>,
}

impl Options {
    pub fn clean() -> Options {
        Options::default()
    }
    pub fn with_errors(k: usize) -> Options {
        Options {
            errors: k,
            target_bytes: None,
        }
    }
}

/// One finding the checker must produce.
#[derive(Debug, Clone)]
pub struct Expected {
    /// Acceptable rule ids.
    pub rule_ids: Vec<&'static str>,
    /// 0-based line of the figure that is wrong / where the finding should start.
    pub line: usize,
    /// Other lines where the same finding is equally right (the total of a sum whose part was
    /// changed, the other statement of a value-mismatch).
    pub alt_lines: Vec<usize>,
    /// Lines of the section holding the error: consequential findings there (a share that no
    /// longer fits a changed total) are not counted as unexpected.
    pub section: (usize, usize),
    /// Further lines where findings are consequences of this error, not false alarms (other
    /// statements of a falsified quantity).
    pub tolerated: Vec<usize>,
    /// Error kind (stable short name used in the report).
    pub kind: &'static str,
    /// Phrasing family of the sentence or table holding the error.
    pub family: String,
    /// What was injected, human-readable.
    pub note: String,
}

impl Expected {
    pub fn lines(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.line).chain(self.alt_lines.iter().copied())
    }
}

#[derive(Debug, Clone)]
pub struct GenDoc {
    pub text: String,
    pub expected: Vec<Expected>,
    /// Number of departments concatenated (1 unless `target_bytes` was set).
    pub parts: usize,
}

/// The error kinds the injector knows, with the rule ids that may report each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    SumTotal,
    SumPart,
    SumExceed,
    Share,
    Change,
    Rate,
    RateX100,
    Direction,
    Sign,
    UnitScale,
    ValueMismatch,
    TableFormula,
    FwComma,
    MissingUnit,
}

pub const ALL_KINDS: [Kind; 14] = [
    Kind::SumTotal,
    Kind::SumPart,
    Kind::SumExceed,
    Kind::Share,
    Kind::Change,
    Kind::Rate,
    Kind::RateX100,
    Kind::Direction,
    Kind::Sign,
    Kind::UnitScale,
    Kind::ValueMismatch,
    Kind::TableFormula,
    Kind::FwComma,
    Kind::MissingUnit,
];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::SumTotal => "sum-total-changed",
            Kind::SumPart => "sum-part-changed",
            Kind::SumExceed => "parts-exceed-total",
            Kind::Share => "share-wrong",
            Kind::Change => "change-amount-wrong",
            Kind::Rate => "rate-wrong",
            Kind::RateX100 => "rate-not-x100",
            Kind::Direction => "direction-word",
            Kind::Sign => "sign-after-direction",
            Kind::UnitScale => "unit-scale",
            Kind::ValueMismatch => "value-mismatch",
            Kind::TableFormula => "table-formula",
            Kind::FwComma => "fullwidth-comma",
            Kind::MissingUnit => "missing-unit",
        }
    }
    pub fn rules(self) -> Vec<&'static str> {
        match self {
            Kind::SumTotal | Kind::SumPart | Kind::SumExceed => vec!["sum-mismatch"],
            Kind::Share => vec!["share-mismatch"],
            Kind::Change => vec!["change-mismatch"],
            Kind::Rate | Kind::RateX100 => vec!["rate-mismatch"],
            Kind::Direction => vec!["direction-word"],
            Kind::Sign => vec!["sign-after-direction"],
            Kind::UnitScale => vec!["unit-scale"],
            Kind::ValueMismatch => vec!["value-mismatch"],
            Kind::TableFormula => vec!["table-formula"],
            Kind::FwComma | Kind::MissingUnit => vec!["number-format"],
        }
    }
}

/// Builds the text line by line so that every figure's 0-based line is known when it is
/// written.
#[derive(Debug, Default)]
pub struct Doc {
    lines: Vec<String>,
    cur: String,
}

impl Doc {
    /// The line the next `put` writes to.
    pub fn line_no(&self) -> usize {
        self.lines.len()
    }
    pub fn put(&mut self, s: &str) {
        self.cur.push_str(s);
    }
    /// End the current line (even if empty).
    pub fn nl(&mut self) {
        self.lines.push(std::mem::take(&mut self.cur));
    }
    /// End the current line if it holds anything.
    pub fn end(&mut self) {
        if !self.cur.is_empty() {
            self.nl();
        }
    }
    pub fn para(&mut self, s: &str) {
        self.end();
        self.put(s);
        self.nl();
    }
    pub fn blank(&mut self) {
        self.end();
        self.lines.push(String::new());
    }
    pub fn finish(mut self) -> String {
        self.end();
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

/// Decides where errors go: each document wants `k` kinds; a section offering a site for a
/// wanted kind takes it with some probability, at most one error per section so that errors
/// never overlap in one relation.
#[derive(Debug)]
pub struct Injector {
    wanted: Vec<Kind>,
    rng: Rng,
    taken_in_section: bool,
    section_start: usize,
    pending: Vec<Expected>,
    pub done: Vec<Expected>,
}

impl Injector {
    pub fn new(seed: u64, k: usize) -> Injector {
        let mut rng = Rng::new(seed ^ 0xE770_0000);
        let mut wanted = Vec::new();
        while wanted.len() < k {
            let kind = *rng.pick(&ALL_KINDS);
            if !wanted.contains(&kind) {
                wanted.push(kind);
            }
        }
        Injector {
            wanted,
            rng,
            taken_in_section: false,
            section_start: 0,
            pending: Vec::new(),
            done: Vec::new(),
        }
    }

    pub fn remaining(&self) -> usize {
        self.wanted.len()
    }

    /// Offer the kinds a site supports; returns the one to inject, if any.
    pub fn offer(&mut self, kinds: &[Kind]) -> Option<Kind> {
        if self.taken_in_section {
            return None;
        }
        let cands: Vec<Kind> = kinds
            .iter()
            .copied()
            .filter(|k| self.wanted.contains(k))
            .collect();
        if cands.is_empty() || !self.rng.chance(0.25) {
            return None;
        }
        let k = *self.rng.pick(&cands);
        self.wanted.retain(|&w| w != k);
        self.taken_in_section = true;
        Some(k)
    }

    pub fn start_section(&mut self, line: usize) {
        self.flush(line);
        self.taken_in_section = false;
        self.section_start = line;
    }

    /// Record an injected error; its section range is closed at the next section start.
    pub fn record(&mut self, kind: Kind, line: usize, alt: Vec<usize>, family: &str, note: String) {
        self.pending.push(Expected {
            rule_ids: kind.rules(),
            line,
            alt_lines: alt,
            section: (self.section_start, line),
            tolerated: Vec::new(),
            kind: kind.name(),
            family: family.to_string(),
            note,
        });
    }

    /// Override the acceptable rules of the error just recorded.
    pub fn last_rules(&mut self, rules: Vec<&'static str>) {
        if let Some(e) = self.pending.last_mut() {
            e.rule_ids = rules;
        }
    }

    pub fn add_alt_to_last(&mut self, line: usize) {
        if let Some(e) = self.pending.last_mut() {
            e.alt_lines.push(line);
        }
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    pub fn has_recorded_kind(&self, kind: Kind) -> bool {
        self.pending.iter().any(|e| e.kind == kind.name())
    }

    /// The site could not host the error after all (no provably wrong value exists there):
    /// want it again, and free the section.
    pub fn give_back(&mut self, kind: Kind) {
        if !self.wanted.contains(&kind) {
            self.wanted.push(kind);
        }
        self.taken_in_section = false;
    }

    pub fn flush(&mut self, line: usize) {
        for mut e in self.pending.drain(..) {
            e.section.1 = line.max(e.line + 1);
            self.done.push(e);
        }
    }
}

/// Generate one document (or a big concatenation when `opts.target_bytes` is set).
pub fn generate(seed: u64, opts: &Options) -> GenDoc {
    match opts.target_bytes {
        Some(n) => generate_big(seed, n, opts.errors),
        None => generate_one(seed, opts.errors),
    }
}

pub fn generate_clean(seed: u64) -> GenDoc {
    generate_one(seed, 0)
}

pub fn generate_with_errors(seed: u64, k: usize) -> GenDoc {
    generate_one(seed, k)
}

fn generate_one(seed: u64, k: usize) -> GenDoc {
    // Not every ledger/phrasing offers a site for every wanted kind: retry with derived seeds
    // until exactly k errors were placed (deterministic).
    let mut best: Option<GenDoc> = None;
    for attempt in 0..64u64 {
        let s = seed.wrapping_add(attempt.wrapping_mul(0x9E37_79B9));
        let (text, expected) = render::render(s, k);
        if expected.len() == k {
            return GenDoc {
                text,
                expected,
                parts: 1,
            };
        }
        if best
            .as_ref()
            .is_none_or(|b| b.expected.len() < expected.len())
        {
            best = Some(GenDoc {
                text,
                expected,
                parts: 1,
            });
        }
    }
    best.expect("at least one attempt")
}

/// Concatenate departments (each with `errors_per_part` errors) until `target` bytes.
pub fn generate_big(seed: u64, target: usize, errors_per_part: usize) -> GenDoc {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut parts = 0;
    let mut line_offset = 0;
    while text.len() < target {
        let d = generate_one(
            seed.wrapping_mul(1_000_003).wrapping_add(parts as u64),
            errors_per_part,
        );
        for mut e in d.expected {
            e.line += line_offset;
            for l in e.alt_lines.iter_mut() {
                *l += line_offset;
            }
            e.section.0 += line_offset;
            e.section.1 += line_offset;
            expected.push(e);
        }
        line_offset += d.text.matches('\n').count();
        text.push_str(&d.text);
        parts += 1;
    }
    GenDoc {
        text,
        expected,
        parts,
    }
}
