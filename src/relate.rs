//! Relations between figures, checked with interval arithmetic.
//!
//! Every relation the document states (a change, a rate, a share, a total and its parts, a
//! table formula, the same quantity stated twice) becomes a `Check` with a verdict. The rules
//! turn failing checks into findings; the IDE shows all of them on hover.

use rustc_hash::FxHashSet as HashSet;

use std::collections::hash_map::Entry;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::analysis::RelationKind;
use crate::canon;
use crate::engine::Doc;
use crate::extract::number::{Dimension, Unit};
use crate::extract::words::{Column, Direction};
use crate::facts::{Fig, List, Role, Statement};
use crate::interval::{non_negative, Interval};
use crate::label;
use crate::table::Expr;
use crate::text::Span;

/// A figure taking part in a check.
#[derive(Debug, Clone)]
pub struct Term {
    pub num: usize,
    pub label: Arc<str>,
    /// Value in base units (元 for money), signed as the relation uses it.
    pub iv: Interval,
    /// Multiplier in the relation (+1 or -1 for sums).
    pub coef: i32,
    /// The unit factor the figure is written in (10⁴ for 万元; 1 for percentages).
    pub factor: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Holds,
    /// The stated figure differs from the computed one.
    Mismatch,
    /// The magnitude is right, the direction word is wrong.
    WrongDirection {
        word: Span,
    },
    /// Holds after rescaling term `term` (index into `terms`, or `usize::MAX` for the target) by `factor`.
    UnitScale {
        num: usize,
        factor: Decimal,
    },
    /// A rate stated on a zero base.
    ZeroBase,
}

#[derive(Debug, Clone)]
pub struct Check {
    pub kind: RelationKind,
    pub column: Arc<str>,
    pub target: Term,
    pub terms: Vec<Term>,
    /// What the target should be, in the target's own terms (base units, or % for ratios).
    pub expected: Interval,
    pub verdict: Verdict,
    /// Why the relation applies (why a list is complete…); shared by the checks of one list.
    pub note: Option<Arc<str>>,
    /// Further columns of the same relation that fail.
    pub also: Vec<String>,
}

impl Check {
    pub fn holds(&self) -> bool {
        self.verdict == Verdict::Holds
    }
}

/// The interval a figure stands for, in base units (percent for percentages), unsigned.
pub fn interval_of(doc: &Doc, fig: &Fig) -> Option<Interval> {
    let n = &doc.numbers[fig.num];
    let decimals = if fig.dim == Dimension::Percent {
        n.significant_decimals
    } else {
        n.decimals
    };
    // Counts of people, projects and vehicles are exact; amounts and percentages are rounded.
    if fig.dim == Dimension::Count && n.decimals == 0 {
        return Some(Interval::exact(n.value.checked_mul(fig.factor)?));
    }
    Interval::of_figure(n.value, false, fig.factor, decimals)
}

/// A value as the relation reads it: a written minus sign makes it negative, except after a
/// direction word (which `sign-after-direction` reports).
fn signed(doc: &Doc, fig: &Fig) -> Option<Interval> {
    let iv = interval_of(doc, fig)?;
    Some(match fig.role {
        Role::Change { dir, .. } | Role::Rate { dir, .. } => {
            if dir == Direction::Down {
                iv.negated()
            } else {
                iv
            }
        }
        _ => {
            if doc.numbers[fig.num].sign.is_some() {
                iv.negated()
            } else {
                iv
            }
        }
    })
}

fn term(doc: &Doc, st: &Statement, fig: &Fig, coef: i32) -> Option<Term> {
    Some(Term {
        num: fig.num,
        label: st.label.clone(),
        iv: signed(doc, fig)?,
        coef,
        factor: fig.factor,
    })
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Every check of the document.
pub fn checks(doc: &Doc) -> Vec<Check> {
    // Sized once (a guess: one check a statement, some with a second, as a change and its
    // rate): grown by doubling, the checks were copied ~log n times; at one a statement, a
    // third of the generated reports still copied theirs once.
    let mut out = Vec::with_capacity(doc.facts.statements.len() * 3 / 2);
    for st in &doc.facts.statements {
        change_and_rate(doc, st, &mut out);
    }
    for (i, st) in doc.facts.statements.iter().enumerate() {
        share(doc, i, st, &mut out);
    }
    // Change figures whose own check failed: their sign says nothing about a column sum.
    let failed_changes: HashSet<usize> = out
        .iter()
        .filter(|c| c.kind == RelationKind::Change && !c.holds())
        .map(|c| c.target.num)
        .collect();
    for list in &doc.facts.lists {
        sum(doc, list, &failed_changes, &mut out);
    }
    for t in 0..doc.tables.len() {
        table_checks(doc, t, &mut out);
    }
    same(doc, &mut out);
    for st in &doc.facts.statements {
        comparison(doc, st, &mut out);
    }
    out
}

fn comparator_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"决算数?(大于|小于|等于|高于|低于|多于|少于|超过)(?:年初)?预算数?")
            .expect("comparator regex")
    })
}

