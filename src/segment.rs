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
#[cfg(test)]
pub fn sentences(text: &str, block: usize, span: Span, protected: &[Span]) -> Vec<Sentence> {
    let mut out = Vec::new();
    sentences_into(text, block, span, protected, &mut out);
    out
}

/// `sentences`, appended to `out`: the analysis keeps every block's sentences in one vector.
pub fn sentences_into(
    text: &str,
    block: usize,
    span: Span,
    protected: &[Span],
    out: &mut Vec<Sentence>,
) {
    // Only punctuation splits. The scan steps a character at a time by its first byte (an
    // ideograph is one look-up for three bytes), stops only at bytes that may start
    // punctuation, and jumps over the protected numbers (most of a paragraph's ASCII) whole:
    // every punctuation mark inside one is skipped anyway.
    let hay = &text.as_bytes()[..span.end];
    let _ = &text[span.start..span.end]; // Both ends on characters, as before.
    let mut split = Splitter::new(block, span, protected, out);
    let mut i = span.start;
    while i < hay.len() {
        let p = split.advance(i);
        let limit = match protected.get(p) {
            Some(s) if s.start <= i => {
                i = s.end;
                continue;
            }
            Some(s) => s.start.min(hay.len()),
            None => hay.len(),
        };
        let stretch = &hay[..limit];
        while i < stretch.len() {
            let step = STEP[usize::from(stretch[i])];
            if step != 0 {
                i += usize::from(step);
                continue;
            }
            match punctuation(&hay[i..]) {
                Some(c) => {
                    split.visit(text, i, c);
                    i += c.len_utf8();
                }
                // 0xE3 and 0xEF start three-byte characters.
                None => i += 3,
            }
        }
    }
    split.finish();
}

/// How far the scan of `sentences` steps from a byte: over a whole character from its first
/// byte, one byte from any other; 0 at the bytes that may start punctuation (`!?,;:`, and
/// 0xE3 and 0xEF, the first bytes of `。、` and of the full-width marks).
const STEP: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut b = 0xC0;
    while b < 256 {
        t[b] = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        b += 1;
    }
    let stops = [b'!', b'?', b',', b';', b':', 0xE3, 0xEF];
    let mut k = 0;
    while k < stops.len() {
        t[stops[k] as usize] = 0;
        k += 1;
    }
    t
};

/// The punctuation `b` starts with, among the marks `sentences` splits at.
fn punctuation(b: &[u8]) -> Option<char> {
    Some(match *b {
        [b'!', ..] => '!',
        [b'?', ..] => '?',
        [b',', ..] => ',',
        [b';', ..] => ';',
        [b':', ..] => ':',
        [0xE3, 0x80, 0x82, ..] => '。',
        [0xE3, 0x80, 0x81, ..] => '、',
        [0xEF, 0xBC, 0x8C, ..] => '，',
        [0xEF, 0xBC, 0x9B, ..] => '；',
        [0xEF, 0xBC, 0x9A, ..] => '：',
        [0xEF, 0xBC, 0x81, ..] => '！',
        [0xEF, 0xBC, 0x9F, ..] => '？',
        _ => return None,
    })
}

/// The state of a split into sentences and clauses, fed the characters that may be
/// punctuation in text order.
struct Splitter<'p, 'o> {
    block: usize,
    span: Span,
    protected: &'p [Span],
    /// The first protected span not ending before the last position visited.
    p: usize,
    out: &'o mut Vec<Sentence>,
    clauses: Pending,
    sent_start: usize,
    clause_start: usize,
}

impl<'p, 'o> Splitter<'p, 'o> {
    fn new(block: usize, span: Span, protected: &'p [Span], out: &'o mut Vec<Sentence>) -> Self {
        Splitter {
            block,
            span,
            protected,
            p: protected.partition_point(|s| s.end <= span.start),
            out,
            clauses: Pending::default(),
            sent_start: span.start,
            clause_start: span.start,
        }
    }

    /// Moves past the protected spans ending at or before `at`; the first one left.
    fn advance(&mut self, at: usize) -> usize {
        while self.p < self.protected.len() && self.protected[self.p].end <= at {
            self.p += 1;
        }
        self.p
    }

