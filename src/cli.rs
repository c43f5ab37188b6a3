//! The `suanpan check` front end: reads files, runs the analysis, prints text, JSON or SARIF.
//!
//! Output contract: `../shared/CLI.md`. Positions are 0-based UTF-16 (JSON) or 1-based
//! (text and SARIF, whose columns are UTF-16 code units as SARIF's default `columnKind`).

use std::io::Write;

use serde_json::{json, Value};

use crate::finding::{Applicability, Finding, Severity};
use crate::text::encoding::PositionEncoding;
use crate::text::{LineIndex, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// One checked file.
pub struct Checked {
    pub path: String,
    pub text: String,
    pub findings: Vec<Finding>,
}

/// Read a report: a clear message naming the file when it is missing or not UTF-8.
pub fn read_report(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{path}: no such file"),
        std::io::ErrorKind::IsADirectory => format!("{path}: is a directory, not a report"),
        _ => format!("{path}: cannot read: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!(
            "{path}: not valid UTF-8 at byte {at}; save the report as UTF-8 (e.g. `iconv -f GB18030 -t UTF-8`) and try again"
        )
    })
}

/// Run `suanpan check`; returns the exit status (0 clean, 1 errors found, 2 usage or I/O error).
pub fn check(
    paths: &[String],
    format: Format,
    options: &crate::Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut checked = Vec::new();
    let mut io_error = false;
    for path in paths {
        match read_report(path) {
            Ok(text) => {
                let findings = crate::engine::findings(&text, options);
                checked.push(Checked {
                    path: path.clone(),
                    text,
                    findings,
                });
            }
            Err(msg) => {
                io_error = true;
                let _ = writeln!(err, "error: {msg}");
            }
        }
    }
    let rendered = match format {
        Format::Text => render_text(&checked),
        Format::Json => {
            serde_json::to_string_pretty(&render_json(&checked)).unwrap_or_default() + "\n"
        }
        Format::Sarif => {
            serde_json::to_string_pretty(&render_sarif(&checked)).unwrap_or_default() + "\n"
        }
    };
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();
    let errors = checked
        .iter()
        .flat_map(|c| &c.findings)
        .any(|f| f.severity == Severity::Error);
    if io_error {
        2
    } else if errors {
        1
    } else {
        0
    }
}

fn lsp_range(idx: &LineIndex, text: &str, span: Span) -> Value {
    let s = idx.position(text, span.start, PositionEncoding::Utf16);
    let e = idx.position(text, span.end, PositionEncoding::Utf16);
    json!({"start": {"line": s.line, "character": s.col}, "end": {"line": e.line, "character": e.col}})
}

