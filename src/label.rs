//! Normalised labels: `“科学技术支出（类）”2021年度决算` → `科学技术支出`, level 类, column 本年.
//!
//! A label keeps its qualifiers (`一般公共预算财政拨款基本支出` is not `基本支出`: the two
//! may legitimately differ), and drops what only frames the figure: list markers, quotes, years,
//! column words (决算数, 年初预算), verbs (安排, 使用, 为).

use std::sync::{Arc, OnceLock};

#[cfg(test)]
use regex::Regex;

use crate::extract::words::{column_of, Column, FUNDS};
use crate::text::search::find_from;

/// 类 / 款 / 项 of the functional classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Lei,
    Kuan,
    Xiang,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Label {
    pub text: String,
    pub level: Option<Level>,
    pub column: Option<Column>,
}

/// A label as statements hold it: the text shared, so that a remembered label is handed out
/// (and made a statement's label) without copying it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedLabel {
    pub text: Arc<str>,
    pub level: Option<Level>,
    pub column: Option<Column>,
}

impl From<Label> for SharedLabel {
    fn from(l: Label) -> SharedLabel {
        SharedLabel {
            text: l.text.into(),
            level: l.level,
            column: l.column,
        }
    }
}

/// What `strip` removes, as a regex: kept as the reference `strip` is tested against.
#[cfg(test)]
fn strip_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[（(]?[0-9]{1,2}[）)]|[0-9]{1,2}[.．、]|[①-⑳㈠-㈩])",
            r"|[0-9]{4}\s*年(?:度)?(?:[0-9]{1,2}月(?:份)?(?:[0-9]{1,2}日)?)?|[0-9]{1,2}月(?:[0-9]{1,2}日)?(?:份)?",
            r"|[“”\x22'‘’《》「」『』]|\s+",
        ))
        .expect("label strip regex")
    })
}

/// Words that frame a figure without naming it; removed wherever they stand.
const FILLERS: &[&str] = &[
    "本部门",
    "本单位",
    "我部门",
    "我单位",
    "部门使用",
    "使用",
    "安排的",
    "安排",
    "本年度",
    "本年",
    "当年",
    "全年",
    "今年",
    "年度",
    "本期",
    "截至",
    "截止到",
    "截止",
    "其中",
    "主要包括",
    "包括",
    "主要用于",
    "用于",
    "另外",
    "此外",
    "以及",
];

/// Column words; removed after they have set the column.
const COLUMN_WORDS: &[&str] = &[
    "年初预算数",
    "年初预算",
    "调整后预算数",
    "调整预算数",
    "调整预算",
    "全年预算数",
    "上年决算数",
    "上年数",
    "上年",
    "上一年",
    "决算数",
    "决算",
    "预算数",
    "预算",
    "执行数",
    "实际支出",
];

/// Endings that only introduce the figure.
const TRAILING: &[&str] = &[
    "金额为",
    "均为",
    "各为",
    "均是",
    "均",
    "各",
    "分别为",
    "为",
    "是",
    "达到",
    "达",
    "共计",
    "约",
    "金额",
    "的",
    "数",
];

/// Labels that name no quantity on their own.
pub const GENERIC: &[&str] = &[
    "", "合计", "总计", "共计", "小计", "总额", "金额", "支出", "收入", "实际", "其他", "其中",
    "为", "计",
];

pub fn is_generic(s: &str) -> bool {
    GENERIC.contains(&s)
}

