//! Second reading of `src/bundle.rs` (a file split into reports at title lines).
//!
//! Two kinds of failure, each with a consequence a user sees:
//! - a real title that is MISSED merges two departments' reports: figures of one department are
//!   compared with the other's (false alarms);
//! - a line inside ONE report taken for a title SPLITS it: relations across the cut are lost
//!   (misses), or a half statement is read on its own (false alarms).
//!
//! The split is observed through the public `Incremental::new(..).reports()` (which uses
//! `bundle::split`) and the findings of `suanpan::analyze`.
//!
//! Tests named `ok_*` are checks of risky cases found correct at the review; the others
//! failed on the reviewed commit and stay as regression tests of the bug each documents
//! (`Happens:` is what the reviewed commit did).

use suanpan::incremental::Incremental;
use suanpan::Options;

/// Two departments, each consistent on its own; read as one, their 基本支出 disagree.
const BODY_A: &str = "基本支出100.00万元，其中：人员经费60.00万元，公用经费40.00万元。\n";
const BODY_B: &str = "基本支出200.00万元，其中：人员经费150.00万元，公用经费50.00万元。\n";
const TITLE_A: &str = "甲局2023年度部门决算说明";

fn report_texts(text: &str) -> Vec<String> {
    Incremental::new(text, Options::default())
        .reports()
        .map(|(_, r)| r.text.to_string())
        .collect()
}

