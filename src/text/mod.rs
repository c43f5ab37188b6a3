//! Text primitives: byte spans, the line index, and substring search in short texts.
//!
//! Architecture invariant: every span in the engine is a UTF-8 byte range on char boundaries of
//! the analysed text. Only `encoding` knows about UTF-16.

pub mod encoding;
mod line_index;
pub(crate) mod search;

pub(crate) use line_index::floor_char_boundary;
pub use line_index::{LineCol, LineIndex};

/// A half-open UTF-8 byte range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// True when `offset` is inside or just after the span (a cursor at the end of a number).
    pub fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn intersects(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn shift(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }

    /// Moved by `by` bytes, either way (a span taken out of its text and put back elsewhere).
    pub fn moved(self, by: isize) -> Span {
        Span::new(
            self.start.wrapping_add_signed(by),
            self.end.wrapping_add_signed(by),
        )
    }
}
