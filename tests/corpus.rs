//! Corpus snapshots: realistic reports written for this suite (`tests/fixtures/corpus/`), each
//! checked as `suanpan check` would print it, one insta snapshot per file, so every finding can
//! be read as a code frame at a glance.
//!
//! Besides the snapshot, each file states the (rule, 1-based line) of the error and warning
//! findings it must produce, as data:
//! - `expect`: what a careful reviewer would report (clean files: nothing);
//! - `false_alarms`: findings the engine produces today that a reviewer would not (known bugs,
//!   each reduced to a minimal reproduction in `tests/fixtures/corpus/README.md`);
//! - `misses`: entries of `expect` the engine does not report today.
//!
//! The engine must produce exactly `expect − misses + false_alarms`. When a bug is fixed the
//! test fails and says which entry to move back.
//!
//! Snapshots are committed; create or review them with
//! `INSTA_UPDATE=always cargo test --release --test corpus` and `git diff tests/snapshots`.

use std::path::Path;

use suanpan::cli::{render_text, Checked};
use suanpan::Severity;

type Expect = &'static [(&'static str, usize)];

struct Case {
    /// Snapshot name and file stem.
    name: &'static str,
    /// File name under `tests/fixtures/corpus/`.
    file: &'static str,
    expect: Expect,
    false_alarms: Expect,
    misses: Expect,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn sorted(v: impl IntoIterator<Item = (String, usize)>) -> Vec<(String, usize)> {
    let mut v: Vec<_> = v.into_iter().collect();
    v.sort();
    v
}

fn owned(e: Expect) -> Vec<(String, usize)> {
    sorted(e.iter().map(|&(r, l)| (r.to_string(), l)))
}

fn run(case: &Case) {
    let rel = format!("tests/fixtures/corpus/{}", case.file);
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    let findings = suanpan::analyze(&text).findings;

    let actual = sorted(
        findings
            .iter()
            .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning))
            .map(|f| (f.rule.to_string(), line_of(&text, f.span.start))),
    );

    let misses = owned(case.misses);
    for m in &misses {
        assert!(
            owned(case.expect).contains(m),
            "{}: known miss {m:?} is not in `expect`",
            case.file
        );
    }
    let mut wanted: Vec<_> = owned(case.expect);
    for m in &misses {
        let i = wanted.iter().position(|w| w == m).expect("checked above");
        wanted.remove(i);
    }
    wanted.extend(owned(case.false_alarms));
    let wanted = sorted(wanted);

    let checked = [Checked {
        path: rel.clone(),
        text,
        findings,
    }];
    let rendered = render_text(&checked);

    let fixed_misses: Vec<_> = misses.iter().filter(|m| actual.contains(m)).collect();
    assert!(
        fixed_misses.is_empty(),
        "{}: the engine now reports {fixed_misses:?}, listed as known misses: remove them from `misses`\n{rendered}",
        case.file
    );
    assert_eq!(
        actual, wanted,
        "{}: (rule, line) of error/warning findings differ from expect − misses + false_alarms\n{rendered}",
        case.file
    );

    insta::assert_snapshot!(case.name, rendered);
}

#[test]
fn library_yuan() {
    run(&Case {
        name: "01_library_yuan",
        file: "01_library_yuan.txt",
        expect: &[],
        false_alarms: &[],
        misses: &[],
    });
}

#[test]
fn agriculture_wanyuan() {
    run(&Case {
        name: "02_agriculture_wanyuan",
        file: "02_agriculture_wanyuan.txt",
        expect: &[],
        false_alarms: &[],
        misses: &[],
    });
}

#[test]
fn education_budget_markdown() {
    run(&Case {
        name: "03_education_budget",
        file: "03_education_budget.md",
        expect: &[],
        false_alarms: &[],
        misses: &[],
    });
}

#[test]
fn health_word_table() {
    run(&Case {
        name: "04_health_word_table",
        file: "04_health_word_table.txt",
        expect: &[],
        false_alarms: &[],
        misses: &[],
    });
}

#[test]
fn market_tsv() {
    run(&Case {
        name: "05_market_tsv",
        file: "05_market_tsv.txt",
        expect: &[],
        false_alarms: &[],
        misses: &[],
    });
}

#[test]
fn justice_slips_yuan() {
    run(&Case {
        name: "06_justice_slips_yuan",
        file: "06_justice_slips_yuan.txt",
        expect: &[
            ("sign-after-direction", 14),
            ("sum-mismatch", 17),
            // Zero base: “上年为0元，增长100%”.
            ("rate-mismatch", 17),
            ("share-mismatch", 20),
            ("direction-word", 23),
            // “比年初预算增加17,964.58元，下降1.9%” for a decrease: reported as a rate that does
            // not fit 增加 (a direction contradiction in DOMAIN §5.5 terms).
            ("rate-mismatch", 43),
            ("change-mismatch", 48),
            // 9,780.00 without 元; 36，800.00; 三公 “与上年决算38,600.00元相比…减少3,620.00元”
            // for an increase.
            ("number-format", 59),
            ("number-format", 59),
            ("direction-word", 59),
            // Ratio not multiplied by 100: 下降0.05% for 5.18%.
            ("rate-mismatch", 66),
        ],
        false_alarms: &[
            // Knock-on of the wrong 本年收入合计: the correct 99.5% is recomputed against it.
            ("share-mismatch", 17),
        ],
        misses: &[("rate-mismatch", 17), ("direction-word", 59)],
    });
}

#[test]
fn water_budget_slips_markdown() {
    run(&Case {
        name: "07_water_budget_slips",
        file: "07_water_budget_slips.md",
        expect: &[
            ("direction-word", 11),
            // “其他收入24.15元” in a 万元 list whose shares add to 100%.
            ("unit-scale", 15),
            ("share-mismatch", 15),
            ("rate-mismatch", 23),
            // Zero base: 增加500.00万元，增长100%.
            ("rate-mismatch", 25),
            // 21303 水利 7,371.95 for 7,317.95.
            ("sum-mismatch", 35),
            // Table 3 公务接待费 3.50 vs narrative 3.80; 增减率 -6.67 for -16.67.
            ("value-mismatch", 61),
            ("table-formula", 61),
            ("number-format", 76),
        ],
        false_alarms: &[
            // Knock-on: the correct 213 total is checked against the wrong 21303.
            ("sum-mismatch", 34),
        ],
        misses: &[("unit-scale", 15)],
    });
}

#[test]
fn street_office_slips() {
    run(&Case {
        name: "08_street_office_slips",
        file: "08_street_office_slips.txt",
        expect: &[
            // Word table 城乡社区支出 201.11 vs narrative 210.11; 完成率 117.73 for 111.73.
            ("value-mismatch", 51),
            ("table-formula", 52),
            ("unit-scale", 62),
            // 三公 9.86 ≠ 0 + 6.20 + 3.16, in the narrative and in the TSV table.
            ("sum-mismatch", 72),
            ("sum-mismatch", 77),
        ],
        false_alarms: &[],
        misses: &[("sum-mismatch", 72), ("sum-mismatch", 77)],
    });
}
