//! Definition and references: from a figure to every statement of the same quantity (same
//! label and column, as keyed by the engine), e.g. a total in the narrative and in a table.

use crate::analysis::Analysis;
use crate::text::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameQuantity {
    /// The figure under the cursor.
    pub at: Span,
    /// Every statement of the quantity, the one under the cursor included, in text order.
    pub all: Vec<Span>,
}

pub fn same_quantity(analysis: &Analysis, offset: usize) -> Option<SameQuantity> {
    let here = analysis
        .amounts
        .iter()
        .find(|a| a.span.contains(offset))
        .or_else(|| analysis.amount_at(offset))?;
    let key = here.key.as_ref()?;
    let mut all: Vec<Span> = analysis
        .amounts
        .iter()
        .filter(|a| a.key.as_ref() == Some(key))
        .map(|a| a.span)
        .collect();
    all.sort();
    all.dedup();
    Some(SameQuantity { at: here.span, all })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_with_the_same_key() {
        let (text, mut analysis) = crate::ide::hover::tests::sample();
        let mut again = analysis.amounts[0].clone();
        again.span = Span::new(text.len(), text.len() + 6);
        analysis.amounts.push(again);
        let at = analysis.amounts[0].span.start;
        let q = same_quantity(&analysis, at).unwrap();
        assert_eq!(q.all.len(), 2);
        assert_eq!(q.at, analysis.amounts[0].span);
        assert!(same_quantity(&analysis, 0).is_none());
    }
}
