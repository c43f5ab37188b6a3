//! The canonical decompositions of DOMAIN.md §2: totals whose parts are fixed by the report
//! template, so that a list naming exactly those parts is known to be complete.

use crate::label::canonical;
use crate::text::search::contains;

/// A total and its parts, as label fragments (matched after `label::canonical`).
pub struct Decomposition {
    pub total: &'static [&'static str],
    pub parts: &'static [&'static str],
    /// The total may be named inside a longer label (“三公”经费财政拨款), not only at its end.
    pub inside: bool,
}

pub static DECOMPOSITIONS: &[Decomposition] = &[
    Decomposition {
        total: &["基本支出"],
        parts: &["人员经费", "公用经费"],
        inside: false,
    },
    Decomposition {
        total: &["基本支出"],
        parts: &[
            "工资福利支出",
            "商品和服务支出",
            "对个人和家庭补助",
            "资本性支出",
        ],
        inside: false,
    },
    Decomposition {
        total: &["人员经费"],
        parts: &["工资福利支出", "对个人和家庭补助"],
        inside: false,
    },
    Decomposition {
        total: &["本年收入合计", "收入合计"],
        parts: &[
            "财政拨款收入",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ],
        inside: false,
    },
    Decomposition {
        total: &["本年支出合计", "支出合计"],
        parts: &[
            "基本支出",
            "项目支出",
            "上缴上级支出",
            "经营支出",
            "对附属单位补助支出",
        ],
        inside: false,
    },
    Decomposition {
        total: &["三公"],
        parts: &["因公出国", "公务接待费", "公务用车购置及运行"],
        inside: true,
    },
    Decomposition {
        total: &["公务用车购置及运行"],
        parts: &["公务用车购置费", "公务用车运行"],
        inside: true,
    },
    Decomposition {
        total: &["支出总计", "总计"],
        parts: &["支出合计", "结余分配", "年末结转和结余"],
        inside: false,
    },
    Decomposition {
        total: &["收入总计"],
        parts: &["收入合计", "使用非财政拨款结余", "年初结转和结余"],
        inside: false,
    },
    Decomposition {
        total: &["政府采购"],
        parts: &["货物", "工程", "服务"],
        inside: true,
    },
    Decomposition {
        total: &["财政拨款"],
        parts: &["一般公共预算", "政府性基金", "国有资本经营"],
        inside: false,
    },
];

/// Whether a canonical label names the total of `d`.
fn matches_total(l: &str, d: &Decomposition) -> bool {
    d.total.iter().any(|t| {
        if *t == "总计" {
            l == "总计"
        } else {
            // Totals named inside a longer label: “三公”经费财政拨款, 政府采购支出总额.
            ends_with(l, t) || (d.inside && contains(l, t))
        }
    })
}

/// `l.ends_with(t)`, the last two bytes compared first: most labels end otherwise (and many
/// end in the same last byte, that of 出 or 计), and the comparison of the rest is a call.
fn ends_with(l: &str, t: &str) -> bool {
    let (l, t) = (l.as_bytes(), t.as_bytes());
    match (l, t) {
        ([.., a, b], [.., c, d]) => a == c && b == d && l.ends_with(t),
        _ => l.ends_with(t),
    }
}

/// The decompositions whose total a canonical label names: bit k for `DECOMPOSITIONS[k]`.
fn totals_named(l: &str) -> u16 {
    DECOMPOSITIONS
        .iter()
        .enumerate()
        .filter(|(_, d)| matches_total(l, d))
        .fold(0, |mask, (k, _)| mask | 1 << k)
}

/// The lengths of the decompositions' parts made canonical, made once.
fn part_lengths() -> &'static [Vec<usize>] {
    static LENGTHS: std::sync::OnceLock<Vec<Vec<usize>>> = std::sync::OnceLock::new();
    LENGTHS.get_or_init(|| {
        DECOMPOSITIONS
            .iter()
            .map(|d| d.parts.iter().map(|p| canonical(p).len()).collect())
            .collect()
    })
}

/// `d.total[0] = d.parts[0] + …`, the name of a decomposition in messages.
pub fn name(d: &Decomposition) -> String {
    format!("{} = {}", d.total[0], d.parts.join(" + "))
}

/// Index of the component a canonical part label names; of several, the longest.
fn component(l: &str, d: &Decomposition) -> Option<usize> {
    // 对附属单位补助支出 contains 补助 words of others? Take the longest match.
    (0..d.parts.len())
        .filter(|&i| contains(l, d.parts[i]))
        .max_by_key(|&i| d.parts[i].len())
}

