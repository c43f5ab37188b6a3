//! Numbers as written in a report, with the unit that follows them.
//!
//! A number is kept exactly as stated (a `Decimal` and its count of decimals), so that the
//! rounding it implies can be reasoned about. Dates, ordinals, approximations (`2000余名`),
//! document numbers (`〔2022〕28号`), ranges (`80-90分`) and thresholds (`50万元以上`) are
//! recognised and marked as not being amounts.

use rust_decimal::Decimal;

use crate::text::Span;

/// What a number measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Money,
    Percent,
    /// 个百分点: a difference of percentages, not a rate.
    Points,
    Count,
    /// No unit written.
    Bare,
    /// Anything else (dates, areas, scores…): never part of a relation.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Money, with its factor to 元: 元 = 1, 千元 = 10³, 万元 = 10⁴, 亿元 = 10⁸.
    Money {
        factor: u32,
        text: &'static str,
    },
    Percent,
    Points,
    /// A count with its measure word (人, 项, 辆…).
    Count(&'static str),
    None,
    Other,
}

impl Unit {
    pub fn dimension(&self) -> Dimension {
        match self {
            Unit::Money { .. } => Dimension::Money,
            Unit::Percent => Dimension::Percent,
            Unit::Points => Dimension::Points,
            Unit::Count(_) => Dimension::Count,
            Unit::None => Dimension::Bare,
            Unit::Other => Dimension::Other,
        }
    }

    /// Factor to the base unit (元 for money, 1 otherwise).
    pub fn factor(&self) -> Decimal {
        match self {
            Unit::Money { factor, .. } => Decimal::from(*factor),
            _ => Decimal::ONE,
        }
    }

    pub fn text(&self) -> &'static str {
        match self {
            Unit::Money { text, .. } => text,
            Unit::Percent => "%",
            Unit::Points => "个百分点",
            Unit::Count(w) => w,
            Unit::None | Unit::Other => "",
        }
    }

    pub fn money(factor: u32) -> Unit {
        let text = match factor {
            1 => "元",
            1_000 => "千元",
            10_000 => "万元",
            _ => "亿元",
        };
        Unit::Money { factor, text }
    }
}

/// A number as written, with its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The digits (with separators and decimals), without sign or unit.
    pub span: Span,
    /// A minus sign written right before the digits.
    pub sign: Option<Span>,
    /// The magnitude as written, in `unit`.
    pub value: Decimal,
    /// Digits after the decimal point.
    pub decimals: u32,
    /// Digits after the point that are not trailing zeros (`10.60` → 1): a writer who pads a
    /// rounded figure with zeros has not stated more precision.
    pub significant_decimals: u32,
    pub unit: Unit,
    /// The unit as written, when there is one.
    pub unit_span: Option<Span>,
    /// Byte offsets of full-width commas used as thousands separators.
    pub fullwidth_commas: Vec<usize>,
    /// Whether the digits have thousands separators.
    pub grouped: bool,
    /// Not an amount: an ordinal, a date, an approximation, a range end, a threshold.
    pub excluded: bool,
}

impl Number {
    pub fn dimension(&self) -> Dimension {
        if self.excluded {
            Dimension::Other
        } else {
            self.unit.dimension()
        }
    }

    /// Span of the sign, digits and unit.
    pub fn full_span(&self) -> Span {
        let start = self.sign.map_or(self.span.start, |s| s.start);
        let end = self.unit_span.map_or(self.span.end, |u| u.end);
        Span::new(start, end)
    }

    /// The same number with its offsets moved by `by` bytes.
    pub fn moved(&self, by: isize) -> Number {
        Number {
            span: self.span.moved(by),
            sign: self.sign.map(|s| s.moved(by)),
            unit_span: self.unit_span.map(|s| s.moved(by)),
            fullwidth_commas: self
                .fullwidth_commas
                .iter()
                .map(|&c| c.wrapping_add_signed(by))
                .collect(),
            ..self.clone()
        }
    }

    /// The value in the base unit (元 for money), signed. None on overflow.
    pub fn base_value(&self) -> Option<Decimal> {
        let v = self.value.checked_mul(self.unit.factor())?;
        Some(if self.sign.is_some() { -v } else { v })
    }

    /// Half a unit of the last stated digit, in the base unit.
    pub fn half_ulp(&self) -> Option<Decimal> {
        half_ulp(self.decimals).checked_mul(self.unit.factor())
    }
}

/// Half a unit of the last of `decimals` decimals.
pub fn half_ulp(decimals: u32) -> Decimal {
    Decimal::new(5, decimals + 1)
}

/// A figure's digits as `scan` reads them: where they end, and what they say.
struct Lexed {
    end: usize,
    /// The value of the digits (point and separators left out), modulo 2^64: exact up to 19
    /// digits (most figures); wider ones are read again.
    small: u64,
    /// How many digits.
    count: usize,
    /// Where the decimal point is, if there is one.
    point: Option<usize>,
    /// Digits after the point up to the last that is not a 0.
    significant: usize,
    /// A separator (`,` or `，`) among the digits.
    grouped: bool,
    /// A `，` among them.
    fullwidth: bool,
}

/// The number that starts at `b[start]` (an ASCII digit) as the regex
/// `[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?` matches it there
/// (leftmost-first), written out by hand, its value read on the way: the regex engine's
/// per-match overhead was a tenth of a keystroke's analysis, and the digits are not read a
/// second time for their value. A test holds the spans equal to the regex's on random text.
fn lex(b: &[u8], start: usize) -> Lexed {
    let digit = |i: usize| {
        b.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|&c| u64::from(c - b'0'))
    };
    let mut i = start;
    let mut small = 0u64;
    while let Some(d) = digit(i) {
        small = small.wrapping_mul(10).wrapping_add(d);
        i += 1;
    }
    let mut count = i - start;
    let (mut grouped, mut fullwidth) = (false, false);
    // First alternative: 1–3 digits, then groups of a separator and exactly 3 digits.
    if count <= 3 {
        loop {
            let sep = match b.get(i) {
                Some(b',') => 1,
                Some(0xEF) if b.get(i + 1..i + 3) == Some(&[0xBC, 0x8C]) => 3,
                _ => break,
            };
            let (Some(x), Some(y), Some(z)) =
                (digit(i + sep), digit(i + sep + 1), digit(i + sep + 2))
            else {
                break;
            };
            small = small.wrapping_mul(1000).wrapping_add(x * 100 + y * 10 + z);
            count += 3;
            i += sep + 3;
            grouped = true;
            fullwidth |= sep == 3;
        }
    }
    // `(?:\.[0-9]+)?`
    let mut point = None;
    let mut significant = 0;
    if b.get(i) == Some(&b'.') && digit(i + 1).is_some() {
        point = Some(i);
        let from = i + 1;
        i = from;
        while let Some(d) = digit(i) {
            small = small.wrapping_mul(10).wrapping_add(d);
            i += 1;
            if d != 0 {
                significant = i - from;
            }
        }
        count += i - from;
    }
    Lexed {
        end: i,
        small,
        count,
        point,
        significant,
        grouped,
        fullwidth,
    }
}