    /// Character `c` at `at` (an offset in the text).
    fn visit(&mut self, text: &str, at: usize, c: char) {
        let p = self.advance(at);
        let protected = self.protected;
        if p < protected.len() && protected[p].start <= at {
            return;
        }
        // 、 separates listed figures (论文28项、发明48项) but not words (收、支总计).
        if c == '、' {
            // Only the last number before the 、 matters (protected spans are in text order).
            let last_end = p
                .checked_sub(1)
                .map(|q| protected[q])
                .filter(|s| s.end <= at && s.start >= self.clause_start)
                .map(|s| s.end);
            const UNITS: &[&str] = &[
                "", "元", "万元", "千元", "亿元", "%", "％", "项", "人", "名", "次", "个", "辆",
                "台", "套", "所", "家", "场", "位", "户", "件", "人次",
            ];
            if last_end.is_none_or(|e| !UNITS.contains(&text[e..at].trim())) {
                return;
            }
        }
        if TERMINALS.contains(&c) || CLAUSE_ENDS.contains(&c) {
            self.clauses.push(Clause {
                span: Span::new(self.clause_start, at),
                end: c,
            });
            self.clause_start = at + c.len_utf8();
            if TERMINALS.contains(&c) {
                self.out.push(Sentence {
                    block: self.block,
                    span: Span::new(self.sent_start, self.clause_start),
                    clauses: self.clauses.take(),
                });
                self.sent_start = self.clause_start;
            }
        }
    }

    // By reference: taken by value, the whole splitter (its inline clauses) is copied.
    fn finish(&mut self) {
        let end = self.span.end;
        if self.clause_start < end {
            self.clauses.push(Clause {
                span: Span::new(self.clause_start, end),
                end: '\0',
            });
        }
        if !self.clauses.is_empty() {
            self.out.push(Sentence {
                block: self.block,
                span: Span::new(self.sent_start, end),
                clauses: self.clauses.take(),
            });
        }
    }
}

/// The clauses of the sentence being split. They wait in an array and go to the heap once,
/// at their exact number, when the sentence ends: a vector pushed to would be allocated and
/// then grown (copied) for most sentences.
struct Pending {
    first: [Clause; Pending::INLINE],
    len: usize,
    /// All the clauses, once there are more than `INLINE`.
    spilled: Vec<Clause>,
}

impl Default for Pending {
    fn default() -> Self {
        let none = Clause {
            span: Span::new(0, 0),
            end: '\0',
        };
        Pending {
            first: [none; Pending::INLINE],
            len: 0,
            spilled: Vec::new(),
        }
    }
}

impl Pending {
    /// Nearly all sentences have fewer clauses; each one more is zeroed per paragraph.
    const INLINE: usize = 8;

    fn push(&mut self, c: Clause) {
        if self.len < Self::INLINE {
            self.first[self.len] = c;
        } else {
            if self.len == Self::INLINE {
                self.spilled.reserve(2 * Self::INLINE);
                self.spilled.extend_from_slice(&self.first);
            }
            self.spilled.push(c);
        }
        self.len += 1;
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn take(&mut self) -> Vec<Clause> {
        let out = if self.len <= Self::INLINE {
            self.first[..self.len].to_vec()
        } else {
            std::mem::take(&mut self.spilled)
        };
        self.len = 0;
        out
    }
}

fn han_numeral(c: char) -> bool {
    // A `match`, not `"一二…".contains(c)`: that runs a char searcher (100+ instructions) for
    // every character `marker` looks at.
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '零'
    )
}

