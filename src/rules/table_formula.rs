//! ## table-formula
//!
//! **What it checks.** A table's column formulas, declared in its column-number row
//! (`1 2 3 4 5=4/3`: column 5 is column 4 ÷ column 3, a percentage when the column's cells are),
//! row by row, with every cell's rounding propagated: 255.64 ÷ 259.11 = 98.66% → `99%` holds.
//! Blank cells count as 0; a formula over blank cells, or with a zero divisor, is not checked.
//!
//! **Why.** Execution-rate and difference columns are typed, not computed, in many exported
//! tables.
//!
//! **Example.**
//!
//! ```text
//! 单位：万元
//! 项目 | 年初预算数 | 决算数 | 执行率
//! 1    | 2         | 3     | 4=3/2
//! 项目支出 | 200.00 | 150.00 | 80%     → 150.00 ÷ 200.00 = 75%
//! ```
//!
//! **Fix safety.** Unsafe: the recomputed cell is offered; the other cells may be wrong.

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::finding::{Applicability, Finding, Fix, Severity};
use crate::relate::Verdict;
use crate::rules::fmt_num;

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for c in &doc.checks {
        if c.kind != RelationKind::Formula || c.verdict != Verdict::Mismatch {
            continue;
        }
        let t = &c.target;
        let n = &doc.numbers[t.num];
        let pct = n.unit == crate::extract::Unit::Percent;
        let right = fmt_num(
            c.expected.mid()
                / if pct {
                    rust_decimal::Decimal::ONE
                } else {
                    doc_factor(doc, t)
                },
            n.decimals,
        );
        let right = if n.grouped {
            right
        } else {
            right.replace(',', "")
        };
        let msg = format!(
            "{}：{}列为 {}{}，按公式应为 {}{}",
            c.note.as_deref().unwrap_or_default(),
            c.column,
            doc.digits(t.num),
            if pct { "%" } else { "" },
            right,
            if pct { "%" } else { "" }
        );
        out.push(
            Finding::new("table-formula", Severity::Error, n.full_span(), msg).with_fix(
                Fix::replace(
                    format!("改为 {right}"),
                    n.span,
                    right.clone(),
                    Applicability::Unsafe,
                ),
            ),
        );
    }
}

fn doc_factor(doc: &Doc, t: &crate::relate::Term) -> rust_decimal::Decimal {
    crate::rules::scale_of(doc, t).0
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_a_violated_column_formula() {
        check_rule(
            "table-formula",
            "单位：万元\n| 项目 | 年初预算数 | 决算数 | 执行率 |\n|---|---|---|---|\n| 1 | 2 | 3 | 4=3/2 |\n| 项目支出 | 200.00 | 150.00 | ⟦80%⟧ |\n| 基本支出 | 100.00 | 99.00 | 99% |\n",
            Some("单位：万元\n| 项目 | 年初预算数 | 决算数 | 执行率 |\n|---|---|---|---|\n| 1 | 2 | 3 | 4=3/2 |\n| 项目支出 | 200.00 | 150.00 | 75% |\n| 基本支出 | 100.00 | 99.00 | 99% |\n"),
        );
    }

    #[test]
    fn silent_within_rounding() {
        check_rule("table-formula", "单位：万元\n项目\t调整预算数\t决算数\t执行率\n1\t2\t3\t4=3/2\n项目支出\t259.11\t255.64\t99%\n", None);
    }
}
