//! The report's outline (第一部分 / 一、/（一）/ 1.) as a tree, with each checked total under the
//! section that states it, so an editor's outline view doubles as a map of the arithmetic.

use crate::analysis::{Analysis, RelationKind};
use crate::text::Span;

use super::format::group;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Heading,
    Total,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole section (a heading) or the figure (a total).
    pub span: Span,
    /// What to select and reveal: the heading line or the figure.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

impl Symbol {
    /// The same symbol `by` bytes further on (a report's outline placed in its file).
    pub fn shift(&mut self, by: usize) {
        self.span = self.span.shift(by);
        self.selection = self.selection.shift(by);
        self.children.iter_mut().for_each(|c| c.shift(by));
    }
}

/// The outline tree. Headings nest by level; totals (targets of sum relations) go under the
/// innermost heading whose section contains them, or at the top level before any heading.
pub fn outline(analysis: &Analysis) -> Vec<Symbol> {
    let mut headings: Vec<_> = analysis.outline.iter().collect();
    headings.sort_by_key(|h| h.span.start);

    // (level, symbol) stack: pop until the top is a strict ancestor, then push.
    let mut roots: Vec<Symbol> = Vec::new();
    let mut stack: Vec<(u8, Symbol)> = Vec::new();
    for h in headings {
        while stack.last().is_some_and(|(lvl, _)| *lvl >= h.level) {
            pop_into(&mut stack, &mut roots);
        }
        let section = h.section.cover(h.span);
        stack.push((
            h.level,
            Symbol {
                // A Markdown heading's `#` marks are syntax, not part of its title.
                name: h.title.trim_start_matches('#').trim().to_string(),
                detail: None,
                kind: SymbolKind::Heading,
                span: section,
                selection: h.span,
                children: Vec::new(),
            },
        ));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut roots);
    }

    let mut seen = std::collections::HashSet::new();
    for r in &analysis.relations {
        if r.kind != RelationKind::Sum || !seen.insert(r.target.span) {
            continue;
        }
        let t = &r.target;
        let mut name = if t.label.is_empty() {
            "合计".to_string()
        } else {
            t.label.to_string()
        };
        if !r.column.is_empty() {
            name = format!("{name}（{}）", r.column);
        }
        let unit = if t.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", t.unit)
        };
        let detail = if r.holds {
            format!("{}{unit} ✓", group(t.value))
        } else {
            format!("{}{unit} ✗ 重算 {}", group(t.value), r.expected)
        };
        insert(
            &mut roots,
            Symbol {
                name,
                detail: Some(detail),
                kind: SymbolKind::Total,
                span: t.span,
                selection: t.span,
                children: Vec::new(),
            },
        );
    }
    sort(&mut roots);
    roots
}

fn pop_into(stack: &mut Vec<(u8, Symbol)>, roots: &mut Vec<Symbol>) {
    if let Some((_, mut sym)) = stack.pop() {
        // A parent's range must contain its children's (LSP requires it of DocumentSymbol).
        for c in &sym.children {
            sym.span = sym.span.cover(c.span);
        }
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(sym),
            None => roots.push(sym),
        }
    }
}

fn insert(level: &mut Vec<Symbol>, sym: Symbol) {
    let at = sym.span.start;
    if let Some(parent) = level
        .iter_mut()
        .find(|s| s.kind == SymbolKind::Heading && s.span.start <= at && at < s.span.end)
    {
        insert(&mut parent.children, sym);
    } else {
        level.push(sym);
    }
}

fn sort(level: &mut [Symbol]) {
    level.sort_by_key(|s| s.span.start);
    for s in level {
        sort(&mut s.children);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Heading;

    #[test]
    fn headings_nest_and_totals_sit_in_their_section() {
        let (text, mut analysis) = crate::ide::hover::tests::sample();
        let len = text.len();
        analysis.outline = vec![
            Heading {
                title: "第二部分".into(),
                level: 0,
                span: Span::new(0, 3),
                section: Span::new(0, len),
            },
            Heading {
                title: "一、支出".into(),
                level: 1,
                span: Span::new(3, 6),
                section: Span::new(3, len),
            },
        ];
        let tree = outline(&analysis);
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0].children.len(), 1);
        let sub = &tree[0].children[0];
        assert_eq!(sub.name, "一、支出");
        assert_eq!(sub.children[0].kind, SymbolKind::Total);
        assert_eq!(sub.children[0].name, "基本支出（决算）");
        assert!(sub.children[0].detail.as_deref().unwrap().contains("✗"));
    }
}
