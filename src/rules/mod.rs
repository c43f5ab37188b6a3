//! The rules: one file per rule id, whose `//!` doc comment is the rule's user documentation
//! (what it checks, why, an example, fix safety), printed by `suanpan explain RULE`.
//!
//! Each rule reads the document model built by `engine` and appends findings.

use crate::engine::Doc;
use crate::finding::{Finding, Severity};

pub mod change_mismatch;
pub mod direction_word;
pub mod number_format;
pub mod rate_mismatch;
pub mod share_mismatch;
pub mod sign_after_direction;
pub mod sum_mismatch;
pub mod table_formula;
pub mod unit_scale;
pub mod value_mismatch;

/// A rule's identity and documentation.
pub struct Rule {
    pub id: &'static str,
    pub summary: &'static str,
    pub severity: Severity,
    source: &'static str,
    pub check: fn(&Doc, &mut Vec<Finding>),
}

impl Rule {
    /// The rule's documentation: its file's `//!` comment.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Where the documentation is published.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/suanpan/suanpan/blob/main/src/rules/{}.rs",
            self.id.replace('-', "_")
        )
    }
}

macro_rules! rule {
    ($id:literal, $module:ident, $sev:expr, $summary:literal) => {
        Rule {
            id: $id,
            summary: $summary,
            severity: $sev,
            source: include_str!(concat!(stringify!($module), ".rs")),
            check: $module::check,
        }
    };
}

/// Every rule, in the order of `../shared/CLI.md`.
pub static RULES: &[Rule] = &[
    rule!(
        "sum-mismatch",
        sum_mismatch,
        Severity::Error,
        "stated total differs from the sum of its parts (beyond rounding)"
    ),
    rule!(
        "share-mismatch",
        share_mismatch,
        Severity::Error,
        "\"占…X%\" differs from part/total"
    ),
    rule!(
        "change-mismatch",
        change_mismatch,
        Severity::Error,
        "stated change amount differs from the difference of the two stated values"
    ),
    rule!(
        "rate-mismatch",
        rate_mismatch,
        Severity::Error,
        "\"增长/下降 X%\" differs from change/base"
    ),
    rule!(
        "direction-word",
        direction_word,
        Severity::Error,
        "增加/减少/增长/下降 contradicts the numbers"
    ),
    rule!(
        "sign-after-direction",
        sign_after_direction,
        Severity::Error,
        "a minus sign after a direction word (\"减少-97,121.12\")"
    ),
    rule!(
        "unit-scale",
        unit_scale,
        Severity::Error,
        "a 元/万元/亿元 slip: the relation holds only after rescaling one value"
    ),
    rule!(
        "value-mismatch",
        value_mismatch,
        Severity::Error,
        "the same quantity stated with different values in two places"
    ),
    rule!(
        "table-formula",
        table_formula,
        Severity::Error,
        "a table's column formula (e.g. \"5=4/3\") or row total is violated"
    ),
    rule!(
        "number-format",
        number_format,
        Severity::Warning,
        "full-width comma as separator, missing unit, wrong decimals"
    ),
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

// ---- shared by the rules: how figures are shown and which figure is probably wrong ----

use rust_decimal::Decimal;

use crate::extract::number::format_grouped;
use crate::finding::{Applicability, Fix};
use crate::interval::Interval;
use crate::relate::{Check, Term};

/// `9017122.4` with 2 decimals → `9,017,122.40`.
pub fn fmt_num(v: Decimal, decimals: u32) -> String {
    format_grouped(v, decimals)
}

/// The middle of an interval, with 2 decimals (for notes).
pub fn fmt_iv(iv: Interval) -> String {
    fmt_num(iv.mid(), 2)
}

/// A term as the message shows it: the figure as written, with its unit when `with_unit`.
pub fn shown(doc: &Doc, t: &Term, with_unit: bool) -> String {
    if t.num == usize::MAX {
        return "0".into();
    }
    let n = &doc.numbers[t.num];
    let digits = doc.digits(t.num).replace('，', ",");
    let sign = if t.iv.hi < Decimal::ZERO && n.sign.is_none() || n.sign.is_some() {
        "-"
    } else {
        ""
    };
    let unit = if with_unit { n.unit.text() } else { "" };
    format!("{sign}{digits}{unit}")
}

/// The factor and decimals a figure is written in (a bare figure: its sentence's unit).
pub fn scale_of(doc: &Doc, t: &Term) -> (Decimal, u32) {
    let f = if t.factor.is_zero() {
        Decimal::ONE
    } else {
        t.factor
    };
    (f, doc.numbers[t.num].decimals)
}

/// A value in base units, written the way figure `t` is written.
pub fn written_like(doc: &Doc, t: &Term, base_value: Decimal) -> String {
    let (factor, decimals) = scale_of(doc, t);
    let v = base_value / factor;
    let s = fmt_num(v, decimals);
    if doc.numbers[t.num].grouped || doc.digits(t.num).contains(',') {
        s
    } else {
        s.replace(',', "")
    }
}

/// How a wrong figure differs from the right one, when it looks like a slip of the pen.
pub fn typo_kind(written: &str, right: &str) -> Option<&'static str> {
    let a: Vec<char> = written
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let b: Vec<char> = right
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    if a == b {
        return None;
    }
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        match diff.as_slice() {
            [_] => return Some("一位数字笔误"),
            [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i] => {
                return Some("相邻两位数字颠倒")
            }
            _ => {}
        }
    }
    let strip = |v: &[char]| v.iter().filter(|c| **c != '-').collect::<String>();
    if strip(&a) == strip(&b) {
        return Some("正负号错误");
    }
    None
}

