//! One open document: its text as a `ropey::Rope`, the version the client last gave it, and the
//! latest analysis. Edits are applied here, all or nothing.
//!
//! Architecture invariant: the text here is always a text the client had. An edit that cannot
//! be applied exactly (a version that does not move forward, a range past the end) is refused
//! as a whole, and the document is marked out of sync: it stops producing findings (which would
//! land in the wrong places) until the client sends the full text again (a reopen, or a change
//! without a range).

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::position::{char_of, OutOfRange};
use crate::finding::Finding;
use crate::incremental::{Incremental, Report};
use crate::text::encoding::PositionEncoding;
use crate::text::Span;

/// The analysis of one version of a document, with the text it was made from.
#[derive(Debug)]
pub struct Snapshot {
    pub version: i32,
    /// The text analysed (a cheap clone of the document's rope at that version), for converting
    /// the analysis' byte spans to positions.
    pub rope: Rope,
    /// The document's reports, each analysed; the IDE features ask the report under the cursor.
    pub reports: Incremental,
}

impl Snapshot {
    /// Every finding, in document offsets.
    pub fn findings(&self) -> Vec<Finding> {
        self.reports.findings()
    }

    /// The report holding byte `offset`, with its start.
    pub fn report_at(&self, offset: usize) -> (usize, &Report) {
        self.reports.report_at(offset)
    }
}

#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub language_id: String,
    /// False after an edit was refused: our text may differ from the client's.
    pub in_sync: bool,
    /// The analysis of `version`, or of an older one while a new one is being made.
    pub snapshot: Option<Arc<Snapshot>>,
    /// The text as reports, with the analyses of those no edit has touched since.
    pub reports: Incremental,
    /// Held while an analysis of this document is made: requests that arrive meanwhile (a
    /// pull, inlay hints, a push of the same version) wait for it and use its result instead
    /// of making the same analysis again on the other core.
    pub analysing: Arc<tokio::sync::Mutex<()>>,
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The version did not increase: the edit was made to a text we no longer have.
    Stale { have: i32, got: i32 },
    /// A range outside the document: our text and the client's have drifted apart.
    OutOfRange { change: usize, error: OutOfRange },
    /// Already out of sync, and this change does not carry the full text.
    OutOfSync,
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::Stale { have, got } => write!(
                f,
                "edit for version {got} arrived after version {have}; the edit was not applied"
            ),
            SyncError::OutOfRange { change, error } => {
                write!(
                    f,
                    "change #{change} of the edit: {error}; the edit was not applied"
                )
            }
            SyncError::OutOfSync => write!(
                f,
                "the document is out of sync; waiting for its full text (reopen it)"
            ),
        }
    }
}