/// The JSON of `../shared/CLI.md`.
pub fn render_json(checked: &[Checked]) -> Value {
    let files: Vec<Value> = checked
        .iter()
        .map(|c| {
            let idx = LineIndex::new(&c.text);
            let diags: Vec<Value> = c
                .findings
                .iter()
                .map(|f| {
                    json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "range": lsp_range(&idx, &c.text, f.span),
                        "related": f.related.iter().map(|r| json!({
                            "range": lsp_range(&idx, &c.text, r.span), "message": r.message})).collect::<Vec<_>>(),
                        "fixes": f.fixes.iter().map(|fx| json!({
                            "title": fx.title,
                            "applicability": match fx.applicability { Applicability::Safe => "safe", Applicability::Unsafe => "unsafe" },
                            "edits": fx.edits.iter().map(|e| json!({
                                "range": lsp_range(&idx, &c.text, e.span), "newText": e.new_text})).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({"path": c.path, "diagnostics": diags})
        })
        .collect();
    json!({"version": 1, "files": files})
}

/// SARIF 2.1.0, for code-scanning services.
pub fn render_sarif(checked: &[Checked]) -> Value {
    let rules: Vec<Value> = crate::rules::RULES
        .iter()
        .map(|r| {
            json!({"id": r.id, "shortDescription": {"text": r.summary},
                   "fullDescription": {"text": r.summary},
                   "help": {"text": r.doc(), "markdown": r.doc()},
                   "helpUri": r.help_uri(),
                   "defaultConfiguration": {"level": sarif_level(r.severity)}})
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        let idx = LineIndex::new(&c.text);
        let region = |span: Span| {
            let s = idx.position(&c.text, span.start, PositionEncoding::Utf16);
            let e = idx.position(&c.text, span.end, PositionEncoding::Utf16);
            json!({"startLine": s.line + 1, "startColumn": s.col + 1, "endLine": e.line + 1, "endColumn": e.col + 1})
        };
        for f in &c.findings {
            let rule_index = crate::rules::RULES
                .iter()
                .position(|r| r.id == f.rule)
                .unwrap_or(0);
            results.push(json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index,
                "level": sarif_level(f.severity),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": c.path}, "region": region(f.span)}}],
                "relatedLocations": f.related.iter().enumerate().map(|(i, r)| json!({
                    "id": i, "message": {"text": r.message},
                    "physicalLocation": {"artifactLocation": {"uri": c.path}, "region": region(r.span)}})).collect::<Vec<_>>(),
                "fixes": f.fixes.iter().map(|fx| json!({
                    "description": {"text": fx.title},
                    "artifactChanges": [{"artifactLocation": {"uri": c.path},
                        "replacements": fx.edits.iter().map(|e| json!({
                            "deletedRegion": region(e.span), "insertedContent": {"text": e.new_text}})).collect::<Vec<_>>()}]
                })).collect::<Vec<_>>(),
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "suanpan", "version": env!("CARGO_PKG_VERSION"),
                                "informationUri": "https://github.com/suanpan/suanpan", "rules": rules}},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// Columns a character takes in a terminal: CJK and full-width characters take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u);
            if c == '\t' {
                4
            } else if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// rustc/ruff-like text: `path:line:col: severity[rule] message`, the source with carets, the fixes.
pub fn render_text(checked: &[Checked]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let mut counts = [0usize; 4];
    for c in checked {
        let idx = LineIndex::new(&c.text);
        for f in &c.findings {
            counts[f.severity as usize] += 1;
            let pos = idx.position(&c.text, f.span.start, PositionEncoding::Utf32);
            let _ = writeln!(
                s,
                "{}:{}:{}: {}[{}] {}",
                c.path,
                pos.line + 1,
                pos.col + 1,
                f.severity.as_str(),
                f.rule,
                f.message
            );
            let line = pos.line as usize;
            let (start, content) = idx.line_span(&c.text, line);
            // A window of the line around the finding, so long paragraphs stay readable.
            let a = f.span.start - start;
            let b = (f.span.end.min(start + content.len())).max(f.span.start) - start;
            let from = window_start(content, a, 24);
            let to = window_end(content, b, 16);
            let prefix = if from > 0 { "…" } else { "" };
            let suffix = if to < content.len() { "…" } else { "" };
            let shown = format!(
                "{prefix}{}{suffix}",
                content[from..to].replace('\t', "    ")
            );
            let pad = display_width(prefix) + display_width(&content[from..a]);
            let width = display_width(&content[a..b]).max(1);
            let gutter = format!("{}", line + 1);
            let blank = " ".repeat(gutter.len());
            let _ = writeln!(
                s,
                "{blank} |\n{gutter} | {shown}\n{blank} | {}{}",
                " ".repeat(pad),
                "^".repeat(width)
            );
            for r in &f.related {
                let p = idx.position(&c.text, r.span.start, PositionEncoding::Utf32);
                let _ = writeln!(s, "{blank} = {}:{}: {}", p.line + 1, p.col + 1, r.message);
            }
            for fx in &f.fixes {
                let how = match fx.applicability {
                    Applicability::Safe => "可自动修复",
                    Applicability::Unsafe => "需人工确认",
                };
                let _ = writeln!(s, "{blank} = 修复（{how}）: {}", fx.title);
            }
            s.push('\n');
        }
    }
    let total: usize = counts.iter().sum();
    if total == 0 {
        let _ = writeln!(s, "未发现问题（{} 个文件）", checked.len());
    } else {
        let _ = writeln!(
            s,
            "共 {total} 处：{} 个错误，{} 个警告，{} 个提示（{} 个文件）",
            counts[0],
            counts[1],
            counts[2] + counts[3],
            checked.len()
        );
    }
    s
}

fn window_start(line: &str, at: usize, chars: usize) -> usize {
    line[..at]
        .char_indices()
        .rev()
        .nth(chars)
        .map_or(0, |(i, _)| i)
}

fn window_end(line: &str, at: usize, chars: usize) -> usize {
    line[at..]
        .char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| at + i)
}
