//! Builds the document model (numbers → blocks and sentences → statements and lists → checks)
//! and runs the rules over it.

use std::sync::Arc;

// Maps keyed by labels (document text) keep a randomly seeded hasher — a crafted document must
// not be able to make its keys collide — but foldhash's, not std's SipHash (a twentieth of a
// full analysis went to hashing).
use foldhash::{HashMap, HashMapExt};

use crate::analysis::{
    AmountInfo, Analysis, Expected, Heading, Options, QuantityKey, Relation, Term as PubTerm,
};
use crate::extract::{self, Number};
use crate::facts::{self, Facts, Role};
use crate::finding::Finding;
use crate::memo::{Memo, Place};
use crate::relate::{self, Check};
use crate::rules;
use crate::segment::{self, Block, BlockKind, Sentence};
use crate::table::{self, Table};
use crate::text::{LineIndex, Span};

/// Everything the rules read about one document.
pub struct Doc<'t> {
    pub text: &'t str,
    pub numbers: Vec<Number>,
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    pub tables: Vec<Table>,
    pub facts: Facts,
    pub checks: Vec<Check>,
    /// Made at the first `line_no`: only the debug dump asks (the front ends count lines
    /// themselves), and indexing every report's lines cost 1% of an analysis.
    lines: std::cell::OnceCell<LineIndex>,
    /// For each number, the statement it belongs to.
    pub stmt_of_num: Vec<Option<usize>>,
    /// For each statement, the (first) list it is a part of.
    pub list_of_part: Vec<Option<usize>>,
    /// Statements by canonical label, in document order.
    pub by_label: HashMap<Arc<str>, Vec<usize>>,
    /// For each statement, its label made canonical (`label::canonical`), made once.
    pub canonical: Vec<Arc<str>>,
}

impl Doc<'_> {
    pub fn build<'t>(text: &'t str, options: &Options) -> Doc<'t> {
        Doc::build_with(text, options, None)
    }

    /// `build`, taking the paragraphs `memo` has read before from it and keeping the others.
    pub fn build_with<'t>(
        text: &'t str,
        options: &Options,
        mut memo: Option<&mut Memo>,
    ) -> Doc<'t> {
        if let Some(m) = memo.as_deref_mut() {
            m.begin();
        }
        let numbers = match memo.as_deref_mut() {
            Some(m) => m.numbers(text),
            None => extract::scan(text),
        };
        let (blocks, raw_tables) = segment::blocks(text, &numbers);
        let tables: Vec<Table> = raw_tables
            .iter()
            .map(|t| match memo.as_deref_mut() {
                Some(m) => m.table(text, t, &numbers, options.assumed_unit),
                None => table::read(text, t, &numbers, options.assumed_unit),
            })
            .collect();
        let (sentences, mut facts) = paragraphs(text, &numbers, &blocks, memo);
        facts::add_tables(&mut facts, &blocks, &tables, &numbers);
        if is_budget_report(text) {
            // In a 预算说明 the year's figure is its budget: 收入预算合计 is 本年收入合计.
            for f in facts.statements.iter_mut().flat_map(|s| s.figs.iter_mut()) {
                if f.column == crate::extract::words::Column::AnyBudget {
                    f.column = crate::extract::words::Column::Current;
                }
            }
        }
        let mut stmt_of_num = vec![None; numbers.len()];
        for (i, st) in facts.statements.iter().enumerate() {
            for f in &st.figs {
                stmt_of_num[f.num].get_or_insert(i);
            }
        }
        let mut list_of_part = vec![None; facts.statements.len()];
        for (l, list) in facts.lists.iter().enumerate() {
            for &p in &list.parts {
                list_of_part[p].get_or_insert(l);
            }
        }
        // Sized once: growing a map rehashes it ~log n times (a tenth of a keystroke's work
        // went to rehashing).
        let mut by_label: HashMap<Arc<str>, Vec<usize>> =
            HashMap::with_capacity(facts.statements.len());
        let mut canonical = Vec::with_capacity(facts.statements.len());
        for (i, st) in facts.statements.iter().enumerate() {
            // Statements often share a label: canonicalise each label text once.
            let c: Arc<str> = match canonical.last() {
                Some(prev) if i > 0 && facts.statements[i - 1].label == st.label => {
                    Arc::clone(prev)
                }
                // Most labels are canonical already: then the statement's own is shared (one
                // allocation less, and the views hold one label where they held two).
                _ if crate::label::plainly_canonical(&st.label) => Arc::clone(&st.label),
                _ => {
                    let c = crate::label::canonical(&st.label);
                    if *c == *st.label {
                        Arc::clone(&st.label)
                    } else {
                        c.into()
                    }
                }
            };
            by_label.entry(Arc::clone(&c)).or_default().push(i);
            canonical.push(c);
        }
        let mut doc = Doc {
            text,
            numbers,
            blocks,
            sentences,
            tables,
            facts,
            checks: Vec::new(),
            lines: std::cell::OnceCell::new(),
            stmt_of_num,
            list_of_part,
            by_label,
            canonical,
        };
        doc.checks = relate::checks(&doc);
        doc
    }

    /// The digits of a figure as written (without sign and unit).
    pub fn digits(&self, num: usize) -> &str {
        let n = &self.numbers[num];
        &self.text[n.span.start..n.span.end]
    }

    /// 1-based line of a byte offset, for messages.
    pub fn line_no(&self, offset: usize) -> usize {
        let lines = self.lines.get_or_init(|| LineIndex::new(self.text));
        lines.line_of(offset) + 1
    }
}