/// `决算数大于/小于/等于年初预算数` after a statement of both values: the word must agree.
fn comparison(doc: &Doc, st: &Statement, out: &mut Vec<Check>) {
    let Some(v) = st.value(Column::Current, Dimension::Money) else {
        return;
    };
    let Some(b) = st
        .value(Column::Budget, Dimension::Money)
        .or_else(|| st.value(Column::AnyBudget, Dimension::Money))
    else {
        return;
    };
    let Some(block) = doc.blocks.get(st.block) else {
        return;
    };
    let after = st
        .figs
        .iter()
        .map(|f| doc.numbers[f.num].full_span().end)
        .max()
        .unwrap_or(block.span.end);
    // Up to the next figure of the paragraph: the remark is about this statement only.
    let next = doc.numbers.partition_point(|n| n.span.start < after);
    let until = doc.numbers[next..]
        .iter()
        .find(|n| !n.excluded)
        .map_or(block.span.end, |n| n.span.start.min(block.span.end))
        .max(after);
    let Some(m) = comparator_re().captures(&doc.text[after..until]) else {
        return;
    };
    let Some(word) = m.get(1) else { return };
    let span = Span::new(after + word.start(), after + word.end());
    let (Some(vt), Some(bt)) = (term(doc, st, v, 1), term(doc, st, b, -1)) else {
        return;
    };
    let Some(diff) = vt.iv.minus(bt.iv) else {
        return;
    };
    let zero = Interval::exact(Decimal::ZERO);
    let holds = match word.as_str() {
        "大于" | "高于" | "多于" | "超过" => diff.hi > Decimal::ZERO,
        "小于" | "低于" | "少于" => diff.lo < Decimal::ZERO,
        _ => diff.meets(zero),
    };
    out.push(Check {
        kind: RelationKind::Change,
        column: named("决算与预算比较"),
        target: vt.clone(),
        terms: vec![
            Term {
                label: named(Column::Current.name()),
                ..vt
            },
            Term {
                label: named(b.column.name()),
                ..bt
            },
        ],
        expected: diff,
        verdict: if holds {
            Verdict::Holds
        } else {
            Verdict::WrongDirection { word: span }
        },
        note: None,
        also: Vec::new(),
    });
}

/// The sums of `values` before each index and from each index on (`before[i]` of
/// `values[..i]`, `after[i]` of `values[i..]`), `None` once `add` overflows: the sum of all but
/// one value is `before[i] + after[i + 1]`, for every `i` in one pass each way. Added from the
/// left for `before` and from the right for `after`.
pub fn running_sums<T: Copy>(
    values: &[T],
    zero: T,
    add: impl Fn(T, T) -> Option<T>,
) -> (Vec<Option<T>>, Vec<Option<T>>) {
    let mut before = Vec::with_capacity(values.len() + 1);
    before.push(Some(zero));
    for &v in values {
        let last = *before.last().unwrap_or(&None);
        before.push(last.and_then(|s| add(s, v)));
    }
    let mut after = vec![Some(zero); values.len() + 1];
    for (i, &v) in values.iter().enumerate().rev() {
        after[i] = after[i + 1].and_then(|s| add(v, s));
    }
    (before, after)
}

/// A column's name (or a term's fixed label) as checks hold it: one `Arc` per name and
/// thread, not one per check (a 10 MB bundle's checks allocated ~100,000 copies, each freed
/// again with its relation).
fn named(name: &'static str) -> Arc<str> {
    thread_local! {
        static NAMES: std::cell::RefCell<Vec<(&'static str, Arc<str>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    NAMES.with_borrow_mut(|names| {
        // Compared by address: the names are a few literals.
        if let Some((_, a)) = names.iter().find(|(n, _)| std::ptr::eq(*n, name)) {
            return Arc::clone(a);
        }
        let a: Arc<str> = name.into();
        names.push((name, Arc::clone(&a)));
        a
    })
}

/// The column of a change or rate against `c`: `format!("比{}", c.name())`, without the
/// formatting (a tenth of a change check's work).
fn versus(c: Column) -> &'static str {
    match c {
        Column::Current => "比本年",
        Column::Budget => "比年初预算",
        Column::Adjusted => "比调整预算",
        Column::Prior => "比上年",
        Column::AnyBudget => "比预算",
    }
}

/// The value a change or rate is measured from: 本年 (or the first column that is not the base).
fn current(st: &Statement, base: Column, dim: Dimension) -> Option<&Fig> {
    st.value(Column::Current, dim)
        .filter(|_| base != Column::Current)
        .or_else(|| st.values().find(|f| f.column != base && f.dim == dim))
}

fn change_and_rate(doc: &Doc, st: &Statement, out: &mut Vec<Check>) {
    let change = st.change();
    if let Some(c) = change {
        let dim = c.dim;
        let (Some(v), Some(b)) = (current(st, c.column, dim), st.value(c.column, dim)) else {
            return rate_check(doc, st, None, out);
        };
        let (Some(vi), Some(bi), Some(ci)) = (signed(doc, v), signed(doc, b), signed(doc, c))
        else {
            return;
        };
        let Some(diff) = vi.minus(bi) else { return };
        let Role::Change { dir, word } = c.role else {
            return;
        };
        let mut verdict = if ci.meets(diff) {
            Verdict::Holds
        } else if ci.negated().meets(diff)
            && !diff.meets(Interval::exact(Decimal::ZERO))
            && dir != Direction::Flat
        {
            Verdict::WrongDirection { word }
        } else {
            Verdict::Mismatch
        };
        if verdict == Verdict::Mismatch {
            verdict = rescale(doc, &[(v, 1), (b, -1)], c, diff, |t, e| {
                t.meets(e) || t.negated().meets(e)
            })
            .unwrap_or(Verdict::Mismatch);
        }
        out.push(Check {
            kind: RelationKind::Change,
            column: named(versus(c.column)),
            target: Term {
                num: c.num,
                label: st.label.clone(),
                iv: ci,
                coef: 1,
                factor: c.factor,
            },
            terms: vec![
                Term {
                    num: v.num,
                    label: named(v.column.name()),
                    iv: vi,
                    coef: 1,
                    factor: v.factor,
                },
                Term {
                    num: b.num,
                    label: named(b.column.name()),
                    iv: bi,
                    coef: -1,
                    factor: b.factor,
                },
            ],
            expected: diff,
            verdict,
            note: None,
            also: Vec::new(),
        });
        return rate_check(
            doc,
            st,
            Some(Read {
                base: c.column,
                current: vi,
                base_value: bi,
                change: ci,
            }),
            out,
        );
    }
    rate_check(doc, st, None, out);
}

