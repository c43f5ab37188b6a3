//! ## number-format
//!
//! **What it checks.** How an amount is written:
//! - a full-width comma used as a thousands separator (`478，297.24元`) — an error a reader
//!   may take for a list of two numbers;
//! - an amount written without a unit in a sentence whose other amounts have one
//!   (`比上年减少2,601,483.98，下降20.7%`);
//! - (info) an amount with fewer decimals than the report uses elsewhere (`145,631.2元` in a
//!   report written to the fen), or excess precision (`28861.938591万元`, `0.083%`).
//!
//! **Why.** Reviewers return reports for each of these; a missing unit is how 元 and 万元 get
//! confused.
//!
//! **Example.**
//!
//! ```text
//! 决算478，297.24元          → 决算478,297.24元
//! 减少2,601,483.98，下降…    → 减少2,601,483.98元，下降…
//! ```
//!
//! **Fix safety.** The separator fix is safe. Inserting a unit is unsafe: the unit is taken
//! from the other amounts of the sentence, which is what the writer almost always meant, but
//! not certainly.

use crate::engine::Doc;
use crate::finding::{Applicability, Edit, Finding, Fix, Severity};
use crate::text::Span;

pub fn check(doc: &Doc, out: &mut Vec<Finding>) {
    for n in &doc.numbers {
        if n.fullwidth_commas.is_empty() {
            continue;
        }
        let raw = &doc.text[n.span.start..n.span.end];
        let fixed = raw.replace('，', ",");
        let f = Finding::new(
            "number-format",
            Severity::Error,
            n.span,
            format!("“{raw}”中的全角逗号“，”用作了千分位分隔符，应为半角“,”：{fixed}"),
        );
        let edits = n.fullwidth_commas.iter().map(|&at| Edit {
            span: Span::new(at, at + '，'.len_utf8()),
            new_text: ",".into(),
        });
        out.push(f.with_fix(Fix {
            title: format!("改为 {fixed}"),
            edits: edits.collect(),
            applicability: Applicability::Safe,
        }));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check_rule;

    #[test]
    fn fires_on_full_width_separator() {
        check_rule(
            "number-format",
            "决算⟦478，297.24⟧元。",
            Some("决算478,297.24元。"),
        );
    }

    #[test]
    fn silent_on_clause_commas() {
        check_rule("number-format", "收入478,297.24元，支出12元。", None);
    }
}
