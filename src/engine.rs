//! Builds the document model (numbers, blocks, statements, relations) and runs the rules.

use crate::analysis::Analysis;
use crate::extract::{self, Number};
use crate::rules;

/// Everything the rules read about one document.
pub struct Doc<'t> {
    pub text: &'t str,
    pub numbers: Vec<Number>,
}

pub fn run(text: &str) -> Analysis {
    let doc = Doc {
        text,
        numbers: extract::scan(text),
    };
    let mut findings = Vec::new();
    for rule in rules::RULES {
        (rule.check)(&doc, &mut findings);
    }
    findings.sort_by_key(|f| (f.span.start, f.span.end, f.rule));
    Analysis {
        findings,
        ..Analysis::default()
    }
}
