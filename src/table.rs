//! Tables: a header, an optional column-number row with formulas (`1 2 3 4 5=4/3`), and data
//! rows of a label and figures. The unit comes from a `单位：万元` line above the table or a
//! header cell; an empty cell (blank or `　`) counts as 0.

#[cfg(test)]
use regex::Regex;
#[cfg(test)]
use std::sync::OnceLock;

use rust_decimal::Decimal;

use crate::extract::number::{Dimension, Number};
use crate::extract::words::Column;
use crate::segment::RawTable;
use crate::text::search::contains;
use crate::text::Span;

/// A column formula: `target = expr`, columns 0-based positions in the row.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Col(usize),
    Bin(Box<Expr>, char, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub target: usize,
    pub expr: Expr,
    /// The formula as written.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub span: Span,
    /// Index into `Doc::numbers` when the cell holds a figure.
    pub num: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub label_span: Span,
    pub cells: Vec<Cell>,
    /// Classification code at the start of the row (201 / 20101 / 2010101).
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub span: Span,
    /// Money factor of unmarked figures (10⁴ under `单位：万元`).
    pub factor: Decimal,
    /// A 单位 line or header said which unit unmarked figures are in; without it they are
    /// compared with nothing outside the table.
    pub unit_declared: bool,
    pub header: Vec<String>,
    pub columns: Vec<Option<Column>>,
    /// Columns whose figures are percentages.
    pub percent: Vec<bool>,
    pub formulas: Vec<Formula>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The same table with its offsets moved by `by` bytes and its number indices by `num`.
    pub fn moved(&self, by: isize, num: isize) -> Table {
        Table {
            span: self.span.moved(by),
            formulas: self
                .formulas
                .iter()
                .map(|f| Formula {
                    span: f.span.moved(by),
                    ..f.clone()
                })
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|r| Row {
                    label_span: r.label_span.moved(by),
                    cells: r
                        .cells
                        .iter()
                        .map(|c| Cell {
                            span: c.span.moved(by),
                            num: c.num.map(|n| n.wrapping_add_signed(num)),
                        })
                        .collect(),
                    ..r.clone()
                })
                .collect(),
            ..self.clone()
        }
    }
}

/// The unit declarations `unit_of` finds (kept for the tests).
#[cfg(test)]
fn unit_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"单位\s*[:：]\s*(亿元|万元|千元|元)|[（(]\s*(亿元|万元|千元|元)\s*[）)]")
            .expect("unit regex")
    })
}

/// `unit_of(s).is_some()`.
fn declares_unit(s: &str) -> bool {
    unit_of(s).is_some()
}

/// The unit of the first declaration in `s`, as the regex
/// `单位\s*[:：]\s*(亿元|万元|千元|元)|[（(]\s*(亿元|万元|千元|元)\s*[）)]` finds it (its group 1
/// or 2), written out: compiling the regex cost more than a bundle's searches. No unit is a
/// prefix of another that starts like it, and no space is a colon or a unit, so no step
/// gives back what it took. Each unit ends in 元: most cells are ruled out by one scan.
fn unit_of(s: &str) -> Option<&'static str> {
    if !contains(s, "元") {
        return None;
    }
    fn unit(t: &str) -> Option<(&'static str, &str)> {
        ["亿元", "万元", "千元", "元"]
            .into_iter()
            .find_map(|u| Some((u, t.strip_prefix(u)?)))
    }
    s.char_indices().find_map(|(i, c)| match c {
        '单' => {
            let t = spaces(s[i..].strip_prefix("单位")?);
            let (u, _) = unit(spaces(t.strip_prefix([':', '：'])?))?;
            Some(u)
        }
        '（' | '(' => {
            let (u, after) = unit(spaces(&s[i + c.len_utf8()..]))?;
            spaces(after).starts_with(['）', ')']).then_some(u)
        }
        _ => None,
    })
}

/// `t` without its leading spaces (`\\s*`).
fn spaces(t: &str) -> &str {
    t.trim_start_matches(char::is_whitespace)
}

/// Whether `s` is a column formula (`5=4/3`).
fn is_formula(s: &str) -> bool {
    formula_rhs(s).is_some()
}

