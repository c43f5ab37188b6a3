//! ## rate-mismatch
//!
//! **What it checks.** A growth rate (`增长/下降/增幅 X%`) against the change and its base.
//! The base is the earlier value (上年 or 年初预算): written, or recovered from the current
//! value and the change (`收、支总计11,492,964.29元，比上年减少1,073,164.39元，下降8.5%`: base
//! 12,566,128.68, rate 8.54% → 8.5%). The stated rate is compared at its own precision, with the
//! rounding of the amounts propagated; a rate padded with zeros (`10.60%`) is read at the
//! precision it was rounded to.
//!
//! Also: a rate given on a zero base (`上年为0，增长100%`: no rate is comparable there).
//!
//! **Why.** Rates are computed in a spreadsheet and copied by hand; a ratio not multiplied by
//! 100, or computed on the wrong base (current instead of prior), is a classic slip.
//!
//! **Example.**
//!
//! ```text
//! 支出120.00万元，比上年增加20.00万元，增长16.7%   → 20.00 ÷ 100.00 = 20.0%
//! ```
//!
//! **Fix safety.** Unsafe: the rate recomputed from the amounts is offered; the amounts
//! themselves may be what is wrong.

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::finding::{Applicability, Finding, Fix, Severity};
use crate::relate::Verdict;
use crate::rules::{fmt_num, shown, written_like};

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for c in &doc.checks {
        if c.kind != RelationKind::Rate
            || !matches!(c.verdict, Verdict::Mismatch | Verdict::ZeroBase)
        {
            continue;
        }
        let t = &c.target;
        let n = &doc.numbers[t.num];
        if c.verdict == Verdict::ZeroBase {
            out.push(Finding::new(
                "rate-mismatch",
                Severity::Warning,
                n.full_span(),
                format!(
                    "{}的比较基数为0，增长率无可比性，不应写作{}%",
                    t.label,
                    doc.digits(t.num)
                ),
            ));
            continue;
        }
        let decimals = n.decimals;
        let expected = c.expected.mid();
        let right = fmt_num(expected.abs(), decimals.max(1));
        let terms: Vec<String> = c
            .terms
            .iter()
            .map(|p| format!("{} {}", p.label, written_like(doc, p, p.iv.mid())))
            .collect();
        let what = if &*c.column == "完成率" {
            "完成率"
        } else {
            "增减率"
        };
        let mut msg = format!(
            "{}{what} {}% ≠ {} = {}%",
            t.label,
            doc.digits(t.num),
            terms.join(" ÷ "),
            fmt_num(expected, decimals.max(1))
        );
        let hundredth =
            t.iv.scale(rust_decimal::Decimal::ONE_HUNDRED)
                .is_some_and(|s| s.meets(c.expected) || s.negated().meets(c.expected));
        if hundredth {
            msg.push_str("；疑似比值未乘以100");
        }
        let right = if decimals == 0 {
            fmt_num(expected.abs(), 0)
        } else {
            right
        };
        let f = Finding::new("rate-mismatch", Severity::Error, n.full_span(), msg).with_fix(
            Fix::replace(
                format!("改为 {right}%"),
                n.span,
                right.replace(',', ""),
                Applicability::Unsafe,
            ),
        );
        let f = c.terms.iter().fold(f, |f, p| {
            f.with_related(
                doc.numbers[p.num].full_span(),
                format!("{}：{}", p.label, shown(doc, p, true)),
            )
        });
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_a_wrong_rate() {
        check_rule(
            "rate-mismatch",
            "项目支出120.00万元，比上年增加20.00万元，增长⟦16.7%⟧。",
            Some("项目支出120.00万元，比上年增加20.00万元，增长20.0%。"),
        );
    }

    #[test]
    fn fires_on_a_wrong_completion_rate() {
        check_rule(
            "rate-mismatch",
            "教育支出年初预算为200.00万元，支出决算为150.00万元，完成年初预算的⟦80%⟧。",
            Some("教育支出年初预算为200.00万元，支出决算为150.00万元，完成年初预算的75%。"),
        );
        // 完成预算的 names no column: the budget the sentence states.
        check_rule(
            "rate-mismatch",
            "“三公”经费年初预算为40,000.00元，支出决算为31,710.00元，完成预算的⟦97.3%⟧。",
            Some("“三公”经费年初预算为40,000.00元，支出决算为31,710.00元，完成预算的79.3%。"),
        );
    }

    #[test]
    fn silent_on_rounded_rates() {
        check_rule(
            "rate-mismatch",
            "收支总计11,492,964.29元，比上年减少1,073,164.39元，下降8.5%。",
            None,
        );
        check_rule(
            "rate-mismatch",
            "支出106.28万元，比上年增加10.00万元，增长10.40%。",
            None,
        );
    }
}