impl Lexed {
    /// The value as a `Decimal` and its count of decimals; `None` beyond 28 characters of
    /// digits and point (`Decimal` holds 28 digits exactly; the point counts, as it always has,
    /// so that 27 decimals is the most a figure has).
    fn value(&self, b: &[u8], start: usize) -> Option<(Decimal, u32)> {
        if self.count + usize::from(self.point.is_some()) > 28 {
            return None;
        }
        // The fraction, if any, ends the number.
        let decimals = self.point.map_or(0, |p| self.end - p - 1) as u32;
        let value = if self.count <= 19 {
            let m = self.small;
            Decimal::from_parts(m as u32, (m >> 32) as u32, 0, false, decimals)
        } else {
            let digits = b[start..self.end].iter().filter(|c| c.is_ascii_digit());
            let m = digits.fold(0i128, |m, &c| m * 10 + i128::from(c - b'0'));
            Decimal::try_from_i128_with_scale(m, decimals).ok()?
        };
        Some((value, decimals))
    }
}

/// The first ASCII digit of `b` at or after `from`. Most of a report is not figures (Chinese
/// text, 3 bytes a character): 8 bytes are tested at a time, in a `u64`.
fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut words = b.get(from..)?.chunks_exact(8);
    for (k, word) in words.by_ref().enumerate() {
        let flags = digit_flags(u64::from_le_bytes(word.try_into().unwrap()));
        if flags != 0 {
            return Some(from + 8 * k + flags.trailing_zeros() as usize / 8);
        }
    }
    let tail = words.remainder();
    Some(b.len() - tail.len() + tail.iter().position(u8::is_ascii_digit)?)
}

/// Bit 7 of each byte set where that byte of `x` is an ASCII digit, the others clear. For each
/// byte, `y = x ^ 0x30` is below 10 exactly for a digit; `(y & 0x7F) + 0x76` reaches bit 7
/// when `y & 0x7F` is 10 or more (with no carry into the next byte: at most 0x7F + 0x76), and
/// `| y` sets it when `y` is 0x80 or more.
fn digit_flags(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let y = x ^ 0x3030_3030_3030_3030;
    !(((y & LOW7) + 0x7676_7676_7676_7676) | y) & !LOW7
}

/// How many numbers `scan` finds in `b`, about, to allocate its output once (growing it
/// copied the whole vector each time, a sixth of the lexer; over-allocating wastes memory the
/// size of a few documents). Counted: the digits after a byte outside `,` to `z` (0x2C–0x7A:
/// `,-./`, digits, letters, `_` and some punctuation) and other than 0x8C (the last byte of
/// `，`), each the start of a number that `scan` keeps, so never more (but for figures too long
/// to read, of 29 bytes or more each). Numbers after `-`, `/`, `,`, `:` and other characters
/// ending in 0x8C are not counted (under one in a hundred in the generated reports). The test
/// is two comparisons, branch-free on bytes, so that the compiler makes vector code of it
/// (about one instruction a byte).
fn estimate_count(b: &[u8]) -> usize {
    let digit = |x: u8| x.wrapping_sub(b'0') < 10;
    let starts = |p: u8, c: u8| {
        let blocks = (p.wrapping_sub(b',') <= b'z' - b',') | (p == 0x8C);
        digit(c) & !blocks
    };
    let Some(tail) = b.get(1..) else {
        return 0;
    };
    let mut n = usize::from(digit(b[0]));
    for (p, c) in b.chunks_exact(64).zip(tail.chunks_exact(64)) {
        n += usize::from((0..64).map(|i| u8::from(starts(p[i], c[i]))).sum::<u8>());
    }
    let done = tail.len() / 64 * 64;
    n + b[done..]
        .iter()
        .zip(&tail[done..])
        .filter(|&(&p, &c)| starts(p, c))
        .count()
}

/// A character as the bytes of its UTF-8 encoding read as a big-endian number (`'元'`, E5 85
/// 83, is 0xE58583): what the lexer compares and looks up, so that the characters around a
/// figure are read from the text without being decoded. In code point order, as UTF-8 is.
const fn key(c: char) -> u32 {
    let mut bytes = [0; 4];
    let len = c.encode_utf8(&mut bytes).len();
    u32::from_be_bytes(bytes) >> (32 - 8 * len)
}

/// The `key` of the character that starts at `b[i]` and its length in bytes; `(0, 0)` at the
/// end of `b`. (`b` is valid UTF-8 and `i` a character boundary.) A 0 stands for "no
/// character": nothing below accepts it, as nothing accepted `None`.
#[inline(always)]
fn key_at(b: &[u8], i: usize) -> (u32, usize) {
    // The 4 bytes as one range: one comparison with the end (`get(i..)` then `first_chunk`
    // made two).
    let word = match b.get(i..i + 4) {
        Some(&[w0, w1, w2, w3]) => u32::from_be_bytes([w0, w1, w2, w3]),
        // Near the end: padded with zeros, shifted out below.
        _ => {
            let tail = b.get(i..).unwrap_or_default();
            if tail.is_empty() {
                return (0, 0);
            }
            let mut word = [0; 4];
            word[..tail.len()].copy_from_slice(tail);
            u32::from_be_bytes(word)
        }
    };
    // The length from the first byte's high half, looked up without branches: which of them a
    // CJK text takes is hard to foresee.
    let len = usize::from(UTF8_LEN[(word >> 28) as usize]);
    (word >> (32 - 8 * len), len)
}

/// The length of a UTF-8 character by the high half of its first byte: 0x0–0x7 ASCII, 0xC–0xD
/// 2 bytes, 0xE 3, 0xF 4 (0x8–0xB continue a character; never first at a boundary).
const UTF8_LEN: [u8; 16] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4];

/// The `key` of the character that ends at `b[i - 1]` and its length; `(0, 0)` at the start.
#[inline(always)]
fn key_before(b: &[u8], i: usize) -> (u32, usize) {
    // As in `key_at`; below 4, the start wraps past `i` and the range is `None`.
    let word = match b.get(i.wrapping_sub(4)..i) {
        Some(&[w0, w1, w2, w3]) => u32::from_be_bytes([w0, w1, w2, w3]),
        // Near the start: padded with zeros, masked off below.
        _ => {
            let head = b.get(..i).unwrap_or_default();
            if head.is_empty() {
                return (0, 0);
            }
            let mut word = [0; 4];
            word[4 - head.len()..].copy_from_slice(head);
            u32::from_be_bytes(word)
        }
    };
    // A byte that starts a character (0xC0 and above) 3 bytes back starts a 3-byte one (in
    // valid UTF-8 it cannot start a shorter one: the last byte continues a character).
    let len = if word & 0x80 == 0 {
        1
    } else if (word >> 16) & 0xC0 == 0xC0 {
        3
    } else if (word >> 8) & 0xC0 == 0xC0 {
        2
    } else {
        4
    };
    (word & (u32::MAX >> (32 - 8 * len)), len)
}

/// Whether `k` is the key of an ideograph (U+4E00–U+9FFF, U+3400–U+4DBF).
fn is_ideograph(k: u32) -> bool {
    (key('\u{4e00}')..=key('\u{9fff}')).contains(&k)
        || (key('\u{3400}')..=key('\u{4dbf}')).contains(&k)
}