/// The expression of a column formula, as the regex
/// `^([0-9]{1,2})\s*=\s*([0-9（）()+\-*/×÷ ]+)$` captures it (group 2), written out as
/// `unit_of` is.
fn formula_rhs(s: &str) -> Option<&str> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&n) {
        return None;
    }
    let after = spaces(&s[n..]).strip_prefix('=')?;
    let rest = spaces(after);
    if rest.is_empty() {
        // The expression needs a character: the spaces give back their last if it is ' '.
        return after.ends_with(' ').then(|| &after[after.len() - 1..]);
    }
    let allowed = |c: char| c.is_ascii_digit() || "（）()+-*/×÷ ".contains(c);
    rest.chars().all(allowed).then_some(rest)
}

fn factor_of(u: &str) -> Decimal {
    match u {
        "亿元" => Decimal::from(100_000_000u32),
        "万元" => Decimal::from(10_000u32),
        "千元" => Decimal::from(1_000u32),
        _ => Decimal::ONE,
    }
}

fn column_of_header(h: &str) -> Option<Column> {
    // Most headers have no space to remove: no new string for them.
    let h: std::borrow::Cow<str> = if contains(h, " ") || contains(h, "\u{3000}") {
        h.replace([' ', '\u{3000}'], "").into()
    } else {
        h.into()
    };
    let h = &*h;
    if contains(h, "%")
        || contains(h, "率")
        || contains(h, "执行数") && contains(h, "预算执行")
        || contains(h, "比例")
        || contains(h, "增减")
    {
        return None;
    }
    if ["本年数", "本年", "本期数", "本年金额", "本年决算数"].contains(&h) {
        return Some(Column::Current);
    }
    crate::extract::words::column_of(h).or(if contains(h, "金额") || contains(h, "合计") {
        Some(Column::Current)
    } else {
        None
    })
}

/// The column formulas `formula_rhs` reads (kept for the tests).
#[cfg(test)]
fn formula_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^([0-9]{1,2})\s*=\s*([0-9（）()+\-*/×÷ ]+)$").expect("formula regex")
    })
}

fn parse_expr(s: &str, pos: &dyn Fn(u32) -> Option<usize>) -> Option<Expr> {
    // Left to right with * and / binding tighter; parentheses are rare in these rows.
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '×' => '*',
            '÷' => '/',
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    if s.contains('(') {
        return None;
    }
    let mut terms: Vec<(char, Expr)> = Vec::new();
    let mut num = String::new();
    let mut op = '+';
    let mut factors: Option<Expr> = None;
    let mut fop = '*';
    let flush_factor = |factors: &mut Option<Expr>, fop: char, e: Expr| {
        *factors = Some(match factors.take() {
            None => e,
            Some(f) => Expr::Bin(Box::new(f), fop, Box::new(e)),
        });
    };
    for c in s.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u32 = num.parse().ok()?;
        num.clear();
        let e = Expr::Col(pos(n)?);
        flush_factor(&mut factors, fop, e);
        match c {
            '*' | '/' => fop = c,
            '+' | '-' | '\0' => {
                terms.push((op, factors.take()?));
                op = c;
                fop = '*';
            }
            _ => return None,
        }
    }
    let mut it = terms.into_iter();
    let (_, first) = it.next()?;
    Some(it.fold(first, |acc, (o, e)| {
        Expr::Bin(Box::new(acc), o, Box::new(e))
    }))
}

