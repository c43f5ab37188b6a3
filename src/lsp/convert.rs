//! Engine and `ide` results → LSP types. Every byte span goes through `position`, with the rope
//! of the version that was analysed.

use std::collections::HashMap;
use std::str::FromStr;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit,
    Uri, WorkspaceEdit,
};

use super::config::Config;
use super::position::range_of;
use crate::finding::{Edit, Finding, Severity};
use crate::ide;
use crate::text::encoding::PositionEncoding;
use crate::text::Span;

pub const SOURCE: &str = "suanpan";

/// A fix in LSP terms.
#[derive(Debug, Clone)]
pub struct FixDatum {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub fn text_edits(rope: &Rope, edits: &[Edit], enc: PositionEncoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit::new(range_of(rope, e.span, enc), e.new_text.clone()))
        .collect()
}

/// The findings the configuration lets through, as diagnostics.
/// Move a diagnostic `by` lines: its range, related locations and the edits of its fixes.
pub fn move_lines(d: &mut lsp::Diagnostic, by: i64) {
    if by == 0 {
        return;
    }
    let mv = |p: &mut lsp::Position| p.line = (i64::from(p.line) + by).max(0) as u32;
    mv(&mut d.range.start);
    mv(&mut d.range.end);
    for r in d.related_information.iter_mut().flatten() {
        mv(&mut r.location.range.start);
        mv(&mut r.location.range.end);
    }
}

pub fn diagnostics(
    uri: &Uri,
    rope: &Rope,
    findings: &[Finding],
    config: &Config,
    enc: PositionEncoding,
) -> Vec<lsp::Diagnostic> {
    findings
        .iter()
        .filter_map(|f| {
            let sev = config.severity_of(f.rule, f.severity)?;
            Some(diagnostic(uri, rope, f, sev, enc))
        })
        .collect()
}

/// A finding as a diagnostic. Its fixes are not carried in `data`: `codeAction` takes them from
/// the analysis, which it has anyway, and a changed set of a large document is sent faster
/// without them (issue 5).
fn diagnostic(
    uri: &Uri,
    rope: &Rope,
    f: &Finding,
    sev: Severity,
    enc: PositionEncoding,
) -> lsp::Diagnostic {
    let href = crate::rules::find(f.rule).and_then(|r| Uri::from_str(&r.help_uri()).ok());
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range_of(rope, r.span, enc)),
            message: r.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: range_of(rope, f.span, enc),
        severity: Some(severity(sev)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// One document's edits as a workspace edit, pinned to `version` when the client supports
/// versioned edits (it then refuses them if the document has changed meanwhile).
pub fn workspace_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    versioned: bool,
) -> WorkspaceEdit {
    if versioned {
        WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

#[allow(deprecated)] // DocumentSymbol::deprecated must be spelled out
pub fn symbols(
    rope: &Rope,
    tree: &[ide::Symbol],
    enc: PositionEncoding,
) -> Vec<lsp::DocumentSymbol> {
    tree.iter()
        .map(|s| lsp::DocumentSymbol {
            name: if s.name.trim().is_empty() {
                "—".into()
            } else {
                s.name.clone()
            },
            detail: s.detail.clone(),
            kind: match s.kind {
                ide::SymbolKind::Heading => lsp::SymbolKind::NAMESPACE,
                ide::SymbolKind::Total => lsp::SymbolKind::NUMBER,
            },
            tags: None,
            deprecated: None,
            range: range_of(rope, s.span, enc),
            selection_range: range_of(rope, s.selection, enc),
            children: (!s.children.is_empty()).then(|| symbols(rope, &s.children, enc)),
        })
        .collect()
}

pub fn hover(rope: &Rope, h: ide::HoverResult, enc: PositionEncoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(range_of(rope, h.span, enc)),
    }
}

pub fn inlay_hint(rope: &Rope, h: ide::InlayHint, enc: PositionEncoding) -> lsp::InlayHint {
    lsp::InlayHint {
        position: super::position::position_of(rope, h.offset, enc),
        label: lsp::InlayHintLabel::String(h.label),
        kind: None,
        text_edits: None,
        tooltip: Some(lsp::InlayHintTooltip::String(h.tooltip)),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn location(uri: &Uri, rope: &Rope, span: Span, enc: PositionEncoding) -> Location {
    Location::new(uri.clone(), range_of(rope, span, enc))
}
