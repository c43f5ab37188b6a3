//! The words around a figure: which way a change goes, which column a value belongs to, and
//! the clean label of what is measured.

/// Which way a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    /// 持平, 无增减: no change.
    Flat,
}

impl Direction {
    pub fn sign(self) -> i32 {
        match self {
            Direction::Up => 1,
            Direction::Down => -1,
            Direction::Flat => 0,
        }
    }
}

/// Direction words, longest first so that `负增长` wins over `增长`. The bool says whether the
/// word names a rate (增长/下降) rather than an amount (增加/减少); both take either in practice.
pub const DIRECTION_WORDS: &[(&str, Direction)] = &[
    ("负增长", Direction::Down),
    ("增长了", Direction::Up),
    ("增加了", Direction::Up),
    ("减少了", Direction::Down),
    ("下降了", Direction::Down),
    ("增长", Direction::Up),
    ("增加", Direction::Up),
    ("上升", Direction::Up),
    ("上涨", Direction::Up),
    ("提高", Direction::Up),
    ("增收", Direction::Up),
    ("增支", Direction::Up),
    ("增幅", Direction::Up),
    ("超支", Direction::Up),
    ("多支", Direction::Up),
    ("减少", Direction::Down),
    ("下降", Direction::Down),
    ("降低", Direction::Down),
    ("减收", Direction::Down),
    ("减支", Direction::Down),
    ("降幅", Direction::Down),
    ("减幅", Direction::Down),
    ("下滑", Direction::Down),
    ("节约", Direction::Down),
    ("少支", Direction::Down),
    ("增", Direction::Up),
    ("减", Direction::Down),
];

/// The direction word that `s` ends with (spaces and 了 already trimmed by the caller), with its
/// byte length.
pub fn direction_suffix(s: &str) -> Option<(Direction, usize)> {
    DIRECTION_WORDS
        .iter()
        .find(|(w, _)| s.ends_with(w))
        .map(|&(w, d)| (d, w.len()))
}

/// The opposite word, for the direction-word fix.
pub fn flip(word: &str) -> Option<&'static str> {
    Some(match word {
        "增加" => "减少",
        "减少" => "增加",
        "增长" => "下降",
        "下降" => "增长",
        "上升" => "下降",
        "降低" => "提高",
        "提高" => "降低",
        "增收" => "减收",
        "减收" => "增收",
        "增支" => "减支",
        "减支" => "增支",
        "增幅" => "降幅",
        "降幅" => "增幅",
        "减幅" => "增幅",
        "增加了" => "减少了",
        "减少了" => "增加了",
        "增长了" => "下降了",
        "下降了" => "增长了",
        "增" => "减",
        "减" => "增",
        "大于" => "小于",
        "小于" => "大于",
        "高于" => "低于",
        "低于" => "高于",
        "多于" => "少于",
        "少于" => "多于",
        "超过" => "低于",
        _ => return None,
    })
}

/// A period or column a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// The reported year's figure (决算数 in a 决算说明, 预算数 in a 预算说明).
    Current,
    /// 年初预算.
    Budget,
    /// 调整预算 / 全年预算.
    Adjusted,
    /// 上年.
    Prior,
    /// 预算 without saying which.
    AnyBudget,
}

impl Column {
    pub fn name(self) -> &'static str {
        match self {
            Column::Current => "本年",
            Column::Budget => "年初预算",
            Column::Adjusted => "调整预算",
            Column::Prior => "上年",
            Column::AnyBudget => "预算",
        }
    }

    /// The column of a change against this one: `比上年增减`.
    pub fn change_name(self) -> &'static str {
        match self {
            Column::Current => "比本年增减",
            Column::Budget => "比年初预算增减",
            Column::Adjusted => "比调整预算增减",
            Column::Prior => "比上年增减",
            Column::AnyBudget => "比预算增减",
        }
    }

    /// The column of the change amounts of a list's parts against this one: `比上年增减额`.
    pub fn change_amount_name(self) -> &'static str {
        match self {
            Column::Current => "比本年增减额",
            Column::Budget => "比年初预算增减额",
            Column::Adjusted => "比调整预算增减额",
            Column::Prior => "比上年增减额",
            Column::AnyBudget => "比预算增减额",
        }
    }

    /// The column of a growth rate against this one: `比上年增减率`.
    pub fn rate_name(self) -> &'static str {
        match self {
            Column::Current => "比本年增减率",
            Column::Budget => "比年初预算增减率",
            Column::Adjusted => "比调整预算增减率",
            Column::Prior => "比上年增减率",
            Column::AnyBudget => "比预算增减率",
        }
    }

    /// The column of a completion ratio against this one: `完成年初预算比例`.
    pub fn completion_name(self) -> &'static str {
        match self {
            Column::Current => "完成本年比例",
            Column::Budget => "完成年初预算比例",
            Column::Adjusted => "完成调整预算比例",
            Column::Prior => "完成上年比例",
            Column::AnyBudget => "完成预算比例",
        }
    }
}

