//! Recall / false-alarm test of the engine on generated budget-disclosure documents.
//!
//! Generates clean documents (which must raise no error or warning: their only discrepancies
//! are rounding slack) and documents with 1–3 injected errors (each of which must be reported
//! on its line by one of its acceptable rules), runs `suanpan::analyze` on each, and prints a
//! quotable report: overall recall, recall per error kind and per phrasing family, false alarms
//! on clean documents and unexpected findings on dirty ones, with the worst cases spelled out.
//!
//! `SUANPAN_GEN_DOCS=N` changes the number of documents per half (default 160).

mod gen;

use std::collections::BTreeMap;

use gen::{Expected, GenDoc, Options};
use suanpan::{Finding, Severity};

const MIN_RECALL: f64 = 0.95;

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i - 1,
    }
}

fn line_text(text: &str, starts: &[usize], line: usize) -> String {
    let s = starts.get(line).copied().unwrap_or(text.len());
    let e = starts.get(line + 1).map(|e| e - 1).unwrap_or(text.len());
    let t: String = text[s..e.max(s)].chars().take(110).collect();
    t.replace('\t', "⇥")
}

fn serious(f: &Finding) -> bool {
    matches!(f.severity, Severity::Error | Severity::Warning)
}

#[derive(Default)]
struct Tally {
    hit: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, hit: bool) {
        self.total += 1;
        self.hit += usize::from(hit);
    }
    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.hit as f64 / self.total as f64
        }
    }
}

/// Match expectations to findings: a finding with one of the expectation's rules, starting on
/// one of its lines; each finding matches at most one expectation. Returns, per expectation,
/// the index of the matching finding.
fn match_findings(exp: &[Expected], found: &[Finding], starts: &[usize]) -> Vec<Option<usize>> {
    let mut used = vec![false; found.len()];
    exp.iter()
        .map(|e| {
            let i = found.iter().enumerate().position(|(i, f)| {
                !used[i]
                    && e.rule_ids.contains(&f.rule)
                    && e.lines().any(|l| l == line_of(starts, f.span.start))
            });
            if let Some(i) = i {
                used[i] = true;
            }
            i
        })
        .collect()
}

struct Report {
    docs: usize,
    clean_docs: usize,
    dirty_docs: usize,
    recall: Tally,
    by_kind: BTreeMap<&'static str, Tally>,
    by_family: BTreeMap<String, Tally>,
    false_alarms_clean: usize,
    unexpected_dirty: usize,
    by_rule_fa: BTreeMap<&'static str, usize>,
    misses: Vec<String>,
    alarms: Vec<String>,
}