/// Whether the byte at `i` is an ASCII digit.
fn digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// What a character next to a figure says about it (`info`): bits that answer the questions
/// asked of it, and the unit it starts. One table look-up per character instead of one
/// comparison per question and word.
mod info {
    /// ' ', '\t', U+3000, U+A0: skipped between a figure and its sign, unit or range mark.
    pub const SPACE: u32 = 1;
    /// - － − —: a minus sign before a figure.
    pub const MINUS: u32 = 1 << 1;
    /// - － ~ ～ 至: between two figures, a range.
    pub const RANGE_BEFORE: u32 = 1 << 2;
    /// - － ~ ～ 至 到 —: after a figure (and its unit), a range if a figure follows.
    pub const RANGE_AFTER: u32 = 1 << 3;
    /// 〔 [ 【 : ：, and 〕 ] 】: a year or a document number between them, a time.
    pub const OPEN: u32 = 1 << 4;
    pub const CLOSE: u32 = 1 << 5;
    /// 第: an ordinal.
    pub const ORDINAL: u32 = 1 << 6;
    /// 近 约 逾, and the last characters of 超过 不足 不到: approximate.
    pub const APPROX_BEFORE: u32 = 1 << 7;
    pub const APPROX_BEFORE_END: u32 = 1 << 8;
    /// 余 多 来, and the first characters of 左右 以上 以下 以内 上下 开外: approximate or a
    /// threshold.
    pub const APPROX_AFTER: u32 = 1 << 9;
    pub const APPROX_AFTER_START: u32 = 1 << 10;
    /// ASCII letters and digits, `.` and `_`: before a figure, a longer token.
    pub const TOKEN: u32 = 1 << 11;
    /// `:` and `-`: right after a figure and before a digit, a time or a code (12:30, 3-1).
    pub const JOINED: u32 = 1 << 12;
    /// ASCII letters, 〕 ] 】 / ‰ (and ideographs, told by their range): right after the
    /// digits, a measure or a code that is not an amount (3794平方米, 5a, 12‰).
    pub const NOT_AMOUNT: u32 = 1 << 13;
    /// Any of these before a figure (but `TOKEN`) calls for a closer look.
    pub const BEFORE: u32 =
        SPACE | MINUS | RANGE_BEFORE | OPEN | ORDINAL | APPROX_BEFORE | APPROX_BEFORE_END;
    /// Any of these after a figure or its unit calls for a closer look.
    pub const AFTER: u32 = RANGE_AFTER | CLOSE | APPROX_AFTER | APPROX_AFTER_START | JOINED | SPACE;

    /// The unit a character starts, in the bits from `UNIT_SHIFT`: 亿/億, 万/萬, 千, 元, %/％,
    /// 个, 百, 人, and the other count words (whose index in `COUNT_WORDS` is in the bits from
    /// `WORD_SHIFT`).
    pub const UNIT_SHIFT: u32 = 16;
    pub const YI: u32 = 1;
    pub const WAN: u32 = 2;
    pub const QIAN: u32 = 3;
    pub const YUAN: u32 = 4;
    pub const PERCENT: u32 = 5;
    pub const GE: u32 = 6;
    pub const BAI: u32 = 7;
    pub const REN: u32 = 8;
    pub const COUNT: u32 = 9;
    pub const WORD_SHIFT: u32 = 20;
}

/// Count words other than 人 and 个 (which start longer words too).
const COUNT_WORDS: [&str; 13] = [
    "名", "项", "次", "辆", "台", "套", "所", "家", "场", "位", "户", "件", "",
];

/// Every character with something to say next to a figure, and what (`info`): the lists the
/// plain lexer (`reference::scan`) compares, turned around.
const CHARS: &[(char, u32)] = {
    use info::*;
    const fn unit(kind: u32) -> u32 {
        kind << UNIT_SHIFT
    }
    const fn count(k: u32) -> u32 {
        (COUNT << UNIT_SHIFT) | (k << WORD_SHIFT)
    }
    &[
        (' ', SPACE),
        ('\t', SPACE),
        ('\u{3000}', SPACE),
        ('\u{a0}', SPACE),
        ('-', MINUS | RANGE_BEFORE | RANGE_AFTER | JOINED),
        ('－', MINUS | RANGE_BEFORE | RANGE_AFTER),
        ('−', MINUS),
        ('—', MINUS | RANGE_AFTER),
        ('~', RANGE_BEFORE | RANGE_AFTER),
        ('～', RANGE_BEFORE | RANGE_AFTER),
        ('至', RANGE_BEFORE | RANGE_AFTER),
        ('到', RANGE_AFTER | APPROX_BEFORE_END),
        ('〔', OPEN),
        ('[', OPEN),
        ('【', OPEN),
        (':', OPEN | JOINED),
        ('：', OPEN),
        ('〕', CLOSE | NOT_AMOUNT),
        (']', CLOSE | NOT_AMOUNT),
        ('】', CLOSE | NOT_AMOUNT),
        ('/', NOT_AMOUNT),
        ('‰', NOT_AMOUNT),
        ('.', TOKEN),
        ('_', TOKEN),
        ('第', ORDINAL),
        ('近', APPROX_BEFORE),
        ('约', APPROX_BEFORE),
        ('逾', APPROX_BEFORE),
        ('过', APPROX_BEFORE_END),
        ('足', APPROX_BEFORE_END),
        ('余', APPROX_AFTER),
        ('多', APPROX_AFTER),
        ('来', APPROX_AFTER),
        ('左', APPROX_AFTER_START),
        ('以', APPROX_AFTER_START),
        ('上', APPROX_AFTER_START),
        ('开', APPROX_AFTER_START),
        ('亿', unit(YI)),
        ('億', unit(YI)),
        ('万', unit(WAN)),
        ('萬', unit(WAN)),
        ('千', unit(QIAN)),
        ('元', unit(YUAN)),
        ('%', unit(PERCENT)),
        ('％', unit(PERCENT)),
        ('个', unit(GE)),
        ('百', unit(BAI)),
        ('人', unit(REN)),
        ('名', count(0)),
        ('项', count(1)),
        ('次', count(2)),
        ('辆', count(3)),
        ('台', count(4)),
        ('套', count(5)),
        ('所', count(6)),
        ('家', count(7)),
        ('场', count(8)),
        ('位', count(9)),
        ('户', count(10)),
        ('件', count(11)),
    ]
};

/// `CHARS` as tables, by `key`: ASCII by code, the others by a perfect hash (`hash`), whose
/// multiplier is searched for at compile time. No branches, no comparisons one by one.
struct CharTable {
    ascii: [u32; 128],
    mul: u32,
    /// (key, info); an empty slot holds a key that no character has.
    slots: [(u32, u32); 256],
}

const fn hash(k: u32, mul: u32) -> usize {
    (k.wrapping_mul(mul) >> 24) as usize
}

const TABLE: CharTable = {
    let mut ascii = [0; 128];
    let mut c = 0;
    while c < 128 {
        if (c as u8).is_ascii_alphanumeric() {
            ascii[c] = info::TOKEN;
        }
        if (c as u8).is_ascii_alphabetic() {
            ascii[c] |= info::NOT_AMOUNT;
        }
        c += 1;
    }
    let mut i = 0;
    while i < CHARS.len() {
        if (CHARS[i].0 as u32) < 128 {
            ascii[CHARS[i].0 as usize] |= CHARS[i].1;
        }
        i += 1;
    }
    // Odd multipliers until one puts each of the other characters in a slot of its own (one in
    // a hundred or so does, for 256 slots).
    let mut mul: u32 = 0x9E37_79B9;
    loop {
        let mut slots = [(u32::MAX, 0); 256];
        let mut free = true;
        let mut i = 0;
        while i < CHARS.len() && free {
            let k = key(CHARS[i].0);
            if k >= 128 {
                let h = hash(k, mul);
                free = slots[h].0 == u32::MAX;
                slots[h] = (k, CHARS[i].1);
            }
            i += 1;
        }
        if free {
            break CharTable { ascii, mul, slots };
        }
        mul = mul.wrapping_add(0x6A09_E668) | 1;
    }
};

