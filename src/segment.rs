//! Blocks, sentences and clauses.
//!
//! A report is read line by line into blocks: headings, paragraphs (a line that starts with
//! `，` continues the previous one: PDF and Word exports break sentences there), tables (see
//! `table`) and blank lines. Headings and numbered items carry a marker (`一、`, `（一）`,
//! `1.`, `(1)`, `①`…) whose nesting level is learned from the order markers first appear in.

use crate::text::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// 第一部分 / 第二章
    Part,
    /// 一、
    Han,
    /// （一）
    ParenHan,
    /// 1. / 1．
    ArabicDot,
    /// 1、
    ArabicComma,
    /// (1) / （1）
    ParenArabic,
    /// ① ㈠
    Circled,
    /// Markdown `#`, with its depth.
    Hash(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading,
    Paragraph,
    Table(usize),
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// From the first to the last character of the block (lines joined).
    pub span: Span,
    pub marker: Option<Marker>,
    /// Level of the marker (0 outermost), when there is one.
    pub level: Option<u8>,
}

/// A sentence: up to `。！？` or the end of its block.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub block: usize,
    pub span: Span,
    pub clauses: Vec<Clause>,
}

impl Sentence {
    /// The same sentence in block `block`, its offsets moved by `by` bytes.
    pub fn moved(&self, by: isize, block: usize) -> Sentence {
        Sentence {
            block,
            span: self.span.moved(by),
            clauses: self
                .clauses
                .iter()
                .map(|c| Clause {
                    span: c.span.moved(by),
                    end: c.end,
                })
                .collect(),
        }
    }
}

/// A clause: between `，,；;：:、` (outside numbers).
#[derive(Debug, Clone, Copy)]
pub struct Clause {
    pub span: Span,
    /// The punctuation that ends it (`'\0'` at the end of the sentence).
    pub end: char,
}

const TERMINALS: &[char] = &['。', '！', '？', '!', '?'];
const CLAUSE_ENDS: &[char] = &['，', ',', '；', ';', '：', ':', '、'];

/// Split `span` of `text` into sentences and clauses. `protected` are number spans inside
/// which punctuation does not split (`478，297.24`).
pub fn sentences(text: &str, block: usize, span: Span, protected: &[Span]) -> Vec<Sentence> {
    let s = &text[span.start..span.end];
    // Only punctuation splits: visit the characters whose first byte can start one (the
    // full-width marks all start with 0xE3 or 0xEF) instead of decoding every character.
    const SPLITS: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        let firsts = [0xE3, 0xEF, b'!', b'?', b',', b';', b':'];
        while k < firsts.len() {
            t[firsts[k] as usize] = true;
            k += 1;
        }
        t
    };
    let bytes = s.as_bytes();
    let mut next = 0;
    let starts = std::iter::from_fn(|| {
        let i = next
            + bytes
                .get(next..)?
                .iter()
                .position(|&b| SPLITS[b as usize])?;
        next = i + 1;
        Some(i)
    });
    let candidates = starts.filter_map(|i| Some((i, s[i..].chars().next()?)));
    split(text, block, span, protected, candidates)
}

