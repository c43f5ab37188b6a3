//! Second reading of `src/incremental.rs`: after any edits, `inc.text()` is the edited text,
//! its reports are the reports a fresh split makes, and `inc.analysis()` (after `analyze()`)
//! equals `suanpan::analyze` of the text.
//!
//! Everything here is a PASSING CHECK (edge cases not covered by tests/incremental.rs's
//! proptest, whose alphabet has no lone CR, BOM, suffixed titles, or edits inside a CRLF). No
//! edit sequence that breaks the invariant was found.

use suanpan::incremental::Incremental;
use suanpan::{Options, Span};

const A: &str =
    "甲局2023年度部门决算说明\n基本支出100.00万元，其中：人员经费60.00万元，公用经费40.00万元。\n";
const B: &str =
    "乙局2023年度部门决算说明\n基本支出200.00万元，其中：人员经费150.00万元，公用经费40.00万元。\n";
const C: &str = "丙局2023年度部门预算说明\n本年收入合计500.00万元，其中：财政拨款收入300.00万元，事业收入100.00万元。\n";

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Apply `edit` to both; the reference floors offsets inside a character as `edit` documents.
fn apply(inc: &mut Incremental, text: &mut String, start: usize, end: usize, new: &str) {
    inc.edit(Span::new(start, end), new);
    let e = end.min(text.len());
    let s = start.min(e);
    let (s, e) = (floor(text, s), floor(text, e));
    text.replace_range(s..e.max(s), new);
}

fn starts(inc: &Incremental) -> Vec<usize> {
    inc.reports().map(|(s, _)| s).collect()
}

fn assert_same(inc: &mut Incremental, text: &str, options: Options, what: &str) {
    assert_eq!(inc.text(), text, "{what}: text");
    assert_eq!(inc.len(), text.len(), "{what}: len");
    assert_eq!(
        starts(inc),
        starts(&Incremental::new(text, options)),
        "{what}: report starts differ from a fresh split of {text:?}"
    );
    inc.analyze();
    let fresh = suanpan::analyze_with(text, &options);
    let got = inc.analysis();
    assert_eq!(got.findings, fresh.findings, "{what}: findings of {text:?}");
    assert!(
        got == fresh,
        "{what}: relations, amounts or outline differ for {text:?}"
    );
}

/// Run `edits` (start, end, text) from `base`, checking after each.
fn run(base: &str, edits: &[(usize, usize, &str)], what: &str) {
    for analyse_between in [false, true] {
        let mut text = base.to_string();
        let mut inc = Incremental::new(&text, Options::default());
        inc.analyze();
        for (i, &(s, e, new)) in edits.iter().enumerate() {
            apply(&mut inc, &mut text, s, e, new);
            if analyse_between {
                assert_same(&mut inc, &text, Options::default(), &format!("{what} #{i}"));
            }
        }
        assert_same(&mut inc, &text, Options::default(), what);
    }
}

/// PASSING CHECK: the empty document, typed into, then emptied again.
#[test]
fn ok_empty_document() {
    let two = format!("{A}{B}");
    run("", &[], "empty");
    run("", &[(0, 0, &two)], "paste into empty");
    run(&two, &[(0, two.len(), "")], "delete all");
    run(
        &two,
        &[(0, two.len(), ""), (0, 0, B)],
        "delete all then paste",
    );
    run(
        "",
        &[
            (0, 0, "\r"),
            (1, 1, "乙局2023年度部门决算说明"),
            (0, 0, "x"),
        ],
        "lone CR",
    );
}

/// PASSING CHECK: a title typed at offset 0 (the old first title becomes a second report) and
/// at the very end, without and then with its line break.
#[test]
fn ok_titles_at_the_ends() {
    let two = format!("{A}{B}");
    run(&two, &[(0, 0, "丙局2023年度部门决算说明\n")], "title at 0");
    run(
        &two,
        &[(0, 0, "丙局2023年度部门决算说明")],
        "title glued to the first title",
    );
    let n = two.len();
    run(
        &two,
        &[(n, n, "丁局2023年度部门决算说明")],
        "title at the end, no newline",
    );
    run(
        &two,
        &[
            (n, n, "丁局2023年度部门决算说"),
            (
                n + "丁局2023年度部门决算说".len(),
                n + "丁局2023年度部门决算说".len(),
                "明\n基本支出1万元。",
            ),
        ],
        "title completed at the end",
    );
    // The last report's title destroyed, then its line break before it deleted.
    let t = A.len();
    run(&two, &[(t, t + 1, "")], "first char of the last title");
    run(&two, &[(t - 1, t, "")], "line break before the last title");
    run(&two, &[(t - 1, t + 1, "")], "both");
}

/// PASSING CHECK: a CRLF split by an edit at a report boundary: a title typed between \r and
/// \n, the \n or the \r deleted, a \n typed after a lone \r.
#[test]
fn ok_crlf_split_at_a_boundary() {
    let two = format!("{A}{B}").replace('\n', "\r\n");
    let nl = two.find("\r\n乙").unwrap();
    run(
        &two,
        &[(nl + 1, nl + 1, "丙局2023年度部门决算说明")],
        "title between CR and LF",
    );
    run(
        &two,
        &[(nl + 1, nl + 2, "")],
        "LF deleted: lone CR before the title",
    );
    run(&two, &[(nl, nl + 1, "")], "CR deleted");
    run(&two, &[(nl, nl + 2, "")], "CRLF deleted");
    let lone = format!("{A}{B}").replace('\n', "\r");
    let cr = lone.find("\r乙").unwrap();
    run(&lone, &[(cr + 1, cr + 1, "\n")], "LF typed after a lone CR");
    run(&lone, &[(cr, cr, "\n")], "LF typed before a lone CR");
    run(&lone, &[(cr, cr + 1, "")], "lone CR deleted");
}