/// Try rescaling one of the value terms by 10⁴ or 10⁸ to make `ok(target, expected)` hold.
fn rescale(
    doc: &Doc,
    values: &[(&Fig, i32)],
    target: &Fig,
    _expected: Interval,
    ok: impl Fn(Interval, Interval) -> bool,
) -> Option<Verdict> {
    let factors = [
        Decimal::from(10_000),
        Decimal::new(1, 4),
        Decimal::from(100_000_000),
        Decimal::new(1, 8),
    ];
    let mut found = Vec::new();
    let t = signed(doc, target)?;
    for (k, &(f, _)) in values.iter().enumerate() {
        if doc.numbers[f.num].unit_span.is_none() || doc.numbers[f.num].value.is_zero() {
            continue;
        }
        for &s in &factors {
            let mut sum = Interval::exact(Decimal::ZERO);
            for (j, &(g, coef)) in values.iter().enumerate() {
                let mut iv = signed(doc, g)?;
                if j == k {
                    iv = iv.scale(s)?;
                }
                sum = sum.plus(if coef < 0 { iv.negated() } else { iv })?;
            }
            if ok(t, sum) {
                found.push(Verdict::UnitScale {
                    num: f.num,
                    factor: s,
                });
            }
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// The signed figures of a statement's change check, read again by its rate check unless
/// passed on: the column of the base, the current value, the base and the change.
struct Read {
    base: Column,
    current: Interval,
    base_value: Interval,
    change: Interval,
}

fn rate_check(doc: &Doc, st: &Statement, read: Option<Read>, out: &mut Vec<Check>) {
    let Some(r) = st.rate() else { return };
    let Role::Rate { dir: rdir, word } = r.role else {
        return;
    };
    if rdir == Direction::Flat {
        return;
    }
    // The change and its base: stated, or recovered from the current value and the change.
    let base_col = r.column;
    let dim = st
        .change()
        .map(|c| c.dim)
        .or(st.dim())
        .unwrap_or(Dimension::Money);
    // The change check read the same figures when its base is the rate's (and the dimension
    // is the change's).
    let (v, b, c) = match read.filter(|k| k.base == base_col) {
        Some(k) => (Some(k.current), Some(k.base_value), Some(k.change)),
        None => (
            current(st, base_col, dim).and_then(|f| signed(doc, f)),
            st.value(base_col, dim).and_then(|f| signed(doc, f)),
            st.change().and_then(|f| signed(doc, f)),
        ),
    };
    let (chg, base) = match (v, b, c) {
        (Some(v), Some(b), _) => (v.minus(b), Some(b)),
        (Some(v), None, Some(c)) => (Some(c), v.minus(c)),
        (None, Some(b), Some(c)) => (Some(c), Some(b)),
        _ => return,
    };
    let (Some(chg), Some(base)) = (chg, base) else {
        return;
    };
    let Some(ri) = signed(doc, r) else { return };
    let mut terms = Vec::with_capacity(2);
    if let Some(f) = st.change() {
        terms.push(Term {
            num: f.num,
            label: named("增减额"),
            iv: chg,
            coef: 1,
            factor: f.factor,
        });
    }
    if let Some(f) = st.value(base_col, dim) {
        terms.push(Term {
            num: f.num,
            label: named(base_col.name()),
            iv: base,
            coef: 1,
            factor: f.factor,
        });
    } else if let Some(f) = current(st, base_col, dim) {
        terms.push(Term {
            num: f.num,
            label: named(Column::Current.name()),
            iv: v.unwrap_or(base),
            coef: 1,
            factor: f.factor,
        });
    }
    let zero = Interval::exact(Decimal::ZERO);
    let (verdict, expected) = match chg.over(base).and_then(|q| q.scale(HUNDRED)) {
        Some(expected) => {
            let verdict = if ri.meets(expected) {
                Verdict::Holds
            } else if ri.negated().meets(expected) && !expected.meets(zero) {
                Verdict::WrongDirection { word }
            } else {
                Verdict::Mismatch
            };
            (verdict, expected)
        }
        None => {
            // A zero base: no rate can be given (“增长率无可比性”); 增长100% is the classic slip.
            let exact_zero = base.lo == Decimal::ZERO && base.hi == Decimal::ZERO
                || (base.lo <= Decimal::ZERO
                    && base.hi >= Decimal::ZERO
                    && v.zip(c).is_some_and(|(v, c)| v.meets(c) && !c.meets(zero)));
            if !exact_zero || ri.meets(zero) {
                return;
            }
            (Verdict::ZeroBase, zero)
        }
    };
    out.push(Check {
        kind: RelationKind::Rate,
        column: named(versus(base_col)),
        target: Term {
            num: r.num,
            label: st.label.clone(),
            iv: ri,
            coef: 1,
            factor: Decimal::ONE,
        },
        terms,
        expected,
        verdict,
        note: None,
        also: Vec::new(),
    });
}

/// The notes of the template decompositions, by index: why a list is complete (`按决算报表口径
/// …，所列项目完整`) and why table rows add up (`按报表口径 …`). Made once: formatted per list
/// and per table, they were a tenth of the lists' checks.
fn decomposition_notes() -> &'static [(Arc<str>, Arc<str>)] {
    static NOTES: std::sync::OnceLock<Vec<(Arc<str>, Arc<str>)>> = std::sync::OnceLock::new();
    NOTES.get_or_init(|| {
        canon::DECOMPOSITIONS
            .iter()
            .map(|d| {
                let name = canon::name(d);
                (
                    format!("按决算报表口径 {name}，所列项目完整").into(),
                    format!("按报表口径 {name}").into(),
                )
            })
            .collect()
    })
}

/// The list a statement is a part of, if any.
fn list_of<'d>(doc: &'d Doc, i: usize) -> Option<&'d List> {
    doc.list_of_part
        .get(i)
        .copied()
        .flatten()
        .map(|l| &doc.facts.lists[l])
}

/// Whether a share's words for its whole (`占收入合计的`), made canonical, may name the
/// total whose canonical label is `total`.
fn names(d: &str, t: &str) -> bool {
    if d.is_empty() || label::is_generic(d) {
        return true;
    }
    // The comparisons before the searches (a substring searcher costs ~200 instructions on a
    // label); 总 stands for 总额 and 总计 on the side of the words.
    t.ends_with(d)
        || d.ends_with(t)
        || (d.ends_with("支出") && t.ends_with("支出") && d.len() <= t.len() + 9)
        || (d.ends_with("收入") && t.ends_with("收入"))
        || ((d.contains('总') || has_pair(d, '合', '计'))
            && (has_pair(t, '合', '计') || has_pair(t, '总', '额') || has_pair(t, '总', '计')))
}

