//! The `suanpan check` front end: reads files, runs the analysis, prints text, JSON or SARIF.
//!
//! Output contract: `../shared/CLI.md`. Positions are 0-based UTF-16 (JSON) or 1-based
//! (text and SARIF, whose columns are UTF-16 code units as SARIF's default `columnKind`).

use std::io::Write;

use serde::Serialize;

use crate::finding::{Applicability, Finding, Severity};
use crate::text::encoding::{units, PositionEncoding};
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

/// Marker that makes `check` panic on a file containing it, with `SUANPAN_DEBUG` set (tests
/// prove a panic does not reach the user).
pub const DEBUG_PANIC_MARKER: &str = "<<suanpan-debug-panic>>";

/// The findings of one file, or why there are none: a panic in the analysis (a bug) is caught
/// here, so that one file cannot take the others' results with it. The panic hook is quieted
/// meanwhile, unless `RUST_BACKTRACE` asks for the details.
fn analyse(text: &str, options: &crate::Options, debug: bool) -> Result<Vec<Finding>, String> {
    let quiet = std::env::var_os("RUST_BACKTRACE").is_none();
    let hook = quiet.then(std::panic::take_hook);
    if quiet {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let found = std::panic::catch_unwind(|| {
        if debug && text.contains(DEBUG_PANIC_MARKER) {
            panic!("a deliberate panic (SUANPAN_DEBUG)");
        }
        crate::analysis::findings(text, options)
    });
    if let Some(hook) = hook {
        std::panic::set_hook(hook);
    }
    found.map_err(|p| crate::panic_text(&*p))
}

/// Run `suanpan check`; returns the exit status (0 clean, 1 errors found, 2 usage or I/O error,
/// or a file that could not be checked).
pub fn check(
    paths: &[String],
    format: Format,
    options: &crate::Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut checked = Vec::new();
    let mut io_error = false;
    let debug = std::env::var_os("SUANPAN_DEBUG").is_some();
    for path in paths {
        match read_report(path) {
            Ok(text) => match analyse(&text, options, debug) {
                Ok(findings) => checked.push(Checked {
                    path: path.clone(),
                    text,
                    findings,
                }),
                Err(why) => {
                    io_error = true;
                    let _ = writeln!(
                        err,
                        "error: {path}: suanpan failed while checking this file ({why}). \
                         This is a bug in suanpan: please report it with the file. \
                         The other files were checked."
                    );
                }
            },
            Err(msg) => {
                io_error = true;
                let _ = writeln!(err, "error: {msg}");
            }
        }
    }
    // Written as it is made (a 10 MB bundle's JSON is 6 MB); JSON ends with a line break.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let _ = match format {
        Format::Text => w.write_all(render_text(&checked).as_bytes()),
        Format::Json => serde_json::to_writer_pretty(&mut w, &render_json(&checked))
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n")),
        Format::Sarif => serde_json::to_writer_pretty(&mut w, &render_sarif(&checked))
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n")),
    };
    let _ = w.flush();
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

// The JSON and SARIF documents are written from borrowed structs, not built as a
// `serde_json::Value`: a tree of maps for the 4,004 findings of a 10 MB bundle took ~70 MB
// (peak 133 MB against 62 MB for text output; issue 5). Fields are declared in alphabetical
// order, the order the `Value` maps wrote them in, so the output is unchanged.

#[derive(Serialize)]
struct Pos {
    character: u32,
    line: u32,
}

#[derive(Serialize)]
struct Range {
    end: Pos,
    start: Pos,
}

/// Positions of one file's spans.
struct Place<'a> {
    columns: Columns<'a>,
}

/// Line and column of byte offsets in one encoding. Counting a column from its line's start
/// costs the line's length, so a file with thousands of findings on one long line (a list of
/// 20,000 parts) took a minute: past `STRIDE` bytes into a line the count starts from a mark
/// instead, the column of every `STRIDE`-th byte, made in one pass when first needed.
struct Columns<'a> {
    idx: LineIndex,
    text: &'a str,
    enc: PositionEncoding,
    marks: std::cell::OnceCell<Vec<(usize, u32)>>,
}

