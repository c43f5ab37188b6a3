//! Hover: where a figure comes from. On a total, the table of its parts; on a part, its total
//! and share; on a change or rate, the base it implies and the recomputed rate; on a unit, the
//! value in 元/万元/亿元. Markdown, because every editor renders it.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::format::{convert, group, group_dp, money_scale, percent};
use crate::analysis::{AmountInfo, Analysis, Relation, RelationKind, Term};
use crate::text::{LineIndex, Span};

/// What to show, and the figure (or unit) it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    pub span: Span,
    pub markdown: String,
}

/// The hover at byte `offset` of `text`, or `None` when there is nothing to say.
pub fn hover(analysis: &Analysis, text: &str, offset: usize) -> Option<HoverResult> {
    // Inside a number first; then the unit under the cursor (an editor reports the position of
    // the character under the mouse, which for `元` is where the number ends); then a cursor
    // just after a number.
    if let Some(amount) = analysis.amounts.iter().find(|a| a.span.contains(offset)) {
        // The engine's spans include the unit (`4,300,000.00元`): on the unit, convert.
        let written = text.get(amount.span.start..amount.span.end).unwrap_or("");
        let unit_start = amount.span.end.saturating_sub(amount.unit.len());
        if money_scale(amount.unit).is_some()
            && written.ends_with(amount.unit)
            && offset >= unit_start
        {
            return Some(unit_hover(amount, Span::new(unit_start, amount.span.end)));
        }
        return Some(on_amount(analysis, text, amount));
    }
    if let Some(h) = on_unit(analysis, text, offset) {
        return Some(h);
    }
    let amount = analysis.amount_at(offset)?;
    Some(on_amount(analysis, text, amount))
}

fn on_amount(analysis: &Analysis, text: &str, a: &AmountInfo) -> HoverResult {
    let mut md = String::new();
    let label = if a.label.is_empty() {
        "金额"
    } else {
        &a.label
    };
    let _ = write!(md, "**{label}**");
    if !a.column.is_empty() {
        let _ = write!(md, "（{}）", a.column);
    }
    let _ = writeln!(md, "：{}", with_unit(a.value, a.unit));

    let idx = LineIndex::new(text);
    let mut any = false;
    for r in analysis.relations_of(a.span) {
        any = true;
        md.push('\n');
        if r.target.span == a.span {
            on_target(&mut md, r, text);
        } else {
            on_part(&mut md, r, a.span, text, &idx);
        }
    }
    if !any {
        md.push_str("\n未发现与此数相关的勾稽关系。\n");
    }
    if let Some(key) = &a.key {
        let others = analysis
            .amounts
            .iter()
            .filter(|o| o.key.as_ref() == Some(key) && o.span != a.span)
            .count();
        if others > 0 {
            let _ = writeln!(
                md,
                "\n同一数量在文中另有 {others} 处表述（转到定义/查找引用）。"
            );
        }
    }
    HoverResult {
        span: a.span,
        markdown: md,
    }
}