fn rules(text: &str) -> Vec<String> {
    suanpan::analyze(text)
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

/// A bundle of two departments whose second title is `title2`: two reports, no finding.
fn assert_two_departments(title2: &str) {
    let text = format!("{TITLE_A}\n{BODY_A}{title2}\n{BODY_B}");
    let reports = report_texts(&text);
    assert_eq!(
        reports.len(),
        2,
        "title {title2:?} not recognised: the two departments are read as one report: {reports:#?}"
    );
    assert!(
        reports[1].starts_with(title2),
        "second report starts at {:?}",
        reports[1]
    );
    assert_eq!(
        rules(&text),
        Vec::<String>::new(),
        "false alarms across departments"
    );
}

/// One department whose text holds `heading` between a statement and its restatement with
/// another value: one report, and the restatement is flagged.
fn assert_one_report(heading: &str) {
    let text = format!("{TITLE_A}\n{BODY_A}{heading}\n本年度基本支出110.00万元。\n");
    let reports = report_texts(&text);
    assert_eq!(
        reports.len(),
        1,
        "line {heading:?} taken for a title: the report is cut in two: {reports:#?}"
    );
    assert!(
        !rules(&text).is_empty(),
        "基本支出 stated as 100.00 then 110.00 in one report is not flagged"
    );
}

// ---------------------------------------------------------------- passing checks

/// PASSING CHECK: the control for the helpers: a plain title splits, a plain heading does not,
/// and the restatement really is flagged within one report.
#[test]
fn ok_controls() {
    assert_two_departments("乙局2023年度部门决算说明");
    assert_one_report("二、其他重要事项的情况说明");
    // Read as one report, the two departments do produce false alarms (what a missed title
    // costs).
    let merged = format!("{TITLE_A}\n{BODY_A}乙局的情况\n{BODY_B}");
    assert!(!rules(&merged).is_empty());
}

/// PASSING CHECK: titles in the shapes a bundle really has.
#[test]
fn ok_title_shapes_that_are_recognised() {
    for t in [
        "关于乙局2023年度部门决算的说明",
        "乙局2024年部门综合预算编制说明",
        "乙局2023年度单位决算说明",
        "  乙局2023年度部门决算说明  ",
        "\u{3000}乙局2023年度部门决算说明",
        "## 乙局2023年度部门决算说明",
        "**乙局2023年度部门决算说明**",
        "\u{feff}乙局2023年度部门决算说明",
        "\u{c}乙局2023年度部门决算说明",
        "乙局 2023年度 部门决算说明",
        "乙局2023年度部门决算情况说明书",
    ] {
        assert_two_departments(t);
    }
}

/// PASSING CHECK: lines that are not titles stay inside their report.
#[test]
fn ok_headings_that_are_not_titles() {
    for h in [
        "甲局2023年度部门决算说明目录",
        "第二部分 2023年度部门决算情况说明",
        "二、2023年度部门决算收入支出总体情况说明",
        "（十二）2023年度部门预算绩效管理情况说明",
        "十二、2023年度部门预算绩效管理情况说明",
        "1.2023年度部门决算情况说明",
        "3、2023年度部门决算情况说明",
        "现将本部门2023年度部门决算情况说明如下：",
        "甲局2023年度部门决算说明 - 3 -",
        "甲局2023年度部门决算说明    第3页",
        "表1 收入支出决算总表",
    ] {
        assert_one_report(h);
    }
}

/// PASSING CHECK: CRLF, lone CR, a BOM at the start of the file and of a concatenated file.
#[test]
fn ok_line_breaks_and_boms() {
    for (sep, bom) in [
        ("\r\n", ""),
        ("\r", ""),
        ("\n", "\u{feff}"),
        ("\r\n", "\u{feff}"),
    ] {
        let text = format!(
            "{bom}{TITLE_A}{sep}{}{sep}{bom}乙局2023年度部门决算说明{sep}{}{sep}",
            BODY_A.trim_end(),
            BODY_B.trim_end()
        );
        let reports = report_texts(&text);
        assert_eq!(reports.len(), 2, "{sep:?} {bom:?}: {reports:#?}");
        assert_eq!(reports.concat(), text);
        assert_eq!(rules(&text), Vec::<String>::new(), "{sep:?} {bom:?}");
    }
}

// ---------------------------------------------------------------- missed titles (merges)

/// MISSED TITLE. Input: `乙局2023年度部门决算说明（公开版）` as the second title (a published
/// version's suffix; also （草案）, （修订）). Happens: `is_title` requires the line to END in
/// 说明/说明书, so the line is not a title; 甲局 and 乙局 are read as one report and 乙局's
/// 基本支出200.00 is flagged against 甲局's 100.00. Should: two reports, no finding.
#[test]
fn title_with_a_parenthesised_suffix_is_a_title() {
    assert_two_departments("乙局2023年度部门决算说明（公开版）");
}

/// MISSED TITLE. Input: a year typed with a space before 年, `乙局2023 年度部门决算说明` (what
/// PDF copy and Word auto-spacing between Latin and CJK produce). Happens: `has_year` wants 年
/// right after four ASCII digits. Should: a title.
#[test]
fn title_with_a_space_before_nian_is_a_title() {
    assert_two_departments("乙局 2023 年度部门决算说明");
}

/// MISSED TITLE. Input: a letter-spaced title as copied from a PDF cover or heading,
/// `乙 局 2 0 2 3 年 度 部 门 决 算 说 明`. Happens: neither 部门 nor 2023年 occurs
/// contiguously. Should: a title (ignore spaces inside the line when recognising it).
#[test]
fn letter_spaced_title_is_a_title() {
    assert_two_departments("乙 局 2 0 2 3 年 度 部 门 决 算 说 明");
}

/// MISSED TITLE. Input: full-width digits `乙局２０２３年度部门决算说明`. Happens: `has_year`
/// only takes ASCII digits. Should: a title.
#[test]
fn title_with_full_width_digits_is_a_title() {
    assert_two_departments("乙局２０２３年度部门决算说明");
}

/// MISSED TITLE. Input: a year in Chinese numerals, `乙局二〇二三年度部门决算说明`, usual in
/// formal documents. Happens: `has_year` only takes ASCII digits. Should: a title.
#[test]
fn title_with_a_chinese_numeral_year_is_a_title() {
    assert_two_departments("乙局二〇二三年度部门决算说明");
}

/// MISSED TITLE. Input: a bundle's attachment label before the title,
/// `附件2：乙局2023年度部门决算说明`. Happens: the full-width colon counts as sentence
/// punctuation, so the line is not a title. Should: a title (strip an `附件N：` prefix).
#[test]
fn title_after_an_attachment_label_is_a_title() {
    assert_two_departments("附件2：乙局2023年度部门决算说明");
}

/// MISSED TITLE. Input: a unit whose name starts with 第, `第十一中学2023年度单位决算说明`
/// (a school's report in an education bureau's bundle). Happens: `is_title` takes a leading 第
/// for an outline marker (第一部分) and rejects the line. Should: a title (第 is a marker only
/// when followed by a numeral and 部分/章/节).
#[test]
fn title_of_a_unit_named_di_is_a_title() {
    assert_two_departments("第十一中学2023年度单位决算说明");
}

// ---------------------------------------------------------------- false titles (splits)

/// FALSE TITLE. Input: `一．2023年度部门决算情况说明` (full-width full stop after the numeral)
/// and `一.…` (ASCII). Happens: after a Chinese numeral only 、 counts as a marker. Should: one
/// report.
#[test]
fn chinese_numeral_with_a_dot_is_not_a_title() {
    assert_one_report("一．2023年度部门决算情况说明");
    assert_one_report("一.2023年度部门决算情况说明");
}

/// FALSE TITLE. Input: `１．2023年度部门决算情况说明` (full-width digit marker). Happens: only
/// ASCII digits are trimmed before looking for the marker's punctuation. Should: one report.
#[test]
fn full_width_digit_marker_is_not_a_title() {
    assert_one_report("１．2023年度部门决算情况说明");
}

/// FALSE TITLE. Input: the part heading on its own line as PDF copy gives it: `第二部分` then
/// `2023年度部门决算情况说明` on the next line. Happens: the second line alone is a title.
/// Should: one report (a title names its department; a line starting with the year and naming
/// no unit is a part heading).
#[test]
fn part_heading_on_its_own_line_is_not_a_title() {
    assert_one_report("第二部分\n2023年度部门决算情况说明");
}