/// Column named by words such as `年初预算数`, `上年`, `决算数`; None when the text names none.
pub fn column_of(s: &str) -> Option<Column> {
    // Every column word has one of these characters: one pass rules most texts out.
    if !s.contains(['预', '上', '去', '同', '决', '执', '实']) {
        return None;
    }
    // Fund names are not columns: 一般公共预算财政拨款 is this year's money.
    let words = column_words();
    let mut found = words.present(s);
    if found & words.funds != 0 {
        // Each fund removed in turn, as `FUNDS.fold(s, replace)`, but only those present: the
        // bits are those of the text so far (removing one fund may join another), and
        // replacing an absent word changes nothing, but searched the whole text.
        let mut owned: Option<String> = None;
        for (k, f) in FUNDS.iter().enumerate() {
            if found & (1 << k) != 0 {
                let next = owned.as_deref().unwrap_or(s).replace(f, "");
                found = words.present(&next);
                owned = Some(next);
            }
        }
    }
    // By precedence: the first column whose words are present.
    words
        .columns
        .iter()
        .find(|(_, mask)| found & mask != 0)
        .map(|(c, _)| *c)
}

/// The words that name a column, by precedence.
const COLUMN_NAMES: &[(Column, &[&str])] = &[
    (Column::Budget, &["年初预算", "年初部门预算", "预算年初"]),
    (Column::Adjusted, &["调整预算", "调整后预算", "全年预算"]),
    (Column::Prior, &["上年", "上一年", "去年", "同期", "上年度"]),
    (Column::Current, &["决算", "执行数", "实际支出"]),
    (Column::AnyBudget, &["预算"]),
];