/// Whether `s` has `a` right before `b`: `s.contains("ab")` by a character search.
fn has_pair(s: &str, a: char, b: char) -> bool {
    s.match_indices(a)
        .any(|(i, m)| s[i + m.len()..].starts_with(b))
}

fn share(doc: &Doc, i: usize, st: &Statement, out: &mut Vec<Check>) {
    let statements = &doc.facts.statements;
    for f in &st.figs {
        let (whole_fig, whole_label) = match &f.role {
            Role::Share { denom, denom_value } => {
                let Some(part_dim) = st.dim() else { continue };
                let list = list_of(doc, i);
                // The words for the whole, made canonical once (when they are looked at).
                let d = if denom_value.is_none() && (list.is_some() || !denom.is_empty()) {
                    label::canonical(&label::normalize(denom).text)
                } else {
                    String::new()
                };
                if let Some(w) = denom_value {
                    let n = &doc.numbers[*w];
                    let wf = Fig {
                        num: *w,
                        role: Role::Value,
                        column: Column::Current,
                        dim: n.dimension(),
                        factor: n.unit.factor(),
                        unit_inherited: false,
                        column_named: false,
                    };
                    (wf, Arc::from(denom.as_str()))
                } else if let Some(list) = list.filter(|l| names(&d, &doc.canonical[l.total])) {
                    let total = &statements[list.total];
                    let Some(w) = total
                        .value(Column::Current, part_dim)
                        .or_else(|| total.values().find(|v| v.dim == part_dim))
                    else {
                        continue;
                    };
                    (w.clone(), total.label.clone())
                } else if !denom.is_empty() {
                    // A whole named in words: the nearest statement before with that label.
                    if d.is_empty() || label::is_generic(&d) {
                        continue;
                    }
                    let same_label = doc
                        .by_label
                        .get(d.as_str())
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let before = same_label.partition_point(|&k| k < i);
                    let Some(w) = same_label[..before]
                        .iter()
                        .rev()
                        .map(|&k| &statements[k])
                        .find(|s| s.table.is_none())
                    else {
                        continue;
                    };
                    let Some(wf) = w.value(Column::Current, part_dim) else {
                        continue;
                    };
                    // Only a whole the document states one way: two different 项目支出 (of
                    // all funds, of 财政拨款) leave the share ambiguous.
                    let Some(wi) = signed(doc, wf) else { continue };
                    let ambiguous = same_label.iter().map(|&k| &statements[k]).any(|s| {
                        s.value(Column::Current, part_dim)
                            .and_then(|f| signed(doc, f))
                            .is_some_and(|iv| !iv.meets(wi))
                    });
                    if ambiguous {
                        continue;
                    }
                    (wf.clone(), w.label.clone())
                } else {
                    continue;
                }
            }
            Role::Completion { of } => {
                // `完成预算的X%` names no column: the budget the sentence states (年初 first).
                let budget = |c: Column| match of {
                    Column::Budget => c == Column::Budget || c == Column::AnyBudget,
                    Column::AnyBudget => {
                        matches!(c, Column::Budget | Column::AnyBudget | Column::Adjusted)
                    }
                    other => c == *other,
                };
                let Some(wf) = st
                    .values()
                    .filter(|v| budget(v.column))
                    .min_by_key(|v| (v.column != *of, v.column != Column::Budget))
                else {
                    continue;
                };
                (wf.clone(), named(of.name()))
            }
            _ => continue,
        };
        let part = match f.role {
            // What was spent: 本年 (决算), else any value that is not the budget itself.
            Role::Completion { of } => st.value(Column::Current, whole_fig.dim).or_else(|| {
                st.values()
                    .find(|v| v.column != of && v.num != whole_fig.num && v.dim == whole_fig.dim)
            }),
            _ => st
                .value(Column::Current, whole_fig.dim)
                .or_else(|| st.values().find(|v| v.dim == whole_fig.dim)),
        };
        let Some(part) = part else { continue };
        if whole_fig.dim != part.dim || whole_fig.num == part.num {
            continue;
        }
        let (Some(p), Some(w), Some(s)) = (
            signed(doc, part),
            signed(doc, &whole_fig),
            interval_of(doc, f),
        ) else {
            continue;
        };
        let Some(expected) = p.over(w).and_then(|q| q.scale(HUNDRED)) else {
            continue;
        };
        let verdict = if s.meets(expected) {
            Verdict::Holds
        } else {
            Verdict::Mismatch
        };
        // A completion ratio (完成年初预算的X%) is a rate of the budget, reported as one.
        let completion = matches!(f.role, Role::Completion { .. });
        out.push(Check {
            kind: if completion {
                RelationKind::Rate
            } else {
                RelationKind::Share
            },
            column: named(if completion { "完成率" } else { "占比" }),
            target: Term {
                num: f.num,
                label: st.label.clone(),
                iv: s,
                coef: 1,
                factor: Decimal::ONE,
            },
            terms: vec![
                Term {
                    num: part.num,
                    label: st.label.clone(),
                    iv: p,
                    coef: 1,
                    factor: part.factor,
                },
                Term {
                    num: whole_fig.num,
                    label: whole_label,
                    iv: w,
                    coef: 1,
                    factor: whole_fig.factor,
                },
            ],
            expected,
            verdict,
            note: None,
            also: Vec::new(),
        });
    }
}

/// Columns a list can be summed in: values by column, and the change by its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SumColumn {
    Value(Column),
    Change(Column),
}

impl SumColumn {
    fn name(self) -> &'static str {
        match self {
            SumColumn::Value(c) => c.name(),
            SumColumn::Change(c) => c.change_amount_name(),
        }
    }
}

fn fig_in(st: &Statement, col: SumColumn, dim: Dimension) -> Option<&Fig> {
    match col {
        SumColumn::Value(c) => st.value(c, dim),
        SumColumn::Change(c) => st.change().filter(|f| f.column == c && f.dim == dim),
    }
}