/// The hovered figure is the one the relation checks.
fn on_target(md: &mut String, r: &Relation, text: &str) {
    let t = &r.target;
    match r.kind {
        RelationKind::Sum => sum_table(md, r),
        RelationKind::Change => {
            let _ = writeln!(md, "**变动额**{}", verdict(r.holds));
            let stated = signed(text, t);
            if let [current, base, ..] = r.parts.as_slice() {
                let cur = convert(current.value, current.unit, t.unit);
                let b = convert(base.value, base.unit, t.unit);
                let _ = writeln!(
                    md,
                    "\n- 重算：{} {} − {} {} = {}",
                    name(current),
                    group(cur),
                    name(base),
                    group(b),
                    r.expected
                );
                let _ = writeln!(md, "- 所述：{}", with_unit(stated, t.unit));
                let implied = cur - stated;
                let _ = writeln!(
                    md,
                    "- 所述变动额隐含的{} = {} − ({}) = {}",
                    name(base),
                    group(cur),
                    group(stated),
                    with_unit(implied, t.unit)
                );
                if let Some(p) = percent(stated, implied) {
                    let _ = writeln!(md, "- 按此基数的变动率：{p}");
                }
                if let Some(p) = percent(cur - b, b) {
                    let _ = writeln!(md, "- 按所述两数重算的变动率：{p}");
                }
            }
        }
        RelationKind::Rate => {
            let _ = writeln!(md, "**变动率**{}", verdict(r.holds));
            // The engine gives the change and either the base or the current value.
            let change = r.parts.iter().find(|p| p.label.contains("增减"));
            let other = r.parts.iter().find(|p| !p.label.contains("增减"));
            if let (Some(change), Some(other)) = (change, other) {
                let c = signed(text, change);
                let o = convert(other.value, other.unit, change.unit);
                let is_base = ["上年", "预算", "基数"]
                    .iter()
                    .any(|w| other.label.contains(w));
                let base = if is_base { o } else { o - c };
                let _ = writeln!(md, "\n- 变动额：{}", with_unit(c, change.unit));
                if is_base {
                    let _ = writeln!(
                        md,
                        "- 基数（{}）：{}",
                        name(other),
                        with_unit(base, change.unit)
                    );
                } else {
                    let _ = writeln!(
                        md,
                        "- 隐含的基数 = {}{} − ({}) = {}",
                        name(other),
                        group(o),
                        group(c),
                        with_unit(base, change.unit)
                    );
                }
                if let Some(p) = percent(c, base) {
                    let _ = writeln!(md, "- 重算变动率：{} ÷ {} = {p}", group(c), group(base));
                }
            } else {
                let _ = writeln!(md, "\n- 重算变动率：{}", r.expected);
            }
            let _ = writeln!(md, "- 所述：{}", with_unit(signed(text, t), t.unit));
        }
        RelationKind::Share => {
            let _ = writeln!(md, "**占比**{}", verdict(r.holds));
            if let [part, whole, ..] = r.parts.as_slice() {
                let _ = writeln!(
                    md,
                    "\n- {} {} ÷ {} {}",
                    name(part),
                    with_unit(part.value, part.unit),
                    name(whole),
                    with_unit(whole.value, whole.unit)
                );
            }
            let _ = writeln!(md, "- 重算：{}", r.expected);
            let _ = writeln!(md, "- 所述：{}", with_unit(t.value, t.unit));
        }
        RelationKind::Same => same(md, r, r.parts.first()),
        RelationKind::Formula => {
            let _ = writeln!(md, "**表格公式**（{}）{}", r.column, verdict(r.holds));
            let _ = writeln!(md, "\n- 重算：{}", r.expected);
            let _ = writeln!(md, "- 所述：{}", with_unit(t.value, t.unit));
        }
    }
    if let Some(note) = &r.note {
        let _ = writeln!(md, "\n{note}");
    }
}

/// The total's parts as a table, then the recomputed sum, the stated value and the difference.
fn sum_table(md: &mut String, r: &Relation) {
    let t = &r.target;
    let column = if r.column.is_empty() {
        String::new()
    } else {
        format!("（{}）", r.column)
    };
    let _ = writeln!(md, "**合计**{column}{}\n", verdict(r.holds));
    let _ = writeln!(md, "| 组成部分 | 金额 | 占合计 |\n|---|---:|---:|");
    let mut sum = Decimal::ZERO;
    for p in &r.parts {
        let v = convert(p.value, p.unit, t.unit);
        sum += v;
        let share = percent(v, t.value).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            cell(&p.label),
            with_unit(p.value, p.unit),
            share
        );
    }
    let _ = writeln!(md, "| **各部分之和** | **{}** | |", r.expected);
    let _ = writeln!(md, "\n- 所述合计：{}", with_unit(t.value, t.unit));
    let diff = t.value - sum;
    if diff.is_zero() {
        let _ = writeln!(md, "- 差额：0");
    } else {
        let _ = writeln!(md, "- 差额（所述 − 重算）：{}", with_unit(diff, t.unit));
    }
    if r.note.is_none() {
        let _ = writeln!(md, "- 完整性：各部分按原文列举取用");
    }
}