/// `sentences`, visiting `candidates` — the characters of the span (offsets in it) that may be
/// punctuation; any others in it are skipped.
fn split(
    text: &str,
    block: usize,
    span: Span,
    protected: &[Span],
    candidates: impl Iterator<Item = (usize, char)>,
) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut clauses = Vec::new();
    let mut sent_start = span.start;
    let mut clause_start = span.start;
    let mut p = protected.partition_point(|s| s.end <= span.start);
    for (i, c) in candidates {
        let at = span.start + i;
        while p < protected.len() && protected[p].end <= at {
            p += 1;
        }
        if p < protected.len() && protected[p].start <= at {
            continue;
        }
        // 、 separates listed figures (论文28项、发明48项) but not words (收、支总计).
        if c == '、' {
            // Only the last number before the 、 matters (protected spans are in text order).
            let last_end = p
                .checked_sub(1)
                .map(|q| protected[q])
                .filter(|s| s.end <= at && s.start >= clause_start)
                .map(|s| s.end);
            const UNITS: &[&str] = &[
                "", "元", "万元", "千元", "亿元", "%", "％", "项", "人", "名", "次", "个", "辆",
                "台", "套", "所", "家", "场", "位", "户", "件", "人次",
            ];
            if last_end.is_none_or(|e| !UNITS.contains(&text[e..at].trim())) {
                continue;
            }
        }
        if TERMINALS.contains(&c) || CLAUSE_ENDS.contains(&c) {
            clauses.push(Clause {
                span: Span::new(clause_start, at),
                end: c,
            });
            clause_start = at + c.len_utf8();
            if TERMINALS.contains(&c) {
                out.push(Sentence {
                    block,
                    span: Span::new(sent_start, clause_start),
                    clauses: std::mem::take(&mut clauses),
                });
                sent_start = clause_start;
            }
        }
    }
    if clause_start < span.end {
        clauses.push(Clause {
            span: Span::new(clause_start, span.end),
            end: '\0',
        });
    }
    if !clauses.is_empty() {
        out.push(Sentence {
            block,
            span: Span::new(sent_start, span.end),
            clauses,
        });
    }
    out
}

fn han_numeral(c: char) -> bool {
    "一二三四五六七八九十百零".contains(c)
}

/// The marker a line starts with (after leading spaces), if any.
pub fn marker(line: &str, line_start: usize) -> Option<Marker> {
    let trimmed = line.trim_start_matches([' ', '\u{3000}', '\t']);
    let off = line_start + (line.len() - trimmed.len());
    let mk = |kind, len: usize| {
        Some(Marker {
            kind,
            span: Span::new(off, off + len),
        })
    };
    let mut chars = trimmed.char_indices();
    let (_, first) = chars.next()?;
    if first == '#' {
        let depth = trimmed.chars().take_while(|&c| c == '#').count();
        if trimmed[depth..].starts_with(' ') {
            return mk(MarkerKind::Hash(depth as u8), depth + 1);
        }
        return None;
    }
    if first == '第' {
        let rest = &trimmed['第'.len_utf8()..];
        let n = rest
            .chars()
            .take_while(|&c| han_numeral(c) || c.is_ascii_digit())
            .map(char::len_utf8)
            .sum::<usize>();
        if n > 0
            && ["部分", "章", "篇"]
                .iter()
                .any(|w| rest[n..].starts_with(w))
        {
            let w = ["部分", "章", "篇"]
                .iter()
                .find(|w| rest[n..].starts_with(**w))
                .map_or(0, |w| w.len());
            return mk(MarkerKind::Part, '第'.len_utf8() + n + w);
        }
        return None;
    }
    if han_numeral(first) {
        let n: usize = trimmed
            .chars()
            .take_while(|&c| han_numeral(c))
            .map(char::len_utf8)
            .sum();
        if trimmed[n..].starts_with('、') {
            return mk(MarkerKind::Han, n + '、'.len_utf8());
        }
        return None;
    }
    if first == '（' || first == '(' {
        let inner = &trimmed[first.len_utf8()..];
        let close = |s: &str| s.starts_with('）') || s.starts_with(')');
        let n: usize = inner
            .chars()
            .take_while(|&c| han_numeral(c))
            .map(char::len_utf8)
            .sum();
        if n > 0 && close(&inner[n..]) {
            let c = inner[n..].chars().next().map_or(0, char::len_utf8);
            return mk(MarkerKind::ParenHan, first.len_utf8() + n + c);
        }
        let n = inner.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 && n <= 2 && close(&inner[n..]) {
            let c = inner[n..].chars().next().map_or(0, char::len_utf8);
            return mk(MarkerKind::ParenArabic, first.len_utf8() + n + c);
        }
        return None;
    }
    if ('①'..='⑳').contains(&first) || ('㈠'..='㈩').contains(&first) {
        return mk(MarkerKind::Circled, first.len_utf8());
    }
    if first.is_ascii_digit() {
        let n = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        if n > 2 {
            return None;
        }
        let rest = &trimmed[n..];
        // `1.` but not `1.5万元`.
        for (p, kind) in [
            (".", MarkerKind::ArabicDot),
            ("．", MarkerKind::ArabicDot),
            ("、", MarkerKind::ArabicComma),
        ] {
            if let Some(after) = rest.strip_prefix(p) {
                if !after.starts_with(|c: char| c.is_ascii_digit()) {
                    return mk(kind, n + p.len());
                }
            }
        }
    }
    None
}

