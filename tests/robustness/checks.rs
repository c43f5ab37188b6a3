//! Invariant checks shared by the robustness tests (`tests/robustness_*.rs`) and the fuzz
//! targets (`fuzz/fuzz_targets/*.rs`, which include this file by path): one definition of
//! "correct" for the property tests, the fuzzers and the replay of the fuzz corpus.
//!
//! Each check panics with a message naming the broken invariant; it never prints.
#![allow(dead_code)]

use ropey::Rope;
use suanpan::lsp::document::Document;
use suanpan::lsp::framing::{accepted, encode, Frame, Framer};
use suanpan::text::encoding::PositionEncoding;
use suanpan::text::Span;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

// ---------------------------------------------------------------- the analyser

fn span_ok(text: &str, s: Span, what: &str) {
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "{what}: span {s:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what}: span {s:?} not on char boundaries"
    );
}

/// The analyser on any text: no panic, every span inside the text on char boundaries, the same
/// answer twice, and the IDE features on every figure. With `deep`, the safe fixes are applied
/// and the result analysed again.
pub fn check_analyze(text: &str, deep: bool) {
    let a = suanpan::analyze(text);
    for f in &a.findings {
        span_ok(text, f.span, f.rule);
        for r in &f.related {
            span_ok(text, r.span, "related");
        }
        for fx in &f.fixes {
            for e in &fx.edits {
                span_ok(text, e.span, "fix edit");
            }
        }
    }
    for am in &a.amounts {
        span_ok(text, am.span, "amount");
    }
    let again = suanpan::analyze(text);
    assert_eq!(
        comparable(&a.findings),
        comparable(&again.findings),
        "the analysis is not deterministic"
    );
    if !deep {
        return;
    }
    for am in a.amounts.iter().take(64) {
        let _ = suanpan::ide::hover(&a, text, am.span.start);
        let _ = suanpan::ide::same_quantity(&a, am.span.start);
    }
    let _ = suanpan::ide::inlay_hints(&a, text, Span::new(0, text.len()));
    let _ = suanpan::ide::outline(&a);
    let all = suanpan::ide::fix_all(a.findings.iter(), None);
    let fixed = suanpan::ide::apply_edits(text, &all.edits);
    let _ = suanpan::analyze(&fixed);
}

/// Findings as compared between two analyses: all of them (the engine is deterministic since
/// number-format's tie between decimal counts is broken by value, not by map order).
pub fn comparable(findings: &[suanpan::Finding]) -> Vec<&suanpan::Finding> {
    findings.iter().collect()
}

/// Bytes as the analyser's input: valid UTF-8 as is, anything else lossily.
pub fn text_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

// ---------------------------------------------------------------- the message decoder

fn frames(input: &[u8], chunk: usize) -> Vec<Frame> {
    let mut f = Framer::default();
    let mut out = Vec::new();
    for c in input.chunks(chunk.max(1)) {
        f.push(c);
        while let Some(x) = f.next_frame() {
            out.push(x);
        }
        assert!(out.len() <= input.len() + 1, "more frames than bytes");
    }
    out
}

/// The framer on any byte stream, in one piece and in `chunk`-byte reads: no panic; every
/// message passed on is one tower-lsp-server's decoder accepts; every frame re-encodes to a
/// frame that reads back as a message; and, when neither reading found anything to reject,
/// both readings give the same messages.
pub fn check_framing(input: &[u8], chunk: usize) {
    let whole = frames(input, input.len().max(1));
    let pieces = frames(input, chunk);
    for f in whole.iter().chain(&pieces) {
        if let Frame::Message(body) = f {
            assert!(
                accepted(body),
                "a message the server cannot decode was passed on"
            );
        }
        let wire = encode(f);
        let back = frames(&wire, wire.len());
        assert!(
            matches!(back.as_slice(), [Frame::Message(_)]),
            "the re-encoded frame does not read back as one message: {back:?}"
        );
    }
    let invalid = |v: &[Frame]| v.iter().any(|f| matches!(f, Frame::Invalid(_)));
    if !invalid(&whole) && !invalid(&pieces) {
        assert_eq!(
            whole, pieces,
            "the frames depend on how the input was split"
        );
    }
}

// ---------------------------------------------------------------- edits

/// One `didChange` content change, as a client sends it: a range (or none: the full text) and
/// the new text.
#[derive(Debug, Clone)]
pub struct Change {
    pub range: Option<((u32, u32), (u32, u32))>,
    pub text: String,
}

impl Change {
    pub fn to_lsp(&self) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: self.range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: self.text.clone(),
        }
    }
}

/// Byte offsets where lines start: lines end at `\n`, `\r\n` or `\r`, as LSP says.
pub fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            starts.push(i + 2);
            i += 2;
        } else if b[i] == b'\n' || b[i] == b'\r' {
            starts.push(i + 1);
            i += 1;
        } else {
            i += 1;
        }
    }
    starts
}

