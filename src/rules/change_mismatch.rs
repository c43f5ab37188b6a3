//! ## change-mismatch
//!
//! **What it checks.** A change amount against the two values it compares, when both are
//! written: `基本支出8,901,652.46元，比年初预算9,004,919.32元，减少103,266.86元` requires
//! 9,004,919.32 − 8,901,652.46 = 103,266.86, within the rounding of the three figures.
//! Phrasings: 比上年 / 较上年 / 同比 / 与上年相比 / 比年初预算X元 / `X元，年初预算Y元，增加Z元`.
//!
//! **Why.** The change is typed by hand after the two values; a digit slipped there survives
//! every proof-reading that reads prose rather than arithmetic.
//!
//! **Example.**
//!
//! ```text
//! 决算120.50万元，比上年100.00万元增加25.50万元   → 120.50 − 100.00 = 20.50
//! ```
//!
//! When the magnitude is right but the word is wrong, `direction-word` reports it instead.
//!
//! **Fix safety.** Unsafe: the change is recomputed from the two values, but either value may
//! be the wrong one. A single-digit slip is named in the message and offered first.

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::finding::{Finding, Severity};
use crate::relate::Verdict;
use crate::rules::{replace_fix, shown, typo_kind, written_like};

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for c in &doc.checks {
        if c.kind != RelationKind::Change || c.verdict != Verdict::Mismatch {
            continue;
        }
        let t = &c.target;
        let [v, b] = &c.terms[..] else { continue };
        let diff = c.expected.mid();
        let right = written_like(doc, t, diff.abs());
        let mut msg = format!(
            "{}增减额 {} ≠ {} {} − {} {} = {}",
            t.label,
            shown(doc, t, true).trim_start_matches('-'),
            v.label,
            shown(doc, v, true),
            b.label,
            shown(doc, b, true),
            written_like(doc, t, diff)
        );
        let kind = typo_kind(doc.digits(t.num), &right);
        if let Some(k) = kind {
            msg.push_str(&format!("；疑似{k}"));
        }
        let n = &doc.numbers[t.num];
        let f = Finding::new("change-mismatch", Severity::Error, n.full_span(), msg)
            .with_related(
                doc.numbers[v.num].full_span(),
                format!("{}：{}", v.label, shown(doc, v, true)),
            )
            .with_related(
                doc.numbers[b.num].full_span(),
                format!("{}：{}", b.label, shown(doc, b, true)),
            )
            .with_fix(replace_fix(doc, t, &right));
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_when_the_change_is_not_the_difference() {
        check_rule(
            "change-mismatch",
            "项目支出决算120.50万元，比上年100.00万元增加⟦25.50万元⟧。",
            Some("项目支出决算120.50万元，比上年100.00万元增加20.50万元。"),
        );
    }

    #[test]
    fn silent_within_rounding() {
        check_rule(
            "change-mismatch",
            "基本支出8,901,652.46元，比年初预算9,004,919.32元，减少103,266.86元。",
            None,
        );
        check_rule(
            "change-mismatch",
            "公用经费79.32万元，年初预算78.12万元，增加1.2万元。",
            None,
        );
    }
}
