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

/// The numbers of `text` as byte ranges, as the regex
/// `[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?` finds them (leftmost-first,
/// one after the other), written out by hand: the regex engine's per-match overhead was a
/// tenth of a keystroke's analysis. A test holds the two equal on random text.
fn number_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let digits_from = move |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    // `[,，]` at `i`: its length.
    let separator = move |i: usize| match b.get(i) {
        Some(b',') => Some(1),
        Some(0xEF) if b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&0x8C) => Some(3),
        _ => None,
    };
    // `(?:\.[0-9]+)?` at `i`: where it ends.
    let fraction = move |i: usize| {
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            digits_from(i + 1)
        } else {
            i
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = next_digit(b, at)?;
        let run = digits_from(start);
        let mut end = run;
        // First alternative: 1–3 digits, then groups of a separator and exactly 3 digits.
        if run - start <= 3 {
            while let Some(s) = separator(end) {
                let g = end + s;
                if g + 3 <= b.len() && b[g..g + 3].iter().all(u8::is_ascii_digit) {
                    end = g + 3;
                } else {
                    break;
                }
            }
        }
        let end = fraction(end);
        at = end;
        Some((start, end))
    })
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
/// size of a few documents). Counted: the digits after a byte none of `0-9a-zA-Z_,-./` nor
/// 0x8C (the last byte of `，`), each the start of a number that `scan` keeps, so never more
/// (but for figures too long to read, of 29 bytes or more each). Numbers after `-`, `/`, `,`
/// and other characters ending in 0x8C are not counted. The test is branch-free on bytes so
/// that the compiler makes vector code of it (about two instructions a byte).
fn estimate_count(b: &[u8]) -> usize {
    let digit = |x: u8| x.wrapping_sub(b'0') < 10;
    let starts = |p: u8, c: u8| {
        let blocks = (p.wrapping_sub(b',') < 14) // , - . / 0-9
            | ((p | 0x20).wrapping_sub(b'a') < 26)
            | (p == b'_')
            | (p == 0x8C);
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

/// A word looked for around a number, with its first and last characters decoded at compile
/// time: comparing those with the one character decoded from the text rules out most words
/// before any bytes are compared (decoding each word's ends for each number was a quarter of
/// the lexer).
struct Word {
    text: &'static str,
    first: char,
    last: char,
}

const fn word(text: &'static str) -> Word {
    let b = text.as_bytes();
    assert!(!b.is_empty());
    let mut last = b.len() - 1;
    while b[last] & 0xC0 == 0x80 {
        last -= 1;
    }
    Word {
        text,
        first: decode_at(b, 0),
        last: decode_at(b, last),
    }
}

/// The character whose UTF-8 encoding starts at `b[i]` (`b` valid UTF-8).
const fn decode_at(b: &[u8], i: usize) -> char {
    let lead = b[i] as u32;
    let (len, mut c) = match lead {
        0x00..=0x7F => (1, lead),
        0xC0..=0xDF => (2, lead & 0x1F),
        0xE0..=0xEF => (3, lead & 0x0F),
        _ => (4, lead & 0x07),
    };
    let mut k = 1;
    while k < len {
        c = (c << 6) | (b[i + k] as u32 & 0x3F);
        k += 1;
    }
    match char::from_u32(c) {
        Some(c) => c,
        None => panic!("not UTF-8"),
    }
}

/// Words with a summary of their ends: bit `c % 64` of `firsts` (`lasts`) is set for the first
/// (last) character `c` of each. Most characters next to a figure have their bit clear, and
/// start (end) none of the words: one test instead of one per word.
struct Words {
    list: &'static [Word],
    firsts: u64,
    lasts: u64,
}

const fn words(list: &'static [Word]) -> Words {
    let (mut firsts, mut lasts, mut i) = (0, 0, 0);
    while i < list.len() {
        firsts |= bit(list[i].first);
        lasts |= bit(list[i].last);
        i += 1;
    }
    Words {
        list,
        firsts,
        lasts,
    }
}

const fn bit(c: char) -> u64 {
    1 << (c as u32 % 64)
}

/// Money units; the factor to 元 is that of the first character (`money_factor`).
const MONEY_UNITS: Words = words(&[
    word("亿元"),
    word("億元"),
    word("万元"),
    word("萬元"),
    word("千元"),
    word("元"),
    word("亿"),
    word("億"),
    word("万"),
    word("萬"),
]);

fn money_factor(unit: &Word) -> u32 {
    match unit.first {
        '亿' | '億' => 100_000_000,
        '万' | '萬' => 10_000,
        '千' => 1_000,
        _ => 1,
    }
}

const POINTS: Words = words(&[word("个百分点"), word("百分点")]);

const COUNT_WORDS: Words = words(&[
    word("人次"),
    word("人"),
    word("名"),
    word("项"),
    word("次"),
    word("个"),
    word("辆"),
    word("台"),
    word("套"),
    word("所"),
    word("家"),
    word("场"),
    word("位"),
    word("户"),
    word("件"),
]);

/// Words after a number that make it approximate or a threshold, not an amount.
const APPROX_AFTER: Words = words(&[
    word("余"),
    word("多"),
    word("来"),
    word("左右"),
    word("以上"),
    word("以下"),
    word("以内"),
    word("上下"),
    word("开外"),
]);
/// Words before a number that make it approximate.
const APPROX_BEFORE: Words = words(&[
    word("近"),
    word("约"),
    word("逾"),
    word("超过"),
    word("大约"),
    word("将近"),
    word("不足"),
    word("不到"),
]);
/// Characters right after the digits that make a number a date, ordinal, code or score.
const NOT_AMOUNT_AFTER: &[char] = &[
    '年', '月', '日', '号', '届', '时', '岁', '周', '天', '级', '版', '期', '〕', ']', '】', '分',
    '秒', '米', '季', '度', '倍', '页', '条', '款', '章', '节', '篇', '楼', '层', '路', '/', '‰',
    '平', '亩', '公', '吨', '千', '克',
];

fn is_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// `s.trim_start_matches(is_space)` on bytes: the spaces are ' ', '\t', U+3000 (E3 80 80) and
/// U+A0 (C2 A0), and decoding every character to test it cost more than the test.
fn trim_start_spaces(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        match b.get(i..) {
            Some([b' ' | b'\t', ..]) => i += 1,
            Some([0xC2, 0xA0, ..]) => i += 2,
            Some([0xE3, 0x80, 0x80, ..]) => i += 3,
            _ => return &s[i..],
        }
    }
}

/// `s.trim_end_matches(is_space)` on bytes (a lead byte at `len - 2` or `len - 3` starts the
/// last character, so matching its bytes is matching the character).
fn trim_end_spaces(s: &str) -> &str {
    let mut b = s.as_bytes();
    loop {
        match b {
            [rest @ .., b' ' | b'\t'] => b = rest,
            [rest @ .., 0xC2, 0xA0] => b = rest,
            [rest @ .., 0xE3, 0x80, 0x80] => b = rest,
            _ => return &s[..b.len()],
        }
    }
}

/// Whether `s`'s last character is an ASCII digit (its last byte is: other characters end in
/// bytes ≥ 0x80).
fn ends_with_digit(s: &str) -> bool {
    s.as_bytes().last().is_some_and(u8::is_ascii_digit)
}

/// Every number in `text`, in order. Never fails; a number too long for `Decimal` is skipped.
///
/// A number, and all that decides how it is read (its sign, unit and the words around it), lie
/// within its line: `scan` of a text is `scan` of each of its lines (with its line break), which
/// is what lets `memo` keep the numbers of unchanged lines. A test holds the two equal.
///
/// Each character next to the number is decoded once and compared with the words' ends decoded
/// at compile time; a test holds this equal to the plain version (`reference::scan`).
pub fn scan(text: &str) -> Vec<Number> {
    // An eighth more than estimated: most of those it misses, without growing.
    let estimate = estimate_count(text.as_bytes());
    let mut out = Vec::with_capacity(estimate + estimate / 8 + 1);
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
            grouped,
            fullwidth,
        }) = digits(raw)
        else {
            continue;
        };
        // A fullwidth comma is rare in a figure: search for it only when there is one.
        let fullwidth_commas: Vec<usize> = if fullwidth {
            raw.match_indices('，').map(|(i, _)| start + i).collect()
        } else {
            Vec::new()
        };

        // A minus sign right before (spaces allowed between), unless it joins two numbers (80-90).
        let mut sign = None;
        let trimmed = trim_end_spaces(before);
        let last = if trimmed.len() == before.len() {
            prev
        } else {
            trimmed.chars().next_back()
        };
        if let Some(c) = last {
            if matches!(c, '-' | '－' | '−' | '—') {
                let s = trimmed.len() - c.len_utf8();
                if !ends_with_digit(&trimmed[..s]) {
                    sign = Some(Span::new(s, trimmed.len()));
                }
            }
        }

        let rest = &text[end..];
        let rest_first = rest.chars().next();
        let after_space = trim_start_spaces(rest);
        let space_len = rest.len() - after_space.len();
        let first = if space_len == 0 {
            rest_first
        } else {
            after_space.chars().next()
        };
        let mut unit = Unit::None;
        let mut unit_len = 0;
        if let Some(w) = word_at_start(after_space, first, &MONEY_UNITS) {
            // A bare 万/亿 before another word counts something else: 31.5万人, 3亿次.
            let then = after_space[w.text.len()..].chars().next();
            if w.last != '元' && then.is_some_and(is_ideograph) {
                unit = Unit::Other;
            } else {
                unit = Unit::money(money_factor(w));
                unit_len = w.text.len();
            }
        } else if let Some(c @ ('%' | '％')) = first {
            unit = Unit::Percent;
            unit_len = c.len_utf8();
        } else if let Some(w) = word_at_start(after_space, first, &POINTS) {
            unit = Unit::Points;
            unit_len = w.text.len();
        } else if let Some(w) = word_at_start(after_space, first, &COUNT_WORDS) {
            unit = Unit::Count(w.text);
            unit_len = w.text.len();
        } else if let Some(c) = rest_first {
            // A measure word we do not count in (4,820批次, 3794平方米): not an amount.
            // (The list last: most characters here are ideographs.)
            if c.is_ascii_alphabetic() || is_ideograph(c) || NOT_AMOUNT_AFTER.contains(&c) {
                unit = Unit::Other;
            }
        }
        let unit_span =
            (unit_len > 0).then(|| Span::new(end + space_len, end + space_len + unit_len));
        let after_unit = &text[unit_span.map_or(end, |u| u.end)..];

        let mut excluded = matches!(unit, Unit::Other);
        // Ordinals and serials: 第41届, No.3
        excluded |= prev == Some('第');
        // Approximations and thresholds.
        excluded |= word_at_start(rest, rest_first, &APPROX_AFTER).is_some()
            || unit_span.is_some()
                && word_at_start(after_unit, after_unit.chars().next(), &APPROX_AFTER).is_some();
        excluded |= ends_with_word(before, prev, &APPROX_BEFORE);
        // Ranges: 80-90分, 3至5人, 10～20.
        // (Without a unit, `after_unit` is `rest`: its spaces are trimmed already.)
        let (range_next, next) = match unit_span {
            Some(_) => {
                let r = trim_start_spaces(after_unit);
                (r, r.chars().next())
            }
            None => (after_space, first),
        };
        excluded |= next.is_some_and(|c| {
            matches!(c, '-' | '－' | '~' | '～' | '至' | '到' | '—')
                && trim_start_spaces(&range_next[c.len_utf8()..])
                    .as_bytes()
                    .first()
                    .is_some_and(u8::is_ascii_digit)
        });
        excluded |= prev.is_some_and(|c| matches!(c, '-' | '－' | '~' | '～' | '至'))
            && ends_with_digit(&before[..before.len() - prev.map_or(0, char::len_utf8)]);
        // Document numbers and years in brackets, phone numbers, times.
        excluded |= prev.is_some_and(|c| matches!(c, '〔' | '[' | '【' | ':' | '：'))
            && raw.len() == 4
            && after_unit.starts_with(['〕', ']', '】']);
        let r = rest.as_bytes();
        excluded |=
            matches!(r.first(), Some(b':' | b'-')) && r.get(1).is_some_and(u8::is_ascii_digit);

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

