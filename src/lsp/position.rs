//! LSP positions ⇄ offsets in a `ropey::Rope`, in the negotiated encoding (UTF-8, UTF-16 or
//! UTF-32 code units per line).
//!
//! The rules, after the specification and helix's `lsp_pos_to_pos`: lines end at `\n`, `\r\n` or
//! `\r` (ropey is built with `cr_lines` only); a `character` past the end of its line means the
//! end of the line, before the terminator; a `character` inside a character (half a surrogate
//! pair, a byte inside a UTF-8 sequence) lands before it. A `line` past the end of the text is an
//! error the caller must handle — never a panic: client positions are untrusted input. The one
//! exception is `(line_count, 0)`, which some clients use for "the end of the document".

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

use crate::text::encoding::PositionEncoding;
use crate::text::Span;

/// A position that does not exist in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    pub line: u32,
    pub lines: usize,
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is past the end of the document ({} lines)",
            self.line, self.lines
        )
    }
}

/// Char index of the end of `line`'s content (before its terminator).
fn content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut n = slice.len_chars();
    if n > 0 && slice.char(n - 1) == '\n' {
        n -= 1;
        if n > 0 && slice.char(n - 1) == '\r' {
            n -= 1;
        }
    } else if n > 0 && slice.char(n - 1) == '\r' {
        n -= 1;
    }
    start + n
}

/// Char index of a client position.
pub fn char_of(rope: &Rope, pos: Position, enc: PositionEncoding) -> Result<usize, OutOfRange> {
    let line = pos.line as usize;
    let lines = rope.len_lines();
    if line >= lines {
        if line == lines && pos.character == 0 {
            return Ok(rope.len_chars());
        }
        return Err(OutOfRange {
            line: pos.line,
            lines,
        });
    }
    let start = rope.line_to_char(line);
    let end = content_end(rope, line);
    let col = pos.character as usize;
    Ok(match enc {
        PositionEncoding::Utf8 => {
            let base = rope.char_to_byte(start);
            let limit = rope.char_to_byte(end);
            // byte_to_char floors a byte inside a character to that character.
            rope.byte_to_char(base.saturating_add(col).min(limit))
        }
        PositionEncoding::Utf16 => {
            let base = rope.char_to_utf16_cu(start);
            let limit = rope.char_to_utf16_cu(end);
            rope.utf16_cu_to_char(base.saturating_add(col).min(limit))
        }
        PositionEncoding::Utf32 => start.saturating_add(col).min(end),
    })
}

/// Byte offset of a client position.
pub fn byte_of(rope: &Rope, pos: Position, enc: PositionEncoding) -> Result<usize, OutOfRange> {
    char_of(rope, pos, enc).map(|c| rope.char_to_byte(c))
}

/// Client position of a byte offset (clamped to the text, floored to a character boundary).
pub fn position_of(rope: &Rope, byte: usize, enc: PositionEncoding) -> Position {
    let ch = rope.byte_to_char(byte.min(rope.len_bytes()));
    let line = rope.char_to_line(ch);
    let start = rope.line_to_char(line);
    let col = match enc {
        PositionEncoding::Utf8 => rope.char_to_byte(ch) - rope.char_to_byte(start),
        PositionEncoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(start),
        PositionEncoding::Utf32 => ch - start,
    };
    Position::new(line as u32, col as u32)
}

pub fn range_of(rope: &Rope, span: Span, enc: PositionEncoding) -> Range {
    Range::new(
        position_of(rope, span.start, enc),
        position_of(rope, span.end, enc),
    )
}

/// Byte span of a client range; a reversed range is taken in order.
pub fn span_of(rope: &Rope, range: Range, enc: PositionEncoding) -> Result<Span, OutOfRange> {
    let a = byte_of(rope, range.start, enc)?;
    let b = byte_of(rope, range.end, enc)?;
    Ok(Span::new(a.min(b), a.max(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::*;

    fn p(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn outside_the_bmp_and_crlf() {
        let text = "a𠮷b\r\nc。\rd\n";
        let rope = Rope::from_str(text);
        let b = text.find('b').unwrap();
        assert_eq!(byte_of(&rope, p(0, 3), Utf16), Ok(b));
        assert_eq!(byte_of(&rope, p(0, 5), Utf8), Ok(b));
        assert_eq!(byte_of(&rope, p(0, 2), Utf32), Ok(b));
        // inside the surrogate pair / the UTF-8 sequence: before the character
        assert_eq!(byte_of(&rope, p(0, 2), Utf16), Ok(1));
        assert_eq!(byte_of(&rope, p(0, 3), Utf8), Ok(1));
        // past the end of the line: before \r\n
        assert_eq!(byte_of(&rope, p(0, 99), Utf16), Ok(b + 1));
        // a lone \r ends a line too
        let d = text.find('d').unwrap();
        assert_eq!(byte_of(&rope, p(2, 0), Utf16), Ok(d));
        assert_eq!(position_of(&rope, d, Utf16), p(2, 0));
        let c = text.find('。').unwrap();
        assert_eq!(position_of(&rope, c + 3, Utf16), p(1, 2));
        assert_eq!(position_of(&rope, c + 3, Utf8), p(1, 4));
        assert_eq!(position_of(&rope, b, Utf16), p(0, 3));
        // the end of the document, and past it
        assert_eq!(byte_of(&rope, p(3, 0), Utf16), Ok(text.len()));
        assert_eq!(byte_of(&rope, p(4, 0), Utf16), Ok(text.len()));
        assert!(byte_of(&rope, p(4, 1), Utf16).is_err());
        assert!(byte_of(&rope, p(u32::MAX, u32::MAX), Utf8).is_err());
        assert_eq!(byte_of(&rope, p(0, u32::MAX), Utf8), Ok(b + 1));
        assert_eq!(position_of(&rope, usize::MAX, Utf16), p(3, 0));
    }

    #[test]
    fn round_trip_every_char_boundary() {
        let text = "第一部分\r\n收入𠮷合计1，000元。\n\n|a|b|\r";
        let rope = Rope::from_str(text);
        for enc in [Utf8, Utf16, Utf32] {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let pos = position_of(&rope, i, enc);
                let back = byte_of(&rope, pos, enc).unwrap();
                // the position of a \n after \r is the same as that of the \r
                if !(text[..i].ends_with('\r') && text[i..].starts_with('\n')) {
                    assert_eq!(back, i, "{enc:?} {i} {pos:?}");
                }
            }
        }
    }
}