impl<'a> Columns<'a> {
    const STRIDE: usize = 4096;

    fn new(text: &'a str, enc: PositionEncoding) -> Columns<'a> {
        Columns {
            idx: LineIndex::new(text),
            text,
            enc,
            marks: std::cell::OnceCell::new(),
        }
    }

    fn position(&self, offset: usize) -> crate::text::LineCol {
        let offset = crate::text::floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.idx.line_of(offset);
        let start = self.idx.line_start(line);
        if offset - start <= Self::STRIDE {
            return self.idx.position(self.text, offset, self.enc);
        }
        let (mark, col) = self.marks()[offset / Self::STRIDE];
        // The mark is a character boundary at most `STRIDE` bytes before `offset`, and on its
        // line: the line began more than `STRIDE` bytes earlier.
        crate::text::LineCol {
            line: line as u32,
            col: col + units(&self.text[mark..offset], self.enc) as u32,
        }
    }

    /// `(byte, column)` of each multiple of `STRIDE`, floored to a character boundary.
    fn marks(&self) -> &[(usize, u32)] {
        self.marks.get_or_init(|| {
            let mut marks: Vec<(usize, u32)> =
                Vec::with_capacity(self.text.len() / Self::STRIDE + 1);
            for k in 0..=self.text.len() / Self::STRIDE {
                let at = crate::text::floor_char_boundary(self.text, k * Self::STRIDE);
                let start = self.idx.line_start(self.idx.line_of(at));
                let col = match marks.last() {
                    Some(&(prev, col)) if prev >= start => {
                        col + units(&self.text[prev..at], self.enc) as u32
                    }
                    _ => units(&self.text[start..at], self.enc) as u32,
                };
                marks.push((at, col));
            }
            marks
        })
    }
}

impl<'a> Place<'a> {
    fn new(text: &'a str) -> Place<'a> {
        Place {
            columns: Columns::new(text, PositionEncoding::Utf16),
        }
    }

    fn pos(&self, offset: usize) -> Pos {
        let p = self.columns.position(offset);
        Pos {
            character: p.col,
            line: p.line,
        }
    }

    /// 0-based (JSON).
    fn range(&self, span: Span) -> Range {
        Range {
            end: self.pos(span.end),
            start: self.pos(span.start),
        }
    }

    /// 1-based (SARIF).
    fn region(&self, span: Span) -> Region {
        let (s, e) = (self.pos(span.start), self.pos(span.end));
        Region {
            end_column: e.character + 1,
            end_line: e.line + 1,
            start_column: s.character + 1,
            start_line: s.line + 1,
        }
    }
}

#[derive(Serialize)]
pub struct JsonOutput<'a> {
    files: Vec<JsonFile<'a>>,
    version: u32,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    path: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    fixes: Vec<JsonFix<'a>>,
    message: &'a str,
    range: Range,
    related: Vec<JsonRelated<'a>>,
    rule: &'a str,
    severity: &'static str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(rename = "newText")]
    new_text: &'a str,
    range: Range,
}

/// The JSON of `../shared/CLI.md`.
pub fn render_json(checked: &[Checked]) -> JsonOutput<'_> {
    let files = checked
        .iter()
        .map(|c| {
            let at = Place::new(&c.text);
            let diagnostics = c
                .findings
                .iter()
                .map(|f| JsonDiagnostic {
                    fixes: f
                        .fixes
                        .iter()
                        .map(|fx| JsonFix {
                            applicability: match fx.applicability {
                                Applicability::Safe => "safe",
                                Applicability::Unsafe => "unsafe",
                            },
                            edits: fx
                                .edits
                                .iter()
                                .map(|e| JsonEdit {
                                    new_text: &e.new_text,
                                    range: at.range(e.span),
                                })
                                .collect(),
                            title: &fx.title,
                        })
                        .collect(),
                    message: &f.message,
                    range: at.range(f.span),
                    related: f
                        .related
                        .iter()
                        .map(|r| JsonRelated {
                            message: &r.message,
                            range: at.range(r.span),
                        })
                        .collect(),
                    rule: f.rule,
                    severity: f.severity.as_str(),
                })
                .collect();
            JsonFile {
                diagnostics,
                path: &c.path,
            }
        })
        .collect();
    JsonOutput { files, version: 1 }
}