impl Document {
    pub fn new(text: &str, version: i32, language_id: String) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
            language_id,
            in_sync: true,
            snapshot: None,
            reports: Incremental::new(text, crate::Options::default()),
            analysing: Arc::default(),
        }
    }

    /// Apply one `didChange`: every change in order, each relative to the text left by the
    /// previous one, or none of them.
    pub fn apply(
        &mut self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: PositionEncoding,
    ) -> Result<(), SyncError> {
        if version <= self.version {
            self.in_sync = false;
            return Err(SyncError::Stale {
                have: self.version,
                got: version,
            });
        }
        // Work on a copy (O(1): ropes share their nodes) so a bad change leaves nothing behind.
        let mut rope = self.rope.clone();
        let mut reports = self.reports.clone();
        let mut in_sync = self.in_sync;
        for (i, change) in changes.iter().enumerate() {
            match change.range {
                None => {
                    rope = Rope::from_str(&change.text);
                    reports = Incremental::new(&change.text, reports.options());
                    in_sync = true;
                }
                Some(_) if !in_sync => return Err(SyncError::OutOfSync),
                Some(range) => {
                    let conv = |p| {
                        char_of(&rope, p, enc)
                            .map_err(|error| SyncError::OutOfRange { change: i, error })
                    };
                    let (a, b) = match (conv(range.start), conv(range.end)) {
                        (Ok(a), Ok(b)) => (a, b),
                        (Err(e), _) | (_, Err(e)) => {
                            self.in_sync = false;
                            return Err(e);
                        }
                    };
                    let (a, b) = (a.min(b), a.max(b));
                    reports.edit(
                        Span::new(rope.char_to_byte(a), rope.char_to_byte(b)),
                        &change.text,
                    );
                    rope.remove(a..b);
                    rope.insert(a, &change.text);
                }
            }
        }
        if !in_sync {
            return Err(SyncError::OutOfSync);
        }
        self.rope = rope;
        self.reports = reports;
        self.version = version;
        self.in_sync = true;
        Ok(())
    }

    /// The cached analysis, if it is of the current version.
    pub fn current_snapshot(&self) -> Option<Arc<Snapshot>> {
        self.snapshot
            .as_ref()
            .filter(|s| s.version == self.version)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn edit(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn edits_apply_in_order_and_bad_ones_change_nothing() {
        let mut d = Document::new("𠮷a\r\nb", 1, "plaintext".into());
        let enc = PositionEncoding::Utf16;
        d.apply(2, &[edit(0, 2, 0, 3, "X"), edit(1, 0, 1, 1, "yz")], enc)
            .unwrap();
        assert_eq!(d.rope.to_string(), "𠮷X\r\nyz");
        // stale version
        assert!(matches!(
            d.apply(2, &[edit(0, 0, 0, 0, "!")], enc),
            Err(SyncError::Stale { .. })
        ));
        assert_eq!(d.rope.to_string(), "𠮷X\r\nyz");
        assert!(!d.in_sync);
        // out of sync until the full text comes
        assert_eq!(
            d.apply(3, &[edit(0, 0, 0, 0, "!")], enc),
            Err(SyncError::OutOfSync)
        );
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".into(),
        };
        d.apply(4, &[full, edit(0, 3, 0, 3, "!")], enc).unwrap();
        assert_eq!(d.rope.to_string(), "new!");
        assert!(d.in_sync);
        // past the end: the first change is not applied either
        let r = d.apply(5, &[edit(0, 0, 0, 0, "A"), edit(7, 0, 7, 1, "B")], enc);
        assert!(matches!(r, Err(SyncError::OutOfRange { change: 1, .. })));
        assert_eq!(d.rope.to_string(), "new!");
        assert_eq!(d.version, 4);
    }

    /// Reference: the byte offset of (line, UTF-16 column) in a `String`, lines ending at `\n`,
    /// `\r\n` or `\r`, a column past the end clamped before the terminator.
    fn reference_offset(text: &str, line: u32, col: u32) -> Option<usize> {
        let mut starts = vec![0];
        let b = text.as_bytes();
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
        let line = line as usize;
        if line >= starts.len() {
            return (line == starts.len() && col == 0).then_some(text.len());
        }
        let start = starts[line];
        let end = starts.get(line + 1).map_or(text.len(), |&n| {
            let t = &text[..n];
            n - if t.ends_with("\r\n") { 2 } else { 1 }
        });
        let mut units = 0;
        for (i, ch) in text[start..end].char_indices() {
            if units + ch.len_utf16() > col as usize {
                return Some(start + i);
            }
            units += ch.len_utf16();
        }
        Some(end)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Random edits applied to the document and to a `String` side by side stay equal.
        #[test]
        fn random_edits_match_a_string(
            edits in proptest::collection::vec(
                (0u32..8, 0u32..12, 0u32..8, 0u32..12, "[a𠮷。\r\n1，]{0,4}"),
                1..40,
            )
        ) {
            let mut text = "第一𠮷\r\n二、1，000元\n\r末".to_string();
            let mut d = Document::new(&text, 0, "plaintext".into());
            for (i, (l1, c1, l2, c2, new)) in edits.into_iter().enumerate() {
                let want = match (reference_offset(&text, l1, c1), reference_offset(&text, l2, c2)) {
                    (Some(a), Some(b)) => Some((a.min(b), a.max(b))),
                    _ => None,
                };
                let got = d.apply(i as i32 + 1, &[edit(l1, c1, l2, c2, &new)], PositionEncoding::Utf16);
                match want {
                    Some((a, b)) => {
                        proptest::prop_assert!(got.is_ok(), "{got:?}");
                        text.replace_range(a..b, &new);
                    }
                    None => {
                        proptest::prop_assert!(got.is_err());
                        // Out of sync: the client resends the full text (same version,
                        // since the refused edit did not count).
                        let full = TextDocumentContentChangeEvent {
                            range: None,
                            range_length: None,
                            text: text.clone(),
                        };
                        proptest::prop_assert!(d
                            .apply(i as i32 + 1, &[full], PositionEncoding::Utf16)
                            .is_ok());
                    }
                }
                proptest::prop_assert_eq!(d.rope.to_string(), text.clone());
            }
        }
    }
}
