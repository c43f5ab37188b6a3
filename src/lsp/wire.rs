//! Outgoing JSON-RPC messages as bytes: what the service answers with, and the two messages
//! that carry a document's diagnostics, written from each report's JSON (issue 5: a changed set
//! of a bundle of a thousand reports is 2.6 MB; built as a `serde_json::Value` it cost ~60 ms).

use std::sync::Arc;

use serde::Serialize;
use tower_lsp_server::jsonrpc::{Id, Response};
use tower_lsp_server::ls_types::Uri;

/// What the service answers a request with.
pub enum Outgoing {
    Response(Response),
    /// A whole JSON-RPC message, serialized already.
    Raw(Vec<u8>),
}

/// A document's diagnostics as JSON, in pieces (one per report): each piece is JSON objects
/// separated by commas, possibly none.
#[derive(Default)]
pub struct Items(pub Vec<Arc<Vec<u8>>>);

/// One piece of `Items`: `values` as JSON objects separated by commas.
pub fn piece<T: Serialize>(values: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Diagnostics are strings, numbers and enums: serializing them cannot fail.
        let _ = serde_json::to_writer(&mut out, &v);
    }
    out
}

impl Items {
    /// The JSON array of the diagnostics.
    fn write_array(&self, out: &mut Vec<u8>) {
        out.reserve(self.0.iter().map(|p| p.len() + 1).sum::<usize>() + 2);
        out.push(b'[');
        let mut first = true;
        for part in self.0.iter().filter(|p| !p.is_empty()) {
            if !first {
                out.push(b',');
            }
            out.extend_from_slice(part);
            first = false;
        }
        out.push(b']');
    }
}

/// `{"jsonrpc":"2.0",<head>"<field>":<items>}}`: `head` is the JSON of the fields before the
/// items, each followed by a comma, the last one opening the object that holds them.
fn with_items(head: &[u8], field: &str, items: &Items) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + 64);
    out.extend_from_slice(b"{\"jsonrpc\":\"2.0\",");
    out.extend_from_slice(head);
    out.extend_from_slice(format!("\"{field}\":").as_bytes());
    items.write_array(&mut out);
    out.extend_from_slice(b"}}");
    out
}

/// `textDocument/publishDiagnostics`.
pub fn publish_diagnostics(uri: &Uri, version: Option<i32>, items: &Items) -> Vec<u8> {
    let mut head = b"\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":".to_vec();
    let _ = serde_json::to_writer(&mut head, uri);
    if let Some(v) = version {
        head.extend_from_slice(format!(",\"version\":{v}").as_bytes());
    }
    head.push(b',');
    with_items(&head, "diagnostics", items)
}

/// The answer to `textDocument/diagnostic` with a full report.
pub fn full_report(id: &Id, result_id: Option<u64>, items: &Items) -> Vec<u8> {
    let mut head = b"\"id\":".to_vec();
    let _ = serde_json::to_writer(&mut head, id);
    head.extend_from_slice(b",\"result\":{\"kind\":\"full\",");
    if let Some(r) = result_id {
        head.extend_from_slice(format!("\"resultId\":\"{r}\",").as_bytes());
    }
    with_items(&head, "items", items)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use serde_json::{json, Value};

    use super::*;

    fn parse(body: &[u8]) -> Value {
        serde_json::from_slice(body).unwrap()
    }

    #[test]
    fn items_join_the_pieces_and_skip_empty_ones() {
        let items = Items(vec![
            Arc::new(piece(Vec::<Value>::new())),
            Arc::new(piece([json!({"a": 1})])),
            Arc::new(Vec::new()),
            Arc::new(piece([json!({"b": 2}), json!({"c": "算\"\n"})])),
            Arc::new(Vec::new()),
        ]);
        let body = full_report(&Id::String("x\"y".into()), Some(7), &items);
        assert_eq!(
            parse(&body),
            json!({"jsonrpc": "2.0", "id": "x\"y",
                   "result": {"kind": "full", "resultId": "7",
                              "items": [{"a": 1}, {"b": 2}, {"c": "算\"\n"}]}})
        );
        let body = full_report(&Id::Null, None, &Items::default());
        assert_eq!(
            parse(&body),
            json!({"jsonrpc": "2.0", "id": null, "result": {"kind": "full", "items": []}})
        );
    }

    #[test]
    fn a_publication_carries_its_uri_and_version() {
        let uri = Uri::from_str("file:///tmp/%E7%AE%97%20a.txt").unwrap();
        let items = Items(vec![Arc::new(piece([json!({"m": 1})]))]);
        assert_eq!(
            parse(&publish_diagnostics(&uri, Some(3), &items)),
            json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                   "params": {"uri": "file:///tmp/%E7%AE%97%20a.txt", "version": 3,
                              "diagnostics": [{"m": 1}]}})
        );
        assert_eq!(
            parse(&publish_diagnostics(&uri, None, &Items::default()))["params"],
            json!({"uri": "file:///tmp/%E7%AE%97%20a.txt", "diagnostics": []})
        );
    }
}
