//! Byte offset ⇄ (line, column) for reports, where lines end in `\n` or `\r\n`.

use super::encoding::{self, PositionEncoding};

/// A 0-based line and a column counted in the code units of some encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of a text; built once, queried by binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // Lines end at \n, \r\n or a lone \r, as in LSP.
        let bytes = text.as_bytes();
        let starts = if memchr::memchr(b'\r', bytes).is_none() {
            // Most texts have no \r: a line starts after each \n, counted first so that the
            // vector is allocated once (a filtered iterator grows it, copying).
            let mut starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
            starts
        } else {
            let mut starts = vec![0];
            starts.extend(memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(|i| {
                let ends = bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n');
                ends.then_some(i + 1)
            }));
            starts
        };
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset (offsets past the end land on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// The byte range of a line without its terminator.
    pub fn line_span<'t>(&self, text: &'t str, line: usize) -> (usize, &'t str) {
        let start = self.line_start(line);
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let s = &text[start..end];
        let s = s.strip_suffix('\n').unwrap_or(s);
        (start, s.strip_suffix('\r').unwrap_or(s))
    }

    /// Position of a byte offset, the column counted in `enc` units.
    pub fn position(&self, text: &str, offset: usize, enc: PositionEncoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        LineCol {
            line: line as u32,
            col: encoding::units(&text[start..offset], enc) as u32,
        }
    }

    /// Byte offset of a position; a column past the end of its line clamps to the line's end
    /// (before `\r\n`), a line past the end of the text clamps to the end of the text, and a
    /// column inside a character lands before that character.
    pub fn offset(&self, text: &str, pos: LineCol, enc: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, content) = self.line_span(text, line);
        start + encoding::byte_of_units(content, pos.col as usize, enc)
    }
}

pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line starts found from \n alone (no \r in the text) are those of the general search.
    #[test]
    fn line_starts_match_the_general_search() {
        let general = |text: &str| {
            let bytes = text.as_bytes();
            let mut starts = vec![0];
            starts.extend(memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(|i| {
                let ends = bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n');
                ends.then_some(i + 1)
            }));
            starts
        };
        let pieces = [
            "\n", "\r", "\r\n", "a", "中", "\u{3000}", "\u{a0}", "１", "",
        ];
        let mut rng = crate::testing::Lcg::new(7);
        for round in 0..5_000 {
            let text = rng.join(&pieces, round % 20);
            assert_eq!(LineIndex::new(&text).starts, general(&text), "{text:?}");
        }
        assert_eq!(LineIndex::new("").starts, vec![0]);
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a𠮷b\r\nc。";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(
            idx.position(text, b, PositionEncoding::Utf16),
            LineCol { line: 0, col: 3 }
        );
        assert_eq!(
            idx.position(text, b, PositionEncoding::Utf8),
            LineCol { line: 0, col: 5 }
        );
        let c = text.find('c').unwrap();
        assert_eq!(
            idx.position(text, c, PositionEncoding::Utf16),
            LineCol { line: 1, col: 0 }
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 3 }, PositionEncoding::Utf16),
            b
        );
        // past the end of the line: before the \r\n
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, PositionEncoding::Utf16),
            b + 1
        );
        // inside the surrogate pair: before the character
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 2 }, PositionEncoding::Utf16),
            1
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, PositionEncoding::Utf16),
            text.len()
        );
        assert_eq!(
            idx.position(text, text.len(), PositionEncoding::Utf16),
            LineCol { line: 1, col: 2 }
        );
    }
}
