//! The canonical decompositions of DOMAIN.md §2: totals whose parts are fixed by the report
//! template, so that a list naming exactly those parts is known to be complete.

use crate::label::canonical;

/// A total and its parts, as label fragments (matched after `label::canonical`).
pub struct Decomposition {
    pub total: &'static [&'static str],
    pub parts: &'static [&'static str],
}

pub static DECOMPOSITIONS: &[Decomposition] = &[
    Decomposition {
        total: &["基本支出"],
        parts: &["人员经费", "公用经费"],
    },
    Decomposition {
        total: &["基本支出"],
        parts: &[
            "工资福利支出",
            "商品和服务支出",
            "对个人和家庭补助",
            "资本性支出",
        ],
    },
    Decomposition {
        total: &["人员经费"],
        parts: &["工资福利支出", "对个人和家庭补助"],
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
    },
    Decomposition {
        total: &["三公"],
        parts: &["因公出国", "公务接待费", "公务用车购置及运行"],
    },
    Decomposition {
        total: &["公务用车购置及运行"],
        parts: &["公务用车购置费", "公务用车运行"],
    },
    Decomposition {
        total: &["支出总计", "总计"],
        parts: &["支出合计", "结余分配", "年末结转和结余"],
    },
    Decomposition {
        total: &["收入总计"],
        parts: &["收入合计", "使用非财政拨款结余", "年初结转和结余"],
    },
    Decomposition {
        total: &["政府采购"],
        parts: &["货物", "工程", "服务"],
    },
    Decomposition {
        total: &["财政拨款"],
        parts: &["一般公共预算", "政府性基金", "国有资本经营"],
    },
];

/// Whether a canonical label names one of `total`.
fn matches_total(l: &str, total: &[&str]) -> bool {
    // Totals named inside a longer label: “三公”经费财政拨款, 政府采购支出总额.
    const INSIDE: &[&str] = &["三公", "公务用车购置及运行", "政府采购"];
    total.iter().any(|t| {
        if *t == "总计" {
            l == "总计"
        } else {
            // The short list first: a substring search costs more than the comparisons.
            l.ends_with(t) || (INSIDE.contains(t) && l.contains(t))
        }
    })
}

/// Index of the component a canonical part label names; of several, the longest.
fn component(l: &str, d: &Decomposition) -> Option<usize> {
    // 对附属单位补助支出 contains 补助 words of others? Take the longest match.
    (0..d.parts.len())
        .filter(|&i| l.contains(d.parts[i]))
        .max_by_key(|&i| d.parts[i].len())
}

/// A decomposition that `total` and exactly `parts` (every component once, nothing else)
/// make. Returns its name for messages.
pub fn complete(total: &str, parts: &[&str]) -> Option<String> {
    let total = canonical(total);
    // Most lists total nothing of the template: their parts are not looked at.
    let mut candidates = DECOMPOSITIONS
        .iter()
        .filter(|d| parts.len() == d.parts.len() && matches_total(&total, d.total))
        .peekable();
    candidates.peek()?;
    let parts: Vec<String> = parts.iter().map(|p| canonical(p)).collect();
    for d in candidates {
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

/// For a table: the decompositions of `total` whose components appear among `rows` (at least
/// two of them; a component with no row is blank, which counts as 0). Returns, per match, the
/// row indices and the decomposition's name. `total` and the rows' labels are canonical
/// (`label::canonical`): a table's rows are made canonical once, not once per total.
pub fn in_rows(total: &str, rows: &[(usize, &str)]) -> Vec<(Vec<usize>, String)> {
    let mut out = Vec::new();
    for d in DECOMPOSITIONS {
        if !matches_total(total, d.total) {
            continue;
        }
        let mut found: Vec<Option<usize>> = vec![None; d.parts.len()];
        for &(r, label) in rows {
            if matches_total(label, d.total) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