/// The sentences and statements of the paragraphs (every block but tables), each read alone or
/// taken from `memo`.
fn paragraphs(
    text: &str,
    numbers: &[Number],
    blocks: &[Block],
    mut memo: Option<&mut Memo>,
) -> (Vec<Sentence>, Facts) {
    let protected: Vec<Span> = numbers.iter().map(|n| n.span).collect();
    let amounts = facts::amount_numbers(numbers);
    let mut sentences = Vec::new();
    let mut joiner = facts::Joiner::default();
    for (i, b) in blocks.iter().enumerate() {
        if matches!(b.kind, BlockKind::Table(_)) {
            continue;
        }
        let heading = facts::heading_text(text, blocks, i);
        let nums = crate::memo::numbers_in(numbers, b.span);
        let place = Place {
            offset: b.span.start,
            num: nums.start,
            sentence: sentences.len(),
            block: i,
        };
        let para = &text[b.span.start..b.span.end];
        if let Some(m) = memo.as_deref_mut() {
            let prior = joiner.prior();
            if let Some((ss, bf)) = m.paragraph(para, heading, &numbers[nums.clone()], prior, place)
            {
                sentences.extend(ss);
                joiner.push(bf);
                continue;
            }
        }
        // Only the block's own numbers can protect its text: no search through all of them.
        segment::sentences_into(text, i, b.span, &protected[nums.clone()], &mut sentences);
        let ss = &sentences[place.sentence..];
        let bf = facts::read_block(
            text,
            joiner.prior(),
            numbers,
            &amounts,
            i,
            b,
            heading,
            ss,
            place.sentence,
        );
        if let Some(m) = memo.as_deref_mut() {
            m.keep(
                para,
                heading.map(String::from),
                &numbers[nums],
                ss,
                &bf,
                place,
            );
        }
        joiner.push(bf);
    }
    if let Some(m) = memo {
        m.sweep();
    }
    (sentences, joiner.finish(blocks))
}

/// A 部门预算说明 (the year's budget) rather than a 决算说明 (the year's outturn): told by its
/// title, the first non-empty line.
fn is_budget_report(text: &str) -> bool {
    let head: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(2)
        .collect();
    head.contains("预算") && !head.contains("决算")
}

/// Only the findings: what `suanpan check` needs, without the views the IDE shows.
/// Each report of a bundle is read on its own (see `bundle`).
pub fn findings(text: &str, options: &Options) -> Vec<Finding> {
    let ranges: Vec<_> = crate::bundle::reports(text).collect();
    let per_report = par_map(&ranges, |r| {
        let mut found = find(&Doc::build(&text[r.clone()], options));
        found.iter_mut().for_each(|f| f.shift(r.start));
        found
    });
    // Sized once: collected from a flattening iterator, the vector grew by doubling (the
    // findings of a large bundle copied ~twice, on one thread).
    concat(per_report)
}

/// `f` of each item, in order, on every core: the reports of a bundle are independent.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    // Asked once: on Linux the answer is read from cgroup files, ~0.3 ms each time.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    type Outcome<R> = Mutex<Option<std::thread::Result<R>>>;
    let results: Vec<Outcome<R>> = items.iter().map(|_| Mutex::new(None)).collect();
    // A panic (a bug) is kept with its item and raised again below, that of the first item in
    // order: the same message as one thread would give, whichever thread met it.
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item)));
        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
    };
    // The calling thread is one of the workers: what it allocates, it also frees fastest when
    // the caller drops the results (a block freed by another thread than the one that
    // allocated it takes the allocator's slower path), and one thread fewer is started.
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    results
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .map(|r| r.unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
        .collect()
}

fn find(doc: &Doc) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules::RULES {
        (rule.check)(doc, &mut findings);
    }
    findings.sort_by_key(|f| (f.span.start, f.span.end, f.rule));
    findings.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    findings
}

