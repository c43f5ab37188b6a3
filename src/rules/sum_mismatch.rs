//! ## sum-mismatch
//!
//! **What it checks.** A stated total against the sum of its parts, wherever the report says
//! that the parts make the total: `合计/总计 … 其中：…；…`, `包括`, `主要用于以下方面：` followed
//! by a list (also across paragraphs), counts (`获奖项目178项，其中…`), and the rows of a table
//! (`基本支出 = 人员经费 + 公用经费`, classification codes 201 = Σ 20101…).
//!
//! Every stated figure stands for an interval (± half a unit of its last digit), so 810.84 +
//! 79.32 = 890.16 against a stated 890.17 holds: it is rounding, not an error.
//!
//! A `其中` list often names only some parts (`固定资产1,465.58万元，其中：房屋120万元；汽车32.87万元`).
//! So a sum is only checked when the list is known to be complete, and the message says why:
//! - it is a decomposition fixed by the report template (`基本支出 = 工资福利支出 +
//!   商品和服务支出 + 对个人和家庭的补助 + 资本性支出`, the six income sources, the five kinds
//!   of expenditure, the three “三公” items…);
//! - the parts' shares add up to 100%;
//! - the same list adds up exactly in another column (本年 sums, so 年初预算 must too);
//! - or the parts, all non-negative, already exceed the total.
//!
//! **Why.** A total that does not match its parts is the most common reason a report is sent
//! back.
//!
//! **Example.**
//!
//! ```text
//! 基本支出100.00万元，其中：工资福利支出60.00万元，商品和服务支出30.00万元，
//! 对个人和家庭的补助20.00万元，资本性支出0万元。
//!   → 基本支出 100.00万元 ≠ 60.00 + 30.00 + 20.00 + 0 = 110.00（差 -10.00）
//! ```
//!
//! **Fix safety.** Unsafe: which figure is wrong is a guess. When one figure alone explains
//! the difference as a slip of the pen (one wrong digit, two digits swapped, a sign), the
//! message names it and its correction is offered first; then the total recomputed from the
//! parts.

use rust_decimal::Decimal;

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::finding::{Finding, Severity};
use crate::relate::Verdict;
use crate::rules::{probable_typo, replace_fix, shown, written_like};

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for c in &doc.checks {
        if c.kind != RelationKind::Sum || c.verdict != Verdict::Mismatch {
            continue;
        }
        let t = &c.target;
        let total_unit = doc.numbers[t.num].unit.clone();
        let parts: Vec<String> = c
            .terms
            .iter()
            .map(|p| {
                let same_unit = p.num == usize::MAX
                    || doc.numbers[p.num].unit == total_unit
                    || doc.numbers[p.num].unit_span.is_none();
                format!("{} {}", p.label, shown(doc, p, !same_unit))
            })
            .collect();
        let sum = written_like(doc, t, c.expected.mid());
        let diff = written_like(doc, t, t.iv.mid() - c.expected.mid());
        let mut msg = format!(
            "{} {} ≠ {} = {}{}（差 {}）",
            t.label,
            shown(doc, t, true),
            parts.join(" + "),
            sum,
            total_unit.text(),
            diff
        );
        if !c.column.is_empty() && &*c.column != "本年" {
            msg = format!("[{}] {msg}", c.column);
        }
        for a in &c.also {
            msg.push_str(&format!("；另 {a}"));
        }
        if let Some(note) = &c.note {
            msg.push_str(&format!("。{note}"));
        }
        let typo = probable_typo(doc, c);
        if let Some((p, right, kind)) = &typo {
            msg.push_str(&format!(
                "；疑似“{}”{}，应为 {}",
                shown(doc, p, true),
                kind,
                right
            ));
        }
        let n = &doc.numbers[t.num];
        let mut f = Finding::new("sum-mismatch", Severity::Error, n.full_span(), msg);
        for p in &c.terms {
            if p.num != usize::MAX {
                f = f.with_related(
                    doc.numbers[p.num].full_span(),
                    format!("组成项：{} {}", p.label, shown(doc, p, true)),
                );
            }
        }
        if let Some((p, right, _)) = &typo {
            f = f.with_fix(replace_fix(doc, p, right));
        }
        if typo.as_ref().is_none_or(|(p, _, _)| p.num != t.num) && t.iv.mid() != Decimal::MIN {
            f = f.with_fix(replace_fix(doc, t, &sum));
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_a_template_decomposition() {
        check_rule(
            "sum-mismatch",
            "基本支出⟦100.00万元⟧，其中：工资福利支出60.00万元，商品和服务支出30.00万元，对个人和家庭的补助20.00万元，资本性支出0万元。",
            Some("基本支出110.00万元，其中：工资福利支出60.00万元，商品和服务支出30.00万元，对个人和家庭的补助20.00万元，资本性支出0万元。"),
        );
    }

    #[test]
    fn fires_when_counted_parts_exceed_the_total_and_names_the_swapped_digits() {
        check_rule(
            "sum-mismatch",
            "评出优秀作品⟦124项⟧，其中论文类50项、发明类80项、绘画类12项。",
            Some("评出优秀作品142项，其中论文类50项、发明类80项、绘画类12项。"),
        );
    }

    #[test]
    fn silent_on_partial_lists_and_rounding() {
        check_rule(
            "sum-mismatch",
            "固定资产总额1,465.58万元，其中：房屋120万元；汽车2辆，32.87万元。",
            None,
        );
        check_rule(
            "sum-mismatch",
            "基本支出890.17万元，其中：人员经费810.84万元，公用经费79.32万元。",
            None,
        );
    }
}
