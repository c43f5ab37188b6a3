//! ## share-mismatch
//!
//! **What it checks.** A share against part ÷ whole: `占p%`, `占收入合计的p%`, `占比p%`,
//! `比重为p%`, and completion ratios (`完成年初预算的p%`, `为调整预算的p%`). The whole is the
//! total of the list the part belongs to, or the quantity the words name
//! (`占本年支出合计的` → the statement of 本年支出合计), or a figure written in the clause
//! (`占全部项目13个的100%`). When the whole cannot be identified, nothing is said.
//!
//! Percentages are compared at their stated precision with the amounts' rounding propagated
//! (8,901,652.46 ÷ 11,458,005.29 = 77.69…% → 77.7% holds).
//!
//! **Why.** Shares are computed once and not updated when an amount is corrected.
//!
//! **Example.**
//!
//! ```text
//! 本年支出合计200.00万元，其中：基本支出150.00万元，占80.0%   → 150.00 ÷ 200.00 = 75.0%
//! ```
//!
//! **Fix safety.** Unsafe: the recomputed share is offered; the amounts may be what is wrong.

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::finding::{Applicability, Finding, Fix, Severity};
use crate::relate::Verdict;
use crate::rules::{fmt_num, shown};

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for c in &doc.checks {
        if c.kind != RelationKind::Share || c.verdict != Verdict::Mismatch {
            continue;
        }
        let t = &c.target;
        let [p, w] = &c.terms[..] else { continue };
        let n = &doc.numbers[t.num];
        let d = n.decimals;
        let expected = c.expected.mid();
        let right = fmt_num(expected, d).replace(',', "");
        let mut msg = format!(
            "{}占比 {}% ≠ {} ÷ {} {} = {}%",
            t.label,
            doc.digits(t.num),
            shown(doc, p, true),
            w.label,
            shown(doc, w, true),
            fmt_num(expected, d.max(2))
        );
        if t.iv
            .scale(rust_decimal::Decimal::ONE_HUNDRED)
            .is_some_and(|s| s.meets(c.expected))
        {
            msg.push_str("；疑似比值未乘以100");
        }
        out.push(
            Finding::new("share-mismatch", Severity::Error, n.full_span(), msg)
                .with_related(
                    doc.numbers[w.num].full_span(),
                    format!("分母：{} {}", w.label, shown(doc, w, true)),
                )
                .with_fix(Fix::replace(
                    format!("改为 {right}%"),
                    n.span,
                    right,
                    Applicability::Unsafe,
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_a_wrong_share() {
        check_rule(
            "share-mismatch",
            "本年支出合计200.00万元，其中：基本支出150.00万元，占支出合计的⟦80.0%⟧；项目支出50.00万元，占支出合计的25.0%。",
            Some("本年支出合计200.00万元，其中：基本支出150.00万元，占支出合计的75.0%；项目支出50.00万元，占支出合计的25.0%。"),
        );
    }

    #[test]
    fn silent_when_rounding_explains_it() {
        check_rule("share-mismatch", "本年支出合计11,458,005.29元，其中：基本支出8,901,652.46元，占77.7%；项目支出2,556,352.83元，占22.3%。", None);
    }
}