/// Nesting level of a marker kind, following the standard order of official documents
/// (一、 > （一） > 1. > （1） > ①); Markdown headings sit above them by depth.
pub fn level_of(kind: MarkerKind) -> u8 {
    match kind {
        MarkerKind::Hash(d) => d.saturating_sub(1).min(5),
        MarkerKind::Part => 10,
        MarkerKind::Han => 11,
        MarkerKind::ParenHan => 12,
        MarkerKind::ArabicDot | MarkerKind::ArabicComma => 13,
        MarkerKind::ParenArabic => 14,
        MarkerKind::Circled => 15,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// Word table flattened to text: one cell per tab-prefixed line.
    TabCell,
    Pipe,
    Tsv,
    Text,
}

/// A line without its terminator.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub span: Span,
    kind: LineKind,
}

fn classify(line: &str) -> LineKind {
    let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if t.is_empty() {
        if line.starts_with('\t') && line.contains('\u{3000}') {
            // A Word cell holding only a full-width space: an empty cell.
            return LineKind::TabCell;
        }
        return LineKind::Blank;
    }
    if line.starts_with('\t') {
        return LineKind::TabCell;
    }
    if t.starts_with('|') && t.len() > 1 {
        return LineKind::Pipe;
    }
    if line.split('\t').filter(|c| !c.trim().is_empty()).count() >= 2 {
        return LineKind::Tsv;
    }
    LineKind::Text
}

pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let content = piece.strip_suffix('\n').unwrap_or(piece);
        let content = content.strip_suffix('\r').unwrap_or(content);
        out.push(Line {
            span: Span::new(start, start + content.len()),
            kind: classify(content),
        });
        start += piece.len();
    }
    out
}

/// A table found in the text: its lines, grouped into rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    pub span: Span,
    /// Each row: its cells' spans (trimmed; empty span for an empty cell).
    pub rows: Vec<Vec<Span>>,
    /// The text line right above the table (where `单位：万元` is written).
    pub caption: Option<Span>,
}

impl RawTable {
    /// Where its text starts: its caption's line, or its first row.
    pub fn start(&self) -> usize {
        self.caption.map_or(self.span.start, |c| c.start)
    }

    /// The same table with its offsets moved by `by` bytes.
    pub fn moved(&self, by: isize) -> RawTable {
        RawTable {
            span: self.span.moved(by),
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(|s| s.moved(by)).collect())
                .collect(),
            caption: self.caption.map(|c| c.moved(by)),
        }
    }
}

/// `1,234.56万元…` but not `2021年…` or `3.项目…`.
fn starts_with_amount(s: &str) -> bool {
    if s.starts_with("万元") || s.starts_with('元') {
        return true;
    }
    let digits = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',' || *b == b'.')
        .count();
    digits > 0
        && s[digits..].starts_with(['万', '元', '%', '％', ' '])
        && !s[..digits].ends_with('.')
}

/// Line endings that cannot end a sentence or a heading.
const MID_PHRASE: &[&str] = &[
    "比", "较", "的", "为", "和", "及", "与", "在", "了", "是", "占", "共", "达", "等", "增加",
    "减少", "增长", "下降", "合计", "总计", "上年", "预算", "决算",
];