#[derive(Serialize)]
pub struct SarifOutput<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [SarifRun<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    tool: SarifTool,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<SarifRule>,
    version: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct HelpText {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    default_configuration: Level,
    full_description: Text<'static>,
    help: HelpText,
    help_uri: String,
    id: &'static str,
    short_description: Text<'static>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    fixes: Vec<SarifFix<'a>>,
    level: &'static str,
    locations: [SarifLocation<'a>; 1],
    message: Text<'a>,
    related_locations: Vec<SarifRelated<'a>>,
    rule_id: &'a str,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact<'a>,
    region: Region,
}

#[derive(Serialize)]
struct Artifact<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: u32,
    end_line: u32,
    start_column: u32,
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRelated<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: [SarifChange<'a>; 1],
    description: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifChange<'a> {
    artifact_location: Artifact<'a>,
    replacements: Vec<SarifReplacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

/// SARIF 2.1.0, for code-scanning services.
pub fn render_sarif(checked: &[Checked]) -> SarifOutput<'_> {
    let rules = crate::rules::RULES
        .iter()
        .map(|r| SarifRule {
            default_configuration: Level {
                level: sarif_level(r.severity),
            },
            full_description: Text { text: r.summary },
            help: HelpText {
                markdown: r.doc(),
                text: r.doc(),
            },
            help_uri: r.help_uri(),
            id: r.id,
            short_description: Text { text: r.summary },
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        let at = Place::new(&c.text);
        let physical = |span: Span| Physical {
            artifact_location: Artifact { uri: &c.path },
            region: at.region(span),
        };
        for f in &c.findings {
            let rule_index = crate::rules::RULES
                .iter()
                .position(|r| r.id == f.rule)
                .unwrap_or(0);
            results.push(SarifResult {
                fixes: f
                    .fixes
                    .iter()
                    .map(|fx| SarifFix {
                        artifact_changes: [SarifChange {
                            artifact_location: Artifact { uri: &c.path },
                            replacements: fx
                                .edits
                                .iter()
                                .map(|e| SarifReplacement {
                                    deleted_region: at.region(e.span),
                                    inserted_content: Text { text: &e.new_text },
                                })
                                .collect(),
                        }],
                        description: Text { text: &fx.title },
                    })
                    .collect(),
                level: sarif_level(f.severity),
                locations: [SarifLocation {
                    physical_location: physical(f.span),
                }],
                message: Text { text: &f.message },
                related_locations: f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| SarifRelated {
                        id: i,
                        message: Text { text: &r.message },
                        physical_location: physical(r.span),
                    })
                    .collect(),
                rule_id: f.rule,
                rule_index,
            });
        }
    }
    SarifOutput {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [SarifRun {
            column_kind: "utf16CodeUnits",
            results,
            tool: SarifTool {
                driver: SarifDriver {
                    information_uri: "https://github.com/suanpan/suanpan",
                    name: "suanpan",
                    rules,
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    }
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
        let columns = Columns::new(&c.text, PositionEncoding::Utf32);
        let idx = &columns.idx;
        for f in &c.findings {
            counts[f.severity as usize] += 1;
            let pos = columns.position(f.span.start);
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
                let p = columns.position(r.span.start);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns counted from marks equal columns counted from the line's start, at every byte
    /// of lines longer and shorter than a stride, with CRLF, astral characters and a final
    /// line without a terminator.
    #[test]
    fn columns_from_marks_equal_counting_from_the_line_start() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["基本支出", "𠮷", "12.5", " ", "，"][i % 5]);
        }
        text.push_str("\r\n短行\n");
        for i in 0..2500 {
            text.push_str(["a", "𠮷b", "占比", "\u{a0}"][i % 4]);
        }
        let idx = LineIndex::new(&text);
        for enc in [PositionEncoding::Utf16, PositionEncoding::Utf32] {
            let columns = Columns::new(&text, enc);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    columns.position(offset),
                    idx.position(&text, offset, enc),
                    "{enc:?} at {offset}"
                );
            }
        }
    }
}
