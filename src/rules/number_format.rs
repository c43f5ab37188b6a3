//! ## number-format
//!
//! **What it checks.** How an amount is written:
//! - a full-width comma used as a thousands separator (`478，297.24元`) — an error a reader
//!   may take for a list of two numbers;
//! - an amount written without a unit in a sentence whose other amounts have one
//!   (`比上年减少2,601,483.98，下降20.7%`);
//! - (info) an amount with fewer decimals than the report uses elsewhere (`145,631.2元` in a
//!   report written to the fen), or excess precision (`28861.938591万元`, `0.083%`).
//!
//! **Why.** Reviewers return reports for each of these; a missing unit is how 元 and 万元 get
//! confused.
//!
//! **Example.**
//!
//! ```text
//! 决算478，297.24元          → 决算478,297.24元
//! 减少2,601,483.98，下降…    → 减少2,601,483.98元，下降…
//! ```
//!
//! **Fix safety.** The separator fix is safe. Inserting a unit is unsafe: the unit is taken
//! from the other amounts of the sentence, which is what the writer almost always meant, but
//! not certainly.

use crate::engine::Doc;
use crate::extract::Unit;
use crate::finding::{Applicability, Edit, Finding, Fix, Severity};
use crate::text::Span;

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    full_width_separators(doc, out);
    missing_units(doc, out);
    decimals(doc, out);
}

fn full_width_separators(doc: &Doc, out: &mut Vec<Finding>) {
    for n in &doc.numbers {
        if n.fullwidth_commas.is_empty() {
            continue;
        }
        let raw = &doc.text[n.span.start..n.span.end];
        let fixed = raw.replace('，', ",");
        let f = Finding::new(
            "number-format",
            Severity::Error,
            n.span,
            format!("“{raw}”中的全角逗号“，”用作了千分位分隔符，应为半角“,”：{fixed}"),
        );
        let edits = n.fullwidth_commas.iter().map(|&at| Edit {
            span: Span::new(at, at + '，'.len_utf8()),
            new_text: ",".into(),
        });
        out.push(f.with_fix(Fix {
            title: format!("改为 {fixed}"),
            edits: edits.collect(),
            applicability: Applicability::Safe,
        }));
    }
}

/// An amount in a sentence whose other amounts have a unit, written without one.
fn missing_units(doc: &Doc, out: &mut Vec<Finding>) {
    for st in doc.facts.statements.iter().filter(|s| s.table.is_none()) {
        for f in st.figs.iter().filter(|f| f.unit_inherited) {
            let Some(unit) = unit_text(f.factor) else {
                continue;
            };
            let n = &doc.numbers[f.num];
            let raw = &doc.text[n.span.start..n.span.end];
            out.push(
                Finding::new(
                    "number-format",
                    Severity::Warning,
                    n.span,
                    format!(
                        "金额“{raw}”缺少单位（同句其他金额以“{unit}”为单位，计算时按{unit}理解）"
                    ),
                )
                .with_fix(Fix {
                    title: format!("补上单位：{raw}{unit}"),
                    edits: vec![Edit {
                        span: Span::new(n.span.end, n.span.end),
                        new_text: unit.into(),
                    }],
                    applicability: Applicability::Unsafe,
                }),
            );
        }
    }
}

fn unit_text(factor: rust_decimal::Decimal) -> Option<&'static str> {
    [
        (1u32, "元"),
        (1_000, "千元"),
        (10_000, "万元"),
        (100_000_000, "亿元"),
    ]
    .into_iter()
    .find(|(f, _)| rust_decimal::Decimal::from(*f) == factor)
    .map(|(_, u)| u)
}

/// Fewer decimals than the report writes that unit with, or more than anyone needs.
fn decimals(doc: &Doc, out: &mut Vec<Finding>) {
    let figs: Vec<&crate::facts::Fig> = doc
        .facts
        .statements
        .iter()
        .filter(|s| s.table.is_none())
        .flat_map(|s| s.figs.iter())
        .collect();
    // Per unit, how many figures have each number of decimals: a report writes money in one
    // to three units and with few decimal counts, so short lists beat hash maps.
    let mut by_unit: Vec<(&str, Vec<(u32, usize)>)> = Vec::new();
    for f in &figs {
        let n = &doc.numbers[f.num];
        if let Unit::Money { text, .. } = n.unit {
            let counts = match by_unit.iter().position(|(u, _)| *u == text) {
                Some(i) => &mut by_unit[i].1,
                None => {
                    by_unit.push((text, Vec::new()));
                    &mut by_unit.last_mut().expect("just pushed").1
                }
            };
            match counts.iter_mut().find(|(d, _)| *d == n.decimals) {
                Some((_, k)) => *k += 1,
                None => counts.push((n.decimals, 1)),
            }
        }
    }
    // Per unit: the usual number of decimals, how many figures use it, how many there are.
    let usual: Vec<(&str, (u32, usize, usize))> = by_unit
        .iter()
        .filter_map(|(unit, counts)| {
            let total: usize = counts.iter().map(|(_, k)| k).sum();
            let &(usual, k) = counts
                .iter()
                // Ties go to more decimals, so the answer does not depend on the order met.
                .max_by_key(|(d, k)| (*k, *d))?;
            Some((*unit, (usual, k, total)))
        })
        .collect();
    for f in &figs {
        let n = &doc.numbers[f.num];
        match n.unit {
            Unit::Money { text, .. } => {
                let Some(&(_, (usual, k, total))) = usual.iter().find(|(u, _)| *u == text) else {
                    continue;
                };
                let raw = &doc.text[n.span.start..n.span.end];
                if n.decimals > 0 && n.decimals < usual && total >= 5 && k * 5 >= total * 4 {
                    out.push(Finding::new(
                        "number-format",
                        Severity::Info,
                        n.span,
                        format!(
                            "“{raw}{text}”只有{}位小数，本文的{text}金额通常保留{usual}位",
                            n.decimals
                        ),
                    ));
                } else if n.decimals > 2 && n.decimals > usual {
                    out.push(Finding::new(
                        "number-format",
                        Severity::Info,
                        n.span,
                        format!("“{raw}{text}”有{}位小数，精度过高", n.decimals),
                    ));
                }
            }
            Unit::Percent if n.decimals > 2 => {
                let raw = &doc.text[n.span.start..n.span.end];
                out.push(Finding::new(
                    "number-format",
                    Severity::Info,
                    n.span,
                    format!("“{raw}%”有{}位小数，百分比通常保留1至2位", n.decimals),
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_full_width_separator() {
        check_rule(
            "number-format",
            "决算⟦478，297.24⟧元。",
            Some("决算478,297.24元。"),
        );
    }

    #[test]
    fn fires_on_an_amount_without_unit() {
        check_rule(
            "number-format",
            "本年收入合计9,964,644.70元，比上年减少 ⟦2,601,483.98⟧ ，下降20.7%。",
            Some("本年收入合计9,964,644.70元，比上年减少 2,601,483.98元 ，下降20.7%。"),
        );
    }

    #[test]
    fn silent_on_clause_commas() {
        check_rule("number-format", "收入478,297.24元，支出12元。", None);
    }
}
