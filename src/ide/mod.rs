//! IDE features on top of an `Analysis`: hover, outline, inlay hints, code actions, references.
//! Plain structs and byte spans; the LSP layer converts them.
//!
//! Architecture invariant: nothing here knows about LSP, JSON, lines or UTF-16. Every function
//! takes the analysed text and its `Analysis` and answers in UTF-8 byte spans of that text, so
//! the same code serves the language server, tests and any future front end.

pub mod fixes;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod navigate;
pub mod outline;

pub use fixes::{apply_edits, fix_all, FixAll};
pub use hover::{hover, HoverResult};
pub use inlay::{inlay_hints, InlayHint};
pub use navigate::{same_quantity, SameQuantity};
pub use outline::{outline, Symbol, SymbolKind};
