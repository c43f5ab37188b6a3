//! Reading figures out of text: numbers with their units (`number`), and the words around them
//! that say what a figure is (`words`: direction words, column words, label clean-up).

pub mod number;
pub mod words;

pub use number::{scan, Dimension, Number, Unit};
