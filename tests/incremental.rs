//! Incremental analysis equals a fresh one (issue 5): random edit sequences on bundles of
//! generated reports — digits typed into figures, lines and line breaks deleted, titles typed,
//! broken, duplicated and joined to the line above, text pasted across two reports — applied
//! to `suanpan::incremental::Incremental`, which re-reads only the reports an edit touches,
//! and of those only the paragraphs it changed (the others are remembered, see `src/memo.rs`).
//! After each sequence its text equals the edited text, and its whole analysis (findings,
//! relations, amounts, outline) equals `suanpan::analyze` of that text.
//!
//! Case count: `SUANPAN_PROPTEST_CASES` (default 1000).

mod gen;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use suanpan::incremental::Incremental;
use suanpan::{Options, Span};

fn cases() -> u32 {
    std::env::var("SUANPAN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// What a writer types or pastes.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9.,，。、万元%\n]{0,3}",
        2 => Just(String::new()),
        1 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("丙局2023年度部门决算说明\n".to_string()),
        1 => Just("说明".to_string()),
        1 => Just("\n丁局2023年度部门预算说明\n本年收入合计500.00万元，其中：财政拨款收入300.00万元，事业收入100.00万元。\n".to_string()),
        1 => Just("基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。".to_string()),
        1 => Just("𠮷".to_string()),
        // A list of the parts of a total stated elsewhere, and that total: a paragraph that
        // reads differently with and without a statement above it.
        1 => Just("\n公务用车购置及运行维护费中，公务用车购置费4.00万元，公务用车运行维护费6.00万元。\n".to_string()),
        1 => Just("\n公务用车购置及运行维护费10.00万元。\n".to_string()),
        1 => Just("\n（三）".to_string()),
    ]
}

#[derive(Debug, Clone)]
struct Step {
    at: Index,
    delete: usize,
    text: String,
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<Index>(),
        prop_oneof![3 => 0usize..4, 1 => 0usize..200],
        typed(),
    )
        .prop_map(|(at, delete, text)| Step { at, delete, text })
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Reports generated from `seeds`, the odd ones with errors planted.
fn bundle(seeds: &[u64]) -> String {
    seeds
        .iter()
        .map(|&s| {
            let options = if s % 2 == 1 {
                gen::Options::with_errors(3)
            } else {
                gen::Options::clean()
            };
            gen::generate(s, &options).text
        })
        .collect()
}

#[test]
fn incremental_analysis_equals_a_fresh_one() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(0u64..40, 1..4),
        prop::collection::vec(step(), 1..12),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(seeds, steps, analyse_between)| {
            let mut text = bundle(&seeds);
            let mut inc = Incremental::new(&text, Options::default());
            inc.analyze();
            for s in &steps {
                let start = floor(&text, s.at.index(text.len() + 1));
                let end = floor(&text, (start + s.delete).min(text.len()));
                text.replace_range(start..end, &s.text);
                inc.edit(Span::new(start, end), &s.text);
                prop_assert_eq!(inc.len(), text.len());
                if analyse_between {
                    inc.analyze();
                }
            }
            prop_assert_eq!(&inc.text(), &text);
            inc.analyze();
            let fresh = suanpan::analyze(&text);
            let got = inc.analysis();
            prop_assert_eq!(&got.findings, &fresh.findings);
            prop_assert!(got == fresh, "relations, amounts or outline differ");
            Ok(())
        })
        .unwrap();
}

/// The assumed unit is an option of the whole file: changing it reads every report again.
#[test]
fn changing_options_rereads_every_report() {
    let text = format!(
        "{}甲局2023年度部门决算说明\n本年支出合计300.00万元。\n\n项目\t决算数\n本年支出合计\t310.00\n",
        bundle(&[2])
    );
    let mut inc = Incremental::new(&text, Options::default());
    inc.analyze();
    assert!(inc.findings().is_empty());
    let wan = Options {
        assumed_unit: Some(10_000),
    };
    inc.set_options(wan);
    assert_eq!(inc.analyze(), inc.reports().count());
    assert_eq!(inc.findings(), suanpan::analyze_with(&text, &wan).findings);
    assert_eq!(inc.findings().len(), 1);
}
