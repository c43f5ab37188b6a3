//! ## sign-after-direction
//!
//! **What it checks.** A minus sign written after a direction word: `减少-97,121.12元`,
//! `增加-5.00万元`, `增长-11.4%`.
//!
//! **Why.** The direction word already carries the sign. `减少-97,121.12元` reads as "decreased
//! by minus 97,121.12", which is an increase; reviewers send such reports back every year.
//!
//! **Example.**
//!
//! ```text
//! 比年初预算减少-97,121.12元，下降16.9%。     ← flagged
//! 比年初预算减少97,121.12元，下降16.9%。      ← fixed
//! 比上年增长-11.4%                           ← flagged; fixed as 比上年下降11.4%
//! ```
//!
//! **Fix safety.** Safe. After 减少/下降 the sign is deleted; after 增加/增长 the word is
//! turned into its opposite and the sign deleted, which says what the writer meant.

use crate::engine::Doc;
use crate::extract::words::{direction_suffix, flip, Direction};
use crate::finding::{Applicability, Edit, Finding, Fix, Severity};
use crate::text::Span;

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for n in &doc.numbers {
        let Some(sign) = n.sign else { continue };
        if n.excluded {
            continue;
        }
        let before = doc.text[..sign.start].trim_end_matches([' ', '\u{3000}', '了']);
        let Some((dir, len)) = direction_suffix(before) else {
            continue;
        };
        let word_span = Span::new(before.len() - len, before.len());
        let word = &doc.text[word_span.start..word_span.end];
        let shown = &doc.text[word_span.start..n.full_span().end];
        let digits = &doc.text[n.span.start..n.full_span().end];
        let f = Finding::new(
            "sign-after-direction",
            Severity::Error,
            Span::new(word_span.start, n.full_span().end),
            format!("“{shown}”：方向词“{word}”已表明增减，其后不应再加负号"),
        );
        let fix = match dir {
            Direction::Down => Fix {
                title: format!("删除负号：{word}{digits}"),
                edits: vec![Edit {
                    span: sign,
                    new_text: String::new(),
                }],
                applicability: Applicability::Safe,
            },
            _ => match flip(word) {
                Some(opposite) => Fix {
                    title: format!("改为 {opposite}{digits}"),
                    edits: vec![
                        Edit {
                            span: word_span,
                            new_text: opposite.to_string(),
                        },
                        Edit {
                            span: sign,
                            new_text: String::new(),
                        },
                    ],
                    applicability: Applicability::Safe,
                },
                None => Fix {
                    title: format!("删除负号：{word}{digits}"),
                    edits: vec![Edit {
                        span: sign,
                        new_text: String::new(),
                    }],
                    applicability: Applicability::Unsafe,
                },
            },
        };
        out.push(f.with_fix(fix));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_minus_after_decrease() {
        check_rule(
            "sign-after-direction",
            "一般公共服务支出比年初预算⟦减少-97,121.12元⟧，下降16.9%。",
            Some("一般公共服务支出比年初预算减少97,121.12元，下降16.9%。"),
        );
        check_rule(
            "sign-after-direction",
            "比上年⟦增长-11.4%⟧。",
            Some("比上年下降11.4%。"),
        );
    }

    #[test]
    fn silent_on_ranges_and_plain_decreases() {
        check_rule(
            "sign-after-direction",
            "比上年减少97,121.12元，得分80-90分的0个。",
            None,
        );
    }
}
