//! Fix-all: every certain (`Safe`) fix of a set of findings merged into one non-overlapping
//! edit list, so "fix all" can never produce a garbled text when two fixes touch the same
//! place (the later one is left for another round).

use crate::finding::{Applicability, Edit, Finding};
use crate::text::Span;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixAll {
    /// Sorted by position, pairwise disjoint.
    pub edits: Vec<Edit>,
    /// How many findings these edits fix.
    pub fixed: usize,
}

/// The first safe fix of each finding that intersects `within` (all findings when `None`),
/// dropping any fix that overlaps one already taken.
pub fn fix_all<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    within: Option<Span>,
) -> FixAll {
    let mut candidates: Vec<&Finding> = findings
        .into_iter()
        .filter(|f| within.is_none_or(|w| meets(f.span, w)))
        .collect();
    candidates.sort_by_key(|f| (f.span.start, f.span.end));
    let mut taken: Vec<Span> = Vec::new();
    let mut out = FixAll::default();
    for f in candidates {
        let Some(fix) = f
            .fixes
            .iter()
            .find(|x| x.applicability == Applicability::Safe)
        else {
            continue;
        };
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| meets(e.span, *t)));
        if clashes {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.span));
        out.edits.extend(fix.edits.iter().cloned());
        out.fixed += 1;
    }
    out.edits.sort_by_key(|e| (e.span.start, e.span.end));
    out
}

/// Whether two spans overlap, or touch where one of them is empty: two inserts at one place, or
/// an insert at the edge of a replacement, would depend on the order they are applied in.
fn meets(a: Span, b: Span) -> bool {
    a.intersects(b) || ((a.is_empty() || b.is_empty()) && a.start <= b.end && b.start <= a.end)
}

/// Apply disjoint edits to `text` (last first, so earlier spans stay valid).
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    let mut out = text.to_string();
    for e in edits {
        if e.span.end <= out.len()
            && out.is_char_boundary(e.span.start)
            && out.is_char_boundary(e.span.end)
        {
            out.replace_range(e.span.start..e.span.end, &e.new_text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, Severity};

    fn finding(span: (usize, usize), fix_span: (usize, usize), new: &str, safe: bool) -> Finding {
        let app = if safe {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        Finding::new(
            "number-format",
            Severity::Warning,
            Span::new(span.0, span.1),
            "m".into(),
        )
        .with_fix(Fix::replace(
            "t",
            Span::new(fix_span.0, fix_span.1),
            new,
            app,
        ))
    }

    #[test]
    fn merges_safe_disjoint_fixes_only() {
        let text = "1，000 and 2，000 and 3，000";
        let c1 = text.find('，').unwrap();
        let c2 = text[c1 + 3..].find('，').unwrap() + c1 + 3;
        let c3 = text.rfind('，').unwrap();
        let fs = [
            finding((0, 9), (c1, c1 + 3), ",", true),
            finding((c2 - 1, c2 + 6), (c2, c2 + 3), ",", true),
            // overlaps the second: dropped
            finding((c2, c2 + 3), (c2, c2 + 3), ";", true),
            // unsafe: never in fix-all
            finding((c3 - 1, c3 + 6), (c3, c3 + 3), ",", false),
        ];
        let all = fix_all(&fs, None);
        assert_eq!(all.fixed, 2);
        assert_eq!(apply_edits(text, &all.edits), "1,000 and 2,000 and 3，000");
        let first_only = fix_all(&fs, Some(Span::new(0, 3)));
        assert_eq!(first_only.fixed, 1);
        assert_eq!(
            apply_edits(text, &first_only.edits),
            "1,000 and 2，000 and 3，000"
        );
    }
}
