//! ## value-mismatch
//!
//! **What it checks.** The same quantity — same label, same column (本年, 年初预算, 上年…) —
//! stated twice with values that no rounding reconciles, after converting units
//! (`8,901,652.46元` and `890.17万元` agree). Typically a narrative figure that differs from
//! its table (105.00 in the table, 135.00 in the text), or an indicator quoted twice.
//!
//! Only specific labels are compared (`本年支出合计`, `一般公共预算财政拨款基本支出`), never
//! generic ones (`合计`, `其他`); qualifiers are kept, so `基本支出` and `财政拨款基本支出`,
//! which may legitimately differ, are never compared.
//!
//! A difference of exactly 10⁴ or 10⁸ is a unit slip, reported by `unit-scale`.
//!
//! **Why.** Figures are copied between the tables and the narrative by hand, and corrected in
//! one place only.
//!
//! **Example.**
//!
//! ```text
//! 本年支出合计1,145.80万元 … (table) 本年支出合计 1,154.80
//! ```
//!
//! **Fix safety.** Unsafe: the other statement's value is offered, but either may be wrong.

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::finding::{Finding, Severity};
use crate::relate::Verdict;
use crate::rules::{replace_fix, shown, written_like};

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for c in &doc.checks {
        if c.kind != RelationKind::Same || c.verdict != Verdict::Mismatch {
            continue;
        }
        let t = &c.target;
        let o = &c.terms[0];
        let on = &doc.numbers[o.num];
        let msg = format!(
            "{}（{}）在此为 {}，与另一处的 {} 不一致（差 {}）",
            t.label,
            c.column,
            shown(doc, t, true),
            shown(doc, o, true),
            written_like(doc, t, t.iv.mid() - o.iv.mid())
        );
        let n = &doc.numbers[t.num];
        out.push(
            Finding::new("value-mismatch", Severity::Warning, n.full_span(), msg)
                .with_related(
                    on.full_span(),
                    format!("同一数值：{} {}", o.label, shown(doc, o, true)),
                )
                .with_fix(replace_fix(doc, t, &written_like(doc, t, o.iv.mid()))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_when_a_quantity_is_restated_differently() {
        check_rule(
            "value-mismatch",
            "本年支出合计1,145.80万元。\n\n本年支出合计为⟦1,154.80万元⟧。",
            Some("本年支出合计1,145.80万元。\n\n本年支出合计为1,145.80万元。"),
        );
        // A 预算说明's 收、支总预算 is its 收、支总计.
        check_rule(
            "value-mismatch",
            "某局2024年部门预算说明\n2024年收、支总预算1,000.00万元。\n\n综上，收、支总计⟦1,100.00万元⟧。",
            Some("某局2024年部门预算说明\n2024年收、支总预算1,000.00万元。\n\n综上，收、支总计1,000.00万元。"),
        );
    }

    #[test]
    fn silent_across_units_and_qualifiers() {
        check_rule(
            "value-mismatch",
            "基本支出8,901,652.46元。\n\n基本支出890.17万元。\n\n财政拨款基本支出800.00万元。",
            None,
        );
    }
}