/// `FUNDS` and `COLUMN_NAMES`' words, each with a bit, and each group's bits: which of them a
/// label holds is found in one pass over its characters instead of a substring search per word
/// (labels are read by the ten thousand). An Aho-Corasick automaton did the same, but building
/// its DFA cost more than a bundle's searches, and each search set up its overlapping state.
struct ColumnWords {
    /// The words by their first character: (first, [(word, bit)]).
    by_first: Vec<(char, Vec<(&'static str, u32)>)>,
    /// Bit `c % 128` set for each first character `c`: most characters start no word.
    firsts: u128,
    funds: u32,
    columns: Vec<(Column, u32)>,
}

impl ColumnWords {
    /// The words present in `s`, as bits in pattern order (FUNDS, then COLUMN_NAMES').
    fn present(&self, s: &str) -> u32 {
        let mut bits = 0;
        for (i, c) in s.char_indices() {
            if self.firsts & (1 << (c as u32 % 128)) == 0 {
                continue;
            }
            let Some((_, words)) = self.by_first.iter().find(|(f, _)| *f == c) else {
                continue;
            };
            for &(w, bit) in words {
                if s[i..].starts_with(w) {
                    bits |= bit;
                }
            }
        }
        bits
    }
}

fn column_words() -> &'static ColumnWords {
    static WORDS: std::sync::OnceLock<ColumnWords> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut patterns: Vec<&'static str> = FUNDS.to_vec();
        let funds = (1 << FUNDS.len()) - 1;
        let columns = COLUMN_NAMES
            .iter()
            .map(|(c, words)| {
                let first = patterns.len();
                patterns.extend_from_slice(words);
                (*c, ((1 << words.len()) - 1) << first)
            })
            .collect();
        assert!(patterns.len() <= 32, "the word bits fit in a u32");
        let mut by_first: Vec<(char, Vec<(&'static str, u32)>)> = Vec::new();
        let mut firsts = 0u128;
        for (k, w) in patterns.iter().enumerate() {
            let first = w.chars().next().expect("no empty word");
            firsts |= 1 << (first as u32 % 128);
            match by_first.iter_mut().find(|(f, _)| *f == first) {
                Some((_, words)) => words.push((w, 1 << k)),
                None => by_first.push((first, vec![(w, 1 << k)])),
            }
        }
        ColumnWords {
            by_first,
            firsts,
            funds,
            columns,
        }
    })
}

/// Names of funds that contain the word 预算 without naming a column.
pub const FUNDS: &[&str] = &[
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "社会保险基金预算",
    "部门预算",
];

/// The column a comparison is made against (`比上年`, `较年初预算`, `与2022年预算相比`,
/// `比2023年的A`): a year or 上年 means the prior year even when it says 预算.
pub fn compare_column(s: &str) -> Column {
    // The words are found in one pass over the characters, each tried only where its first
    // character stands: a substring search per word cost more than the rest of the reading.
    let (mut budget, mut adjusted, mut prior, mut any_budget) = (false, false, false, false);
    for (i, c) in s.char_indices() {
        let rest = &s[i..];
        match c {
            '年' => budget |= rest.starts_with("年初"),
            '调' => adjusted |= rest.starts_with("调整"),
            '全' => adjusted |= rest.starts_with("全年预算"),
            '上' => prior |= rest.starts_with("上年") || rest.starts_with("上一年"),
            '去' => prior |= rest.starts_with("去年"),
            '同' => prior |= rest.starts_with("同期") || rest.starts_with("同比"),
            '0'..='9' => prior = true,
            '预' => any_budget |= rest.starts_with("预算"),
            _ => {}
        }
    }
    if budget {
        Column::Budget
    } else if adjusted {
        Column::Adjusted
    } else if prior || !any_budget {
        Column::Prior
    } else {
        Column::AnyBudget
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `column_of` as a chain of substring searches: what the automaton must agree with.
    fn reference(s: &str) -> Option<Column> {
        if !s.contains(['预', '上', '去', '同', '决', '执', '实']) {
            return None;
        }
        let s = FUNDS
            .iter()
            .fold(s.to_string(), |acc, f| acc.replace(f, ""));
        let has = |ws: &[&str]| ws.iter().any(|w| s.contains(w));
        if has(&["年初预算", "年初部门预算", "预算年初"]) {
            Some(Column::Budget)
        } else if has(&["调整预算", "调整后预算", "全年预算"]) {
            Some(Column::Adjusted)
        } else if has(&["上年", "上一年", "去年", "同期", "上年度"]) {
            Some(Column::Prior)
        } else if has(&["决算", "执行数", "实际支出"]) {
            Some(Column::Current)
        } else if has(&["预算"]) {
            Some(Column::AnyBudget)
        } else {
            None
        }
    }

    /// `compare_column` as a chain of substring searches: what its one pass must agree with.
    fn compare_reference(s: &str) -> Column {
        if s.contains("年初") {
            Column::Budget
        } else if s.contains("调整") || s.contains("全年预算") {
            Column::Adjusted
        } else if s.contains("上年")
            || s.contains("上一年")
            || s.contains("去年")
            || s.contains("同期")
            || s.contains("同比")
            || s.bytes().any(|b| b.is_ascii_digit())
        {
            Column::Prior
        } else if s.contains("预算") {
            Column::AnyBudget
        } else {
            Column::Prior
        }
    }

    #[test]
    fn compare_column_is_as_by_substring_search() {
        let pieces = [
            "年初",
            "调整",
            "全年预算",
            "上年",
            "上一年",
            "去年",
            "同期",
            "同比",
            "预算",
            "年",
            "初",
            "调",
            "全",
            "上",
            "一",
            "去",
            "同",
            "期",
            "比",
            "预",
            "算",
            "较",
            "2023",
            "7",
            "的",
            "a",
            "\u{3000}",
        ];
        let mut rng = crate::testing::Lcg::new(17);
        for round in 0..20_000 {
            let s = rng.join(&pieces, round % 6);
            assert_eq!(compare_column(&s), compare_reference(&s), "{s}");
        }
    }

    /// The words' bits are those of the words a substring search finds.
    #[test]
    fn present_words_are_those_contained() {
        let words = column_words();
        let all: Vec<&str> = FUNDS
            .iter()
            .chain(COLUMN_NAMES.iter().flat_map(|(_, words)| *words))
            .copied()
            .collect();
        let mut pieces = all.clone();
        pieces.extend([
            "年", "预", "算", "部门", "上", "一", "初", "\u{3000}", "a", "、",
        ]);
        let mut rng = crate::testing::Lcg::new(13);
        for round in 0..20_000 {
            let s = rng.join(&pieces, round % 7);
            let expected = (all.iter().enumerate())
                .filter(|(_, w)| s.contains(*w))
                .fold(0, |bits, (k, _)| bits | 1 << k);
            assert_eq!(words.present(&s), expected, "{s}");
        }
    }

    #[test]
    fn column_words_are_found_as_by_substring_search() {
        let mut pieces: Vec<&str> = FUNDS
            .iter()
            .chain(COLUMN_NAMES.iter().flat_map(|(_, words)| *words))
            .copied()
            .collect();
        pieces.extend([
            "年初",
            "预",
            "算",
            "部门",
            "一般公共",
            "财政拨款",
            "支出",
            "上",
            "年",
        ]);
        let mut rng = crate::testing::Lcg::new(11);
        for _ in 0..20_000 {
            let s = rng.join(&pieces, 4);
            assert_eq!(column_of(&s), reference(&s), "{s}");
        }
    }
}
