//! What the engine reports: findings, their fixes and text edits, all in UTF-8 byte spans.
//!
//! These are plain structs with public fields; the CLI and the LSP layer convert them to their
//! own formats. Nothing here knows about lines, UTF-16 or JSON-RPC.

use crate::text::Span;

/// How serious a finding is. Maps one to one onto LSP's DiagnosticSeverity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// Whether a fix may be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Certain: the text says the same thing afterwards, only correctly (fix-all applies it).
    Safe,
    /// A guess at which figure is wrong: offered one at a time, never applied in bulk.
    Unsafe,
}

/// Replace the bytes of `span` with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// Another place in the document that takes part in the finding (a part of a sum, the other
/// statement of the same quantity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, e.g. `sum-mismatch`.
    pub rule: &'static str,
    pub severity: Severity,
    pub span: Span,
    /// One line, in Chinese, with the arithmetic.
    pub message: String,
    pub related: Vec<Related>,
    /// Best first.
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn new(rule: &'static str, severity: Severity, span: Span, message: String) -> Finding {
        Finding {
            rule,
            severity,
            span,
            message,
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fixes.push(fix);
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }
}

impl Finding {
    /// The same finding `by` bytes further on (a report's findings placed in its bundle).
    pub fn shift(&mut self, by: usize) {
        self.span = self.span.shift(by);
        for r in &mut self.related {
            r.span = r.span.shift(by);
        }
        for e in self.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            e.span = e.span.shift(by);
        }
    }
}

impl Fix {
    pub fn replace(
        title: impl Into<String>,
        span: Span,
        new_text: impl Into<String>,
        applicability: Applicability,
    ) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                span,
                new_text: new_text.into(),
            }],
            applicability,
        }
    }
}