const TERMINATORS: &[char] = &['。', '；', ';', '：', ':', '！', '？', '!', '?'];

fn trim_span(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let is_pad = |c: char| c.is_whitespace() || c == '\u{3000}' || c == '|';
    let t = s.trim_start_matches(is_pad);
    let start = span.start + (s.len() - t.len());
    let t = t.trim_end_matches(is_pad);
    Span::new(start, start + t.len())
}

/// Split a report into blocks (headings, paragraphs, tables) and its tables.
pub fn blocks(text: &str, numbers: &[crate::extract::Number]) -> (Vec<Block>, Vec<RawTable>) {
    let lines = lines(text);
    let mut blocks = Vec::new();
    let mut tables = Vec::new();
    let mut i = 0;
    let mut last_text_line: Option<usize> = None;
    while i < lines.len() {
        let line = lines[i];
        match line.kind {
            LineKind::Blank => i += 1,
            LineKind::TabCell => {
                // Rows are runs of cell lines; a single blank line separates rows.
                let mut rows: Vec<Vec<Span>> = Vec::new();
                let start = line.span.start;
                let mut end = line.span.end;
                let mut j = i;
                while j < lines.len() {
                    if lines[j].kind == LineKind::TabCell {
                        let mut row = Vec::new();
                        while j < lines.len() && lines[j].kind == LineKind::TabCell {
                            row.push(trim_span(text, lines[j].span));
                            end = lines[j].span.end;
                            j += 1;
                        }
                        rows.push(row);
                    } else if lines[j].kind == LineKind::Blank
                        && lines
                            .get(j + 1)
                            .is_some_and(|l| l.kind == LineKind::TabCell)
                    {
                        j += 1;
                    } else {
                        break;
                    }
                }
                push_table(
                    text,
                    &mut blocks,
                    &mut tables,
                    rows,
                    Span::new(start, end),
                    last_text_line.map(|l| lines[l].span),
                );
                i = j;
            }
            LineKind::Pipe | LineKind::Tsv => {
                let kind = line.kind;
                let start = line.span.start;
                let mut end = line.span.end;
                let mut rows = Vec::new();
                let mut j = i;
                while j < lines.len() && lines[j].kind == kind {
                    let l = lines[j].span;
                    let s = &text[l.start..l.end];
                    end = l.end;
                    j += 1;
                    if kind == LineKind::Pipe
                        && s.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
                    {
                        continue; // |---|---|
                    }
                    let sep = if kind == LineKind::Pipe { '|' } else { '\t' };
                    let mut cells = Vec::new();
                    let mut at = l.start;
                    let body = if kind == LineKind::Pipe {
                        let lead = s.len() - s.trim_start().len();
                        let t = s.trim();
                        let inner = t.strip_prefix('|').unwrap_or(t);
                        at += lead + (t.len() - inner.len());
                        inner.strip_suffix('|').unwrap_or(inner)
                    } else {
                        s
                    };
                    for cell in body.split(sep) {
                        cells.push(trim_span(text, Span::new(at, at + cell.len())));
                        at += cell.len() + 1;
                    }
                    rows.push(cells);
                }
                if rows.len() >= 2 {
                    push_table(
                        text,
                        &mut blocks,
                        &mut tables,
                        rows,
                        Span::new(start, end),
                        last_text_line.map(|l| lines[l].span),
                    );
                } else {
                    blocks.push(Block {
                        kind: BlockKind::Paragraph,
                        span: Span::new(start, end),
                        marker: None,
                        level: None,
                    });
                }
                i = j;
            }
            LineKind::Text => {
                let start = line.span.start;
                let mut end = line.span.end;
                let mut j = i + 1;
                let mut count = 1;
                while j < lines.len() && lines[j].kind == LineKind::Text {
                    let prev = text[lines[j - 1].span.start..lines[j - 1].span.end]
                        .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
                    let next = &text[lines[j].span.start..lines[j].span.end];
                    let next_t = next.trim_start_matches([' ', '\u{3000}']);
                    // A line broken inside a sentence (PDF and Word exports): the next line
                    // starts with punctuation or a figure, the previous one stops mid-phrase, or
                    // it is a full-width line with no end.
                    let unterminated = !prev.ends_with(TERMINATORS)
                        && marker(next, lines[j].span.start).is_none()
                        && !next_t.starts_with('#');
                    let continues = next_t
                        .starts_with(['，', ',', '。', '；', ';', '、', '）', ')', '%', '％'])
                        || (unterminated && starts_with_amount(next_t))
                        || (unterminated && MID_PHRASE.iter().any(|w| prev.ends_with(w)))
                        || (unterminated && prev.chars().count() >= 35)
                        // A list item per line: `…占71%；` then `资本性支出…` goes on the list.
                        || (prev.ends_with(['；', ';', '，', ','])
                            && marker(next, lines[j].span.start).is_none()
                            && !next_t.starts_with('#'));
                    if !continues {
                        break;
                    }
                    end = lines[j].span.end;
                    j += 1;
                    count += 1;
                }
                let span = Span::new(start, end);
                let m = marker(&text[start..line.span.end], start);
                let body = &text[span.start..span.end];
                // Numbers are in text order: look only at those inside the block.
                let first = numbers.partition_point(|n| n.span.start < span.start);
                let has_amount = numbers[first..]
                    .iter()
                    .take_while(|n| n.span.start < span.end)
                    .any(|n| {
                        matches!(
                            n.dimension(),
                            crate::extract::Dimension::Money | crate::extract::Dimension::Percent
                        )
                    });
                let trimmed = body.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
                let heading = matches!(
                    m,
                    Some(Marker {
                        kind: MarkerKind::Hash(_),
                        ..
                    })
                ) || (count == 1
                    && trimmed.chars().count() <= 40
                    && !has_amount
                    && !trimmed.ends_with(TERMINATORS)
                    && !trimmed.ends_with(['，', ',']));
                blocks.push(Block {
                    kind: if heading {
                        BlockKind::Heading
                    } else {
                        BlockKind::Paragraph
                    },
                    span: trim_span(text, span),
                    marker: m,
                    level: m.map(|m| level_of(m.kind)),
                });
                last_text_line = Some(j - 1);
                i = j;
            }
        }
    }
    (blocks, tables)
}

