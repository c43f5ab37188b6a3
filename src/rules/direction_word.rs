//! (documentation to come)

use crate::engine::Doc;
use crate::finding::Finding;

pub fn check(_doc: &Doc, _out: &mut Vec<Finding>) {}