/// The editor's model: the byte offset of an LSP position in a `String`, written independently
/// of the server (no rope). A column past the end of the line clamps before the terminator; a
/// column inside a character lands before it; a line past the end is `None`, except
/// `(line_count, 0)`, the end of the text.
pub fn model_offset(text: &str, (line, col): (u32, u32), enc: PositionEncoding) -> Option<usize> {
    let starts = line_starts(text);
    let line = line as usize;
    if line >= starts.len() {
        return (line == starts.len() && col == 0).then_some(text.len());
    }
    let start = starts[line];
    let end = match starts.get(line + 1) {
        None => text.len(),
        Some(&n) if text[..n].ends_with("\r\n") => n - 2,
        Some(&n) => n - 1,
    };
    let mut units = 0usize;
    for (i, ch) in text[start..end].char_indices() {
        let w = match enc {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if units + w > col as usize {
            return Some(start + i);
        }
        units += w;
    }
    Some(end)
}

/// The model's LSP position of a byte offset (on a char boundary).
pub fn model_position(text: &str, byte: usize, enc: PositionEncoding) -> (u32, u32) {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= byte) - 1;
    let seg = &text[starts[line]..byte];
    let col: usize = match enc {
        PositionEncoding::Utf8 => seg.len(),
        PositionEncoding::Utf16 => seg.chars().map(char::len_utf16).sum(),
        PositionEncoding::Utf32 => seg.chars().count(),
    };
    (line as u32, col as u32)
}

/// Apply one `didChange` (its changes in order) to the model; `None` when a range does not
/// exist in the model's text, in which case the whole change must be refused.
pub fn model_apply(text: &str, changes: &[Change], enc: PositionEncoding) -> Option<String> {
    let mut t = text.to_string();
    for c in changes {
        match c.range {
            None => t = c.text.clone(),
            Some((a, b)) => {
                let a = model_offset(&t, a, enc)?;
                let b = model_offset(&t, b, enc)?;
                t.replace_range(a.min(b)..a.max(b), &c.text);
            }
        }
    }
    Some(t)
}

/// The server's document and the editor's `String`, side by side.
pub struct Pair {
    pub doc: Document,
    pub model: String,
    pub version: i32,
    pub enc: PositionEncoding,
}

impl Pair {
    pub fn new(text: &str, enc: PositionEncoding) -> Pair {
        Pair {
            doc: Document::new(text, 0, "plaintext".into()),
            model: text.to_string(),
            version: 0,
            enc,
        }
    }

    /// Send one `didChange` through `Document::apply` (the server's code path) and to the
    /// model; check that the document equals the model after it. A change the model cannot
    /// apply must be refused whole, and the document must accept the full text afterwards (as
    /// an editor resends it), again at a new version.
    pub fn step(&mut self, changes: &[Change]) {
        self.version += 1;
        let lsp: Vec<_> = changes.iter().map(Change::to_lsp).collect();
        let got = self.doc.apply(self.version, &lsp, self.enc);
        match model_apply(&self.model, changes, self.enc) {
            Some(t) => {
                assert!(
                    got.is_ok(),
                    "an edit the editor applies was refused: {got:?}"
                );
                self.model = t;
            }
            None => {
                assert!(got.is_err(), "an edit outside the text was accepted");
                assert!(
                    !self.doc.in_sync,
                    "a refused edit left the document in sync"
                );
                // Still out of sync: a ranged edit is refused…
                self.version += 1;
                let probe = [Change {
                    range: Some(((0, 0), (0, 0))),
                    text: String::new(),
                }
                .to_lsp()];
                assert!(self.doc.apply(self.version, &probe, self.enc).is_err());
                // …until the full text comes.
                self.version += 1;
                let full = [Change {
                    range: None,
                    text: self.model.clone(),
                }
                .to_lsp()];
                let r = self.doc.apply(self.version, &full, self.enc);
                assert!(r.is_ok(), "the full text was refused: {r:?}");
                assert!(self.doc.in_sync);
            }
        }
        assert_eq!(self.doc.version, self.version, "version not recorded");
        self.check_text();
    }

    /// A `didChange` with a version that does not move forward: refused, nothing changed.
    pub fn stale(&mut self, changes: &[Change], back: i32) {
        let before = self.doc.rope.to_string();
        let lsp: Vec<_> = changes.iter().map(Change::to_lsp).collect();
        let got = self.doc.apply(self.version - back.max(0), &lsp, self.enc);
        assert!(got.is_err(), "a stale edit was applied");
        assert_eq!(
            self.doc.rope.to_string(),
            before,
            "a refused edit changed the text"
        );
        self.version += 1;
        let full = [Change {
            range: None,
            text: self.model.clone(),
        }
        .to_lsp()];
        assert!(self.doc.apply(self.version, &full, self.enc).is_ok());
        self.check_text();
    }

    pub fn check_text(&self) {
        let rope: &Rope = &self.doc.rope;
        assert_eq!(rope.len_bytes(), self.model.len(), "length differs");
        assert!(
            *rope == self.model,
            "the document drifted from the editor's text"
        );
    }

    /// The findings the server would publish for this version (an analysis of its text, with
    /// ranges converted through the rope) equal a fresh analysis of the editor's text with
    /// ranges computed on the `String`.
    pub fn check_findings(&self) {
        let server_text = self.doc.rope.to_string();
        let served = suanpan::analyze(&server_text);
        let fresh = suanpan::analyze(&self.model);
        assert_eq!(
            comparable(&served.findings),
            comparable(&fresh.findings),
            "findings differ"
        );
        for f in comparable(&served.findings) {
            let r = suanpan::lsp::position::range_of(&self.doc.rope, f.span, self.enc);
            let want = (
                model_position(&self.model, f.span.start, self.enc),
                model_position(&self.model, f.span.end, self.enc),
            );
            assert_eq!(
                (
                    (r.start.line, r.start.character),
                    (r.end.line, r.end.character)
                ),
                want,
                "{}: range of {:?} differs between the rope and the string",
                f.rule,
                f.span
            );
        }
    }
}