/// A part's figure in the total's column. Items of `收入预算合计X，其中：财政拨款收入a…` do
/// not repeat 预算: a part's first value, in no named column, is in the total's first column.
fn part_in<'s>(
    part: &'s Statement,
    total: &Statement,
    col: SumColumn,
    dim: Dimension,
) -> Option<&'s Fig> {
    fig_in(part, col, dim).or_else(|| {
        let SumColumn::Value(c) = col else {
            return None;
        };
        // Only when the total has no 本年 of its own (年初预算为X，支出决算为Y，其中：… lists 决算).
        if total.value(Column::Current, dim).is_some() {
            return None;
        }
        let total_first = total.values().find(|f| f.dim == dim)?.column;
        let first = part.values().find(|f| f.dim == dim)?;
        (c == total_first && first.column == Column::Current && !first.column_named)
            .then_some(first)
    })
}

fn sum(doc: &Doc, list: &List, failed_changes: &HashSet<usize>, out: &mut Vec<Check>) {
    let statements = &doc.facts.statements;
    let total = &statements[list.total];
    let Some(dim) = total.dim() else { return };
    if !matches!(dim, Dimension::Money | Dimension::Count) {
        return;
    }
    let parts: Vec<&Statement> = list.parts.iter().map(|&p| &statements[p]).collect();
    // Parts of another dimension (汽车2辆，32.87万元) are read in the total's dimension.
    if parts.iter().any(|p| !p.values().any(|f| f.dim == dim)) {
        return;
    }
    // Counts add up only in the same measure word (人 and 名 are both people).
    if dim == Dimension::Count {
        let word = |st: &Statement| {
            st.values()
                .find(|f| f.dim == dim)
                .map(|f| match doc.numbers[f.num].unit {
                    Unit::Count("名") => "人",
                    Unit::Count(w) => w,
                    _ => "",
                })
        };
        let w = word(total);
        if parts.iter().any(|p| word(p) != w) {
            return;
        }
    }
    let mut columns: Vec<SumColumn> = Vec::new();
    for f in total.figs.iter() {
        let c = match f.role {
            Role::Value if f.dim == dim => SumColumn::Value(f.column),
            Role::Change { .. } if f.dim == dim => SumColumn::Change(f.column),
            _ => continue,
        };
        if parts.iter().all(|p| part_in(p, total, c, dim).is_some()) && !columns.contains(&c) {
            columns.push(c);
        }
    }
    if columns.is_empty() {
        return;
    }
    struct ColSum {
        col: SumColumn,
        total: Term,
        parts: Vec<Term>,
        sum: Interval,
        holds: bool,
        nonzero_parts: usize,
        exceeds: bool,
    }
    let mut sums = Vec::with_capacity(columns.len());
    for &col in &columns {
        let Some(tf) = fig_in(total, col, dim) else {
            continue;
        };
        let Some(t) = term(doc, total, tf, 1) else {
            continue;
        };
        let mut ps = Vec::with_capacity(parts.len());
        for p in &parts {
            let Some(f) = part_in(p, total, col, dim) else {
                break;
            };
            let Some(pt) = term(doc, p, f, 1) else { break };
            ps.push(pt);
        }
        if ps.len() != parts.len() {
            continue;
        }
        let Some(s) = Interval::sum(ps.iter().map(|p| p.iv)) else {
            continue;
        };
        let nonneg = matches!(col, SumColumn::Value(_))
            && ps.iter().all(|p| non_negative(p.iv.hi))
            && non_negative(t.iv.hi);
        let nonzero_parts = ps.iter().filter(|p| !p.iv.contains_zero()).count();
        sums.push(ColSum {
            col,
            holds: s.meets(t.iv),
            exceeds: nonneg && s.lo > t.iv.hi,
            total: t,
            parts: ps,
            sum: s,
            nonzero_parts,
        });
    }
    // Is the list complete? Say why, or stay silent.
    // The statements' labels, made canonical once per document; a decomposition's note once.
    let labels: Vec<&str> = list.parts.iter().map(|&p| &*doc.canonical[p]).collect();
    let mut reason: Option<Arc<str>> =
        canon::complete_canonical(&doc.canonical[list.total], &labels)
            .map(|k| Arc::clone(&decomposition_notes()[k].0));
    if reason.is_none() {
        let shares: Option<Vec<Interval>> = parts
            .iter()
            .map(|p| p.share().and_then(|f| interval_of(doc, f)))
            .collect();
        // Integer shares leave room for a missing item of under 1%: with them, the stated
        // shares must add to exactly 100.
        let coarse = parts.iter().any(|p| {
            p.share()
                .is_some_and(|f| doc.numbers[f.num].significant_decimals == 0)
        });
        if let Some(sh) = shares.filter(|s| !s.is_empty()) {
            let sum = Interval::sum(sh.iter().copied());
            let exact = sh.iter().map(|i| i.mid()).sum::<Decimal>() == HUNDRED;
            if sum.is_some_and(|s| s.meets(Interval::exact(HUNDRED))) && (!coarse || exact) {
                reason = Some("各项占比合计为100%，所列项目完整".into());
                // Rounded shares adding to 100 may leave out an item as large as the
                // rounding: `小微企业…占中小企业的100%` is true of 99.5%.
                let slack = sum.map_or(Decimal::ZERO, |s| (HUNDRED - s.lo).max(Decimal::ZERO));
                for s in sums.iter_mut().filter(|s| !s.holds) {
                    let room = s.total.iv.hi.abs() * slack / HUNDRED;
                    s.holds = s.sum.lo <= s.total.iv.hi && s.total.iv.lo <= s.sum.hi + room;
                }
            }
        }
    }
    if reason.is_none() {
        if let Some(ok) = sums
            .iter()
            .find(|s| s.holds && s.nonzero_parts >= 2 && matches!(s.col, SumColumn::Value(_)))
        {
            reason = Some(format!("{}列各项之和恰等于合计，所列项目完整", ok.col.name()).into());
        }
    }
    let failing: Vec<&ColSum> = sums
        .iter()
        .filter(|s| !s.holds && (reason.is_some() || s.exceeds))
        .collect();
    // A change column fails whenever a value column does; report it only alone.
    let value_fails = failing.iter().any(|s| matches!(s.col, SumColumn::Value(_)));
    // A part whose own change contradicts its direction word is reported there; its sign
    // would make the change column fail here too.
    let wrong_word = |s: &ColSum| s.parts.iter().any(|p| failed_changes.contains(&p.num));
    let failing: Vec<&ColSum> = failing
        .into_iter()
        .filter(|s| !value_fails || matches!(s.col, SumColumn::Value(_)))
        .filter(|s| matches!(s.col, SumColumn::Value(_)) || !wrong_word(s))
        .collect();
    if let Some(first) = failing.first() {
        let note = reason
            .clone()
            .unwrap_or_else(|| "各项均非负，其和已超过合计数".into());
        let scales = [
            Decimal::from(10_000),
            Decimal::new(1, 4),
            Decimal::from(100_000_000),
            Decimal::new(1, 8),
        ];
        // One figure written in the wrong unit? Try rescaling each, alone. The sum of the
        // other parts is a prefix plus a suffix, made once: summing all parts again for each
        // one was quadratic (a list of 20,000 parts took a minute).
        let mut slips = Vec::new();
        let ps = &first.parts;
        let ivs: Vec<Interval> = ps.iter().map(|p| p.iv).collect();
        let (before, after) = running_sums(&ivs, Interval::exact(Decimal::ZERO), |a, b| a.plus(b));
        let all = std::iter::once(&first.total).chain(ps.iter());
        for (k, t) in all.enumerate() {
            // Rescaling a zero says nothing.
            if doc.numbers[t.num].unit_span.is_none() || t.iv.meets(Interval::exact(Decimal::ZERO))
            {
                continue;
            }
            for &f in &scales {
                let Some(scaled) = t.iv.scale(f) else {
                    continue;
                };
                let holds = if k == 0 {
                    before[ps.len()].is_some_and(|s| s.meets(scaled))
                } else {
                    before[k - 1]
                        .and_then(|b| b.plus(scaled))
                        .and_then(|b| after[k].and_then(|a| b.plus(a)))
                        .is_some_and(|s| s.meets(first.total.iv))
                };
                if holds {
                    slips.push(Verdict::UnitScale {
                        num: t.num,
                        factor: f,
                    });
                }
            }
        }
        out.push(Check {
            kind: RelationKind::Sum,
            column: named(first.col.name()),
            target: first.total.clone(),
            terms: first.parts.clone(),
            expected: first.sum,
            verdict: if slips.len() == 1 {
                slips.remove(0)
            } else {
                Verdict::Mismatch
            },
            note: Some(note),
            also: failing[1..]
                .iter()
                .map(|f| {
                    format!(
                        "{}列：{} ≠ {}",
                        f.col.name(),
                        crate::rules::fmt_iv(f.total.iv),
                        crate::rules::fmt_iv(f.sum)
                    )
                })
                .collect(),
        });
        return;
    }
    let reason: Arc<str> =
        reason.unwrap_or_else(|| "各项之和与合计一致（“其中”也可能只列部分项目）".into());
    // The sums are not needed after: their terms are moved into the checks.
    for s in sums.into_iter().filter(|s| s.holds) {
        out.push(Check {
            kind: RelationKind::Sum,
            column: named(s.col.name()),
            target: s.total,
            terms: s.parts,
            expected: s.sum,
            verdict: Verdict::Holds,
            note: Some(Arc::clone(&reason)),
            also: Vec::new(),
        });
    }
}

