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
    // Titles end in 说明: look only at lines that contain it, so a 10 MB bundle is split at
    // memchr speed.
    let mut from = 0;
    while let Some(i) = text[from..].find("说明") {
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

/// Whether `line` is a report's title line.
pub fn is_title(line: &str) -> bool {
    let t = line.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '#' | '*'));
    let n = t.chars().count();
    if !(8..=60).contains(&n) || !(t.ends_with("说明") || t.ends_with("说明书")) {
        return false;
    }
    let names_report = (t.contains("部门") || t.contains("单位"))
        && (t.contains("决算") || t.contains("预算"))
        && has_year(t);
    let sentence = t.contains(['，', '。', '；', '：', ',', ';', ':', '、', '\t', '|']);
    let Some(first) = t.chars().next() else {
        return false;
    };
    let marker = first == '第'
        || first == '（'
        || first == '('
        || t.trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(['.', '、', '．', ')', '）'])
        || "一二三四五六七八九十".contains(first) && t.chars().nth(1) == Some('、');
    names_report && !sentence && !marker
}

/// `2023年`: four ASCII digits and 年.
fn has_year(t: &str) -> bool {
    let b = t.as_bytes();
    t.match_indices('年')
        .any(|(i, _)| i >= 4 && b[i - 4..i].iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

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