/// The `info` of the character of key `k`.
#[inline(always)]
fn info(k: u32) -> u32 {
    match TABLE.ascii.get(k as usize) {
        Some(&i) => i,
        None => {
            let (slot, i) = TABLE.slots[hash(k, TABLE.mul)];
            if slot == k {
                i
            } else {
                0
            }
        }
    }
}

/// A character next to a figure: its key, length and info.
#[derive(Clone, Copy)]
struct Near {
    key: u32,
    len: usize,
    info: u32,
}

impl Near {
    #[inline(always)]
    fn at(b: &[u8], i: usize) -> Near {
        let (key, len) = key_at(b, i);
        Near {
            key,
            len,
            info: info(key),
        }
    }

    #[inline(always)]
    fn before(b: &[u8], i: usize) -> Near {
        let (key, len) = key_before(b, i);
        Near {
            key,
            len,
            info: info(key),
        }
    }

    fn is(self, bits: u32) -> bool {
        self.info & bits != 0
    }
}

/// The unit that starts at `b[at]` (with `first`, after the spaces that follow the digits) and
/// its length, or the reason there is none (`next` is the character right after the digits).
/// In order, the first that fits of: money units (亿元 億元 万元 萬元 千元 元 亿 億 万 萬),
/// `%`/`％`, 个百分点/百分点, count words (人次 人 名 项 次 个 辆 台 套 所 家 场 位 户 件), as
/// lists of words once were; decided on the first character, then the next.
#[inline(always)]
fn unit_at(b: &[u8], at: usize, first: Near, next: Near) -> (Unit, usize) {
    use info::*;
    let then = || key_at(b, at + first.len).0;
    let follows = |w: &str| {
        b.get(at + first.len..)
            .is_some_and(|r| r.starts_with(w.as_bytes()))
    };
    match (first.info >> UNIT_SHIFT) & 0xF {
        kind @ (YI | WAN) => {
            let factor = if kind == YI { 100_000_000 } else { 10_000 };
            return match then() {
                k if k == const { key('元') } => (Unit::money(factor), 6),
                // A bare 万/亿 before another word counts something else: 31.5万人, 3亿次.
                k if is_ideograph(k) => (Unit::Other, 0),
                _ => (Unit::money(factor), 3),
            };
        }
        QIAN if then() == const { key('元') } => return (Unit::money(1_000), 6),
        YUAN => return (Unit::money(1), 3),
        PERCENT => return (Unit::Percent, first.len),
        GE if follows("百分点") => return (Unit::Points, 12),
        GE => return (Unit::Count("个"), 3),
        BAI if follows("分点") => return (Unit::Points, 9),
        REN if then() == const { key('次') } => return (Unit::Count("人次"), 6),
        REN => return (Unit::Count("人"), 3),
        COUNT => {
            let word = COUNT_WORDS[(first.info >> WORD_SHIFT) as usize & 0xF];
            return (Unit::Count(word), 3);
        }
        _ => {}
    }
    // A measure word we do not count in (4,820批次, 3794平方米), a date (年 月 日), an ordinal
    // (届 期 级), a score (分): not an amount. (The characters once listed, 年月日号届时岁周天级
    // 版期分秒米季度倍页条款章节篇楼层路平亩公吨千克 and 〕]】/‰, are ideographs but the last
    // five.)
    if next.is(NOT_AMOUNT) || is_ideograph(next.key) {
        (Unit::Other, 0)
    } else {
        (Unit::None, 0)
    }
}

/// Whether the text at `b[at]`, whose first character is `c`, starts with a word that makes a
/// number before it approximate or a threshold: 余 多 来 左右 以上 以下 以内 上下 开外.
fn approx_after(b: &[u8], at: usize, c: Near) -> bool {
    if !c.is(info::APPROX_AFTER_START) {
        return c.is(info::APPROX_AFTER);
    }
    let then = key_at(b, at + c.len).0;
    let is = |w: char| then == key(w);
    match c.key {
        k if k == const { key('左') } => is('右'),
        k if k == const { key('以') } => is('上') || is('下') || is('内'),
        k if k == const { key('上') } => is('下'),
        _ => is('外'), // 开
    }
}

/// Whether the text before a number ends with a word that makes the number approximate: 近 约
/// 逾 超过 大约 将近 不足 不到. `c` is its last character, `b[..at]` what comes before that.
fn approx_before(b: &[u8], at: usize, c: Near) -> bool {
    if !c.is(info::APPROX_BEFORE_END) {
        return c.is(info::APPROX_BEFORE);
    }
    let first = if c.key == const { key('过') } {
        "超"
    } else {
        "不"
    };
    b[..at].ends_with(first.as_bytes())
}

/// Every number in `text`, in order. Never fails; a number too long for `Decimal` is skipped.
///
/// A number, and all that decides how it is read (its sign, unit and the words around it), lie
/// within its line: `scan` of a text is `scan` of each of its lines (with its line break), which
/// is what lets `memo` keep the numbers of unchanged lines. A test holds the two equal.
///
/// Read on bytes: each character next to a figure is read once, undecoded, and looked up once
/// (`info`); most figures have nothing around them that calls for a closer look. A test holds
/// this equal to the plain version (`reference::scan`), which compares lists of words.
pub fn scan(text: &str) -> Vec<Number> {
    use info::*;
    let b = text.as_bytes();
    // A sixth more than estimated: what it misses, without growing (up to 14% in the generated
    // reports).
    let estimate = estimate_count(b);
    let mut out = Vec::with_capacity(estimate + estimate / 6 + 1);
    let mut at = 0;
    while let Some(start) = next_digit(b, at) {
        let lexed = lex(b, start);
        let end = lexed.end;
        at = end;
        let prev = Near::before(b, start);
        // Part of a longer token: an identifier, a decimal we did not match, a code.
        if prev.is(TOKEN) {
            continue;
        }
        let Some((value, decimals)) = lexed.value(b, start) else {
            continue;
        };

        // The unit, after spaces.
        let next = Near::at(b, end);
        let (mut u, mut first) = (end, next);
        while first.is(SPACE) {
            u += first.len;
            first = Near::at(b, u);
        }
        let (unit, unit_len) = unit_at(b, u, first, next);
        let unit_span = (unit_len > 0).then(|| Span::new(u, u + unit_len));
        let mut excluded = matches!(unit, Unit::Other);

        let mut sign = None;
        if prev.is(BEFORE) {
            // A minus sign right before (spaces allowed between), unless it joins two numbers
            // (80-90).
            let (mut s, mut last) = (start, prev);
            while last.is(SPACE) {
                s -= last.len;
                last = Near::before(b, s);
            }
            if last.is(MINUS) && !digit_at(b, (s - last.len).wrapping_sub(1)) {
                sign = Some(Span::new(s - last.len, s));
            }
            // Ordinals and serials: 第41届, No.3
            excluded |= prev.is(ORDINAL);
            // Approximations.
            excluded |= approx_before(b, start - prev.len, prev);
            // The end of a range: 80-90, 3至5.
            excluded |= prev.is(RANGE_BEFORE) && digit_at(b, (start - prev.len).wrapping_sub(1));
        }

        // What follows the unit (the digits if none).
        let (after_unit, au) = match unit_span {
            Some(s) => (s.end, Near::at(b, s.end)),
            None => (end, next),
        };
        if (next.info | au.info | first.info) & AFTER != 0 {
            // Approximations and thresholds.
            excluded |= approx_after(b, end, next);
            excluded |= unit_span.is_some() && approx_after(b, after_unit, au);
            // Ranges: 80-90分, 3至5人, 10～20: a range mark after the unit (or the digits) and
            // spaces, then a digit after spaces.
            let (mut r, mut then) = (after_unit, au);
            while then.is(SPACE) {
                r += then.len;
                then = Near::at(b, r);
            }
            if then.is(RANGE_AFTER) {
                let mut d = r + then.len;
                loop {
                    let c = Near::at(b, d);
                    if !c.is(SPACE) {
                        break;
                    }
                    d += c.len;
                }
                excluded |= digit_at(b, d);
            }
            // Document numbers and years in brackets.
            excluded |= prev.is(OPEN) && end - start == 4 && au.is(CLOSE);
            // Phone numbers, times.
            excluded |= next.is(JOINED) && digit_at(b, end + 1);
        }

        // A fullwidth comma is rare in a figure: search for it only when there is one (within
        // a figure, only `，` has the byte 0xEF).
        let fullwidth_commas: Vec<usize> = if lexed.fullwidth {
            (start..end).filter(|&i| b[i] == 0xEF).collect()
        } else {
            Vec::new()
        };
        out.push(Number {
            span: Span::new(start, end),
            sign,
            value,
            decimals,
            significant_decimals: lexed.significant as u32,
            unit,
            unit_span,
            fullwidth_commas,
            grouped: lexed.grouped,
            excluded,
        });
    }
    out
}

