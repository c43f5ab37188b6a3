//! Fuzz target: sequences of `didChange`s applied to a document through the server's own code
//! (`Document::apply`) and to a `String` as an editor would; the texts must stay equal after
//! every step, refused edits must change nothing, and the findings (with their LSP ranges) must
//! equal those of a fresh analysis of the editor's text.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use suanpan::text::encoding::PositionEncoding;

#[path = "../../tests/robustness/checks.rs"]
mod checks;

/// Pieces of text that matter: outside the BMP, CRLF and lone CR, full-width punctuation,
/// figures, a table row, a 其中 list.
const PIECES: &[&str] = &[
    "𠮷",
    "\r\n",
    "\r",
    "\n",
    "，",
    "。",
    "1,234.56",
    "万元",
    "其中：",
    "|a|b|\n|---|---|\n",
    "收入合计1,000元，其中：财政拨款600元，其他收入400元。",
    "\u{feff}",
    "é",
    "",
];

#[derive(Debug, Arbitrary)]
struct Op {
    start: (u8, u8),
    end: (u8, u8),
    piece: u8,
    extra: String,
    full: bool,
    stale: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    enc: u8,
    start: String,
    ops: Vec<Op>,
}

libfuzzer_sys::fuzz_target!(|input: Input| {
    let enc = match input.enc % 3 {
        0 => PositionEncoding::Utf16,
        1 => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf32,
    };
    let mut pair = checks::Pair::new(&input.start, enc);
    for op in input.ops.iter().take(64) {
        let mut text = PIECES[op.piece as usize % PIECES.len()].to_string();
        text.push_str(&op.extra);
        let change = checks::Change {
            range: (!op.full).then_some((
                (op.start.0 as u32 % 12, op.start.1 as u32 % 40),
                (op.end.0 as u32 % 12, op.end.1 as u32 % 40),
            )),
            text,
        };
        if op.stale {
            pair.stale(&[change], (op.piece % 3) as i32);
        } else {
            pair.step(&[change]);
        }
    }
    pair.check_findings();
});