/// The first of `words` that `s` starts with; `first` is `s`'s first character.
fn word_at_start(s: &str, first: Option<char>, words: &Words) -> Option<&'static Word> {
    let first = first.filter(|&c| words.firsts & bit(c) != 0)?;
    words
        .list
        .iter()
        .find(|w| w.first == first && s.starts_with(w.text))
}

/// Whether `s` ends with one of `words`; `last` is `s`'s last character.
fn ends_with_word(s: &str, last: Option<char>, words: &Words) -> bool {
    last.filter(|&c| words.lasts & bit(c) != 0)
        .is_some_and(|last| (words.list.iter()).any(|w| w.last == last && s.ends_with(w.text)))
}

struct Digits {
    value: Decimal,
    decimals: u32,
    significant_decimals: u32,
    /// A separator (`,` or `，`) among the digits.
    grouped: bool,
    /// A `，` among them.
    fullwidth: bool,
}

/// The value of a matched number (digits, `.`, and `,`/`，` separators), without allocating;
/// `None` beyond 28 characters of digits and point (`Decimal` holds 28 digits exactly; the
/// point counts, as it always has, so that 27 decimals is the most a figure has).
fn digits(raw: &str) -> Option<Digits> {
    let b = raw.as_bytes();
    let mut count = 0;
    let mut point = None;
    let mut grouped = false;
    let mut fullwidth = false;
    // The value of up to 19 digits (most figures) in a u64: u128 arithmetic costs several
    // instructions a digit; wider figures are read again below.
    let mut small = 0u64;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                count += 1;
                small = small.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            }
            b'.' => point = Some(i),
            b',' => grouped = true,
            // `，` is EF BC 8C; no other character reaches here (see `number_spans`).
            0xEF => (grouped, fullwidth) = (true, true),
            _ => {}
        }
    }
    if count + usize::from(point.is_some()) > 28 {
        return None;
    }
    let mantissa = if count <= 19 {
        i128::from(small)
    } else {
        let digits = b.iter().filter(|c| c.is_ascii_digit());
        digits.fold(0i128, |m, &c| m * 10 + i128::from(c - b'0'))
    };
    // The fraction, if any, ends the number and is all digits (no separators).
    let fraction = point.map_or(&b[..0], |p| &b[p + 1..]);
    let decimals = fraction.len() as u32;
    let value = Decimal::try_from_i128_with_scale(mantissa, decimals).ok()?;
    Some(Digits {
        value,
        decimals,
        // Up to the last digit that is not a 0.
        significant_decimals: fraction
            .iter()
            .rposition(|&c| c != b'0')
            .map_or(0, |k| k as u32 + 1),
        grouped,
        fullwidth,
    })
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
    use super::{is_ideograph, Number, Unit};
    use crate::text::Span;
    use rust_decimal::Decimal;

    fn number_spans(text: &str) -> Vec<(usize, usize)> {
        static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
                .unwrap()
        });
        RE.find_iter(text).map(|m| (m.start(), m.end())).collect()
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
            assert_eq!(number_spans(&s).collect::<Vec<_>>(), want, "{s}");
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
        // Pieces separated by `|`: digits, separators, signs, spaces, units and the words
        // around numbers, other characters of 1 to 4 bytes, a figure too long to read.
        let pieces: Vec<&str> =
            "1|12|123|1234|0|9|,|，|.|1,234|12.50|0.5|-|－|−|—|~|～| |\t|\u{3000}|\
            \u{a0}|\n|\r\n|元|万元|亿元|億元|萬元|千元|万|亿|億|萬|千|%|％|个百分点|百分点|个|人次|\
            人|项|件|年|分|〕|〔|[|]|【|】|/|‰|:|：|第|约|近|超过|大约|不到|余|多|左右|以上|开外|\
            至|到|a|Z|_|支出|的|，同比|。|é|😀|12345678901234567890123456789"
                .split('|')
                .collect();
        let mut rng = crate::testing::Lcg::new(17);
        for _ in 0..60_000 {
            let s = rng.join(&pieces, 16);
            assert_eq!(scan(&s), reference::scan(&s), "{s:?}");
        }
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
    fn words_know_their_ends() {
        let tables = [
            MONEY_UNITS,
            POINTS,
            COUNT_WORDS,
            APPROX_AFTER,
            APPROX_BEFORE,
        ];
        for t in &tables {
            for w in t.list {
                assert_eq!(Some(w.first), w.text.chars().next());
                assert_eq!(Some(w.last), w.text.chars().next_back());
                assert_ne!(t.firsts & bit(w.first), 0);
                assert_ne!(t.lasts & bit(w.last), 0);
            }
        }
        for s in [
            "",
            " ",
            "a",
            "\u{3000}",
            "\u{a0}x",
            "x\t \u{3000}",
            "元\u{a0}",
            "  1  ",
        ] {
            assert_eq!(
                trim_start_spaces(s),
                s.trim_start_matches(reference::is_space)
            );
            assert_eq!(trim_end_spaces(s), s.trim_end_matches(reference::is_space));
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