fn table_checks(doc: &Doc, t: usize, out: &mut Vec<Check>) {
    let table = &doc.tables[t];
    // Each term and check names its row and column: made once per table, shared.
    let row_labels: Vec<Arc<str>> = table.rows.iter().map(|r| r.label.as_str().into()).collect();
    let headers: Vec<Arc<str>> = table.header.iter().map(|h| h.as_str().into()).collect();
    let header = |c: usize| headers.get(c).map_or_else(|| "".into(), Arc::clone);
    let fig_of = |r: usize, c: usize| -> Option<Term> {
        let row = table.rows.get(r)?;
        let cell = row.cells.get(c)?;
        let zero = Interval::exact(Decimal::ZERO);
        match cell.num {
            Some(i) => {
                let n = &doc.numbers[i];
                let (factor, decimals) =
                    if n.unit == Unit::Percent || table.percent.get(c) == Some(&true) {
                        (Decimal::ONE, n.significant_decimals)
                    } else if let Unit::Money { factor, .. } = n.unit {
                        (Decimal::from(factor), n.decimals)
                    } else {
                        (table.factor, n.decimals)
                    };
                let iv = Interval::of_figure(n.value, n.sign.is_some(), factor, decimals)?;
                Some(Term {
                    num: i,
                    label: Arc::clone(&row_labels[r]),
                    iv,
                    coef: 1,
                    factor,
                })
            }
            // An empty cell counts as 0.
            None => Some(Term {
                num: usize::MAX,
                label: Arc::clone(&row_labels[r]),
                iv: zero,
                coef: 1,
                factor: table.factor,
            }),
        }
    };
    // Column formulas, row by row.
    for f in &table.formulas {
        for (r, row) in table.rows.iter().enumerate() {
            let Some(target) = fig_of(r, f.target).filter(|t| t.num != usize::MAX) else {
                continue;
            };
            // A bare figure among written percentages (总计 … 1) is ambiguous: leave it. A
            // header that says % makes every figure of the column a percentage.
            let pct_header = table
                .header
                .get(f.target)
                .is_some_and(|h| h.contains('%') || h.contains('％') || h.contains('率'));
            if table.percent.get(f.target) == Some(&true)
                && doc.numbers[target.num].unit != Unit::Percent
                && !pct_header
            {
                continue;
            }
            let mut terms = Vec::new();
            let Some(v) = eval(&f.expr, &mut |c| {
                let t = fig_of(r, c)?;
                // A formula over blank cells says nothing.
                if t.num == usize::MAX {
                    return None;
                }
                let iv = t.iv;
                terms.push(t);
                Some(iv)
            }) else {
                continue;
            };
            let v = if table.percent.get(f.target) == Some(&true) {
                v.scale(HUNDRED)
            } else {
                Some(v)
            };
            let Some(v) = v else { continue };
            out.push(Check {
                kind: RelationKind::Formula,
                column: header(f.target),
                verdict: if target.iv.meets(v) {
                    Verdict::Holds
                } else {
                    Verdict::Mismatch
                },
                target,
                terms,
                expected: v,
                note: Some(formula_note(
                    &doc.text[f.span.start..f.span.end],
                    &row.label,
                )),
                also: Vec::new(),
            });
        }
    }
    let money_cols: Vec<usize> = (0..table.header.len())
        .filter(|&c| {
            table.percent.get(c) != Some(&true)
                && c > 0
                && table
                    .rows
                    .iter()
                    .any(|r| r.cells.get(c).is_some_and(|x| x.num.is_some()))
        })
        .collect();
    // Rows that add up: canonical decompositions and classification codes.
    let canonical: Vec<String> = table
        .rows
        .iter()
        .map(|r| label::canonical(&r.label))
        .collect();
    let labels: Vec<&str> = canonical.iter().map(String::as_str).collect();
    // Rows by the code of their parent (the code without its last two digits), in order: a
    // row's children found in one lookup, not a pass over the table per row.
    let mut by_parent: foldhash::HashMap<&str, Vec<usize>> = Default::default();
    for (i, row) in table.rows.iter().enumerate() {
        if let Some(parent) = row
            .code
            .as_deref()
            .and_then(|k| k.get(..k.len().checked_sub(2)?))
        {
            by_parent.entry(parent).or_default().push(i);
        }
    }
    let mut groups: Vec<(usize, Vec<usize>, Arc<str>)> = Vec::new();
    // Decompositions by the row naming their total, in row order; each note made once.
    let mut decompositions = canon::in_table(&labels).into_iter().peekable();
    for (r, row) in table.rows.iter().enumerate() {
        while let Some((_, parts, k)) = decompositions.next_if(|g| g.0 == r) {
            if !parts.contains(&r) {
                groups.push((r, parts, Arc::clone(&decomposition_notes()[k].1)));
            }
        }
        if let Some(code) = &row.code {
            if let Some(children) = by_parent.get(code.as_str()) {
                groups.push((
                    r,
                    children.clone(),
                    format!("科目编码 {code} 的下级科目之和").into(),
                ));
            }
        }
    }
    for (r, parts, why) in groups {
        for &c in &money_cols {
            let Some(total) = fig_of(r, c) else { continue };
            let terms: Option<Vec<Term>> = parts.iter().map(|&p| fig_of(p, c)).collect();
            let Some(terms) = terms else { continue };
            if total.num == usize::MAX || terms.iter().all(|t| t.num == usize::MAX) {
                continue;
            }
            let Some(s) = Interval::sum(terms.iter().map(|t| t.iv)) else {
                continue;
            };
            let terms: Vec<Term> = terms.into_iter().filter(|t| t.num != usize::MAX).collect();
            out.push(Check {
                kind: RelationKind::Sum,
                column: header(c),
                verdict: if s.meets(total.iv) {
                    Verdict::Holds
                } else {
                    Verdict::Mismatch
                },
                target: total,
                terms,
                expected: s,
                note: Some(Arc::clone(&why)),
                also: Vec::new(),
            });
        }
    }
}