/// The hovered figure is one of the relation's parts.
fn on_part(md: &mut String, r: &Relation, span: Span, text: &str, idx: &LineIndex) {
    let t = &r.target;
    let me = r.parts.iter().find(|p| p.span == span);
    match r.kind {
        RelationKind::Sum => {
            let _ = write!(
                md,
                "是 **{}**{} {} 的组成部分",
                t.label,
                col(&r.column),
                with_unit(t.value, t.unit)
            );
            if let Some(p) = me {
                if let Some(s) = percent(convert(p.value, p.unit, t.unit), t.value) {
                    let _ = write!(md, "，占 {s}");
                }
            }
            md.push_str("。\n");
            if r.holds {
                let _ = writeln!(md, "\n合计与各部分之和相符 ✓");
            } else {
                let _ = writeln!(
                    md,
                    "\n✗ 该合计与各部分之和不符：各部分之和为 {}，所述合计为 {}。",
                    r.expected,
                    group(t.value)
                );
            }
        }
        RelationKind::Change | RelationKind::Rate | RelationKind::Share | RelationKind::Formula => {
            let what = match r.kind {
                RelationKind::Change => "变动额",
                RelationKind::Rate => "变动率",
                RelationKind::Share => "占比",
                _ => "表格公式",
            };
            let _ = writeln!(
                md,
                "参与{what}计算：所述 {}，重算 {}{}",
                with_unit(signed(text, t), t.unit),
                r.expected,
                verdict(r.holds)
            );
        }
        RelationKind::Same => {
            same_at(md, r, t, idx);
        }
    }
}

fn same(md: &mut String, r: &Relation, other: Option<&Term>) {
    let _ = writeln!(md, "**同一数量的另一处表述**{}", verdict(r.holds));
    if let Some(o) = other {
        let _ = writeln!(md, "\n- 另一处：{}", with_unit(o.value, o.unit));
    }
}

fn same_at(md: &mut String, r: &Relation, other: &Term, idx: &LineIndex) {
    let line = idx.line_of(other.span.start) + 1;
    let _ = writeln!(
        md,
        "第 {line} 行另述为 {}{}",
        with_unit(other.value, other.unit),
        verdict(r.holds)
    );
}

/// Hover on a unit written right after an amount: the value in the other money units.
fn on_unit(analysis: &Analysis, text: &str, offset: usize) -> Option<HoverResult> {
    let a = analysis.amounts.iter().find(|a| {
        if money_scale(a.unit).is_none() || a.span.end > offset {
            return false;
        }
        let after = text.get(a.span.end..).unwrap_or("");
        let gap = after.len() - after.trim_start_matches([' ', '\u{3000}']).len();
        let start = a.span.end + gap;
        after[gap..].starts_with(a.unit) && offset < start + a.unit.len()
    })?;
    let after = &text[a.span.end..];
    let gap = after.len() - after.trim_start_matches([' ', '\u{3000}']).len();
    let span = Span::new(a.span.end + gap, a.span.end + gap + a.unit.len());
    Some(unit_hover(a, span))
}

fn unit_hover(a: &AmountInfo, span: Span) -> HoverResult {
    let mut md = format!("**{}**\n\n", with_unit(a.value, a.unit));
    for unit in ["元", "万元", "亿元"] {
        if unit != a.unit {
            let v = convert(a.value, a.unit, unit);
            let dp = match unit {
                "元" => 2,
                "万元" => 6,
                _ => 8,
            };
            let shown = group_dp(v, dp);
            let shown = if shown.contains('.') {
                shown.trim_end_matches('0').trim_end_matches('.')
            } else {
                &shown
            };
            let _ = writeln!(md, "- = {shown} {unit}");
        }
    }
    HoverResult { span, markdown: md }
}

/// A change or rate with the sign its direction word gives it: `减少152,300.00` is −152,300.00.
/// (The engine's terms carry the value as written.)
fn signed(text: &str, t: &Term) -> Decimal {
    let before = text.get(..t.span.start).unwrap_or("");
    let before = before.trim_end_matches([' ', '\u{3000}', '了']);
    let down = ["减少", "下降", "降低", "减"]
        .iter()
        .any(|w| before.ends_with(w));
    let up = ["增加", "增长", "提高", "上升", "增"]
        .iter()
        .any(|w| before.ends_with(w));
    if down {
        -t.value.abs()
    } else if up {
        t.value.abs()
    } else {
        t.value
    }
}