/// `*s = s.replace(word, to)` (`word` not empty), by `find_from`; whether `word` was there.
fn replace_in(s: &mut String, word: &str, to: &str) -> bool {
    let Some(mut at) = find_from(s, word, 0) else {
        return false;
    };
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    loop {
        out.push_str(&s[run..at]);
        out.push_str(to);
        run = at + word.len();
        match find_from(s, word, run) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.push_str(&s[run..]);
    *s = out;
    true
}

/// Remove every column word and filler, in list order (longer forms first), as if by
/// `s = s.replace(w, "")` for each: a removal can join two pieces into a word further down the
/// list. One automaton tells which words are present; only those are replaced.
fn remove_words(s: &mut String) {
    use aho_corasick::AhoCorasick;
    static WORDS: OnceLock<(Vec<&'static str>, AhoCorasick)> = OnceLock::new();
    let (words, ac) = WORDS.get_or_init(|| {
        let words: Vec<&str> = COLUMN_WORDS.iter().chain(FILLERS).copied().collect();
        let ac = AhoCorasick::new(&words).expect("word automaton");
        (words, ac)
    });
    let mut from = 0;
    while let Some(i) = ac
        .find_overlapping_iter(s.as_str())
        .map(|m| m.pattern().as_usize())
        .filter(|&i| i >= from)
        .min()
    {
        replace_in(s, words[i], "");
        from = i + 1;
    }
}

/// Normalise the text written before a figure.
pub fn normalize(raw: &str) -> Label {
    let l = normalize_shared(raw);
    Label {
        // Not `to_string`, which for an `Arc<str>` goes through `Display`.
        text: String::from(&*l.text),
        level: l.level,
        column: l.column,
    }
}

/// `normalize`, the text shared. Reports repeat the same few dozen labels thousands of times,
/// so results are remembered (per thread, bounded); a remembered one costs no copy.
pub fn normalize_shared(raw: &str) -> SharedLabel {
    thread_local! {
        static CACHE: TextCache<SharedLabel> = TextCache::default();
    }
    remembered(&CACHE, raw, |raw| normalize_uncached(raw).into())
}

/// Results keyed by a short document text, remembered per thread (see `remembered`).
pub(crate) type TextCache<V> = std::cell::RefCell<foldhash::HashMap<Box<str>, V>>;

/// `compute(key)`, remembered in `cache`: at most 50,000 entries (cleared when full), keys
/// over 200 bytes not kept. Keyed by document text: a randomly seeded hasher, so that a
/// crafted document cannot make its keys collide.
pub(crate) fn remembered<V: Clone>(
    cache: &'static std::thread::LocalKey<TextCache<V>>,
    key: &str,
    compute: impl FnOnce(&str) -> V,
) -> V {
    if key.len() > 200 {
        return compute(key);
    }
    cache.with(|c| {
        if let Some(v) = c.borrow().get(key) {
            return v.clone();
        }
        let v = compute(key);
        let mut c = c.borrow_mut();
        if c.len() >= 50_000 {
            c.clear();
        }
        c.insert(key.into(), v.clone());
        v
    })
}

/// Placeholders for `FUNDS[i]` while column words are removed (`\u{E000}` and the index).
const FUND_MARKS: [&str; 5] = [
    "\u{E000}0",
    "\u{E000}1",
    "\u{E000}2",
    "\u{E000}3",
    "\u{E000}4",
];

/// Whether `strip_re` may match in `raw`: each of its alternatives needs a digit, a space or a
/// quote, except the list markers, which are anchored at the start. Most labels have none of
/// these, and a regex search costs more than this pass.
fn may_strip(raw: &str) -> bool {
    let marker_first = raw.chars().next().is_some_and(|c| {
        matches!(
            c,
            '第' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '（' | '('
                | '①'..='⑳' | '㈠'..='㈩'
        )
    });
    marker_first
        || raw.chars().any(|c| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || matches!(
                    c,
                    '“' | '”' | '"' | '\'' | '‘' | '’' | '《' | '》' | '「' | '」' | '『' | '』'
                )
        })
}

/// The numerals of list markers (一、 （二） 第三部分).
fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// How many ASCII digits `s` starts with, counted up to `cap` (a digit run is never read
/// further than its patterns need: a long run is not read again from each of its digits).
fn digits(s: &str, cap: usize) -> usize {
    s.bytes().take(cap).take_while(u8::is_ascii_digit).count()
}

/// Length of `c` at the start of `s`, if there.
fn starts(s: &str, c: char) -> Option<usize> {
    s.starts_with(c).then(|| c.len_utf8())
}

/// The length of a list marker at the start of `t` (the group of `strip_re`'s first
/// alternative, in its order): 第三部分, 一、, （一）, (1), 1., ①.
fn marker_len(t: &str) -> Option<usize> {
    let first = t.chars().next()?;
    // 第[一-十]+部分
    if let Some(after) = t.strip_prefix('第') {
        let rest = after.trim_start_matches(is_numeral);
        if rest.len() < after.len() && rest.starts_with("部分") {
            return Some(t.len() - rest.len() + "部分".len());
        }
    }
    // [一-十]+、
    let rest = t.trim_start_matches(is_numeral);
    if rest.len() < t.len() {
        if let Some(n) = starts(rest, '、') {
            return Some(t.len() - rest.len() + n);
        }
    }
    let paren = matches!(first, '（' | '(').then(|| first.len_utf8());
    let close = |s: &str| starts(s, '）').or_else(|| starts(s, ')'));
    if let Some(open) = paren {
        // [（(][一-十]+[）)]
        let inner = &t[open..];
        let rest = inner.trim_start_matches(is_numeral);
        if rest.len() < inner.len() {
            if let Some(n) = close(rest) {
                return Some(t.len() - rest.len() + n);
            }
        }
    }
    // [（(]?[0-9]{1,2}[）)]: a 1- or 2-digit run (a third digit is no close).
    let open = paren.unwrap_or(0);
    let d = digits(&t[open..], 3);
    if (1..=2).contains(&d) {
        if let Some(n) = close(&t[open + d..]) {
            return Some(open + d + n);
        }
    }
    // [0-9]{1,2}[.．、]
    let d = digits(t, 3);
    if (1..=2).contains(&d) {
        let rest = &t[d..];
        if let Some(n) = starts(rest, '.')
            .or_else(|| starts(rest, '．'))
            .or_else(|| starts(rest, '、'))
        {
            return Some(d + n);
        }
    }
    matches!(first, '①'..='⑳' | '㈠'..='㈩').then(|| first.len_utf8())
}

/// The length of a match of `strip_re`'s other alternatives at the start of `t` (never at the
/// start of the text: the list markers are tried there first), in their order.
fn strip_len_at(t: &str) -> Option<usize> {
    let first = t.chars().next()?;
    if first.is_ascii_digit() {
        let d = digits(t, 5);
        // [0-9]{4}\s*年(?:度)?(?:[0-9]{1,2}月(?:份)?(?:[0-9]{1,2}日)?)?
        if d == 4 {
            let rest = t[4..].trim_start_matches(char::is_whitespace);
            if let Some(n) = starts(rest, '年') {
                let mut e = t.len() - rest.len() + n;
                e += starts(&t[e..], '度').unwrap_or(0);
                let m = digits(&t[e..], 3);
                if (1..=2).contains(&m) {
                    if let Some(n) = starts(&t[e + m..], '月') {
                        e += m + n;
                        e += starts(&t[e..], '份').unwrap_or(0);
                        let m = digits(&t[e..], 3);
                        if (1..=2).contains(&m) {
                            if let Some(n) = starts(&t[e + m..], '日') {
                                e += m + n;
                            }
                        }
                    }
                }
                return Some(e);
            }
        }
        // [0-9]{1,2}月(?:[0-9]{1,2}日)?(?:份)?
        if (1..=2).contains(&d) {
            if let Some(n) = starts(&t[d..], '月') {
                let mut e = d + n;
                let m = digits(&t[e..], 3);
                if (1..=2).contains(&m) {
                    if let Some(n) = starts(&t[e + m..], '日') {
                        e += m + n;
                    }
                }
                e += starts(&t[e..], '份').unwrap_or(0);
                return Some(e);
            }
        }
        return None;
    }
    // [“”\x22'‘’《》「」『』]
    if matches!(
        first,
        '“' | '”' | '"' | '\'' | '‘' | '’' | '《' | '》' | '「' | '」' | '『' | '』'
    ) {
        return Some(first.len_utf8());
    }
    // \s+
    if first.is_whitespace() {
        return Some(t.len() - t.trim_start_matches(char::is_whitespace).len());
    }
    None
}

/// `strip_re().replace_all(raw, "")`: the leftmost match at each step, its alternatives tried
/// in order, written out (the regex search cost a third of a label's normalisation).
fn strip(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // `^\s*(?:marker)`: only at the very start. A marker never starts with a space, so the
    // spaces taken are all there are.
    let mut p = {
        let t = raw.trim_start_matches(char::is_whitespace);
        marker_len(t).map_or(0, |n| raw.len() - t.len() + n)
    };
    let mut run = p;
    while let Some(c) = raw[p..].chars().next() {
        match strip_len_at(&raw[p..]) {
            Some(n) => {
                out.push_str(&raw[run..p]);
                p += n;
                run = p;
            }
            None => p += c.len_utf8(),
        }
    }
    out.push_str(&raw[run..]);
    out
}

fn normalize_uncached(raw: &str) -> Label {
    let mut s = if may_strip(raw) {
        strip(raw)
    } else {
        raw.to_string()
    };
    let mut level = None;
    // Every level mark ends in `)` or `）` (whose last byte is 0x89) and has 类, 款 or 项: a
    // byte search, then one pass, rule most labels out.
    if memchr::memchr2(b')', 0x89, s.as_bytes()).is_some() && s.contains(['类', '款', '项']) {
        for (mark, l) in [
            ("（类）", Level::Lei),
            ("(类)", Level::Lei),
            ("（款）", Level::Kuan),
            ("(款)", Level::Kuan),
            ("（项）", Level::Xiang),
            ("(项)", Level::Xiang),
        ] {
            if replace_in(&mut s, mark, "") {
                level = Some(l);
            }
        }
    }
    let column = column_of(&s);
    // Fund names keep their 预算 (一般公共预算财政拨款 is a qualifier, not a column). Every
    // fund name has 预算, and a name absent is left as it is (no name holds another).
    let has_fund =
        find_from(&s, "预算", 0).is_some() && FUNDS.iter().any(|f| find_from(&s, f, 0).is_some());
    if has_fund {
        for (f, mark) in FUNDS.iter().zip(FUND_MARKS) {
            replace_in(&mut s, f, mark);
        }
    }
    remove_words(&mut s);
    if has_fund {
        for (f, mark) in FUNDS.iter().zip(FUND_MARKS) {
            replace_in(&mut s, mark, f);
        }
    }
    let trimmed = s.trim_matches(|c: char| {
        c == '：' || c == ':' || c == '，' || c == '(' || c == '（' || c == ')' || c == '）'
    });
    if trimmed.len() != s.len() {
        s = trimmed.to_string();
    }
    // Every word of TRAILING ends in one of these: a label ending in none loses nothing.
    let trailing_end = |c: char| {
        matches!(
            c,
            '为' | '是' | '均' | '各' | '到' | '达' | '计' | '约' | '额' | '的' | '数'
        )
    };
    if s.chars().next_back().is_some_and(trailing_end) {
        loop {
            let before = s.len();
            for t in TRAILING {
                if s.len() > t.len() && s.ends_with(t) {
                    s.truncate(s.len() - t.len());
                }
            }
            if s.len() == before {
                break;
            }
        }
    }
    if TRAILING.contains(&s.as_str()) {
        s.clear();
    }
    Label {
        text: s,
        level,
        column,
    }
}

/// True only if `canonical(s)` is `s`, told without building it: `s` has none of the
/// characters `canonical` drops or maps (的, 境, 用 after 费, parentheses). Most labels have
/// none; some with them are canonical too (`a(b`), and the caller then compares.
pub fn plainly_canonical(s: &str) -> bool {
    // A character at a time by its first byte (an ideograph is one step for three bytes).
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        let rest = b.get(i + 1..i + 3);
        let changes = match x {
            b'(' | b')' => true,
            // 的 (E7 9A 84), 境 (E5 A2 83), （ and ） (EF BC 88, EF BC 89).
            0xE7 => match rest {
                Some([0x9A, 0x84]) => true,
                // 用 (E7 94 A8) only after 费 (E8 B4 B9): 公用经费 stays as it is. (A 费 that
                // comes to precede it once a 的 or 境 or `()` between is dropped: those count
                // already.)
                Some([0x94, 0xA8]) => i >= 3 && b[i - 3..i] == [0xE8, 0xB4, 0xB9],
                _ => false,
            },
            0xE5 => rest == Some(&[0xA2, 0x83]),
            0xEF => matches!(rest, Some([0xBC, 0x88 | 0x89])),
            _ => false,
        };
        if changes {
            return false;
        }
        i += match x {
            0..0x80 => 1,
            0x80..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
    }
    true
}

/// Canonical comparison of two labels: 的 and a few synonyms do not matter.
pub fn canonical(s: &str) -> String {
    // One pass: drop 的 and 境 (因公出国（境）费 = 因公出国费), 费用 → 费, full-width
    // parentheses → ASCII, and an emptied `()` left by （境）. The characters between those
    // are copied a run at a time. Characters are told apart by their first bytes, not decoded
    // (those that matter are ( ) and five of three bytes led by E5, E7 or EF).
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        let c = match x {
            b'(' => '(',
            b')' => ')',
            // `s` is valid UTF-8: a three-byte character follows whole.
            0xE5 | 0xE7 | 0xEF => match (x, b.get(i + 1), b.get(i + 2)) {
                (0xE7, Some(0x9A), Some(0x84)) => '的',
                (0xE5, Some(0xA2), Some(0x83)) => '境',
                (0xE7, Some(0x94), Some(0xA8)) => '用',
                (0xEF, Some(0xBC), Some(0x88)) => '（',
                (0xEF, Some(0xBC), Some(0x89)) => '）',
                _ => {
                    i += 3;
                    continue;
                }
            },
            _ => {
                i += match x {
                    0..0x80 => 1,
                    0x80..0xE0 => 2,
                    0xE0..0xF0 => 3,
                    _ => 4,
                };
                continue;
            }
        };
        out.push_str(&s[run..i]);
        i += c.len_utf8();
        run = i;
        match c {
            '的' | '境' => {}
            '用' if out.ends_with('费') => {}
            '（' | '(' => out.push('('),
            '）' | ')' => {
                if out.ends_with('(') {
                    out.pop();
                } else {
                    out.push(')');
                }
            }
            c => out.push(c),
        }
    }
    out.push_str(&s[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `canonical` as it was, a character at a time.
    fn canonical_reference(s: &str) -> String {
        // One pass: drop 的 and 境 (因公出国（境）费 = 因公出国费), 费用 → 费, full-width
        // parentheses → ASCII, and an emptied `()` left by （境）.
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '的' | '境' => {}
                '用' if out.ends_with('费') => {}
                '（' | '(' => out.push('('),
                '）' | ')' => {
                    if out.ends_with('(') {
                        out.pop();
                    } else {
                        out.push(')');
                    }
                }
                c => out.push(c),
            }
            let _ = chars.peek();
        }
        out
    }

    #[test]
    fn canonical_copies_runs_as_one_character_at_a_time() {
        let pieces = [
            "的",
            "境",
            "用",
            "费",
            "费用",
            "（",
            "）",
            "(",
            ")",
            "（境）",
            "因公出国",
            "支出",
            "a",
            // Characters sharing a last byte with those that matter (…84 …83 …A8 …88 …89).
            "\u{7684}\u{5884}\u{7683}\u{5883}\u{7528}\u{ff08}\u{ff09}",
            "\u{0104}\u{0108}\u{00c9}\u{1f608}\u{e000}\u{4e04}\u{ff28}\u{7568}",
            "\u{a0}",
            "\u{3000}",
            "\r\n",
            "\r",
            "１２３",
            "1234567890123456789012345678901234567890",
            "",
        ];
        assert_eq!(canonical(""), "");
        let mut rng = crate::testing::Lcg::new(3);
        let mut unchanged = 0;
        for k in 0..20_000 {
            let s = rng.join(&pieces, k % 9);
            assert_eq!(canonical(&s), canonical_reference(&s), "{s:?}");
            if plainly_canonical(&s) {
                assert_eq!(canonical(&s), s, "{s:?}");
                unchanged += 1;
            }
        }
        assert!(plainly_canonical("公用经费") && plainly_canonical("用费"));
        assert!(!plainly_canonical("办公费用") && !plainly_canonical("因公出国（境）费"));
        // Both kinds were met: labels left as they are, and labels that change.
        assert!((1_000..19_000).contains(&unchanged), "{unchanged}");
    }

    /// `normalize_uncached` as it was before its shortcuts: what they must not change.
    fn reference(raw: &str) -> Label {
        let mut s = strip_re().replace_all(raw, "").into_owned();
        let mut level = None;
        for (mark, l) in [
            ("（类）", Level::Lei),
            ("(类)", Level::Lei),
            ("（款）", Level::Kuan),
            ("(款)", Level::Kuan),
            ("（项）", Level::Xiang),
            ("(项)", Level::Xiang),
        ] {
            if s.contains(mark) {
                level = Some(l);
                s = s.replace(mark, "");
            }
        }
        let column = column_of(&s);
        // Fund names keep their 预算 (一般公共预算财政拨款 is a qualifier, not a column).
        let has_fund = FUNDS.iter().any(|f| s.contains(f));
        for (i, f) in FUNDS.iter().enumerate().filter(|_| has_fund) {
            s = s.replace(f, &format!("\u{E000}{i}"));
        }
        remove_words(&mut s);
        for (i, f) in FUNDS.iter().enumerate().filter(|_| has_fund) {
            s = s.replace(&format!("\u{E000}{i}"), f);
        }
        s = s
            .trim_matches(|c: char| {
                c == '：' || c == ':' || c == '，' || c == '(' || c == '（' || c == ')' || c == '）'
            })
            .to_string();
        loop {
            let before = s.len();
            for t in TRAILING {
                if s.len() > t.len() && s.ends_with(t) {
                    s.truncate(s.len() - t.len());
                }
            }
            if s.len() == before {
                break;
            }
        }
        if TRAILING.contains(&s.as_str()) {
            s.clear();
        }
        Label {
            text: s,
            level,
            column,
        }
    }

    /// The quotes and brackets a label may be wrapped in, for the random texts of the tests.
    const QUOTES: [&str; 12] = [
        "“", "”", "\"", "'", "‘", "’", "《", "》", "「", "」", "『", "』",
    ];

    #[test]
    fn shortcuts_change_no_label() {
        assert!(FUNDS.iter().all(|f| f.contains("预算")));
        for t in TRAILING {
            let c = t.chars().next_back().unwrap_or_default();
            assert!("为是均各到达计约额的数".contains(c), "{t}");
        }
        assert!(FUNDS
            .iter()
            .all(|f| FUNDS.iter().all(|g| f == g || !f.contains(g))));
        assert_eq!(FUNDS.len(), FUND_MARKS.len());
        for (i, m) in FUND_MARKS.iter().enumerate() {
            assert_eq!(*m, format!("\u{E000}{i}"));
        }
        let mut pieces: Vec<&str> = vec![
            "第一部分",
            "第十",
            "部分",
            "一、",
            "十二、",
            "、",
            "（一）",
            "(二)",
            "（",
            "(",
            "）",
            ")",
            "(1)",
            "（12）",
            "1.",
            "2．",
            "3、",
            "①",
            "⑳",
            "㈠",
            "㈩",
            "2021",
            "2021年",
            "年",
            "度",
            "年度",
            "12月",
            "月",
            "份",
            "31日",
            "日",
            "0",
            "7",
            " ",
            "\u{3000}",
            "\t",
            "\u{a0}",
            "\n",
            "（类）",
            "(款)",
            "（项）",
            "类",
            "款",
            "项",
            "\u{E000}",
            "：",
            ":",
            "，",
            "支出",
            "收入",
            "财政拨款",
            "基本",
            "一般",
            "公共",
            "基金",
            "\r\n",
            "\r",
            "１２",
            "12345678901234567890123456789012345678901234567890",
            "\u{ff09}",
            "\u{4e09}",
        ];
        pieces.extend(QUOTES);
        pieces.extend(FUNDS);
        pieces.extend(COLUMN_WORDS);
        pieces.extend(FILLERS);
        pieces.extend(TRAILING);
        pieces.extend(GENERIC);
        let mut rng = crate::testing::Lcg::new(11);
        for k in 0..40_000 {
            let s = rng.join(&pieces, 1 + k % 7);
            assert_eq!(normalize_uncached(&s), reference(&s), "{s:?}");
        }
    }

    #[test]
    fn strip_removes_what_the_regex_matches() {
        let mut pieces = vec![
            "第",
            "部分",
            "第一部分",
            "第十二部分",
            "一",
            "十",
            "二、",
            "、",
            "（",
            "(",
            "）",
            ")",
            "（三）",
            "(1)",
            "（12）",
            "(123)",
            "1",
            "12",
            "123",
            "2021",
            "20211",
            "1.",
            "2．",
            "3、",
            "①",
            "⑳",
            "㈠",
            "㈩",
            "⑴",
            "年",
            "度",
            "月",
            "份",
            "日",
            "2021年",
            "12月",
            "31日",
            " ",
            "  ",
            "\u{3000}",
            "\u{a0}",
            "\t",
            "\r\n",
            "\r",
            "\n",
            "\u{85}",
            "\u{2003}",
            "\u{200b}",
            "\u{feff}",
            "１２",
            "２０２１年",
            "支出",
            "收入",
            "a",
            ".",
            "．",
            "12345678901234567890123456789012345678901234567890",
        ];
        pieces.extend(QUOTES);
        assert_eq!(strip(""), "");
        let mut rng = crate::testing::Lcg::new(19);
        for k in 0..100_000 {
            let s = rng.join(&pieces, k % 9);
            assert_eq!(strip(&s), strip_re().replace_all(&s, ""), "{s:?}");
        }
    }

    #[test]
    fn words_are_removed_as_by_one_replace_per_word() {
        let reference = |s: &str| {
            let mut s = s.to_string();
            for w in COLUMN_WORDS.iter().chain(FILLERS) {
                s = s.replace(w, "");
            }
            s
        };
        // Pieces of words, so that removals join pieces into other words.
        let mut pieces: Vec<String> = COLUMN_WORDS
            .iter()
            .chain(FILLERS)
            .map(|w| w.to_string())
            .collect();
        for w in COLUMN_WORDS.iter().chain(FILLERS) {
            let cut = w.char_indices().nth(1).map_or(w.len(), |(i, _)| i);
            pieces.push(w[..cut].to_string());
            pieces.push(w[cut..].to_string());
        }
        pieces.extend(["支出", "收入", "财政拨款", "（", "）"].map(String::from));
        let mut rng = crate::testing::Lcg::new(7);
        for _ in 0..5_000 {
            let s = rng.join(&pieces, 6);
            let mut got = s.clone();
            remove_words(&mut got);
            assert_eq!(got, reference(&s), "{s}");
        }
    }

    #[test]
    fn normalises_framing_words() {
        let l = normalize("1、“一般公共服务支出（类）”2021年度决算");
        assert_eq!(l.text, "一般公共服务支出");
        assert_eq!(l.level, Some(Level::Lei));
        assert_eq!(l.column, Some(Column::Current));
        let l = normalize("（一）2021年本部门使用一般公共预算财政拨款安排基本支出");
        assert_eq!(l.text, "一般公共预算财政拨款基本支出");
        let l = normalize("2021年“三公”经费财政拨款决算数");
        assert_eq!(l.text, "三公经费财政拨款");
        assert_eq!(normalize("年初预算").text, "");
        assert_eq!(normalize("年初预算").column, Some(Column::Budget));
        assert_eq!(normalize("其中：财政拨款收入").text, "财政拨款收入");
        assert_eq!(normalize("公务用车维修").text, "公务用车维修");
    }
}