/// For a sum or difference that fails: the one figure that, corrected, makes it hold as a
/// digit slip. Returns the figure and its corrected text.
pub fn probable_typo(doc: &Doc, check: &Check) -> Option<(Term, String, &'static str)> {
    let mut found = Vec::new();
    let expected_total = check.expected.mid();
    let t = &check.target;
    let right = written_like(doc, t, expected_total);
    if let Some(kind) = typo_kind(doc.digits(t.num), &right) {
        found.push((t.clone(), right, kind));
    }
    // The sum of the other terms is a prefix plus a suffix, made once: summing them again
    // for each term was quadratic in a list's length.
    let signed: Vec<Decimal> = check
        .terms
        .iter()
        .map(|q| q.iv.mid() * Decimal::from(q.coef))
        .collect();
    let (before, after) =
        crate::relate::running_sums(&signed, Decimal::ZERO, |a: Decimal, b| a.checked_add(b));
    for (i, p) in check.terms.iter().enumerate() {
        if p.num == usize::MAX {
            continue;
        }
        let Some(others) = before[i]
            .zip(after[i + 1])
            .and_then(|(b, a)| b.checked_add(a))
        else {
            continue;
        };
        let Some(want) = t.iv.mid().checked_sub(others) else {
            continue;
        };
        let want = want * Decimal::from(p.coef);
        if want < Decimal::ZERO {
            continue;
        }
        let right = written_like(doc, p, want);
        if let Some(kind) = typo_kind(doc.digits(p.num), &right) {
            found.push((p.clone(), right, kind));
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// An unsafe fix replacing the digits of `t` with `new_digits`.
pub fn replace_fix(doc: &Doc, t: &Term, new_digits: &str) -> Fix {
    let n = &doc.numbers[t.num];
    Fix::replace(
        format!("改为 {new_digits}"),
        n.span,
        new_digits,
        Applicability::Unsafe,
    )
}

/// Test helper: documents with the expected findings of one rule marked inline as `⟦…⟧`.
#[cfg(test)]
pub(crate) mod testing {
    use crate::analysis::analyze;
    use crate::finding::Applicability;

    /// Strip `⟦`/`⟧` markers; return the text and the marked byte spans.
    pub fn parse_marks(annotated: &str) -> (String, Vec<(usize, usize)>) {
        let mut text = String::new();
        let mut open = Vec::new();
        let mut spans = Vec::new();
        for c in annotated.chars() {
            match c {
                '⟦' => open.push(text.len()),
                '⟧' => spans.push((open.pop().expect("unbalanced ⟧"), text.len())),
                _ => text.push(c),
            }
        }
        spans.sort();
        (text, spans)
    }

    /// The findings of `rule` on the annotated document are exactly the marked spans; when
    /// `fixed` is given, applying each finding's first fix (repeatedly, until nothing is found)
    /// gives that text.
    pub fn check_rule(rule: &str, annotated: &str, fixed: Option<&str>) {
        let (text, want) = parse_marks(annotated);
        let got: Vec<(usize, usize)> = analyze(&text)
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.span.start, f.span.end))
            .collect();
        let show = |v: &[(usize, usize)]| {
            v.iter()
                .map(|&(a, b)| text[a..b].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            show(&got),
            show(&want),
            "findings of {rule} in {text}\n{:#?}",
            analyze(&text).findings
        );
        if let Some(fixed) = fixed {
            let mut cur = text.clone();
            for _ in 0..8 {
                let a = analyze(&cur);
                let Some(f) = a
                    .findings
                    .iter()
                    .find(|f| f.rule == rule && !f.fixes.is_empty())
                else {
                    break;
                };
                let fix = &f.fixes[0];
                let _ = fix.applicability == Applicability::Safe;
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
                for e in edits {
                    cur.replace_range(e.span.start..e.span.end, &e.new_text);
                }
            }
            assert_eq!(cur, fixed);
        }
    }
}