pub fn run(text: &str, options: &Options) -> Analysis {
    let ranges: Vec<_> = crate::bundle::reports(text).collect();
    // Each report's positions are moved to the file's by the thread that analysed it: the
    // concatenation below is the only serial step.
    let per_report = par_map(&ranges, |r| {
        let mut a = run_report(&text[r.clone()], options);
        a.shift(r.start);
        a
    });
    if per_report.len() == 1 {
        return per_report.into_iter().next().unwrap_or_default();
    }
    let n = per_report.len();
    let (mut findings, mut relations, mut amounts, mut outline) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for a in per_report {
        findings.push(a.findings);
        relations.push(a.relations);
        amounts.push(a.amounts);
        outline.push(a.outline);
    }
    // The relations are concatenated beside the rest: the copies (~40 MB for a 10 MB bundle)
    // are the only serial step left, and relations are half of them.
    std::thread::scope(|s| {
        let relations = s.spawn(|| concat(relations));
        let (findings, amounts, outline) = (concat(findings), concat(amounts), concat(outline));
        Analysis {
            findings,
            relations: relations
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            amounts,
            outline,
        }
    })
}

/// The items of `parts` in one vector, sized once: appending a thousand reports' vectors to a
/// growing one would copy each ~10 times.
fn concat<T>(parts: Vec<Vec<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for mut p in parts {
        out.append(&mut p);
    }
    out
}

/// The analysis of one report.
pub fn run_report(text: &str, options: &Options) -> Analysis {
    run_report_with(text, options, None)
}

/// `run_report`, with the paragraphs `memo` has read before (see `memo`).
pub fn run_report_with(text: &str, options: &Options, memo: Option<&mut Memo>) -> Analysis {
    let doc = Doc::build_with(text, options, memo);
    Analysis {
        findings: find(&doc),
        relations: relations(&doc),
        amounts: amounts(&doc),
        outline: outline(&doc),
    }
}

fn pub_term(doc: &Doc, t: &relate::Term) -> Option<PubTerm> {
    let n = doc.numbers.get(t.num)?;
    Some(PubTerm {
        label: t.label.clone(),
        span: n.full_span(),
        value: if n.sign.is_some() { -n.value } else { n.value },
        unit: n.unit.text(),
    })
}

fn relations(doc: &Doc) -> Vec<Relation> {
    let mut out = Vec::with_capacity(doc.checks.len());
    out.extend(doc.checks.iter().filter_map(|c| {
        let target = pub_term(doc, &c.target)?;
        let unit_factor = doc.numbers[c.target.num].unit.factor();
        let decimals = doc.numbers[c.target.num].decimals.max(2);
        let percent = matches!(
            c.kind,
            crate::analysis::RelationKind::Share | crate::analysis::RelationKind::Rate
        );
        let expected = Expected {
            value: if percent || unit_factor.is_zero() {
                c.expected.mid()
            } else {
                in_unit(c.expected.mid(), unit_factor)
            },
            decimals,
            percent,
        };
        Some(Relation {
            kind: c.kind,
            column: c.column.clone(),
            target,
            parts: c.terms.iter().filter_map(|t| pub_term(doc, t)).collect(),
            expected,
            holds: c.holds(),
            note: c.note.clone(),
        })
    }));
    out
}

/// `v ÷ factor`. A unit's factor is a power of ten (万 = 10⁴): the decimal point moves, which
/// is exact and far cheaper than a Decimal division, unless the digits would not fit.
fn in_unit(v: rust_decimal::Decimal, factor: rust_decimal::Decimal) -> rust_decimal::Decimal {
    let mut m = factor.mantissa();
    let mut k = 0;
    while m > 1 && m % 10 == 0 {
        m /= 10;
        k += 1;
    }
    let mut moved = v;
    if m == 1 && factor.scale() == 0 && moved.set_scale(v.scale() + k).is_ok() {
        moved
    } else {
        v / factor
    }
}

fn amounts(doc: &Doc) -> Vec<AmountInfo> {
    // Sized once: grown by doubling, the vector was copied ~log n times into fresh memory.
    let figs = doc.facts.statements.iter().map(|s| s.figs.len()).sum();
    let mut out: Vec<AmountInfo> = Vec::with_capacity(figs);
    for (i, st) in doc.facts.statements.iter().enumerate() {
        for f in &st.figs {
            let n = &doc.numbers[f.num];
            let column = match f.role {
                Role::Value => f.column.name(),
                Role::Change { .. } => f.column.change_name(),
                Role::Rate { .. } => f.column.rate_name(),
                Role::Share { .. } => "占比",
                Role::Completion { of } => of.completion_name(),
            };
            let key = (f.role == Role::Value && !crate::label::is_generic(&st.label)).then(|| {
                QuantityKey {
                    label: Arc::clone(&doc.canonical[i]),
                    column: f.column.name(),
                }
            });
            out.push(AmountInfo {
                span: n.full_span(),
                value: n.value,
                unit: if f.unit_inherited { "" } else { n.unit.text() },
                label: st.label.clone(),
                column,
                key,
            });
        }
    }
    out.sort_by_key(|a| a.span.start);
    out
}