/// A decomposition that `total` and exactly `parts` (every component once, nothing else)
/// make. Returns its name for messages. (The engine's labels are canonical already: it calls
/// `complete_canonical`.)
#[cfg(test)]
pub fn complete(total: &str, parts: &[&str]) -> Option<String> {
    let parts: Vec<String> = parts.iter().map(|p| canonical(p)).collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    complete_canonical(&canonical(total), &parts).map(|k| name(&DECOMPOSITIONS[k]))
}

/// `complete` of labels already canonical (`label::canonical`): a list's labels are the
/// statements', made canonical once per document. Returns an index into `DECOMPOSITIONS`.
pub fn complete_canonical(total: &str, parts: &[&str]) -> Option<usize> {
    // Most lists total nothing of the template: their parts are not looked at.
    let named = totals_named(total);
    DECOMPOSITIONS.iter().enumerate().find_map(|(k, d)| {
        if named & 1 << k == 0 || parts.len() != d.parts.len() {
            return None;
        }
        let mut seen = 0u16;
        let ok = parts.iter().all(|p| match component(p, d) {
            Some(i) if seen & 1 << i == 0 => {
                seen |= 1 << i;
                true
            }
            _ => false,
        });
        ok.then_some(k)
    })
}

/// For a table whose rows have the canonical labels `rows`: each row that names the total of
/// a decomposition whose components appear among the rows (at least two of them; a component
/// with no row is blank, which counts as 0), with those rows and the decomposition (an index
/// into `DECOMPOSITIONS`), by row then decomposition. A row naming a total is no component of
/// it. Each decomposition's components are looked for once per table: once per row naming
/// its total was quadratic in a table of many 合计 rows.
pub fn in_table(rows: &[&str]) -> Vec<(usize, Vec<usize>, usize)> {
    let named: Vec<u16> = rows.iter().map(|l| totals_named(l)).collect();
    let any = named.iter().fold(0, |a, m| a | m);
    let mut components: Vec<Option<Vec<usize>>> = Vec::with_capacity(DECOMPOSITIONS.len());
    for (k, d) in DECOMPOSITIONS.iter().enumerate() {
        if any & 1 << k == 0 {
            components.push(None);
            continue;
        }
        let longest = &part_lengths()[k];
        let mut found: Vec<Option<usize>> = vec![None; d.parts.len()];
        for (r, label) in rows.iter().enumerate() {
            if named[r] & 1 << k != 0 {
                continue;
            }
            if let Some(i) = component(label, d) {
                if label.len() <= longest[i] + 12 && found[i].is_none() {
                    found[i] = Some(r);
                }
            }
        }
        let found: Vec<usize> = found.iter().flatten().copied().collect();
        components.push((found.len() >= 2).then_some(found));
    }
    let mut out = Vec::new();
    for (r, &mask) in named.iter().enumerate() {
        for (k, parts) in components.iter().enumerate() {
            if let Some(parts) = parts.as_ref().filter(|_| mask & 1 << k != 0) {
                out.push((r, parts.clone(), k));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_with_is_str_ends_with() {
        for l in ["", "计", "合计", "收入合计", "支出合计", "a", "xa", "ba"] {
            for t in ["", "计", "合计", "收入合计", "a", "ba"] {
                assert_eq!(ends_with(l, t), l.ends_with(t), "{l:?} {t:?}");
            }
        }
    }

    /// The per-row search `in_table` replaces (kept as the reference): per row naming a total.
    fn in_rows(total: &str, rows: &[(usize, &str)]) -> Vec<(Vec<usize>, String)> {
        let mut out = Vec::new();
        for d in DECOMPOSITIONS {
            if !matches_total_listed(total, d.total) {
                continue;
            }
            let mut found: Vec<Option<usize>> = vec![None; d.parts.len()];
            for &(r, label) in rows {
                if matches_total_listed(label, d.total) {
                    continue;
                }
                if let Some(i) = component(label, d) {
                    if label.len() <= canonical(d.parts[i]).len() + 12 && found[i].is_none() {
                        found[i] = Some(r);
                    }
                }
            }
            let rows: Vec<usize> = found.iter().flatten().copied().collect();
            if rows.len() >= 2 {
                out.push((rows, format!("{} = {}", d.total[0], d.parts.join(" + "))));
            }
        }
        out
    }

    /// `matches_total` as it was, with its list of totals named inside a label.
    fn matches_total_listed(l: &str, total: &[&str]) -> bool {
        const INSIDE: &[&str] = &["三公", "公务用车购置及运行", "政府采购"];
        total.iter().any(|t| {
            if *t == "总计" {
                l == "总计"
            } else {
                l.ends_with(t) || (INSIDE.contains(t) && l.contains(t))
            }
        })
    }

    /// `complete` as it was: the reference of `complete_canonical`.
    fn complete_listed(total: &str, parts: &[&str]) -> Option<String> {
        let total = canonical(total);
        let parts: Vec<String> = parts.iter().map(|p| canonical(p)).collect();
        for d in DECOMPOSITIONS {
            if parts.len() != d.parts.len() || !matches_total_listed(&total, d.total) {
                continue;
            }
            let mut seen = vec![false; d.parts.len()];
            let ok = parts.iter().all(|p| match component(p, d) {
                Some(i) if !seen[i] => {
                    seen[i] = true;
                    true
                }
                _ => false,
            });
            if ok {
                return Some(format!("{} = {}", d.total[0], d.parts.join(" + ")));
            }
        }
        None
    }

    /// Random tables and lists of template labels, their pieces and noise (hostile
    /// characters included): `in_table` and `complete` give what the per-row search and the
    /// listed totals gave.
    #[test]
    fn table_groups_and_lists_are_as_before() {
        let mut words: Vec<&str> = vec![
            "",
            "其中",
            "支出",
            "费",
            "合计",
            "总计",
            "经费",
            "（",
            "）",
            "、",
            " ",
            "\u{a0}",
            "\u{3000}",
            "\r\n",
            "\r",
            "１２",
            "123456789012345678901234567890",
            "运行维护",
            "一般公共预算财政拨款",
            "其他",
            "小计",
            "收、支",
        ];
        for d in DECOMPOSITIONS {
            words.extend(d.total.iter().copied());
            words.extend(d.parts.iter().copied());
        }
        let mut rng = crate::testing::Lcg::new(17);
        for round in 0..3000 {
            let n = (rng.next() % 12) as usize;
            let labels: Vec<String> = (0..n)
                .map(|_| {
                    let k = (rng.next() % 4) as usize;
                    (0..k)
                        .map(|_| words[(rng.next() % words.len() as u64) as usize])
                        .collect::<String>()
                })
                .collect();
            let canon: Vec<String> = labels.iter().map(|l| canonical(l)).collect();
            let rows: Vec<&str> = canon.iter().map(String::as_str).collect();
            let indexed: Vec<(usize, &str)> = rows.iter().copied().enumerate().collect();
            let want: Vec<(usize, Vec<usize>, String)> = (0..n)
                .flat_map(|r| {
                    in_rows(rows[r], &indexed)
                        .into_iter()
                        .map(move |(p, nm)| (r, p, nm))
                })
                .collect();
            let got: Vec<(usize, Vec<usize>, String)> = in_table(&rows)
                .into_iter()
                .map(|(r, p, k)| (r, p, name(&DECOMPOSITIONS[k])))
                .collect();
            assert_eq!(got, want, "{labels:?}");
            if let Some((total, parts)) = labels.split_first() {
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                assert_eq!(
                    complete(total, &parts),
                    complete_listed(total, &parts),
                    "{round} {labels:?}"
                );
            }
        }
        assert_eq!(in_table(&[]), vec![]);
        assert_eq!(complete("", &[]), None);
    }

    #[test]
    fn recognises_template_lists() {
        assert!(complete(
            "一般公共预算财政拨款基本支出",
            &[
                "工资福利支出",
                "商品和服务支出",
                "对个人和家庭补助支出",
                "其他资本性支出"
            ]
        )
        .is_some());
        assert!(complete(
            "三公经费财政拨款",
            &[
                "因公出国（境）费用",
                "公务接待费",
                "公务用车购置及运行维护费"
            ]
        )
        .is_some());
        assert!(complete(
            "公务用车购置及运行维护费",
            &["公务用车购置费", "公务用车运行维护费"]
        )
        .is_some());
        assert!(complete("本年支出合计", &["基本支出", "项目支出"]).is_none());
        assert!(complete("固定资产总额", &["房屋", "汽车"]).is_none());
    }
}
