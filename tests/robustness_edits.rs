//! Differential edit testing (issue 6, part 1).
//!
//! `document_follows_the_editor`: random sequences of `didChange`s — inserts, deletes and
//! replacements anywhere (positions drawn over the current text, past line ends, inside
//! surrogate pairs and UTF-8 sequences, past the last line), several changes per message,
//! pasted tables, full-text replacements, versions that go backwards — go through
//! `Document::apply`, the server's own code path, and through an independent `String` model of
//! the editor. After every step the texts are equal; every few steps, and at the end, the
//! findings of the server's text with their LSP ranges (converted through the rope) equal a
//! fresh analysis of the editor's text with ranges computed on the `String`. In UTF-16, UTF-8
//! and UTF-32.
//!
//! `server_matches_the_cli`: the same through the real binary — random edits sent over stdio,
//! then the published diagnostics compared with `suanpan check --format json` on the editor's
//! text written to a file.
//!
//! Case counts: `SUANPAN_PROPTEST_CASES` (default 2000) and `SUANPAN_E2E_CASES` (default 12).
//! Invariants live in `robustness/checks.rs`, shared with the fuzz targets.

#[path = "robustness/checks.rs"]
mod checks;
#[path = "robustness/client.rs"]
mod client;

use checks::{Change, Pair};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use suanpan::text::encoding::PositionEncoding;

fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed_texts() -> Vec<String> {
    let report = include_str!("fixtures/lsp/report.txt").to_string();
    vec![
        String::new(),
        "第一𠮷\r\n二、1，000元\n\r末".to_string(),
        report.clone(),
        report.replace('\n', "\r\n"),
        include_str!("fixtures/lsp/report.md").to_string(),
    ]
}

/// Text that matters for positions and for the engine.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a1-9,，.。𠮷é元万\r\n ]{0,6}",
        1 => Just(String::new()),
        1 => Just("𠮷𠮷".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("其中：人员经费3,850,120.00元，公用经费512,345.67元。".to_string()),
        1 => Just("| 项目 | 本年 | 上年 |\r\n|---|---:|---:|\r\n| 收入合计 | 1,000.00 | 900.00 |\r\n| 财政拨款 | 600.00 | 500.00 |\n".to_string()),
        1 => Just("收入合计1,000万元，比上年增加100万元，增长11.1%。\n".to_string()),
    ]
}

#[derive(Debug, Clone)]
enum Pos {
    /// A line of the current text (or one past it), a column up to a few units past its end.
    Near(Index, Index),
    /// Anything, mostly out of range.
    Raw(u32, u32),
}

#[derive(Debug, Clone)]
enum Op {
    Edit(Vec<(Pos, Pos, String)>),
    Full(String),
    Stale(Pos, Pos, String, i32),
}

fn pos() -> impl Strategy<Value = Pos> {
    prop_oneof![
        12 => (any::<Index>(), any::<Index>()).prop_map(|(l, c)| Pos::Near(l, c)),
        1 => (0u32..1000, 0u32..u32::MAX).prop_map(|(l, c)| Pos::Raw(l, c)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        20 => proptest::collection::vec((pos(), pos(), piece()), 1..4).prop_map(Op::Edit),
        1 => piece().prop_map(Op::Full),
        1 => (pos(), pos(), piece(), 0i32..3).prop_map(|(a, b, t, k)| Op::Stale(a, b, t, k)),
    ]
}

/// Resolve a position against the current text: the width of a line in `enc` units.
fn resolve(text: &str, p: &Pos, enc: PositionEncoding) -> (u32, u32) {
    match p {
        Pos::Raw(l, c) => (*l, *c),
        Pos::Near(l, c) => {
            let starts = checks::line_starts(text);
            let line = l.index(starts.len() + 1);
            let width = if line < starts.len() {
                let end = starts.get(line + 1).copied().unwrap_or(text.len());
                suanpan::text::encoding::units(&text[starts[line]..end], enc)
            } else {
                0
            };
            (line as u32, c.index(width + 3) as u32)
        }
    }
}

fn run(pair: &mut Pair, ops: &[Op]) {
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Edit(changes) => {
                // Positions of later changes resolve against the text the earlier ones leave.
                let mut model = pair.model.clone();
                let mut resolved = Vec::new();
                for (a, b, t) in changes {
                    let c = Change {
                        range: Some((resolve(&model, a, pair.enc), resolve(&model, b, pair.enc))),
                        text: t.clone(),
                    };
                    if let Some(m) = checks::model_apply(&model, std::slice::from_ref(&c), pair.enc)
                    {
                        model = m;
                    }
                    resolved.push(c);
                }
                pair.step(&resolved);
            }
            Op::Full(t) => pair.step(&[Change {
                range: None,
                text: t.clone(),
            }]),
            Op::Stale(a, b, t, back) => {
                let c = Change {
                    range: Some((
                        resolve(&pair.model, a, pair.enc),
                        resolve(&pair.model, b, pair.enc),
                    )),
                    text: t.clone(),
                };
                pair.stale(&[c], *back);
            }
        }
        if i % 8 == 7 {
            pair.check_findings();
        }
    }
    pair.check_findings();
}