fn outline(doc: &Doc) -> Vec<Heading> {
    let heads: Vec<&Block> = doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Heading && b.level.is_some())
        .collect();
    let min = heads.iter().filter_map(|b| b.level).min().unwrap_or(0);
    heads
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let level = b.level.unwrap_or(min);
            let end = heads[i + 1..]
                .iter()
                .find(|h| h.level.unwrap_or(0) <= level)
                .map_or(doc.text.len(), |h| h.span.start);
            Heading {
                title: doc.text[b.span.start..b.span.end].trim().to_string(),
                level: level - min,
                span: b.span,
                section: Span::new(b.span.start, end.max(b.span.end)),
            }
        })
        .collect()
}

/// What the engine read, for development (`cargo run --example dump`).
pub fn debug_dump(text: &str, line: Option<usize>) -> String {
    use std::fmt::Write;
    let doc = Doc::build(text, &Options::default());
    let mut s = String::new();
    let on = |off: usize| line.is_none_or(|l| doc.line_no(off) == l);
    for (i, st) in doc.facts.statements.iter().enumerate() {
        let Some(first) = st.figs.first() else {
            continue;
        };
        let at = doc.numbers[first.num].span.start;
        if !on(at) {
            continue;
        }
        let figs: Vec<String> = st
            .figs
            .iter()
            .map(|f| {
                format!(
                    "{:?}/{:?} {}{}",
                    f.role,
                    f.column,
                    doc.digits(f.num),
                    if f.unit_inherited {
                        "?"
                    } else {
                        doc.numbers[f.num].unit.text()
                    }
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "S{i} L{} [{}] {:?} {}",
            doc.line_no(at),
            st.label,
            st.level,
            figs.join(" | ")
        );
    }
    for l in &doc.facts.lists {
        if !on(l.at.start) {
            continue;
        }
        let _ = writeln!(
            s,
            "LIST L{} {:?} total=S{} parts={:?} across={}",
            doc.line_no(l.at.start),
            l.opener,
            l.total,
            l.parts,
            l.across_blocks
        );
    }
    for c in &doc.checks {
        if c.target.num == usize::MAX || !on(doc.numbers[c.target.num].span.start) {
            continue;
        }
        let _ = writeln!(
            s,
            "CHECK L{} {:?} [{}] {} {} vs {:?} {:?}",
            doc.line_no(doc.numbers[c.target.num].span.start),
            c.kind,
            c.column,
            c.target.label,
            doc.digits(c.target.num),
            c.expected,
            c.verdict
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    #[test]
    fn par_map_keeps_the_order_and_raises_the_first_items_panic() {
        let items: Vec<usize> = (0..200).collect();
        assert_eq!(
            super::par_map(&items, |&i| i * 2),
            (0..400).step_by(2).collect::<Vec<_>>()
        );
        // Items 7 and 150 panic; whichever thread meets them, the caller sees item 7's message.
        for _ in 0..20 {
            let got = std::panic::catch_unwind(|| {
                super::par_map(&items, |&i| {
                    // Slow enough for both threads to take items from the start.
                    std::thread::sleep(std::time::Duration::from_micros(200));
                    if i == 7 || i == 150 {
                        panic!("item {i}");
                    }
                    i
                })
            });
            let payload = got.expect_err("a panic reaches the caller");
            assert_eq!(crate::panic_text(&*payload), "item 7");
        }
    }

    /// Moving the decimal point gives the quotient the division gave, at every scale
    /// (including scales where the point cannot move and the division is kept).
    #[test]
    fn in_unit_equals_division() {
        let factors = [1u64, 10, 1_000, 10_000, 100_000_000, 3, 2_500];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = (x % 29) as u32;
            let mantissa = (x >> 8) as i64 * if i % 2 == 0 { 1 } else { -1 };
            let v = Decimal::new(mantissa, scale);
            for &f in &factors {
                let f = Decimal::from(f);
                assert_eq!(super::in_unit(v, f), v / f, "{v} / {f}");
            }
        }
        let max = Decimal::MAX;
        assert_eq!(
            super::in_unit(max, Decimal::from(10_000)),
            max / Decimal::from(10_000)
        );
    }
}