fn is_code(s: &str) -> bool {
    matches!(s.len(), 3 | 5 | 7) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Understand a raw table.
pub fn read(text: &str, raw: &RawTable, numbers: &[Number], assumed_unit: Option<u32>) -> Table {
    let num_at = |span: Span| -> Option<usize> {
        let i = numbers.partition_point(|n| n.span.start < span.start);
        (i < numbers.len() && span.contains(numbers[i].span.start)).then_some(i)
    };
    let cell_text = |s: Span| &text[s.start..s.end];
    let mut factor = Decimal::ONE;
    let mut unit_declared = false;
    if let Some(c) = raw.caption {
        let between = &text[c.end..raw.span.start];
        if between.chars().all(char::is_whitespace) {
            if let Some(u) = unit_of(&text[c.start..c.end]) {
                factor = factor_of(u);
                unit_declared = true;
            }
        }
    }
    let width = raw.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut header = vec![String::new(); width];
    let mut formulas = Vec::new();
    let mut rows = Vec::with_capacity(raw.rows.len());
    let mut in_header = true;
    // The cells' texts, one row at a time, in one vector.
    let mut texts: Vec<&str> = Vec::with_capacity(width);
    for cells in &raw.rows {
        texts.clear();
        texts.extend(cells.iter().map(|&s| cell_text(s)));
        // The count first: it reads no text, and most rows have more than one cell.
        if texts.iter().filter(|t| !t.is_empty()).count() == 1
            && texts.iter().any(|t| declares_unit(t))
        {
            if let Some(u) = texts.iter().find_map(|t| unit_of(t)) {
                factor = factor_of(u);
                unit_declared = true;
            }
            continue;
        }
        // The column-number row: every cell a number or a formula (or 栏次/行次).
        let numbering = texts.iter().all(|t| {
            t.is_empty()
                || contains(t, "栏次")
                || contains(t, "行次")
                || t.bytes().all(|b| b.is_ascii_digit())
                || is_formula(t)
        }) && texts.iter().any(|t| is_formula(t) || *t == "1");
        if numbering
            && texts
                .iter()
                .filter(|t| t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty())
                .count()
                >= 2
        {
            let pos_of: Vec<(u32, usize)> = texts
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    t.split('=')
                        .next()
                        .and_then(|n| n.trim().parse::<u32>().ok())
                        .map(|n| (n, i))
                })
                .collect();
            let pos = |n: u32| pos_of.iter().find(|(k, _)| *k == n).map(|&(_, i)| i);
            for (i, t) in texts.iter().enumerate() {
                if let Some(rhs) = formula_rhs(t) {
                    if let Some(expr) = parse_expr(rhs, &pos) {
                        formulas.push(Formula {
                            target: i,
                            expr,
                            span: cells[i],
                        });
                    }
                }
            }
            in_header = false;
            continue;
        }
        let has_numbers = cells
            .iter()
            .skip(1)
            .any(|&s| num_at(s).is_some_and(|i| !numbers[i].excluded));
        if in_header && !has_numbers {
            for (i, t) in texts.iter().enumerate() {
                if !t.is_empty() {
                    if !header[i].is_empty() {
                        header[i].push('/');
                    }
                    header[i].push_str(t);
                }
            }
            continue;
        }
        in_header = false;
        let (label_span, code, first) = {
            let t0 = texts.first().copied().unwrap_or("");
            if is_code(t0) && cells.len() > 1 && num_at(cells[1]).is_none() {
                (cells[1], Some(t0.to_string()), 2)
            } else if let Some((code, rest)) =
                t0.split_once([' ', '\u{3000}']).filter(|(c, _)| is_code(c))
            {
                let off = cells[0].start + code.len() + (t0.len() - code.len() - rest.len());
                (Span::new(off, cells[0].end), Some(code.to_string()), 1)
            } else {
                (cells.first().copied().unwrap_or_default(), None, 1)
            }
        };
        let label = crate::label::normalize(cell_text(label_span)).text;
        let mut row_cells =
            Vec::with_capacity(first.min(width) + cells.len().saturating_sub(first));
        row_cells.resize(
            first.min(width),
            Cell {
                span: label_span,
                num: None,
            },
        );
        for &s in cells.iter().skip(first) {
            row_cells.push(Cell {
                span: s,
                num: num_at(s).filter(|&i| {
                    !numbers[i].excluded || numbers[i].unit == crate::extract::Unit::Percent
                }),
            });
        }
        rows.push(Row {
            label,
            label_span,
            cells: row_cells,
            code,
        });
    }
    let columns: Vec<Option<Column>> = header.iter().map(|h| column_of_header(h)).collect();
    let percent: Vec<bool> = (0..width)
        .map(|c| {
            let (mut pct, mut all) = (0, 0);
            for r in &rows {
                if let Some(i) = r.cells.get(c).and_then(|c| c.num) {
                    all += 1;
                    if numbers[i].dimension() == Dimension::Percent {
                        pct += 1;
                    }
                }
            }
            let h = &header[c];
            pct * 2 > all
                || contains(h, "%")
                || contains(h, "％")
                || contains(h, "率")
                || contains(h, "比重")
        })
        .collect();
    // A header cell such as 金额（万元）also declares the unit.
    if !unit_declared {
        if let Some(u) = header.iter().find_map(|h| unit_of(h)) {
            factor = factor_of(u);
            unit_declared = true;
        }
    }
    // The user's setting, for a table that says nothing.
    if let (false, Some(f)) = (unit_declared, assumed_unit) {
        factor = Decimal::from(f);
        unit_declared = true;
    }
    Table {
        span: raw.span,
        factor,
        unit_declared,
        header,
        columns,
        percent,
        formulas,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scans and regex shortcuts answer as `str::contains` and the regexes do.
    #[test]
    fn shortcuts_answer_as_the_searches_they_skip() {
        let pieces = [
            "单位",
            "：",
            ":",
            "万元",
            "元",
            "（",
            "）",
            "(",
            ")",
            " ",
            "\u{3000}",
            "1",
            "23",
            "=",
            "+",
            "/",
            "金额",
            "本年",
            "数",
            "率",
            "%",
            "％",
            "栏次",
            "行次",
            "比重",
            "执行数",
            "预算执行",
            "增减",
            "比例",
            "合计",
            "a",
            "亿",
            "千",
            "亿元",
            "千元",
            "\t",
            "\u{a0}",
            "\r\n",
            "\n",
            "-",
            "*",
            "×",
            "÷",
            "１",
            "单",
            "位",
        ];
        let needles = [
            "元",
            "栏次",
            "行次",
            "%",
            "％",
            "率",
            "比重",
            "执行数",
            "预算执行",
            " ",
            "\u{3000}",
            "",
        ];
        let old_column_of_header = |h: &str| {
            let h = h.replace([' ', '\u{3000}'], "");
            if h.contains('%')
                || h.contains("率")
                || h.contains("执行数") && h.contains("预算执行")
                || h.contains("比例")
                || h.contains("增减")
            {
                return None;
            }
            if ["本年数", "本年", "本期数", "本年金额", "本年决算数"].contains(&h.as_str())
            {
                return Some(Column::Current);
            }
            crate::extract::words::column_of(&h).or(
                if h.contains("金额") || h.contains("合计") {
                    Some(Column::Current)
                } else {
                    None
                },
            )
        };
        let mut rng = crate::testing::Lcg::new(17);
        for round in 0..20_000 {
            let s = rng.join(&pieces, round % 7);
            for n in needles {
                assert_eq!(contains(&s, n), s.contains(n), "{s:?} {n:?}");
            }
            assert_eq!(declares_unit(&s), unit_re().is_match(&s), "{s:?}");
            let unit = unit_re()
                .captures(&s)
                .map(|m| m.get(1).or(m.get(2)).map_or("", |m| m.as_str()).to_string());
            assert_eq!(unit_of(&s).map(str::to_string), unit, "{s:?}");
            assert_eq!(is_formula(&s), formula_re().is_match(&s), "{s:?}");
            let rhs = formula_re().captures(&s).map(|c| c[2].to_string());
            assert_eq!(formula_rhs(&s).map(str::to_string), rhs, "{s:?}");
            assert_eq!(column_of_header(&s), old_column_of_header(&s), "{s:?}");
        }
    }

    #[test]
    fn parses_column_formulas() {
        let pos = |n: u32| Some(n as usize);
        assert_eq!(
            parse_expr("3/2", &pos),
            Some(Expr::Bin(
                Box::new(Expr::Col(3)),
                '/',
                Box::new(Expr::Col(2))
            ))
        );
        assert_eq!(
            parse_expr("1-2", &pos),
            Some(Expr::Bin(
                Box::new(Expr::Col(1)),
                '-',
                Box::new(Expr::Col(2))
            ))
        );
    }
}