#[test]
fn document_follows_the_editor() {
    let n = cases("SUANPAN_PROPTEST_CASES", 2000);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let seeds = seed_texts();
    let strategy = (
        0..seeds.len(),
        prop_oneof![
            Just(PositionEncoding::Utf16),
            Just(PositionEncoding::Utf8),
            Just(PositionEncoding::Utf32)
        ],
        proptest::collection::vec(op(), 1..40),
    );
    let started = std::time::Instant::now();
    runner
        .run(&strategy, |(seed, enc, ops)| {
            let mut pair = Pair::new(&seeds[seed], enc);
            run(&mut pair, &ops);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "document_follows_the_editor: {n} cases in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// The diagnostics the server published, as (rule, range) pairs, sorted.
fn published(diags: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut v: Vec<_> = diags
        .iter()
        .filter(|d| !d["message"].as_str().unwrap_or("").contains("位小数"))
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"].to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// What `suanpan check --format json` says about `text`, in the same shape.
fn checked(text: &str, dir: &std::path::Path, n: usize) -> Vec<(String, String)> {
    let path = dir.join(format!("case{n}.txt"));
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_suanpan"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut r: Vec<_> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["range"].to_string(),
            )
        })
        .collect();
    r.sort();
    r
}

#[test]
fn server_matches_the_cli() {
    let n = cases("SUANPAN_E2E_CASES", 12);
    let dir = std::env::temp_dir().join(format!("suanpan-robust-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let seeds = seed_texts();
    let strategy = (
        1..seeds.len(),
        proptest::collection::vec((pos(), pos(), piece()), 1..30),
    );
    let case = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&strategy, |(seed, edits)| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut c = client::Client::start(false, false);
            let uri = client::uri("e2e.txt");
            let enc = PositionEncoding::Utf16;
            let mut model = seeds[seed].clone();
            c.open(&uri, &model, 0);
            let mut version = 0;
            for (a, b, t) in &edits {
                let (a, b) = (resolve(&model, a, enc), resolve(&model, b, enc));
                let change = Change {
                    range: Some((a, b)),
                    text: t.clone(),
                };
                // Only edits the editor can make: a real editor never sends a range outside
                // its text (those are covered by the in-process test and the hostile suite).
                let Some(next) = checks::model_apply(&model, std::slice::from_ref(&change), enc)
                else {
                    continue;
                };
                version += 1;
                c.change(&uri, version, client::range(a, b), t);
                model = next;
            }
            let diags = c.diagnostics(&uri, version);
            let mut got = published(&diags);
            let mut want = checked(&model, &dir, n);
            if has_lone_cr(&model) {
                // The CLI counts lines at `\n` only (see `lone_cr_lines_agree`): compare rules.
                got.iter_mut().for_each(|g| g.1.clear());
                want.iter_mut().for_each(|w| w.1.clear());
            }
            prop_assert_eq!(got, want, "text: {:?}", model);
            drop(c);
            Ok(())
        })
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

fn has_lone_cr(text: &str) -> bool {
    text.match_indices('\r')
        .any(|(i, _)| !text[i + 1..].starts_with('\n'))
}

/// A lone `\r` ends a line in LSP (and in the server), but `suanpan check --format json`,
/// whose ranges are documented as LSP positions, counts lines at `\n` only
/// (`text::LineIndex`): every finding after a lone `\r` gets a different line from the CLI
/// than from the server. Engine-side; reported, un-ignore when `LineIndex` is fixed.
#[test]
fn lone_cr_lines_agree() {
    let text =
        "一、支出\r基本支出4,300,000.00元，其中：人员经费3,850,120.00元，公用经费512,345.67元。\n";
    let mut c = client::Client::start(false, false);
    let uri = client::uri("cr.txt");
    c.open(&uri, text, 1);
    let got = published(&c.diagnostics(&uri, 1));
    let dir = std::env::temp_dir().join(format!("suanpan-robust-cr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let want = checked(text, &dir, 0);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!got.is_empty(), "the sum slip was not found");
    assert_eq!(got, want);
}