fn with_unit(v: Decimal, unit: &str) -> String {
    if unit.is_empty() {
        group(v)
    } else if unit == "%" {
        format!("{}%", group(v))
    } else {
        format!("{} {unit}", group(v))
    }
}

fn name(t: &Term) -> &str {
    if t.label.is_empty() {
        "—"
    } else {
        &t.label
    }
}

/// A label safe inside a Markdown table cell.
fn cell(label: &str) -> String {
    if label.is_empty() {
        "—".into()
    } else {
        label.replace('|', "\\|")
    }
}

fn col(column: &str) -> String {
    if column.is_empty() {
        String::new()
    } else {
        format!("（{column}）")
    }
}

fn verdict(holds: bool) -> &'static str {
    if holds {
        " ✓ 相符"
    } else {
        " ✗ 不相符"
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::str::FromStr;

    pub(crate) fn term(text: &str, label: &str, needle: &str, unit: &'static str) -> Term {
        let start = text.find(needle).expect(needle);
        Term {
            label: label.into(),
            span: Span::new(start, start + needle.len()),
            value: Decimal::from_str(&needle.replace(',', "")).unwrap(),
            unit,
        }
    }

    pub(crate) fn amount(t: &Term, column: &'static str) -> AmountInfo {
        AmountInfo {
            span: t.span,
            value: t.value,
            unit: t.unit,
            label: t.label.clone(),
            column,
            key: Some(crate::analysis::QuantityKey {
                label: t.label.clone(),
                column,
            }),
        }
    }

    /// A hand-built analysis of a small 基本支出 paragraph whose parts exceed the total.
    pub(crate) fn sample() -> (String, Analysis) {
        let text = "基本支出901.50元，其中：人员经费800.00元，公用经费201.50元。".to_string();
        let total = term(&text, "基本支出", "901.50", "元");
        let a = term(&text, "人员经费", "800.00", "元");
        let b = term(&text, "公用经费", "201.50", "元");
        let analysis = Analysis {
            relations: vec![Relation {
                kind: RelationKind::Sum,
                column: "决算".into(),
                target: total.clone(),
                parts: vec![a.clone(), b.clone()],
                expected: crate::analysis::Expected {
                    value: rust_decimal::Decimal::new(100150, 2),
                    decimals: 2,
                    percent: false,
                },
                holds: false,
                note: Some("“其中”列举的两项视为完整。".into()),
            }],
            amounts: vec![
                amount(&total, "决算"),
                amount(&a, "决算"),
                amount(&b, "决算"),
            ],
            ..Analysis::default()
        };
        (text, analysis)
    }

    #[test]
    fn hover_on_a_total_shows_its_parts() {
        let (text, analysis) = sample();
        let at = text.find("901.50").unwrap() + 2;
        let h = hover(&analysis, &text, at).unwrap();
        assert_eq!(&text[h.span.start..h.span.end], "901.50");
        for want in [
            "人员经费",
            "800.00 元",
            "公用经费",
            "88.74%",
            "1,001.50",
            "-100.00 元",
            "视为完整",
            "不相符",
        ] {
            assert!(
                h.markdown.contains(want),
                "{want} missing in\n{}",
                h.markdown
            );
        }
    }

    #[test]
    fn hover_on_a_part_shows_its_total_and_share() {
        let (text, analysis) = sample();
        let at = text.find("201.50").unwrap();
        let h = hover(&analysis, &text, at).unwrap();
        assert!(h.markdown.contains("基本支出"), "{}", h.markdown);
        assert!(h.markdown.contains("22.35%"), "{}", h.markdown);
    }

    #[test]
    fn hover_on_a_unit_converts() {
        let (text, analysis) = sample();
        let at = text.find("元，其中").unwrap();
        let h = hover(&analysis, &text, at).unwrap();
        assert_eq!(&text[h.span.start..h.span.end], "元");
        assert!(h.markdown.contains("0.09015 万元"), "{}", h.markdown);
        assert_eq!(hover(&analysis, &text, 0), None);
    }
}
