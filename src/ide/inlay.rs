//! Inlay hints: the recomputed value written beside each figure that does not add up
//! (`基本支出8,901,652.46元 = 9,017,122.40`), so the fix is visible before anyone hovers.

use crate::analysis::{Analysis, RelationKind};
use crate::text::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is drawn: after the figure and its unit.
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// Hints for the inconsistent relations whose target lies in `range`.
pub fn inlay_hints(analysis: &Analysis, text: &str, range: Span) -> Vec<InlayHint> {
    let mut hints: Vec<InlayHint> = analysis
        .relations
        .iter()
        .filter(|r| !r.holds && r.kind != RelationKind::Same)
        .filter(|r| r.target.span.start >= range.start && r.target.span.start <= range.end)
        .map(|r| {
            let t = &r.target;
            let after = text.get(t.span.end..).unwrap_or("");
            let offset = if !t.unit.is_empty() && after.starts_with(t.unit) {
                t.span.end + t.unit.len()
            } else {
                t.span.end
            };
            let what = match r.kind {
                RelationKind::Sum => "各部分之和",
                RelationKind::Share => "重算占比",
                RelationKind::Change => "重算变动额",
                RelationKind::Rate => "重算变动率",
                _ => "按公式重算",
            };
            InlayHint {
                offset,
                label: format!("= {}", r.expected),
                tooltip: format!("{what}：{}", r.expected),
            }
        })
        .collect();
    hints.sort_by_key(|h| h.offset);
    hints.dedup_by(|a, b| a.offset == b.offset && a.label == b.label);
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_after_the_unit_of_an_inconsistent_total() {
        let (text, analysis) = crate::ide::hover::tests::sample();
        let hints = inlay_hints(&analysis, &text, Span::new(0, text.len()));
        assert_eq!(hints.len(), 1);
        assert_eq!(hints[0].label, "= 1,001.50");
        assert!(text[..hints[0].offset].ends_with("901.50元"));
        assert!(inlay_hints(&analysis, &text, Span::new(text.len(), text.len())).is_empty());
    }
}