/// The marker a line starts with (after leading spaces), if any.
pub fn marker(line: &str, line_start: usize) -> Option<Marker> {
    // `trim_start_matches([' ', '\u{3000}', '\t'])` on bytes: its char-array searcher cost
    // more than the rest of the function for most lines.
    let b = line.as_bytes();
    let mut lead = 0;
    loop {
        match b.get(lead..) {
            Some([b' ' | b'\t', ..]) => lead += 1,
            Some([0xE3, 0x80, 0x80, ..]) => lead += 3,
            _ => break,
        }
    }
    let trimmed = &line[lead..];
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

/// Whether an ASCII byte is whitespace (`char::is_whitespace`).
fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The kind of a line (without its terminator); `has_tab`: whether it holds a tab.
fn classify(line: &str, has_tab: bool) -> LineKind {
    let Some(&first) = line.as_bytes().first() else {
        return LineKind::Blank;
    };
    // Most lines start with a character that is not whitespace: then the line is not blank
    // and its trimmed text starts there, known from one byte instead of trimming both ends.
    let space = if first < 0x80 {
        ascii_space(first)
    } else {
        may_be_space(first)
    };
    if space {
        return classify_trimmed(line, has_tab);
    }
    if first == b'|' && trim_end_ws(line, false).len() > 1 {
        return LineKind::Pipe;
    }
    if has_tab && is_tsv(line) {
        return LineKind::Tsv;
    }
    LineKind::Text
}

/// `classify` of a line that may start with whitespace.
fn classify_trimmed(line: &str, has_tab: bool) -> LineKind {
    let t = trim_end_ws(trim_start_ws(line, false), false);
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
    if has_tab && is_tsv(line) {
        return LineKind::Tsv;
    }
    LineKind::Text
}

/// Whether a line with a tab has two non-empty cells (`nth(1)` stops there, a count read the
/// whole row).
fn is_tsv(line: &str) -> bool {
    line.split('\t')
        .filter(|c| !c.trim().is_empty())
        .nth(1)
        .is_some()
}

pub fn lines(text: &str) -> Vec<Line> {
    // The pieces of `split_inclusive('\n')`, found with memchr (a `char` pattern stops at
    // every byte of Chinese text that ends like `\n` does not, but its searcher costs more per
    // line). The vector is sized from a guess (report lines run 30 bytes and more, blank ones
    // apart): counting the lines first read the text once more, and growing from empty copied
    // it a dozen times.
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    let line = |start: usize, end: usize, has_tab: bool| {
        let content = &text[start..end];
        let content = content.strip_suffix('\r').unwrap_or(content);
        Line {
            span: Span::new(start, start + content.len()),
            kind: classify(content, has_tab),
        }
    };
    // Line ends and tabs in one search (classifying a line asks whether it holds a tab);
    // after a line's first tab, straight on to its end.
    let mut start = 0;
    while let Some(k) = memchr::memchr2(b'\n', b'\t', &bytes[start..]) {
        let mut nl = start + k;
        let has_tab = bytes[nl] == b'\t';
        if has_tab {
            match memchr::memchr(b'\n', &bytes[nl + 1..]) {
                Some(k) => nl += 1 + k,
                None => {
                    out.push(line(start, bytes.len(), true));
                    return out;
                }
            }
        }
        out.push(line(start, nl, has_tab));
        start = nl + 1;
    }
    if start < text.len() {
        out.push(line(start, text.len(), false));
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

/// Whether `s` ends with a word that cannot end a sentence or a heading (比 较 的 为 和 及 与
/// 在 了 是 占 共 达 等 增加 减少 增长 下降 合计 总计 上年 预算 决算), read from its last character
/// rather than comparing each word.
fn ends_mid_phrase(s: &str) -> bool {
    let Some(last) = s.chars().next_back() else {
        return false;
    };
    let before = &s[..s.len() - last.len_utf8()];
    match last {
        '比' | '较' | '的' | '为' | '和' | '及' | '与' | '在' | '了' | '是' | '占' | '共'
        | '达' | '等' => true,
        '加' | '长' => before.ends_with('增'),
        '少' => before.ends_with('减'),
        '降' => before.ends_with('下'),
        '计' => before.ends_with(['合', '总']),
        '年' => before.ends_with('上'),
        '算' => before.ends_with(['预', '决']),
        _ => false,
    }
}

/// `s.ends_with(['。', '；', ';', '：', ':', '！', '？', '!', '?'])` on bytes: punctuation that
/// ends a sentence or a lead-in.
fn ends_terminated(s: &str) -> bool {
    matches!(
        s.as_bytes(),
        [.., b';' | b':' | b'!' | b'?']
            | [.., 0xE3, 0x80, 0x82]
            | [.., 0xEF, 0xBC, 0x9B | 0x9A | 0x81 | 0x9F]
    )
}

/// `s.ends_with(['，', ','])` on bytes.
fn ends_with_comma(s: &str) -> bool {
    matches!(s.as_bytes(), [.., b','] | [.., 0xEF, 0xBC, 0x8C])
}

/// `s.ends_with(['；', ';', '，', ','])` on bytes: a list item going on.
fn ends_list_item(s: &str) -> bool {
    matches!(
        s.as_bytes(),
        [.., b';' | b','] | [.., 0xEF, 0xBC, 0x9B | 0x8C]
    )
}

/// `s.starts_with(['，', ',', '。', '；', ';', '、', '）', ')', '%', '％'])` on bytes: a line
/// that goes on with the one before.
fn starts_continued(s: &str) -> bool {
    matches!(
        s.as_bytes(),
        [b',' | b';' | b')' | b'%', ..]
            | [0xEF, 0xBC, 0x8C | 0x9B | 0x89 | 0x85, ..]
            | [0xE3, 0x80, 0x82 | 0x81, ..]
    )
}

/// `s.trim_start_matches([' ', '\u{3000}'])` on bytes.
fn trim_start_spaces(s: &str) -> &str {
    let b = s.as_bytes();
    let mut lead = 0;
    loop {
        match b.get(lead..) {
            Some([b' ', ..]) => lead += 1,
            Some([0xE3, 0x80, 0x80, ..]) => lead += 3,
            _ => break,
        }
    }
    &s[lead..]
}

/// Whether text line `k` goes on with the block of line `k - 1` (PDF and Word exports break
/// lines inside sentences): it starts with punctuation; or it has no marker and the line
/// before is a list item going on (`…占71%；` then `资本性支出…`), or stops mid-phrase, or does
/// not end and is followed by a figure or is long (a full-width line with no end).
fn continues(text: &str, lines: &[Line], k: usize) -> bool {
    let (p, n) = (lines[k - 1].span, lines[k].span);
    let prev = trim_end_ws(&text[p.start..p.end], false);
    let next = &text[n.start..n.end];
    let next_t = trim_start_spaces(next);
    if starts_continued(next_t) {
        return true;
    }
    let terminated = ends_terminated(prev);
    let list = ends_list_item(prev);
    if terminated && !list {
        return false;
    }
    if next_t.starts_with('#') || marker(next, n.start).is_some() {
        return false;
    }
    // Not terminated, or a list item.
    list || starts_with_amount(next_t) || ends_mid_phrase(prev) || !at_most_chars(prev, 34)
}

/// Whether `c` is trimmed: whitespace (`\u{3000}` included), and `|` when `pipe`.
fn is_pad(c: char, pipe: bool) -> bool {
    c.is_whitespace() || (pipe && c == '|')
}

/// Whether a character whose first byte is `lead` (not ASCII) may be whitespace: only U+0085
/// and U+00A0 (C2), U+1680 (E1), U+2000–U+205F (E2) and U+3000 (E3) are. Chinese text (E4–E9)
/// and full-width punctuation (EF) are ruled out from one byte, without decoding.
fn may_be_space(lead: u8) -> bool {
    matches!(lead, 0xC2 | 0xE1 | 0xE2 | 0xE3)
}

/// `s.trim_start_matches(|c| is_pad(c, pipe))`, deciding most characters from their first
/// byte (every line and cell is trimmed, and `trim_matches` decodes and classifies each end).
fn trim_start_ws(s: &str, pipe: bool) -> &str {
    let mut t = s;
    while let Some(&b) = t.as_bytes().first() {
        // ASCII decided from its byte, without decoding.
        if b < 0x80 {
            if !(ascii_space(b) || (pipe && b == b'|')) {
                break;
            }
            t = &t[1..];
            continue;
        }
        if !may_be_space(b) {
            break;
        }
        match t.chars().next() {
            Some(c) if is_pad(c, pipe) => t = &t[c.len_utf8()..],
            _ => break,
        }
    }
    t
}

/// `s.trim_end_matches(|c| is_pad(c, pipe))`, as `trim_start_ws`.
fn trim_end_ws(s: &str, pipe: bool) -> &str {
    let mut t = s;
    while let Some(&b) = t.as_bytes().last() {
        // ASCII decided from its byte; a three-byte character (most of Chinese text) from
        // its first byte, three from the end.
        if b < 0x80 {
            if !(ascii_space(b) || (pipe && b == b'|')) {
                break;
            }
            t = &t[..t.len() - 1];
            continue;
        }
        if let [.., lead @ 0xE0..=0xEF, _, _] = *t.as_bytes() {
            if !may_be_space(lead) {
                break;
            }
        }
        {
            // The last character's first byte: at most 3 continuation bytes before the end.
            let tail = &t.as_bytes()[t.len().saturating_sub(4)..];
            let lead = tail.iter().rev().find(|&&x| x & 0xC0 != 0x80);
            if !lead.is_some_and(|&l| may_be_space(l)) {
                break;
            }
        }
        match t.chars().next_back() {
            Some(c) if is_pad(c, pipe) => t = &t[..t.len() - c.len_utf8()],
            _ => break,
        }
    }
    t
}

/// `s.chars().count() <= n`, without counting a long paragraph: a character is 1 to 4 bytes.
fn at_most_chars(s: &str, n: usize) -> bool {
    s.len() <= n || (s.len() <= 4 * n && s.chars().count() <= n)
}

fn trim_span(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let t = trim_start_ws(s, true);
    let start = span.start + (s.len() - t.len());
    let t = trim_end_ws(t, true);
    Span::new(start, start + t.len())
}

/// Split a report into blocks (headings, paragraphs, tables) and its tables.
pub fn blocks(text: &str, numbers: &[crate::extract::Number]) -> (Vec<Block>, Vec<RawTable>) {
    let lines = lines(text);
    // Every block starts at a text line or at the first line of a run of table lines: their
    // count bounds the number of blocks.
    let starts = lines
        .iter()
        .enumerate()
        .filter(|&(k, l)| {
            l.kind == LineKind::Text
                || (l.kind != LineKind::Blank && (k == 0 || lines[k - 1].kind != l.kind))
        })
        .count();
    let mut blocks = Vec::with_capacity(starts);
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
                        // Rows of a table are mostly as wide as the one before.
                        let mut row = Vec::with_capacity(rows.last().map_or(0, Vec::len));
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
                let run = lines[i..].iter().take_while(|l| l.kind == kind).count();
                let mut rows = Vec::with_capacity(run);
                let mut j = i;
                while j < lines.len() && lines[j].kind == kind {
                    let l = lines[j].span;
                    let s = &text[l.start..l.end];
                    end = l.end;
                    j += 1;
                    if kind == LineKind::Pipe
                        && s.bytes()
                            .all(|c| matches!(c, b'|' | b'-' | b':' | b' ' | b'\t'))
                    {
                        continue; // |---|---|
                    }
                    let sep = if kind == LineKind::Pipe { '|' } else { '\t' };
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
                    let mut cells = Vec::with_capacity(
                        memchr::memchr_iter(sep as u8, body.as_bytes()).count() + 1,
                    );
                    // The pieces of `body.split(sep)`, from memchr (the char searcher of `split`
                    // cost more per cell).
                    let mut from = at;
                    for k in memchr::memchr_iter(sep as u8, body.as_bytes()) {
                        cells.push(trim_span(text, Span::new(from, at + k)));
                        from = at + k + 1;
                    }
                    cells.push(trim_span(text, Span::new(from, at + body.len())));
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
                while j < lines.len()
                    && lines[j].kind == LineKind::Text
                    && continues(text, &lines, j)
                {
                    end = lines[j].span.end;
                    j += 1;
                }
                let span = Span::new(start, end);
                let m = marker(&text[start..line.span.end], start);
                let body = &text[span.start..span.end];
                let trimmed = trim_end_ws(body, false);
                // A one-line block, short, with no money or percentage and no end: a heading.
                // (The cheap tests first; numbers are in text order: look only at those
                // inside the block.)
                let heading = matches!(
                    m,
                    Some(Marker {
                        kind: MarkerKind::Hash(_),
                        ..
                    })
                ) || (j == i + 1
                    && !ends_terminated(trimmed)
                    && !ends_with_comma(trimmed)
                    && at_most_chars(trimmed, 40)
                    && !numbers[numbers.partition_point(|n| n.span.start < span.start)..]
                        .iter()
                        .take_while(|n| n.span.start < span.end)
                        .any(|n| {
                            matches!(
                                n.dimension(),
                                crate::extract::Dimension::Money
                                    | crate::extract::Dimension::Percent
                            )
                        }));
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

    /// Characters at the edges of what the trims and line splits decide from one byte:
    /// whitespace of every UTF-8 length, non-space characters sharing their first bytes, line
    /// ends, tabs and pipes.
    const EDGES: [&str; 26] = [
        " ", "\t", "\n", "\r", "\r\n", "\u{b}", "\u{c}", "|", "\u{85}", "\u{a0}", "\u{a9}",
        "\u{1680}", "\u{1681}", "\u{2000}", "\u{2028}", "\u{205f}", "€", "\u{3000}", "、",
        "\u{feff}", "a", "1", "中", "，", "|--|", "一、",
    ];

    /// The old line split: `split_inclusive` and `trim_matches`.
    fn lines_as_before(text: &str) -> Vec<(Span, LineKind)> {
        let classify = |line: &str| {
            let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
            if t.is_empty() {
                if line.starts_with('\t') && line.contains('\u{3000}') {
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
        };
        let mut out = Vec::new();
        let mut start = 0;
        for piece in text.split_inclusive('\n') {
            let content = piece.strip_suffix('\n').unwrap_or(piece);
            let content = content.strip_suffix('\r').unwrap_or(content);
            out.push((Span::new(start, start + content.len()), classify(content)));
            start += piece.len();
        }
        out
    }

    /// Line endings that cannot end a sentence or a heading (the list `ends_mid_phrase` reads).
    const MID_PHRASE_WORDS: &[&str] = &[
        "比", "较", "的", "为", "和", "及", "与", "在", "了", "是", "占", "共", "达", "等", "增加",
        "减少", "增长", "下降", "合计", "总计", "上年", "预算", "决算",
    ];

    const TERMINATORS: &[char] = &['。', '；', ';', '：', ':', '！', '？', '!', '?'];

    /// `blocks` as it was, on the char-level line split: the reference of the byte-level one.
    fn blocks_as_before(
        text: &str,
        numbers: &[crate::extract::Number],
    ) -> (Vec<Block>, Vec<RawTable>) {
        let lines: Vec<Line> = lines_as_before(text)
            .into_iter()
            .map(|(span, kind)| Line { span, kind })
            .collect();
        // Every block starts at a text line or at the first line of a run of table lines: their
        // count bounds the number of blocks.
        let starts = lines
            .iter()
            .enumerate()
            .filter(|&(k, l)| {
                l.kind == LineKind::Text
                    || (l.kind != LineKind::Blank && (k == 0 || lines[k - 1].kind != l.kind))
            })
            .count();
        let mut blocks = Vec::with_capacity(starts);
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
                            // Rows of a table are mostly as wide as the one before.
                            let mut row = Vec::with_capacity(rows.last().map_or(0, Vec::len));
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
                    let run = lines[i..].iter().take_while(|l| l.kind == kind).count();
                    let mut rows = Vec::with_capacity(run);
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
                        let mut cells = Vec::with_capacity(
                            memchr::memchr_iter(sep as u8, body.as_bytes()).count() + 1,
                        );
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
                        let prev = trim_end_ws(
                            &text[lines[j - 1].span.start..lines[j - 1].span.end],
                            false,
                        );
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
                            || (unterminated && MID_PHRASE_WORDS.iter().any(|w| prev.ends_with(w)))
                            || (unterminated && !at_most_chars(prev, 34))
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
                                crate::extract::Dimension::Money
                                    | crate::extract::Dimension::Percent
                            )
                        });
                    let trimmed = trim_end_ws(body, false);
                    let heading = matches!(
                        m,
                        Some(Marker {
                            kind: MarkerKind::Hash(_),
                            ..
                        })
                    ) || (count == 1
                        && at_most_chars(trimmed, 40)
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

    /// The byte-level tests of line ends and starts are the char-level ones.
    #[test]
    fn byte_level_line_tests_match_char_level_ones() {
        for b in 0..128u8 {
            assert_eq!(ascii_space(b), char::from(b).is_whitespace(), "{b}");
        }
        let pieces = [
            "。", "；", ";", "：", ":", "！", "？", "!", "?", "，", ",", "、", "）", ")", "%",
            "％", "（", " ", "\u{3000}", "\u{a0}", "增", "加", "减", "少", "长", "下", "降", "合",
            "总", "计", "上", "年", "预", "决", "算", "比", "的", "等", "中", "a", "1", "〔", "ｚ",
            "€", "𠀀", "\r", "\t", "#",
        ];
        let mut rng = crate::testing::Lcg::new(29);
        for round in 0..20_000 {
            let s = rng.join(&pieces, round % 6);
            assert_eq!(ends_terminated(&s), s.ends_with(TERMINATORS), "{s:?}");
            assert_eq!(ends_with_comma(&s), s.ends_with(['，', ',']), "{s:?}");
            assert_eq!(
                ends_list_item(&s),
                s.ends_with(['；', ';', '，', ',']),
                "{s:?}"
            );
            assert_eq!(
                starts_continued(&s),
                s.starts_with(['，', ',', '。', '；', ';', '、', '）', ')', '%', '％']),
                "{s:?}"
            );
            assert_eq!(
                trim_start_spaces(&s),
                s.trim_start_matches([' ', '\u{3000}']),
                "{s:?}"
            );
            assert_eq!(
                ends_mid_phrase(&s),
                MID_PHRASE_WORDS.iter().any(|w| s.ends_with(w)),
                "{s:?}"
            );
        }
    }

    /// Blocks and tables read from byte-level line kinds, with the continuation of lines
    /// decided from their ends' bytes, are those of the char-level reading.
    #[test]
    fn blocks_are_read_as_before() {
        let pieces = [
            "\n",
            "\n",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "\t",
            "|",
            "| --- |",
            "|---|---|",
            " ",
            "\u{3000}",
            "\u{a0}",
            "\u{2000}",
            "一、",
            "（一）",
            "(1)",
            "1.",
            "1．",
            "2、",
            "①",
            "第一章",
            "# ",
            "## ",
            "#",
            "支出",
            "收入决算情况说明",
            "基本支出",
            "。",
            "；",
            "：",
            "，",
            ",",
            "、",
            "）",
            "%",
            "增加",
            "的",
            "合计",
            "上年",
            "预算",
            "1,234.56万元",
            "12%",
            "3.5",
            "2023年",
            "万元",
            "元",
            "１２",
            "12345678901234567890",
            "单位：万元",
            "中华人民共和国财政部门决算",
            "ｚ",
            "€",
            "𠀀",
            "a",
        ];
        let mut rng = crate::testing::Lcg::new(31);
        for round in 0..6_000 {
            let text = rng.join(&pieces, round % 60);
            let numbers = crate::extract::scan(&text);
            let (blocks_new, tables_new) = blocks(&text, &numbers);
            let (blocks_old, tables_old) = blocks_as_before(&text, &numbers);
            assert_eq!(
                format!("{blocks_new:?}"),
                format!("{blocks_old:?}"),
                "{text:?}"
            );
            assert_eq!(tables_new, tables_old, "{text:?}");
        }
        assert!(blocks("", &[]).0.is_empty());
    }

    /// Lines, trims and character counts deciding from bytes give what decoding gave.
    #[test]
    fn byte_level_lines_and_trims_match_char_level_ones() {
        let mut rng = crate::testing::Lcg::new(5);
        for round in 0..20_000 {
            let text = rng.join(&EDGES, round % 9);
            let new: Vec<(Span, LineKind)> =
                lines(&text).iter().map(|l| (l.span, l.kind)).collect();
            assert_eq!(new, lines_as_before(&text), "{text:?}");
            let ws = |c: char| c.is_whitespace() || c == '\u{3000}';
            let pad = |c: char| ws(c) || c == '|';
            assert_eq!(
                trim_end_ws(&text, false),
                text.trim_end_matches(ws),
                "{text:?}"
            );
            assert_eq!(trim_start_ws(&text, false), text.trim_start_matches(ws));
            let t = text.trim_start_matches(pad);
            let start = text.len() - t.len();
            let old = Span::new(start, start + t.trim_end_matches(pad).len());
            assert_eq!(trim_span(&text, Span::new(0, text.len())), old, "{text:?}");
            for n in [0, 1, 2, 3, 5, 8] {
                assert_eq!(
                    at_most_chars(&text, n),
                    text.chars().count() <= n,
                    "{text:?}"
                );
            }
        }
    }

    /// `sentences` as it was, visiting `candidates` — the characters of the span (offsets in
    /// it) that may be punctuation; any others in it are skipped. Fed every character, it is
    /// the plain reference of the scan.
    fn split(
        text: &str,
        block: usize,
        span: Span,
        protected: &[Span],
        candidates: impl Iterator<Item = (usize, char)>,
    ) -> Vec<Sentence> {
        let mut out = Vec::new();
        let mut clauses = Pending::default();
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
            if c == '、' {
                let last_end = p
                    .checked_sub(1)
                    .map(|q| protected[q])
                    .filter(|s| s.end <= at && s.start >= clause_start)
                    .map(|s| s.end);
                const UNITS: &[&str] = &[
                    "", "元", "万元", "千元", "亿元", "%", "％", "项", "人", "名", "次", "个",
                    "辆", "台", "套", "所", "家", "场", "位", "户", "件", "人次",
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
                        clauses: clauses.take(),
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
                clauses: clauses.take(),
            });
        }
        out
    }

    /// Stepping over characters and protected numbers splits as visiting every character,
    /// for numbers found by the scanner and for arbitrary (overlapping, unordered) protected
    /// spans, on any span of the text, with hostile characters around the marks.
    #[test]
    fn stepping_scan_splits_as_a_visit_of_every_character() {
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
            "1,234.5",
            "万元",
            "项",
            " ",
            "\u{3000}",
            "\u{a0}",
            "\r\n",
            "\r",
            "\n",
            "１２",
            "12345678901234567890123",
            "（",
            "）",
            "％",
            "〔",
            "《",
            "ｚ",
            "€",
            "é",
            "𠀀",
            "\u{feff}",
            "a",
            "\t",
            "|",
            "一、",
            "人次",
        ];
        let mut rng = crate::testing::Lcg::new(23);
        for round in 0..20_000 {
            let text = rng.join(&pieces, round % 25);
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&k| text.is_char_boundary(k))
                .collect();
            let pick = |r: u64| bounds[(r >> 33) as usize % bounds.len()];
            let protected: Vec<Span> = if round % 2 == 0 {
                crate::extract::scan(&text).iter().map(|n| n.span).collect()
            } else {
                let mut v: Vec<Span> = (0..rng.next() % 6)
                    .map(|_| {
                        let (a, b) = (pick(rng.next()), pick(rng.next()));
                        Span::new(a.min(b), a.max(b))
                    })
                    .collect();
                if rng.next() % 4 != 0 {
                    v.sort_by_key(|s| (s.end, s.start));
                }
                v
            };
            let (a, b) = (pick(rng.next()), pick(rng.next()));
            for span in [Span::new(0, text.len()), Span::new(a.min(b), a.max(b))] {
                let s = &text[span.start..span.end];
                let fast = sentences(&text, 7, span, &protected);
                let every = split(&text, 7, span, &protected, s.char_indices());
                assert_eq!(
                    format!("{fast:?}"),
                    format!("{every:?}"),
                    "{text:?} {span:?}"
                );
            }
        }
        assert!(sentences("", 0, Span::new(0, 0), &[]).is_empty());
    }

    /// Markers after leading spaces, trimmed on bytes, are those of the char trim.
    #[test]
    fn markers_after_spaces_are_found_as_before() {
        let pieces = [
            " ", "\t", "\u{3000}", "\u{a0}", "\u{3001}", "一", "、", "（", "(", "1", "2", ".",
            "．", ")", "）", "第", "章", "#", "①", "中", "\r", "\u{2000}",
        ];
        let mut rng = crate::testing::Lcg::new(19);
        for round in 0..20_000 {
            let line = rng.join(&pieces, round % 10);
            let trimmed = line.trim_start_matches([' ', '\u{3000}', '\t']);
            let lead = line.len() - trimmed.len();
            let plain = marker(trimmed, 5 + lead);
            assert_eq!(marker(&line, 5), plain, "{line:?}");
        }
    }

    /// Clauses kept in the array or spilled come back in order, the count of each sentence.
    #[test]
    fn pending_clauses_come_back_in_order() {
        let mut pending = Pending::default();
        let inline = Pending::INLINE;
        for n in [0, 1, inline - 1, inline, inline + 1, 40, 3] {
            let clauses: Vec<Clause> = (0..n)
                .map(|k| Clause {
                    span: Span::new(k, k + 1),
                    end: '，',
                })
                .collect();
            for &c in &clauses {
                pending.push(c);
            }
            assert_eq!(pending.is_empty(), n == 0);
            let back = pending.take();
            assert_eq!(format!("{back:?}"), format!("{clauses:?}"));
            assert!(pending.is_empty());
        }
    }

    /// Long sentences (more clauses than `Pending` holds inline) split as before.
    #[test]
    fn long_sentences_split_as_a_visit_of_every_character() {
        let pieces = ["支出", "，", "、", "12项", "。", "；", "3，456", " "];
        let mut rng = crate::testing::Lcg::new(3);
        for _ in 0..500 {
            let text = rng.join(&pieces, 80);
            let numbers = crate::extract::scan(&text);
            let protected: Vec<Span> = numbers.iter().map(|n| n.span).collect();
            let span = Span::new(0, text.len());
            let fast = sentences(&text, 0, span, &protected);
            let every = split(&text, 0, span, &protected, text.char_indices());
            assert_eq!(format!("{fast:?}"), format!("{every:?}"), "{text:?}");
        }
    }

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