fn run(n: usize) -> Report {
    let mut rep = Report {
        docs: 0,
        clean_docs: 0,
        dirty_docs: 0,
        recall: Tally::default(),
        by_kind: BTreeMap::new(),
        by_family: BTreeMap::new(),
        false_alarms_clean: 0,
        unexpected_dirty: 0,
        by_rule_fa: BTreeMap::new(),
        misses: Vec::new(),
        alarms: Vec::new(),
    };
    for i in 0..2 * n {
        let seed = 10_000 + i as u64;
        let k = if i < n { 0 } else { 1 + i % 3 };
        let doc: GenDoc = gen::generate(seed, &Options::with_errors(k));
        let analysis = suanpan::analyze(&doc.text);
        let starts = line_starts(&doc.text);
        rep.docs += 1;
        if k == 0 {
            rep.clean_docs += 1;
        } else {
            rep.dirty_docs += 1;
        }
        let m = match_findings(&doc.expected, &analysis.findings, &starts);
        for (e, hit) in doc.expected.iter().zip(&m) {
            rep.recall.add(hit.is_some());
            rep.by_kind.entry(e.kind).or_default().add(hit.is_some());
            rep.by_family
                .entry(e.family.clone())
                .or_default()
                .add(hit.is_some());
            if hit.is_none() {
                let near: Vec<String> = analysis
                    .findings
                    .iter()
                    .filter(|f| {
                        let l = line_of(&starts, f.span.start);
                        l >= e.section.0 && l < e.section.1
                    })
                    .map(|f| format!("{}@{}", f.rule, line_of(&starts, f.span.start)))
                    .collect();
                rep.misses.push(format!(
                    "seed={seed} line={} kind={} family={} want={:?} note=\"{}\" got-nearby={near:?}\n      | {}",
                    e.line,
                    e.kind,
                    e.family,
                    e.rule_ids,
                    e.note,
                    line_text(&doc.text, &starts, e.line)
                ));
            }
        }
        let matched: Vec<usize> = m.iter().flatten().copied().collect();
        for (fi, f) in analysis.findings.iter().enumerate() {
            if !serious(f) || matched.contains(&fi) {
                continue;
            }
            let l = line_of(&starts, f.span.start);
            if k > 0
                && doc.expected.iter().any(|e| {
                    (l >= e.section.0 && l < e.section.1)
                        || e.tolerated.contains(&l)
                        || e.lines().any(|x| x == l)
                })
            {
                continue; // a consequence of an injected error, in its own section
            }
            if k == 0 {
                rep.false_alarms_clean += 1;
            } else {
                rep.unexpected_dirty += 1;
            }
            *rep.by_rule_fa.entry(f.rule).or_default() += 1;
            rep.alarms.push(format!(
                "seed={seed} {} line={l} rule={} sev={} msg=\"{}\"\n      | {}",
                if k == 0 { "clean" } else { "dirty" },
                f.rule,
                f.severity.as_str(),
                f.message,
                line_text(&doc.text, &starts, l)
            ));
        }
    }
    rep
}