/// Format a value with thousands separators and `decimals` decimals: 9017122.4 → 9,017,122.40.
pub fn format_grouped(value: Decimal, decimals: u32) -> String {
    let scale = value.scale();
    let magnitude = value.mantissa().unsigned_abs();
    // The magnitude at exactly `decimals` places, rounded half away from zero when it has more
    // (as `round_dp_with_strategy(MidpointAwayFromZero)`, which took a third of the time on
    // its 96-bit arrays), written digit by digit: Decimal's own `{:.N}` is several times
    // slower, and hovers and relations format thousands of figures.
    let at_places = if scale > decimals {
        Some(round_off(magnitude, scale - decimals))
    } else {
        10u128
            .checked_pow(decimals - scale)
            .and_then(|k| magnitude.checked_mul(k))
            .filter(|_| decimals <= 38)
    };
    let Some(mut m) = at_places else {
        // More places than a u128 holds: more than Decimal's 28, so `value` has fewer places
        // than asked and is padded with zeros. (Not `{:.N}`: rust_decimal panics for N over
        // ~30.)
        let neg = value.is_sign_negative() && !value.is_zero();
        let mut s = value.abs().to_string();
        let have = s.find('.').map_or(0, |p| s.len() - p - 1);
        let pad = (decimals as usize).saturating_sub(have);
        if have == 0 && pad > 0 {
            s.push('.');
        }
        s.extend(std::iter::repeat_n('0', pad));
        return group(&s, neg);
    };
    let neg = value.is_sign_negative() && m != 0;
    let d = decimals as usize; // ≤ 38 here, and m < 2^128 has at most 39 digits
    let mut digits = [0u8; 48]; // least significant first
    let mut n = 0;
    // u128 divisions for the digits beyond a u64 (rare), then u64 ones, several times cheaper.
    while m > u128::from(u64::MAX) {
        digits[n] = b'0' + (m % 10) as u8;
        m /= 10;
        n += 1;
    }
    let mut m = m as u64;
    while m > 0 || n <= d {
        digits[n] = b'0' + (m % 10) as u8;
        m /= 10;
        n += 1;
    }
    let int_len = n - d;
    let mut out = String::with_capacity(n + int_len / 3 + 2);
    if neg {
        out.push('-');
    }
    for k in 0..n {
        if k == int_len {
            out.push('.');
        } else if k > 0 && k < int_len && (int_len - k) % 3 == 0 {
            out.push(',');
        }
        out.push(char::from(digits[n - 1 - k]));
    }
    out
}

/// `magnitude` (below 2^96) with its last `k` (1 to 28) digits rounded off, half away from
/// zero: a remainder of half of 10^k or more rounds up.
fn round_off(magnitude: u128, k: u32) -> u128 {
    let p = 10u128.pow(k);
    let (q, r) = match (u64::try_from(magnitude), u64::try_from(p)) {
        // u64 division where it fits: u128's is a library call.
        (Ok(m), Ok(p)) => (u128::from(m / p), u128::from(m % p)),
        _ => (magnitude / p, magnitude % p),
    };
    q + u128::from(r >= p - r)
}