/// `栏次公式 {formula}（{row}行）`, put together without `format!` (one per row and formula).
fn formula_note(formula: &str, row: &str) -> Arc<str> {
    let mut s = String::with_capacity(formula.len() + row.len() + 24);
    for piece in ["栏次公式 ", formula, "（", row, "行）"] {
        s.push_str(piece);
    }
    s.into()
}

fn eval(e: &Expr, col: &mut dyn FnMut(usize) -> Option<Interval>) -> Option<Interval> {
    match e {
        Expr::Col(c) => col(*c),
        Expr::Bin(a, op, b) => {
            let (a, b) = (eval(a, col)?, eval(b, col)?);
            match op {
                '+' => a.plus(b),
                '-' => a.minus(b),
                '/' => a.over(b),
                '*' => {
                    let c = [
                        a.lo.checked_mul(b.lo)?,
                        a.lo.checked_mul(b.hi)?,
                        a.hi.checked_mul(b.lo)?,
                        a.hi.checked_mul(b.hi)?,
                    ];
                    Some(Interval {
                        lo: *c.iter().min()?,
                        hi: *c.iter().max()?,
                    })
                }
                _ => None,
            }
        }
    }
}

/// A quantity: its canonical label, column and dimension.
type SameKey<'d> = (&'d str, Column, Dimension);

/// The first figure of a quantity: its statement, the figure, and its term once made.
type FirstFigure<'d> = (usize, &'d Fig, Option<Term>);