#[test]
fn recall_and_false_alarms_on_generated_documents() {
    let n: usize = std::env::var("SUANPAN_GEN_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(160);
    let rep = run(n);
    println!(
        "generated: docs={} clean={} dirty={} expected={} found={} recall={:.1}% false_alarms_clean={} unexpected_dirty={}",
        rep.docs,
        rep.clean_docs,
        rep.dirty_docs,
        rep.recall.total,
        rep.recall.hit,
        rep.recall.pct(),
        rep.false_alarms_clean,
        rep.unexpected_dirty
    );
    println!("recall by error kind:");
    for (k, t) in &rep.by_kind {
        println!("  {k:<24} {:>3}/{:<3} {:5.1}%", t.hit, t.total, t.pct());
    }
    println!("recall by phrasing family:");
    for (k, t) in &rep.by_family {
        println!("  {k:<28} {:>3}/{:<3} {:5.1}%", t.hit, t.total, t.pct());
    }
    if !rep.by_rule_fa.is_empty() {
        println!("false alarms + unexpected by rule: {:?}", rep.by_rule_fa);
    }
    // SUANPAN_GEN_SHOW=N prints N misses instead of 20.
    let show: usize = std::env::var("SUANPAN_GEN_SHOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    println!("misses ({} total, first {show}):", rep.misses.len());
    for m in rep.misses.iter().take(show) {
        println!("  {m}");
    }
    println!(
        "false alarms / unexpected ({} total, first 20):",
        rep.alarms.len()
    );
    for a in rep.alarms.iter().take(20) {
        println!("  {a}");
    }
    assert_eq!(
        rep.false_alarms_clean, 0,
        "errors or warnings on clean documents"
    );
    assert!(
        rep.recall.pct() >= 100.0 * MIN_RECALL,
        "recall {:.1}% below {:.0}%",
        rep.recall.pct(),
        100.0 * MIN_RECALL
    );
}

// ---- sanity of the generator itself ----

#[test]
fn ledger_relations_hold_exactly() {
    for seed in 0..2000u64 {
        let mut r = gen::rng::Rng::new(seed);
        let l = gen::ledger::Ledger::generate(&mut r);
        if let Err(what) = l.check() {
            panic!("seed {seed}: {what}");
        }
    }
}

#[test]
fn generation_is_deterministic_and_counts_errors() {
    for seed in 0..60u64 {
        let a = gen::generate(seed, &Options::with_errors(seed as usize % 4));
        let b = gen::generate(seed, &Options::with_errors(seed as usize % 4));
        assert_eq!(a.text, b.text, "seed {seed}");
        assert_eq!(
            a.expected.len(),
            seed as usize % 4,
            "seed {seed}: {:?}",
            a.expected
        );
        let nlines = a.text.lines().count();
        for e in &a.expected {
            assert!(e.line < nlines && e.alt_lines.iter().all(|&l| l < nlines));
            assert!(!e.rule_ids.is_empty());
        }
    }
}

/// Clean text: the amounts a reader sees in a `其中` list of 本年收入合计 written in 元 add up
/// exactly (no rounding in 元), checked on the text itself, not on the ledger.
#[test]
fn clean_yuan_income_lists_add_up_in_the_text() {
    let mut checked = 0;
    for seed in 0..300u64 {
        let d = gen::generate_clean(seed);
        for line in d.text.lines() {
            let Some(rest) = line.split_once("收入合计").map(|x| x.1) else {
                continue;
            };
            if !rest.contains("其中") || line.contains("万元") || line.contains("主要包括")
            {
                continue;
            }
            let amounts: Vec<i64> = line
                .split('元')
                .filter_map(|chunk| {
                    let digits: String = chunk
                        .chars()
                        .rev()
                        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == ' ')
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .filter(|c| *c != ',' && *c != ' ')
                        .collect();
                    let (i, f) = digits.split_once('.')?;
                    Some(i.parse::<i64>().ok()? * 100 + f.parse::<i64>().ok()?)
                })
                .collect();
            // total, [change], parts…: the parts are the last ones and must sum to the first.
            let total = amounts[0];
            let parts_sum: i64 = amounts[amounts.len().saturating_sub(6)..].iter().sum();
            let parts_sum_no_change: i64 = amounts[1..].iter().sum();
            assert!(
                parts_sum == total || parts_sum_no_change == total || amounts.len() < 7,
                "seed {seed}: {line}"
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} lists checked");
}

#[test]
fn big_documents_reach_their_size() {
    let d = gen::generate(
        7,
        &Options {
            errors: 1,
            target_bytes: Some(200_000),
        },
    );
    assert!(d.text.len() >= 200_000);
    assert_eq!(d.expected.len(), d.parts);
    let n = d.text.lines().count();
    assert!(d.expected.iter().all(|e| e.line < n));
}

/// A bundle of reports (a province's 决算说明 in one file) is read report by report: one
/// department's 收支总计 is not compared with the next one's, and each report's slips are found
/// where they are.
#[test]
fn bundles_are_read_report_by_report() {
    let clean = gen::generate_big(23, 400_000, 0);
    assert!(clean.parts >= 8, "a bundle of several reports");
    let analysis = suanpan::analyze(&clean.text);
    let serious_found: Vec<&Finding> = analysis.findings.iter().filter(|f| serious(f)).collect();
    assert!(
        serious_found.is_empty(),
        "a clean bundle is silent; found {}, first: {:?}",
        serious_found.len(),
        serious_found.first()
    );

    let dirty = gen::generate_big(23, 400_000, 2);
    let analysis = suanpan::analyze(&dirty.text);
    let starts = line_starts(&dirty.text);
    let m = match_findings(&dirty.expected, &analysis.findings, &starts);
    let hits = m.iter().filter(|h| h.is_some()).count();
    assert!(
        hits * 100 >= dirty.expected.len() * 95,
        "{hits} of {} slips found in the bundle",
        dirty.expected.len()
    );
    // `suanpan check` asks for the findings alone: the same findings, in the same order.
    let options = suanpan::Options::default();
    assert_eq!(suanpan::findings(&dirty.text, &options), analysis.findings);
    let wan = suanpan::Options {
        assumed_unit: Some(10_000),
    };
    assert_eq!(
        suanpan::findings(&dirty.text, &wan),
        suanpan::analyze_with(&dirty.text, &wan).findings
    );
}