/// `1234567.80` → `1,234,567.80` (with a leading `-` when `neg`).
fn group(s: &str, neg: bool) -> String {
    let (int, frac) = s.split_at(s.find('.').unwrap_or(s.len()));
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    if neg {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

/// Format like `original` was written: same decimals, separators only if it had them.
pub fn format_like(value: Decimal, original: &Number) -> String {
    let s = format_grouped(value, original.decimals);
    if original.grouped {
        s
    } else {
        s.replace(',', "")
    }
}

/// The plain versions the tests hold the fast ones equal to: the lexer as it was before its
/// characters were decoded once (the spans as the regex finds them, every word compared
/// character by character, the digits in a u128), and `format_grouped` rounding with
/// rust_decimal.
#[cfg(test)]
mod reference {
    use super::{Number, Unit};
    use crate::text::Span;
    use rust_decimal::Decimal;

    fn number_spans(text: &str) -> Vec<(usize, usize)> {
        static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
                .unwrap()
        });
        RE.find_iter(text).map(|m| (m.start(), m.end())).collect()
    }

    pub(super) fn is_ideograph(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
    }

    pub(super) fn is_space(c: char) -> bool {
        c == ' ' || c == '\u{3000}' || c == '\u{a0}' || c == '\t'
    }

    const MONEY_UNITS: &[(&str, u32)] = &[
        ("亿元", 100_000_000),
        ("億元", 100_000_000),
        ("万元", 10_000),
        ("萬元", 10_000),
        ("千元", 1_000),
        ("元", 1),
        ("亿", 100_000_000),
        ("億", 100_000_000),
        ("万", 10_000),
        ("萬", 10_000),
    ];

    const COUNT_WORDS: &[&str] = &[
        "人次", "人", "名", "项", "次", "个", "辆", "台", "套", "所", "家", "场", "位", "户", "件",
    ];

    /// Words after a number that make it approximate or a threshold, not an amount.
    const APPROX_AFTER: &[&str] = &[
        "余", "多", "来", "左右", "以上", "以下", "以内", "上下", "开外",
    ];
    /// Words before a number that make it approximate.
    const APPROX_BEFORE: &[&str] = &["近", "约", "逾", "超过", "大约", "将近", "不足", "不到"];
    /// Characters right after the digits that make a number a date, ordinal, code or score.
    const NOT_AMOUNT_AFTER: &[char] = &[
        '年', '月', '日', '号', '届', '时', '岁', '周', '天', '级', '版', '期', '〕', ']', '】',
        '分', '秒', '米', '季', '度', '倍', '页', '条', '款', '章', '节', '篇', '楼', '层', '路',
        '/', '‰', '平', '亩', '公', '吨', '千', '克',
    ];

    /// Every number in `text`, in order. Never fails; a number too long for `Decimal` is skipped.
    ///
    /// A number, and all that decides how it is read (its sign, unit and the words around it), lie
    /// within its line: `scan` of a text is `scan` of each of its lines (with its line break), which
    /// is what lets `memo` keep the numbers of unchanged lines. A test holds the two equal.
    pub(super) fn scan(text: &str) -> Vec<Number> {
        let mut out = Vec::new();
        for (start, end) in number_spans(text) {
            let before = &text[..start];
            let prev = before.chars().next_back();
            // Part of a longer token: an identifier, a decimal we did not match, a code.
            if prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
                continue;
            }
            let raw = &text[start..end];
            let Some(Digits {
                value,
                decimals,
                significant_decimals,
            }) = digits(raw)
            else {
                continue;
            };
            let fullwidth_commas: Vec<usize> =
                raw.match_indices('，').map(|(i, _)| start + i).collect();
            let grouped = raw.contains([',', '，']);

            // A minus sign right before (spaces allowed between), unless it joins two numbers (80-90).
            let mut sign = None;
            let trimmed = before.trim_end_matches(is_space);
            if let Some(c) = trimmed.chars().next_back() {
                if matches!(c, '-' | '－' | '−' | '—') {
                    let s = trimmed.len() - c.len_utf8();
                    let before_sign = trimmed[..s].chars().next_back();
                    if !before_sign.is_some_and(|b| b.is_ascii_digit()) {
                        sign = Some(Span::new(s, trimmed.len()));
                    }
                }
            }

            let rest = &text[end..];
            let after_space = rest.trim_start_matches(is_space);
            let space_len = rest.len() - after_space.len();
            let mut unit = Unit::None;
            let mut unit_span = None;
            let mut unit_len = 0;
            if let Some(&(w, f)) = word_at_start(after_space, MONEY_UNITS, |u| u.0) {
                // A bare 万/亿 before another word counts something else: 31.5万人, 3亿次.
                let then = after_space[w.len()..].chars().next();
                if !w.ends_with('元') && then.is_some_and(is_ideograph) {
                    unit = Unit::Other;
                } else {
                    unit = Unit::money(f);
                    unit_len = w.len();
                }
            } else if after_space.starts_with('%') || after_space.starts_with('％') {
                unit = Unit::Percent;
                unit_len = after_space.chars().next().map_or(1, char::len_utf8);
            } else if let Some(w) = word_at_start(after_space, &["个百分点", "百分点"], |w| w)
            {
                unit = Unit::Points;
                unit_len = w.len();
            } else if let Some(w) = word_at_start(after_space, COUNT_WORDS, |w| w) {
                unit = Unit::Count(w);
                unit_len = w.len();
            } else if let Some(c) = rest.chars().next() {
                // A measure word we do not count in (4,820批次, 3794平方米): not an amount.
                if NOT_AMOUNT_AFTER.contains(&c) || c.is_ascii_alphabetic() || is_ideograph(c) {
                    unit = Unit::Other;
                }
            }
            if unit_len > 0 {
                unit_span = Some(Span::new(end + space_len, end + space_len + unit_len));
            }
            let after_unit = &text[unit_span.map_or(end, |u| u.end)..];

            let mut excluded = matches!(unit, Unit::Other);
            // Ordinals and serials: 第41届, No.3
            excluded |= before.ends_with('第');
            // Approximations and thresholds.
            excluded |= word_at_start(rest, APPROX_AFTER, |w| w).is_some()
                || word_at_start(after_unit, APPROX_AFTER, |w| w).is_some();
            excluded |= ends_with_word(before, APPROX_BEFORE);
            // Ranges: 80-90分, 3至5人, 10～20.
            let range_next = after_unit.trim_start_matches(is_space);
            excluded |= range_next
                .strip_prefix(['-', '－', '~', '～', '至', '到', '—'])
                .is_some_and(|r| {
                    r.trim_start_matches(is_space)
                        .starts_with(|c: char| c.is_ascii_digit())
                });
            excluded |= prev.is_some_and(|c| matches!(c, '-' | '－' | '~' | '～' | '至'))
                && before[..before.len() - prev.map_or(0, char::len_utf8)]
                    .ends_with(|c: char| c.is_ascii_digit());
            // Document numbers and years in brackets, phone numbers, times.
            excluded |= prev.is_some_and(|c| matches!(c, '〔' | '[' | '【' | ':' | '：'))
                && raw.len() == 4
                && after_unit.starts_with(['〕', ']', '】']);
            excluded |=
                rest.starts_with([':', '-']) && rest[1..].starts_with(|c: char| c.is_ascii_digit());

            out.push(Number {
                span: Span::new(start, end),
                sign,
                value,
                decimals,
                significant_decimals,
                unit,
                unit_span,
                fullwidth_commas,
                grouped,
                excluded,
            });
        }
        out
    }

    /// The first of `items` whose word `s` starts with. `s`'s first character is decoded once and
    /// compared with each word's before the words are: most figures are followed by punctuation or
    /// a word that starts none of the unit and approximation words, and comparing whole words
    /// (a `memcmp` each) was a tenth of the lexer.
    fn word_at_start<'i, T>(s: &str, items: &'i [T], word: impl Fn(&T) -> &str) -> Option<&'i T> {
        let first = s.chars().next();
        items.iter().find(|i| {
            let w = word(i);
            (w.is_empty() || w.chars().next() == first) && s.starts_with(w)
        })
    }

    /// Whether `s` ends with one of `words` (last characters compared first, as above).
    fn ends_with_word(s: &str, words: &[&str]) -> bool {
        let last = s.chars().next_back();
        words
            .iter()
            .any(|w| (w.is_empty() || w.chars().next_back() == last) && s.ends_with(w))
    }

    struct Digits {
        value: Decimal,
        decimals: u32,
        significant_decimals: u32,
    }

    /// The value of a matched number (digits, `.`, and `,`/`，` separators), without allocating;
    /// `None` beyond 28 characters of digits and point (`Decimal` holds 28 digits exactly; the
    /// point counts, as it always has, so that 27 decimals is the most a figure has).
    fn digits(raw: &str) -> Option<Digits> {
        let mut mantissa: u128 = 0;
        let mut count = 0u32;
        let mut decimals = None::<u32>;
        let mut significant = 0u32;
        for b in raw.bytes() {
            match b {
                b'0'..=b'9' => {
                    count += 1;
                    if count > 28 {
                        return None;
                    }
                    mantissa = mantissa * 10 + u128::from(b - b'0');
                    if let Some(d) = decimals.as_mut() {
                        *d += 1;
                        if b != b'0' {
                            significant = *d;
                        }
                    }
                }
                b'.' => decimals = Some(0),
                _ => {} // separators
            }
        }
        if count + u32::from(decimals.is_some()) > 28 {
            return None;
        }
        let decimals = decimals.unwrap_or(0);
        let value =
            Decimal::try_from_i128_with_scale(i128::try_from(mantissa).ok()?, decimals).ok()?;
        Some(Digits {
            value,
            decimals,
            significant_decimals: significant,
        })
    }

    /// Format a value with thousands separators and `decimals` decimals: 9017122.4 → 9,017,122.40.
    pub(super) fn format_grouped(value: Decimal, decimals: u32) -> String {
        let v = value.round_dp_with_strategy(
            decimals,
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        );
        let neg = v.is_sign_negative() && !v.is_zero();
        // The mantissa at exactly `decimals` places (rounding left the scale ≤ decimals), written
        // digit by digit: Decimal's own `{:.N}` is several times slower, and hovers and relations
        // format thousands of figures.
        let Some(mut m) = 10u128
            .checked_pow(decimals - v.scale().min(decimals))
            .and_then(|k| v.mantissa().unsigned_abs().checked_mul(k))
            .filter(|_| decimals <= 38)
        else {
            // More places than a u128 holds: more than Decimal's 28, so `v` has fewer places than
            // asked and is padded with zeros. (Not `{:.N}`: rust_decimal panics for N over ~30.)
            let mut s = v.abs().to_string();
            let have = s.find('.').map_or(0, |p| s.len() - p - 1);
            let pad = (decimals as usize).saturating_sub(have);
            if have == 0 && pad > 0 {
                s.push('.');
            }
            s.extend(std::iter::repeat_n('0', pad));
            return super::group(&s, neg);
        };
        let d = decimals as usize; // ≤ 38 here, and m < 2^128 has at most 39 digits
        let mut digits = [0u8; 48]; // least significant first
        let mut n = 0;
        while m > 0 || n <= d {
            digits[n] = b'0' + (m % 10) as u8;
            m /= 10;
            n += 1;
        }
        let int_len = n - d;
        let mut out = String::with_capacity(n + int_len / 3 + 2);
        if neg {
            out.push('-');
        }
        for k in 0..n {
            if k == int_len {
                out.push('.');
            } else if k > 0 && k < int_len && (int_len - k) % 3 == 0 {
                out.push(',');
            }
            out.push(char::from(digits[n - 1 - k]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// The spans `lex` finds, one number after the other.
    fn spans(s: &str) -> Vec<(usize, usize)> {
        let mut at = 0;
        std::iter::from_fn(|| {
            let start = next_digit(s.as_bytes(), at)?;
            at = lex(s.as_bytes(), start).end;
            Some((start, at))
        })
        .collect()
    }

    fn one(t: &str) -> Number {
        let v = scan(t);
        assert_eq!(v.len(), 1, "{t}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn reads_amounts_with_units_and_separators() {
        let n = one("支出8,901,652.46元");
        assert_eq!(n.value, Decimal::from_str("8901652.46").unwrap());
        assert_eq!(n.decimals, 2);
        assert_eq!(n.unit, Unit::money(1));
        let n = one("合计1,465.58 万元");
        assert_eq!(n.unit, Unit::money(10_000));
        let n = one("决算478，297.24元");
        assert_eq!(n.fullwidth_commas.len(), 1);
        assert_eq!(n.value, Decimal::from_str("478297.24").unwrap());
        let n = one("减少-97,121.12元");
        assert!(n.sign.is_some());
        assert_eq!(one("占比10.60%").significant_decimals, 1);
        assert_eq!(one("获奖178项").unit, Unit::Count("项"));
    }

    #[test]
    fn harmless_numbers_are_not_amounts() {
        for t in [
            "第41届",
            "2000余名",
            "近300项",
            "5月",
            "1958年",
            "〔2022〕",
            "80-90分",
            "单价50万元以上",
            "28号",
        ] {
            assert!(scan(t).iter().all(|n| n.excluded), "{t}");
        }
        // 80-90: the second number is not negative.
        assert!(scan("80-90分").iter().all(|n| n.sign.is_none()));
    }

    #[test]
    fn twenty_eight_characters_with_the_point_are_the_most_read() {
        // As when the digits were parsed from a string: the point counts.
        assert!(scan("123456789012345678901234567.8万元").is_empty());
        assert_eq!(scan("12345678901234567890123456.78万元").len(), 0);
        assert_eq!(scan("1234567890123456789012345.78万元").len(), 1);
        assert_eq!(scan("1234567890123456789012345678元").len(), 1);
    }

    #[test]
    fn too_many_digits_is_skipped_not_a_panic() {
        assert!(scan("1234567890123456789012345678901234567890元").is_empty());
        assert_eq!(scan("0.123456789012345678901234567890123%").len(), 0);
    }

    #[test]
    fn formats_grouped() {
        assert_eq!(
            format_grouped(Decimal::from_str("9017122.4").unwrap(), 2),
            "9,017,122.40"
        );
        assert_eq!(
            format_grouped(Decimal::from_str("-115469.94").unwrap(), 2),
            "-115,469.94"
        );
        assert_eq!(format_grouped(Decimal::from(187), 0), "187");
        assert_eq!(format_grouped(Decimal::ZERO, 2), "0.00");
        assert_eq!(
            format_grouped(Decimal::from_str("0.004").unwrap(), 2),
            "0.00"
        );
        assert_eq!(
            format_grouped(Decimal::from_str("-0.005").unwrap(), 2),
            "-0.01"
        );
        assert_eq!(
            format_grouped(Decimal::from_str("999.995").unwrap(), 2),
            "1,000.00"
        );
        assert_eq!(
            format_grouped(Decimal::MAX, 0),
            group(&Decimal::MAX.to_string(), false)
        );
        // Beyond a u128's digits: padded with zeros. rust_decimal's `{:.N}` panicked on the
        // large ones (found by fuzzing: a 34-place figure in a sum).
        assert_eq!(
            format_grouped(Decimal::new(1, 28), 40),
            format!("0.{}1{}", "0".repeat(27), "0".repeat(12))
        );
        let max = "79,228,162,514,264,337,593,543,950,335";
        assert_eq!(
            format_grouped(Decimal::MAX, 34),
            format!("{max}.{}", "0".repeat(34))
        );
        assert_eq!(
            format_grouped(Decimal::MIN, 12),
            format!("-{max}.{}", "0".repeat(12))
        );
        assert_eq!(
            format_grouped(Decimal::from_str("1.5").unwrap(), 45),
            format!("1.5{}", "0".repeat(44))
        );
    }

    #[test]
    fn numbers_are_found_as_the_regex_finds_them() {
        let re =
            regex::Regex::new(r"[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
                .unwrap();
        let pieces = [
            "1", "12", "123", "4567", "0", ",", "，", ".", "..", "元", "a", " ", "-", "9",
        ];
        let mut rng = crate::testing::Lcg::new(5);
        for _ in 0..50_000 {
            let s = rng.join(&pieces, 10);
            let want: Vec<(usize, usize)> =
                re.find_iter(&s).map(|m| (m.start(), m.end())).collect();
            assert_eq!(spans(&s), want, "{s}");
        }
    }

    #[test]
    fn a_text_is_scanned_as_its_lines_are() {
        let pieces = [
            "1",
            "12",
            "1,234",
            "0.5",
            "，",
            ".",
            "-",
            "－",
            " ",
            "\u{3000}",
            "\n",
            "\r\n",
            "万元",
            "元",
            "%",
            "亿",
            "万人",
            "个百分点",
            "项",
            "年",
            "第",
            "约",
            "超过",
            "左右",
            "余",
            "至",
            "〔",
            "〕",
            ":",
            "a",
            "_",
            "支出",
            "减少",
        ];
        let mut rng = crate::testing::Lcg::new(11);
        for _ in 0..30_000 {
            let s = rng.join(&pieces, 14);
            let mut by_line = Vec::new();
            let mut at = 0;
            for line in s.split_inclusive('\n') {
                by_line.extend(scan(line).iter().map(|n| n.moved(at as isize)));
                at += line.len();
            }
            assert_eq!(scan(&s), by_line, "{s:?}");
        }
    }

    #[test]
    fn scans_as_the_plain_lexer_does() {
        // Pieces separated by `|`: digits (ASCII and full-width), separators, signs, spaces
        // (NBSP, U+3000), line breaks (`\r\n`, a lone `\r`), NUL (the decoder's "no
        // character"), units and the words around numbers and the characters they start with,
        // other characters of 1 to 4 bytes, figures of 19 to 60 digits.
        let pieces: Vec<&str> =
            "1|12|123|1234|0|9|00|,|，|.|．|1,234|1，234|12.50|0.5|0.000|-|－|−|—|~|～| |\t|\u{3000}|\
            \u{a0}|\n|\r\n|\r|\0|元|万元|亿元|億元|萬元|千元|万|亿|億|萬|千|%|％|个百分点|百分点|百|\
            分点|个|人次|人|次|名|项|件|辆|户|台|套|所|家|场|位|年|分|〕|〔|[|]|【|】|/|‰|:|：|第|约|近|逾|超过|超|过|\
            大约|将近|不到|不足|不|足|余|多|来|左右|左|以上|以下|以内|以|上下|上|开外|开|外|至|到|a|Z|\
            _|支出|的|，同比|。|é|😀|１２|０|９９９|9999999999999999999|18446744073709551616|\
            12345678901234567890123456789|1234567890123456789012345678|123456789012345678901234567.5|\
            0.000000000000000000000000001|123456789012345678901234567890123456789012345678901234567890"
                .split('|')
                .collect();
        let mut rng = crate::testing::Lcg::new(17);
        for k in 0..80_000 {
            let s = rng.join(&pieces, if k % 8 == 0 { 48 } else { 16 });
            assert_eq!(scan(&s), reference::scan(&s), "{s:?}");
        }
        assert!(scan("").is_empty());
    }

    #[test]
    fn digit_flags_are_the_digits() {
        let mut rng = crate::testing::Lcg::new(23);
        for k in 0..100_000u64 {
            // Every byte value in every place, then random words.
            let x = if k < 2048 {
                (k % 256) << (k / 256 * 8)
            } else {
                rng.next()
            };
            let want = x
                .to_le_bytes()
                .map(|c| if c.is_ascii_digit() { 0x80 } else { 0 });
            assert_eq!(digit_flags(x), u64::from_le_bytes(want), "{x:#x}");
        }
    }

    #[test]
    fn characters_are_read_as_str_does() {
        let pieces = [
            "a",
            "1",
            "\0",
            "\n",
            "\u{a0}",
            "é",
            "\u{3000}",
            "元",
            "，",
            "😀",
            "\u{7ff}",
            "\u{800}",
            "\u{ffff}",
            "\u{10000}",
            "\u{10ffff}",
        ];
        let mut rng = crate::testing::Lcg::new(31);
        for _ in 0..5_000 {
            let s = rng.join(&pieces, 6);
            let b = s.as_bytes();
            let of = |c: Option<char>| c.map_or((0, 0), |c| (key(c), c.len_utf8()));
            for i in (0..=s.len()).filter(|&i| s.is_char_boundary(i)) {
                assert_eq!(key_at(b, i), of(s[i..].chars().next()), "{s:?} {i}");
                assert_eq!(
                    key_before(b, i),
                    of(s[..i].chars().next_back()),
                    "{s:?} {i}"
                );
            }
        }
        for c in [
            '\0', 'a', '\u{7f}', '\u{80}', 'é', '\u{7ff}', '\u{800}', '元', '\u{ffff}', '😀',
        ] {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).bytes();
            assert_eq!(key(c), bytes.fold(0, |k, x| k << 8 | u32::from(x)));
        }
        // The keys of ideographs are those in the ranges of keys.
        for c in [
            '\u{33ff}', '\u{3400}', '\u{4dbf}', '\u{4dc0}', '\u{4dff}', '\u{4e00}', '\u{9fff}',
            '\u{a000}', '😀',
        ] {
            assert_eq!(is_ideograph(key(c)), reference::is_ideograph(c), "{c}");
        }
    }

    #[test]
    fn every_character_is_looked_up() {
        // Each listed character finds its info; others (all ideographs, a sample of the rest)
        // find none, or that of their ASCII class.
        for &(c, i) in CHARS {
            let want = if c.is_ascii_alphabetic() {
                i | info::TOKEN | info::NOT_AMOUNT
            } else {
                i
            };
            assert_eq!(info(key(c)), want, "{c}");
        }
        let listed = |c: char| CHARS.iter().any(|&(l, _)| l == c);
        for c in ('\u{80}'..='\u{ffff}')
            .step_by(7)
            .chain('\u{4e00}'..='\u{9fff}')
        {
            if !listed(c) {
                assert_eq!(info(key(c)), 0, "{c}");
            }
        }
    }

    #[test]
    fn formats_as_with_round_dp() {
        let mut rng = crate::testing::Lcg::new(29);
        for k in 0..200_000 {
            let (a, b) = (rng.next(), rng.next());
            // Mantissas of every width up to Decimal's 96 bits, every scale, places up to 45.
            let bits = a % 97;
            let mantissa = (u128::from(a) << 64 | u128::from(b)) & ((1u128 << bits) - 1);
            let v = Decimal::from_i128_with_scale(mantissa as i128, (b % 29) as u32);
            let v = if k % 2 == 0 { -v } else { v };
            let decimals = ((a >> 8) % 46) as u32;
            assert_eq!(
                format_grouped(v, decimals),
                reference::format_grouped(v, decimals),
                "{v:?} {decimals}"
            );
        }
        for v in [
            "0.5", "-0.5", "0.05", "-0.004", "-0.005", "999.995", "1.45", "-2.5",
        ] {
            let v = Decimal::from_str(v).unwrap();
            for decimals in 0..4 {
                assert_eq!(
                    format_grouped(v, decimals),
                    reference::format_grouped(v, decimals)
                );
            }
        }
    }

    #[test]
    fn formats_as_decimal_does() {
        let mut rng = crate::testing::Lcg::new(3);
        for _ in 0..20_000 {
            let seed = rng.next();
            let mantissa = (seed >> 4) as i64 as i128 * if seed & 1 == 0 { 1 } else { -1 };
            let v = Decimal::from_i128_with_scale(mantissa, (seed % 12) as u32);
            let decimals = ((seed >> 7) % 6) as u32;
            let r = v.round_dp_with_strategy(
                decimals,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            );
            let neg = r.is_sign_negative() && !r.is_zero();
            let expected = group(&format!("{:.*}", decimals as usize, r.abs()), neg);
            assert_eq!(format_grouped(v, decimals), expected, "{v} {decimals}");
        }
    }
}