/// PASSING CHECK: edits inside a multi-byte character (floored), a BOM typed before a title,
/// text pasted across three reports.
#[test]
fn ok_multibyte_and_pastes_across_reports() {
    let three = format!("𠮷{A}{B}{C}");
    run(&three, &[(1, 3, "x")], "inside 𠮷");
    run(
        &three,
        &[(2, three.len() - 1, "")],
        "from inside 𠮷 to the last byte",
    );
    let b = three.find("乙局").unwrap();
    run(&three, &[(b, b, "\u{feff}")], "BOM before a title");
    let c = three.find("丙局").unwrap();
    run(&three, &[(b + 3, c + 3, "x")], "across two titles");
    run(
        &three,
        &[(b - 1, c - 1, "")],
        "a whole report and the line break before it",
    );
    run(
        &three,
        &[(
            b - 1,
            b - 1,
            "\n乙局2023年度部门决算说明（公开版）\n十二、2023年度部门预算绩效管理情况说明\n",
        )],
        "heading-like lines pasted",
    );
}

/// PASSING CHECK: options changed between edits, before and after `analyze()`.
#[test]
fn ok_options_between_edits() {
    let wan = Options {
        assumed_unit: Some(10_000),
    };
    let table = "\n项目\t决算数\n基本支出\t210.00\n";
    let mut text = format!("{A}{B}");
    let mut inc = Incremental::new(&text, Options::default());
    inc.analyze();
    let n = text.len();
    apply(&mut inc, &mut text, n, n, table);
    inc.set_options(wan);
    assert_same(&mut inc, &text, wan, "after set_options");
    let at = text.find("210.00").unwrap();
    apply(&mut inc, &mut text, at, at + 1, "3");
    inc.set_options(Options::default());
    apply(&mut inc, &mut text, 0, 0, "\n");
    assert_same(&mut inc, &text, Options::default(), "back to default");
}

/// PASSING CHECK: `adopt` after several edits, from a worker clone analysed meanwhile; from a
/// worker made under other options; and twice from the same worker.
#[test]
fn ok_adopt_after_several_edits() {
    let mut text = format!("{A}{B}{C}");
    let mut inc = Incremental::new(&text, Options::default());
    let mut worker = inc.clone();
    worker.analyze();
    let b = text.find("200.00").unwrap();
    apply(&mut inc, &mut text, b, b + 1, "3");
    let c = text.find("丙局").unwrap();
    apply(&mut inc, &mut text, c - 1, c, "");
    apply(&mut inc, &mut text, 0, 0, "封面\n");
    inc.adopt(&worker);
    inc.adopt(&worker);
    assert_same(&mut inc, &text, Options::default(), "adopt after edits");

    let wan = Options {
        assumed_unit: Some(10_000),
    };
    let mut other = inc.clone();
    other.set_options(wan);
    other.analyze();
    let mut inc2 = inc.clone();
    apply(&mut inc2, &mut text, 0, 0, "x");
    inc2.adopt(&other);
    assert_same(&mut inc2, &text, Options::default(), "adopt across options");
}

/// A small deterministic generator (xorshift), so this needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// PASSING CHECK: random edits with pieces the shipped proptest does not type: lone CR,
/// CRLF halves, BOM, suffixed and spaced titles, two-character numeral headings, 说明 alone.
#[test]
fn ok_random_edits_with_line_break_and_title_pieces() {
    let pieces = [
        "\r",
        "\n",
        "\r\n",
        "\u{feff}",
        "说明",
        "𠮷",
        "1",
        "0.",
        "。",
        "，",
        "乙局2023年度部门决算说明",
        "\n丙局2023年度部门决算说明\r\n",
        "（公开版）",
        "\n十二、2023年度部门预算绩效管理情况说明\n",
        "\r丁局2024年部门预算说明\r",
        "基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。",
        "",
    ];
    let cases: usize = std::env::var("SUANPAN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..cases {
        let base = [A, B, C, "\r\n", &A.replace('\n', "\r")];
        let mut text: String = (0..1 + rng.below(3))
            .map(|_| base[rng.below(base.len())])
            .collect();
        let start_text = text.clone();
        let mut inc = Incremental::new(&text, Options::default());
        if rng.below(2) == 0 {
            inc.analyze();
        }
        let mut log = Vec::new();
        for _ in 0..1 + rng.below(10) {
            let s = rng.below(text.len() + 1);
            let e = s + [0, 1, 2, 3, 40][rng.below(5)];
            let new = pieces[rng.below(pieces.len())];
            log.push((s, e, new));
            apply(&mut inc, &mut text, s, e, new);
            if rng.below(3) == 0 {
                inc.analyze();
            }
        }
        let what = format!("case {case}: {start_text:?} edits {log:?}");
        assert_same(&mut inc, &text, Options::default(), &what);
    }
}
