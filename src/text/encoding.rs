//! The only code that knows how editors count columns: UTF-8 bytes, UTF-16 code units or
//! code points.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
    Utf32,
}

/// Width of `s` in code units of `enc`.
pub fn units(s: &str, enc: PositionEncoding) -> usize {
    match enc {
        PositionEncoding::Utf8 => s.len(),
        PositionEncoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        PositionEncoding::Utf32 => s.chars().count(),
    }
}

/// Byte offset in `line` after `n` code units; clamps to the line's end and never lands
/// inside a character.
pub fn byte_of_units(line: &str, n: usize, enc: PositionEncoding) -> usize {
    let mut seen = 0;
    for (i, ch) in line.char_indices() {
        let w = match enc {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if seen + w > n {
            return i;
        }
        seen += w;
    }
    line.len()
}
