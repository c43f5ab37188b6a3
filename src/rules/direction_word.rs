//! ## direction-word
//!
//! **What it checks.** That 增加/减少/增长/下降 (and 增收, 减支, 上升, 降低…) agree with the
//! numbers: `工资福利支出8,065,382.38元，年初预算7,972,225.24元，减少93,157.14元` — the amount
//! went up by exactly 93,157.14, so 减少 is wrong. Also a rate whose word contradicts the
//! change (`减少0.04万元…增长0.01%`).
//!
//! Reported only when the magnitude matches and the sign does not; a wrong magnitude is
//! `change-mismatch` or `rate-mismatch`.
//!
//! **Why.** Templates carry `增加（减少）` and writers pick the wrong half.
//!
//! **Example.**
//!
//! ```text
//! 决算105.00万元，年初预算100.00万元，减少5.00万元   → 增加5.00万元
//! ```
//!
//! **Fix safety.** Safe: the magnitude is proved by the two values, only the word is turned
//! (增加↔减少, with 增长↔下降 in the same statement when it is wrong too).

use crate::analysis::RelationKind;
use crate::engine::Doc;
use crate::extract::words::flip;
use crate::finding::{Applicability, Edit, Finding, Fix, Severity};
use crate::relate::{Check, Verdict};
use crate::rules::shown;

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    let wrong: Vec<_> = doc
        .checks
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::WrongDirection { .. }))
        .collect();
    // The wrong words of each statement, so that a change and its rate share one finding.
    let mut by_statement: rustc_hash::FxHashMap<usize, Vec<usize>> = Default::default();
    for (i, c) in wrong.iter().enumerate() {
        if let Some(s) = doc.stmt_of_num.get(c.target.num).copied().flatten() {
            by_statement.entry(s).or_default().push(i);
        }
    }
    let siblings = |c: &Check| -> Vec<&Check> {
        doc.stmt_of_num
            .get(c.target.num)
            .copied()
            .flatten()
            .and_then(|s| by_statement.get(&s))
            .map(|v| {
                v.iter()
                    .map(|&i| wrong[i])
                    .filter(|o| !std::ptr::eq(*o, c))
                    .collect()
            })
            .unwrap_or_default()
    };
    for c in &wrong {
        let Verdict::WrongDirection { word } = c.verdict else {
            continue;
        };
        let w = &doc.text[word.start..word.end];
        let opposite = if w == "等于" {
            if c.expected.mid() > rust_decimal::Decimal::ZERO {
                "大于"
            } else {
                "小于"
            }
        } else {
            let Some(o) = flip(w) else { continue };
            o
        };
        let comparison = &*c.column == "决算与预算比较";
        // A wrong rate word in the same statement as a wrong change word: one finding, one fix.
        if c.kind == RelationKind::Rate
            && siblings(c)
                .iter()
                .any(|o| o.kind == RelationKind::Change && &*o.column != "决算与预算比较")
        {
            continue;
        }
        let mut edits = vec![Edit {
            span: word,
            new_text: opposite.to_string(),
        }];
        if c.kind == RelationKind::Change && !comparison {
            for r in siblings(c)
                .into_iter()
                .filter(|r| r.kind == RelationKind::Rate)
            {
                if let Verdict::WrongDirection { word: rw } = r.verdict {
                    if let Some(o) = flip(&doc.text[rw.start..rw.end]) {
                        edits.push(Edit {
                            span: rw,
                            new_text: o.to_string(),
                        });
                    }
                }
            }
        }
        let n = &doc.numbers[c.target.num];
        let span = if comparison {
            word
        } else {
            word.cover(n.full_span())
        };
        let what = match c.kind {
            RelationKind::Rate => "增减率",
            _ => "增减额",
        };
        let terms: Vec<String> = c
            .terms
            .iter()
            .map(|t| format!("{} {}", t.label, shown(doc, t, true)))
            .collect();
        let msg = format!(
            "“{}”与数据相反：{}为 {}（{}），应为“{}”",
            &doc.text[span.start..span.end],
            what,
            crate::rules::written_like(doc, &c.target, c.expected.mid()),
            terms.join("，"),
            opposite
        );
        let rest = if comparison {
            ""
        } else {
            &doc.text[word.end..n.full_span().end]
        };
        let title = format!("改为“{opposite}{rest}”");
        out.push(
            Finding::new("direction-word", Severity::Error, span, msg).with_fix(Fix {
                title,
                edits,
                applicability: Applicability::Safe,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_when_the_word_contradicts_the_values() {
        check_rule(
            "direction-word",
            "工资福利支出105.00万元，年初预算100.00万元，⟦减少5.00万元⟧。",
            Some("工资福利支出105.00万元，年初预算100.00万元，增加5.00万元。"),
        );
        check_rule(
            "direction-word",
            "支出总计95.00万元，比上年100.00万元⟦增加5.00万元⟧，增长5.0%。",
            Some("支出总计95.00万元，比上年100.00万元减少5.00万元，下降5.0%。"),
        );
    }

    #[test]
    fn fires_when_greater_is_written_for_less() {
        check_rule(
            "direction-word",
            "1.教育（类）支出。年初预算为300.00万元，支出决算为280.00万元，完成年初预算的93.3%。决算数⟦大于⟧年初预算数，主要原因是人员减少。",
            Some("1.教育（类）支出。年初预算为300.00万元，支出决算为280.00万元，完成年初预算的93.3%。决算数小于年初预算数，主要原因是人员减少。"),
        );
    }

    #[test]
    fn silent_when_it_agrees_or_is_zero() {
        check_rule(
            "direction-word",
            "公务用车购置费0元，比年初预算数0元，减少0.00元。",
            None,
        );
        check_rule(
            "direction-word",
            "商品和服务支出793,236.02元，年初预算781,032.94元，增加12,203.08元。",
            None,
        );
    }
}
