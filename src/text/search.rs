//! Substring search in the short texts the engine looks into (labels, headers, cells): a
//! plain scan. Setting up std's searcher, or even a character's, costs more than scanning a
//! label of a few characters.

/// Where `word` first stands in `hay` at or after byte `from`; None for an empty `word` (a
/// caller replacing every occurrence must not loop on it). The two first bytes are tested
/// before the rest: a Chinese character's first byte (E4–E9) alone tells little. Inlined: each
/// caller's word is a constant, and a call per look cost more than the scan of a short label.
#[inline]
pub fn find_from(hay: &str, word: &str, from: usize) -> Option<usize> {
    let (h, w) = (hay.as_bytes(), word.as_bytes());
    match *w {
        [] => None,
        [a] => h
            .get(from..)?
            .iter()
            .position(|&x| x == a)
            .map(|i| from + i),
        [a, b, ..] => (from..=h.len().checked_sub(w.len())?)
            .find(|&i| h[i] == a && h[i + 1] == b && h[i..].starts_with(w)),
    }
}

/// `hay.contains(word)`. (Both are UTF-8: a match found at any byte is a match at a
/// character.) Scanned for the word's last byte, which for a Chinese character (80–BF) tells
/// more than its first: for the one-character words most callers ask about, fewer byte
/// comparisons than `find_from`.
#[inline]
pub fn contains(hay: &str, word: &str) -> bool {
    let (h, w) = (hay.as_bytes(), word.as_bytes());
    let Some((&last, init)) = w.split_last() else {
        return true;
    };
    (init.len()..h.len()).any(|i| h[i] == last && h[i - init.len()..i] == *init)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As std finds them, for ASCII, Chinese and mixed words, at every start.
    #[test]
    fn finds_as_str_find_does() {
        let words = [
            "三",
            "三公",
            "公务用车购置及运行",
            "a",
            "ab",
            "支出",
            "出合",
            "b公",
            "元",
        ];
        let texts = [
            "",
            "三",
            "三公",
            "“三公”经费",
            "公务用车购置及运行费",
            "ab",
            "xab",
            "a",
            "基本支出合计",
            "支出",
            "b公",
            "公b公",
            "单位：万元",
        ];
        for t in texts {
            assert!(contains(t, ""));
            assert_eq!(find_from(t, "", 0), None);
            for w in words {
                assert_eq!(contains(t, w), t.contains(w), "{t:?} {w:?}");
                for from in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                    let std = t[from..].find(w).map(|i| from + i);
                    assert_eq!(find_from(t, w, from), std, "{t:?} {w:?} {from}");
                }
            }
        }
        assert_eq!(find_from("ab", "b", 3), None);
    }
}