fn push_table(
    text: &str,
    blocks: &mut Vec<Block>,
    tables: &mut Vec<RawTable>,
    rows: Vec<Vec<Span>>,
    span: Span,
    caption: Option<Span>,
) {
    let _ = text;
    blocks.push(Block {
        kind: BlockKind::Table(tables.len()),
        span,
        marker: None,
        level: None,
    });
    tables.push(RawTable {
        span,
        rows,
        caption,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skipping to the bytes that may start punctuation splits as visiting every character.
    #[test]
    fn sentences_split_as_a_visit_of_every_character() {
        let pieces = [
            "支出",
            "。",
            "，",
            ",",
            "；",
            ";",
            "：",
            ":",
            "、",
            "！",
            "？",
            "!",
            "?",
            "12",
            "3，456",
            "万元",
            "项",
            " ",
            "\u{3000}",
            "（一）",
            "“",
            "…",
            "ｚ",
            "€",
            "a",
        ];
        let mut rng = crate::testing::Lcg::new(11);
        for _ in 0..3_000 {
            let text = rng.join(&pieces, 12);
            let numbers = crate::extract::scan(&text);
            let protected: Vec<Span> = numbers.iter().map(|n| n.span).collect();
            let span = Span::new(0, text.len());
            let fast = sentences(&text, 0, span, &protected);
            let every = split(&text, 0, span, &protected, text.char_indices());
            assert_eq!(format!("{fast:?}"), format!("{every:?}"), "{text:?}");
        }
    }
}
