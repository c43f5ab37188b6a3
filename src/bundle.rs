//! A file may hold several reports — a province publishes its departments' 决算说明 as one
//! bundle. Each report is analysed on its own: comparing one department's 收支总计 with the
//! next one's would report every figure of the bundle. The split is also what makes analysis
//! incremental (`crate::incremental`): an edit re-reads only its own report.
//!
//! A report starts at its title line, `某某单位2023年度部门决算说明`: short, ending in 说明,
//! naming 部门/单位, 决算/预算 and a year, without sentence punctuation or an outline marker.
//! Every title line starts a report, even one repeating the last title: a page header copied
//! from a PDF then cuts a report in two, which only hides relations across the cut, while
//! two reports read as one would compare one department's figures with another's.

/// Where the reports of `text` start: 0, then each title line's start (byte offsets).
pub fn split(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    // The one serial step before a bundle's reports are analysed side by side: on a large
    // bundle its second half is searched by another thread (each line is judged alone, and the
    // halves meet at a line's start).
    let bytes = text.as_bytes();
    let half = (text.len() >= PARALLEL_SPLIT)
        .then(|| memchr::memchr(b'\n', &bytes[text.len() / 2..]))
        .flatten()
        .map(|i| text.len() / 2 + i + 1);
    let Some(mid) = half else {
        titles(text, 0, text.len(), &mut starts);
        return starts;
    };
    std::thread::scope(|s| {
        let second = std::thread::Builder::new().spawn_scoped(s, || {
            let mut out = Vec::new();
            titles(text, mid, text.len(), &mut out);
            out
        });
        // No thread to be had (a process limit): the second half here, after the first.
        titles(text, 0, mid, &mut starts);
        match second.map(|h| h.join()) {
            Ok(Ok(rest)) => starts.extend(rest),
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => titles(text, mid, text.len(), &mut starts),
        }
    });
    starts
}

/// From this size a bundle's split is shared with a second thread (below, starting one costs
/// more than it saves).
const PARALLEL_SPLIT: usize = 1 << 20;

/// Pushes the start of each title line that starts in `from..to` (`from` a line's start).
fn titles(text: &str, from: usize, to: usize, out: &mut Vec<usize>) {
    // Titles end in 说明 (perhaps letter-spaced): look only at lines with a 明, so a 10 MB
    // bundle is split at memchr speed. A memmem finder built once (`find('明')` stops at every
    // byte of Chinese text that ends like 明), and line ends found by bytes (`rfind` of chars
    // decodes a whole paragraph backwards).
    let finder = memchr::memmem::Finder::new("明");
    let bytes = text.as_bytes();
    let mut from = from;
    while let Some(i) = finder.find(&bytes[from..to]) {
        let at = from + i;
        let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |p| p + 1);
        let line_end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(text.len(), |p| at + p);
        from = line_end.min(to);
        if line_start > 0 && is_title(&text[line_start..line_end]) {
            out.push(line_start);
        }
    }
}

/// The byte ranges of the reports of `text`, in order, covering it.
pub fn reports(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let starts = split(text);
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([text.len()]).collect();
    starts.into_iter().zip(ends).map(|(s, e)| s..e)
}

