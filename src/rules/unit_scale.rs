//! ## unit-scale
//!
//! **What it checks.** A 元/万元/亿元 slip: a relation that fails, but holds exactly once one
//! figure is rescaled by 10⁴ or 10⁸ — the figure was written in the wrong unit. Also the same
//! quantity stated twice whose values differ by exactly that factor
//! (`收、支总计11,492,964.29元` … `收、支总计11,492,964.29万元`). Of the two statements, the one
//! the other relations of the report do not support is reported.
//!
//! **Why.** Narratives are written in 元 in some provinces and 万元 in others, tables in
//! either; copying a figure between them without its unit is how a budget grows ten
//! thousand-fold.
//!
//! **Example.**
//!
//! ```text
//! 支出总计1,234.56万元，比上年减少100.00万元，下降7.5%。 … 支出总计1,234.56元 → 万元
//! ```
//!
//! **Fix safety.** Safe when the figure's other statement is confirmed by a relation that
//! holds (a rate, a sum), so the arithmetic proves which unit is meant; unsafe otherwise.

use rust_decimal::Decimal;

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::extract::number::Unit;
use crate::finding::{Applicability, Finding, Fix, Severity};
use crate::relate::Verdict;
use crate::rules::shown;

fn unit_text(factor: Decimal) -> Option<&'static str> {
    if factor == Decimal::ONE {
        Some("元")
    } else if factor == Decimal::from(1_000) {
        Some("千元")
    } else if factor == Decimal::from(10_000) {
        Some("万元")
    } else if factor == Decimal::from(100_000_000) {
        Some("亿元")
    } else {
        None
    }
}

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    // Most reports have no unit slip: then there is nothing to weigh.
    if !doc
        .checks
        .iter()
        .any(|c| matches!(c.verdict, Verdict::UnitScale { .. }))
    {
        return;
    }
    // Relations that hold count for a figure, relations that fail against it: the better
    // supported of two statements is taken as right.
    // By number: a report's figures are counted by the thousand, a map would hash each.
    let mut support = vec![0i32; doc.numbers.len()];
    let support_of = |support: &[i32], num: usize| support.get(num).copied().unwrap_or(0);
    for c in doc.checks.iter().filter(|c| c.kind != RelationKind::Same) {
        for t in std::iter::once(&c.target).chain(&c.terms) {
            if let Some(s) = support.get_mut(t.num) {
                *s += if c.holds() { 1 } else { -1 };
            }
        }
    }
    for c in &doc.checks {
        let Verdict::UnitScale { num, factor } = c.verdict else {
            continue;
        };
        let (mut num, mut factor) = (num, factor);
        let mut other = c.terms.first().map(|t| t.num);
        if c.kind == RelationKind::Same {
            // The earlier statement may be the wrong one.
            let first = c.terms[0].num;
            if support_of(&support, first) < support_of(&support, num) {
                other = Some(num);
                num = first;
                factor = Decimal::ONE / factor;
            }
        }
        let n = &doc.numbers[num];
        let (Unit::Money { factor: old, .. }, Some(us)) = (&n.unit, n.unit_span) else {
            continue;
        };
        let Some(new_unit) = unit_text(Decimal::from(*old) * factor) else {
            continue;
        };
        let old_unit = &doc.text[us.start..us.end];
        let proved =
            other.is_some_and(|o| support_of(&support, o) > 0) || c.kind != RelationKind::Same;
        let why = match c.kind {
            RelationKind::Same => {
                let o = &c.terms[0];
                let on = if o.num == num { &c.target } else { o };
                format!(
                    "与另一处的“{}{}”为同一数值，单位相差{}倍",
                    on.label,
                    shown(doc, on, true),
                    if factor > Decimal::ONE {
                        factor
                    } else {
                        Decimal::ONE / factor
                    }
                    .normalize()
                )
            }
            _ => format!(
                "按{}计算关系不成立，改为{}后成立（{}）",
                old_unit,
                new_unit,
                c.note.as_deref().unwrap_or(&c.column)
            ),
        };
        let msg = format!(
            "“{}{}”的单位疑似应为{}：{}",
            doc.digits(num),
            old_unit,
            new_unit,
            why
        );
        let applicability = if proved {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let mut f =
            Finding::new("unit-scale", Severity::Error, n.full_span(), msg).with_fix(Fix::replace(
                format!("单位改为 {new_unit}：{}{new_unit}", doc.digits(num)),
                us,
                new_unit,
                applicability,
            ));
        if c.kind == RelationKind::Same {
            let o = &c.terms[0];
            let on = if o.num == num { &c.target } else { o };
            f = f.with_related(
                doc.numbers[on.num].full_span(),
                format!("同一数值：{} {}", on.label, shown(doc, on, true)),
            );
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_the_unsupported_statement() {
        check_rule(
            "unit-scale",
            "2023年度收、支总计1,234,567.89元，比上年减少100,000.00元，下降7.5%。\n\n附注：收、支总计⟦1,234,567.89万元⟧。",
            Some("2023年度收、支总计1,234,567.89元，比上年减少100,000.00元，下降7.5%。\n\n附注：收、支总计1,234,567.89元。"),
        );
    }

    #[test]
    fn fires_on_the_one_figure_of_a_list_in_the_wrong_unit() {
        // A part (the sum of the others is made once, from both sides: the first and last
        // parts are the edges of that arithmetic) …
        check_rule(
            "unit-scale",
            "基本支出890.17万元，其中：人员经费⟦8,108,400.00万元⟧，公用经费79.33万元。",
            Some("基本支出890.17万元，其中：人员经费8,108,400.00元，公用经费79.33万元。"),
        );
        check_rule(
            "unit-scale",
            "基本支出890.17万元，其中：人员经费810.84万元，公用经费⟦793,300.00万元⟧。",
            Some("基本支出890.17万元，其中：人员经费810.84万元，公用经费793,300.00元。"),
        );
        // … or the total.
        check_rule(
            "unit-scale",
            "基本支出⟦8,901,700.00万元⟧，其中：人员经费810.84万元，公用经费79.33万元。",
            Some("基本支出8,901,700.00元，其中：人员经费810.84万元，公用经费79.33万元。"),
        );
    }

    #[test]
    fn silent_when_units_agree_after_conversion() {
        check_rule(
            "unit-scale",
            "基本支出8,901,652.46元。\n\n基本支出890.17万元。",
            None,
        );
    }
}