/// The same quantity stated twice: same label, same column, same dimension.
fn same(doc: &Doc, out: &mut Vec<Check>) {
    // Keyed by labels (document text): a randomly seeded hasher. The first figure of each
    // key, with its term made only when a second figure comes: most quantities are stated
    // once, and a term is an interval and a label to make.
    let mut seen: foldhash::HashMap<SameKey, FirstFigure> =
        foldhash::HashMapExt::with_capacity(doc.facts.statements.len());
    for (i, st) in doc.facts.statements.iter().enumerate() {
        if !quantity_label(&st.label) {
            continue;
        }
        for f in st.values() {
            if !matches!(f.dim, Dimension::Money) {
                continue;
            }
            let key = (quantity_key(&doc.canonical[i]), f.column, f.dim);
            // One lookup, not a `get` and then an `insert`.
            match seen.entry(key) {
                Entry::Vacant(e) => {
                    e.insert((i, f, None));
                }
                Entry::Occupied(mut e) => {
                    let Some(t) = term(doc, st, f, 1) else {
                        continue;
                    };
                    let (first_st, first_fig, first_term) = e.get_mut();
                    if first_term.is_none() {
                        *first_term = term(doc, &doc.facts.statements[*first_st], first_fig, 1);
                    }
                    let Some(first) = first_term.as_ref() else {
                        // The first figure has no interval (it overflows): it never counted,
                        // this one is the first of its key.
                        *e.get_mut() = (i, f, Some(t));
                        continue;
                    };
                    let verdict = if first.iv.meets(t.iv) {
                        Verdict::Holds
                    } else {
                        let unit_slip = [
                            Decimal::from(10_000),
                            Decimal::new(1, 4),
                            Decimal::from(100_000_000),
                            Decimal::new(1, 8),
                        ]
                        .into_iter()
                        // Rescaling a zero says nothing: `0元` × 1亿 still reaches millions.
                        .filter(|_| {
                            let zero = Interval::exact(Decimal::ZERO);
                            !t.iv.meets(zero) && !first.iv.meets(zero)
                        })
                        .find(|&k| t.iv.scale(k).is_some_and(|s| s.meets(first.iv)));
                        match unit_slip {
                            Some(k) => Verdict::UnitScale {
                                num: t.num,
                                factor: k,
                            },
                            None => Verdict::Mismatch,
                        }
                    };
                    out.push(Check {
                        kind: RelationKind::Same,
                        column: named(f.column.name()),
                        target: t,
                        terms: vec![first.clone()],
                        expected: first.iv,
                        verdict,
                        note: None,
                        also: Vec::new(),
                    });
                }
            }
        }
    }
}

/// The quantity a canonical label names: 收入总计 and 支出总计 are always equal, so 收、支总计
/// states both.
fn quantity_key(c: &str) -> &str {
    match c {
        // A 预算说明 says 收、支总预算 (read as 收、支总 in the budget column) for it.
        "收、支总计" | "收支总计" | "收入总计" | "支出总计" | "收、支总" | "收支总" => {
            "收支总计"
        }
        "财政拨款收、支总计" | "财政拨款收支总计" | "财政拨款收入总计" | "财政拨款支出总计" => {
            "财政拨款收支总计"
        }
        _ => c,
    }
}

/// Labels specific enough that two statements of them are the same quantity.
fn quantity_label(l: &str) -> bool {
    if matches!(l, "收、支总" | "收支总") {
        return true;
    }
    // The ending first: it rules out most labels in a few byte comparisons.
    let standard = ["总计", "合计", "收入", "支出", "经费", "费"]
        .iter()
        .any(|w| l.ends_with(w));
    // At least 4 characters: counted no further than the 4th.
    let specific = || l.chars().nth(3).is_some() && !label::is_generic(l);
    // One pass for both characters (two `contains` set up two searches).
    standard && specific() && !l.contains(['在', '以'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quantity's first figure without an interval (it overflows) never counts: the next
    /// statement of it is the first, and the third is checked against the second.
    #[test]
    fn a_figure_without_interval_is_not_the_first_of_its_quantity() {
        let text = "本年支出合计99999999999999999999999999亿元。\
                    本年支出合计100.00万元。本年支出合计100.00万元。";
        let a = crate::analyze(text);
        let same: Vec<_> = a
            .relations
            .iter()
            .filter(|r| r.kind == RelationKind::Same)
            .collect();
        assert_eq!(same.len(), 1, "{:?}", a.relations);
        let second = text.find("100.00").expect("second");
        let third = text.rfind("100.00").expect("third");
        assert_eq!(
            (same[0].parts[0].span.start, same[0].target.span.start),
            (second, third)
        );
        assert!(same[0].holds);
    }

    /// `names` as it was, on the raw words and label: the reference.
    fn names_before(denom: &str, total: &str) -> bool {
        let d = label::normalize(denom).text;
        let d = label::canonical(&d);
        let t = label::canonical(total);
        if d.is_empty() || label::is_generic(&d) {
            return true;
        }
        t.ends_with(&d)
            || d.ends_with(&t)
            || (["合计", "总额", "总计", "总"].iter().any(|w| d.contains(w))
                && ["合计", "总额", "总计"].iter().any(|w| t.contains(w)))
            || (d.ends_with("支出") && t.ends_with("支出") && d.len() <= t.len() + 9)
            || (d.ends_with("收入") && t.ends_with("收入"))
    }

    #[test]
    fn names_is_as_before() {
        let words = [
            "",
            "合",
            "计",
            "合计",
            "总",
            "额",
            "总额",
            "总计",
            "支出",
            "收入",
            "本年",
            "的",
            "基本支出",
            "项目支出",
            "收入合计",
            "一般公共预算财政拨款",
            "\u{a0}",
            "\u{3000}",
            "\r\n",
            "\r",
            "１２",
            "12345678901234567890",
            "占",
            "其中",
            "（",
            "）",
        ];
        let mut rng = crate::testing::Lcg::new(23);
        let mut pick = |k: u64| -> String {
            let n = rng.next() % k;
            (0..n)
                .map(|_| words[(rng.next() % words.len() as u64) as usize])
                .collect()
        };
        for _ in 0..20_000 {
            let (denom, total) = (pick(5), pick(6));
            let d = label::canonical(&label::normalize(&denom).text);
            let t = label::canonical(&total);
            assert_eq!(
                names(&d, &t),
                names_before(&denom, &total),
                "{denom:?} {total:?}"
            );
        }
    }

    #[test]
    fn column_words_are_as_formatted() {
        for c in [
            Column::Current,
            Column::Budget,
            Column::Adjusted,
            Column::Prior,
            Column::AnyBudget,
        ] {
            assert_eq!(versus(c), format!("比{}", c.name()));
        }
        for (f, r) in [("", ""), ("5=1+2", "合计"), ("\r\n", "\u{3000}")] {
            assert_eq!(&*formula_note(f, r), format!("栏次公式 {f}（{r}行）"));
        }
    }
}