/// Whether `line` is a report's title line.
pub fn is_title(line: &str) -> bool {
    // Every title ends in 说明 and has at most 60 characters once spaces, an 附件 prefix and a
    // bracketed remark (of any length) are set aside: a line with more than 120 characters
    // besides spaces before such a remark is a paragraph, ruled out before it is normalised (a
    // keystroke re-splits its report, and paragraphs that say 说明 are long). memmem:
    // `str::contains(char)` stops at every byte of Chinese text that ends like 明.
    // Most lines with a 明 (明细, 说明如下：) end in something else: the title's last
    // character, spaces and marks set aside, is 明 or 书, or a remark's bracket. (Setting the
    // attachment prefix aside leaves the end.) Looked at first: `split` asks only about lines
    // with a 明, and a memmem search is set up anew for each line.
    let last = line
        .chars()
        .rev()
        .find(|&c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '#' | '*'));
    if !matches!(last, Some('明' | '书' | '）' | ')')) {
        return false;
    }
    if last != Some('明') && memchr::memmem::find(line.as_bytes(), "明".as_bytes()).is_none() {
        return false;
    }
    // A title holds a 年, a 部 or 单 and a 决 or 预 (its year, 部门/单位, 决算/预算; setting
    // spaces and a remark aside removes characters, mapping digits makes none of these): most
    // lines ending in 说明 are headings (`二、收入决算情况说明`), ruled out here before the
    // line is normalised into a new string.
    let mut seen = 0u8;
    for c in line.chars() {
        seen |= match c {
            '年' => 1,
            '部' | '单' => 2,
            '决' | '预' => 4,
            _ => 0,
        };
    }
    if seen != 7 {
        return false;
    }
    let body = without_remark(
        line.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '#' | '*')),
    );
    if body
        .chars()
        .filter(|c| !c.is_whitespace())
        .nth(120)
        .is_some()
    {
        return false;
    }
    // Spaces (a title letter-spaced by a PDF copy) and full-width digits say nothing.
    let t: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '#' | '*'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    let t = strip_attachment(&t);
    let t = without_remark(t);
    let n = t.chars().count();
    if !(8..=60).contains(&n) || !(t.ends_with("说明") || t.ends_with("说明书")) {
        return false;
    }
    if t.contains(['，', '。', '；', '：', ',', ';', ':', '、', '|']) || is_marked(t) {
        return false;
    }
    let Some((year_start, after_year)) = year(t) else {
        return false;
    };
    let names_report =
        (t.contains("部门") || t.contains("单位")) && (t.contains("决算") || t.contains("预算"));
    // A title names who reports: `某局2023年度…` or `2023年度某局部门…`; `2023年度部门决算
    // 情况说明` under 第二部分 is a heading.
    let before = t[..year_start].trim_start_matches("关于");
    let rest = &t[after_year..];
    let rest = rest.strip_prefix('度').unwrap_or(rest);
    let named = !before.is_empty() || !(rest.starts_with("部门") || rest.starts_with("单位"));
    names_report && named
}

/// `附件2：` before a title.
fn strip_attachment(t: &str) -> &str {
    let Some(rest) = t.strip_prefix("附件") else {
        return t;
    };
    let rest =
        rest.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    rest.strip_prefix(['：', ':']).unwrap_or(t)
}

/// An outline marker: `一、` `一．` `1.` `（三）` `第二部分`.
fn is_marked(t: &str) -> bool {
    const NUMERALS: &str = "一二三四五六七八九十";
    let Some(first) = t.chars().next() else {
        return false;
    };
    let after_numerals = t.trim_start_matches(|c: char| NUMERALS.contains(c));
    let after_digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    let marker_end = ['、', '.', '．', ')', '）'];
    matches!(first, '（' | '(')
        || after_digits.len() < t.len() && after_digits.starts_with(marker_end)
        || after_numerals.len() < t.len() && after_numerals.starts_with(marker_end)
        || t.strip_prefix('第').is_some_and(|r| {
            let r = r.trim_start_matches(|c: char| NUMERALS.contains(c) || c.is_ascii_digit());
            ["部分", "章", "节", "篇"].iter().any(|w| r.starts_with(w))
        })
}

/// `t` without the bracketed remark after a title: `…决算说明（公开版）`.
fn without_remark(t: &str) -> &str {
    match t.strip_suffix(['）', ')']) {
        Some(inner) => inner.rfind(['（', '(']).map_or(t, |p| &inner[..p]),
        None => t,
    }
}

/// Where the year `2023年` / `二〇二三年` starts, and the offset after its 年.
fn year(t: &str) -> Option<(usize, usize)> {
    t.match_indices('年').find_map(|(i, _)| {
        let digits: Vec<(usize, char)> = t[..i].char_indices().rev().take(4).collect();
        let yearish = |c: char| c.is_ascii_digit() || "〇零一二三四五六七八九".contains(c);
        (digits.len() == 4 && digits.iter().all(|&(_, c)| yearish(c)))
            .then(|| (digits[3].0, i + '年'.len_utf8()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_title` before it looked at the last character first.
    fn is_title_as_before(line: &str) -> bool {
        if memchr::memmem::find(line.as_bytes(), "明".as_bytes()).is_none() {
            return false;
        }
        let body =
            without_remark(line.trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, '\u{feff}' | '#' | '*')
            }));
        if body
            .chars()
            .filter(|c| !c.is_whitespace())
            .nth(120)
            .is_some()
        {
            return false;
        }
        let t: String = line
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '#' | '*'))
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                _ => c,
            })
            .collect();
        let t = strip_attachment(&t);
        let t = without_remark(t);
        let n = t.chars().count();
        if !(8..=60).contains(&n) || !(t.ends_with("说明") || t.ends_with("说明书")) {
            return false;
        }
        if t.contains(['，', '。', '；', '：', ',', ';', ':', '、', '|']) || is_marked(t) {
            return false;
        }
        let Some((year_start, after_year)) = year(t) else {
            return false;
        };
        let names_report = (t.contains("部门") || t.contains("单位"))
            && (t.contains("决算") || t.contains("预算"));
        let before = t[..year_start].trim_start_matches("关于");
        let rest = &t[after_year..];
        let rest = rest.strip_prefix('度').unwrap_or(rest);
        let named = !before.is_empty() || !(rest.starts_with("部门") || rest.starts_with("单位"));
        names_report && named
    }

    /// `split` as it was: `str::find` and `rfind` of chars.
    fn split_as_before(text: &str) -> Vec<usize> {
        let mut starts = vec![0];
        let mut from = 0;
        while let Some(i) = text[from..].find('明') {
            let at = from + i;
            let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |p| p + 1);
            let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |p| at + p);
            from = line_end;
            if line_start > 0 && is_title(&text[line_start..line_end]) {
                starts.push(line_start);
            }
        }
        starts
    }

    /// Titles, near-titles and their pieces in every order: the shortcut and the byte
    /// searches decide as before.
    #[test]
    fn title_shortcuts_decide_as_before() {
        let pieces = [
            "甲局",
            "2023",
            "２０２３",
            "年",
            "度",
            "部门",
            "单位",
            "决算",
            "预算",
            "说",
            "明",
            "书",
            "说明",
            "（公开版）",
            "(",
            ")",
            "）",
            "附件2：",
            " ",
            "\u{3000}",
            "\u{feff}",
            "#",
            "*",
            "\n",
            "\r",
            "，",
            "明细",
            "关于",
            "一、",
            "第二部分",
            "情况",
        ];
        let mut rng = crate::testing::Lcg::new(23);
        for round in 0..30_000 {
            let line = rng.join(&pieces, 3 + round % 12);
            assert_eq!(is_title(&line), is_title_as_before(&line), "{line:?}");
            assert_eq!(split(&line), split_as_before(&line), "{line:?}");
        }
        let titled = "乙局2023年度部门决算说明（公开版）";
        assert!(is_title(titled) && is_title_as_before(titled));
    }

    /// A bundle large enough to be split by two threads: the same starts as one search,
    /// whatever stands where the halves meet — a title across the middle, a title starting
    /// right where the second half does (after `\n` or `\r\n`), a lone `\r` there — and in
    /// bundles of titles and filler.
    #[test]
    fn a_large_bundle_splits_as_one_search() {
        let title = "某局2023年度部门决算说明";
        let filler = |len: usize| {
            let mut s = String::new();
            while s.len() < len {
                s.push_str(&"明细x".repeat(20));
                s.push('\n');
            }
            s
        };
        let mut texts = Vec::new();
        // A title across the middle, between its two 明: the text is head + title line + as
        // many bytes as head, so its middle falls inside the title.
        let across = "明光市财政局2023年度部门决算说明";
        let head = filler(PARALLEL_SPLIT / 2);
        let tail = "x".repeat(head.len() - 1) + "\n";
        texts.push(format!("{head}{across}\n{tail}"));
        // A title starting where the second half does: the middle falls 5 bytes before the
        // end of the line above it.
        for end in ["\n", "\r\n", "\r"] {
            let head = filler(PARALLEL_SPLIT / 2) + &"x".repeat(30) + end;
            let rest = head.len() - 10;
            let tail = format!("{title}\n{}", "x".repeat(rest - title.len() - 1));
            texts.push(format!("{head}{tail}"));
        }
        // Titles and filler, with each kind of line end.
        let mut rng = crate::testing::Lcg::new(5);
        let mut text = String::new();
        let mut k = 0;
        while text.len() < PARALLEL_SPLIT + 7_001 {
            text.push_str(&format!("某{k}局2023年度部门决算说明"));
            text.push_str(["\n", "\r\n", "\r"][k % 3]);
            for _ in 0..(k % 40) {
                text.push_str(&rng.join(&["收入", "明细", "说明", "。", "，", "表"], 9));
                text.push_str(["\n", "\r\n", "\r"][(k / 3) % 3]);
            }
            k += 1;
        }
        texts.push(text);
        for (i, text) in texts.iter().enumerate() {
            let starts = split(text);
            assert_eq!(starts, split_as_before(text), "text {i}");
            if i == 0 {
                // The title across the middle, once.
                let at = text.find(across);
                assert!(
                    text.len() / 2 > at.unwrap()
                        && starts.iter().filter(|&&s| Some(s) == at).count() == 1
                );
            }
            if (1..=2).contains(&i) {
                // The title where the second half starts.
                let mid = text.len() / 2 + text[text.len() / 2..].find('\n').unwrap() + 1;
                assert!(
                    text[mid..].starts_with(title) && starts.contains(&mid),
                    "text {i}"
                );
            }
        }
    }

    #[test]
    fn recognises_title_lines() {
        for t in [
            "滨湖区妇女联合会2023年度部门决算说明",
            "  某某市教育局2022年部门预算编制说明  ",
            "# 某县第一中学2021年度单位决算公开说明",
            "2021年度某某局部门决算说明",
        ] {
            assert!(is_title(t), "{t}");
        }
        // A remark of any length after the title (a paragraph of 120 characters is not one).
        let remark = format!(
            "乙局2023年度部门决算说明（{}）",
            "根据财政部关于".repeat(15)
        );
        assert!(is_title(&remark), "{remark}");
        let paragraph = format!("{}，详见本部门决算说明", "本部门".repeat(40));
        assert!(!is_title(&paragraph));
        for t in [
            "二、2021年度部门决算收入支出总体情况说明",
            "第一部分 2021年度部门决算情况说明",
            "收入支出决算总体情况说明",
            "1.2021年度部门决算情况说明",
            "本部门2021年度部门决算说明如下：",
            "（三）2021年度部门决算说明",
        ] {
            assert!(!is_title(t), "{t}");
        }
    }

    #[test]
    fn splits_a_bundle_at_each_title() {
        let text = "甲局2022年度部门决算说明\n正文。\n乙局2022年度部门决算说明\n正文。\r\n乙局2022年度部门决算说明";
        let starts = split(text);
        assert_eq!(starts.len(), 3, "{starts:?}");
        assert!(text[starts[1]..].starts_with("乙局"));
        assert!(text[starts[2]..].starts_with("乙局"));
        assert_eq!(split("正文。\n"), vec![0]);
    }
}
