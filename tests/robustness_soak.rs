//! Soak test (issue 6, part 5): 50 documents open at once in the real server, 20,000 edits
//! spread over them (typing and deleting figures, so the texts keep their size), a request
//! every 50 edits that must be answered, and the server's resident memory (VmRSS) compared
//! after a warm-up and at the end. Prints the figures.
//!
//! `SUANPAN_SOAK_EDITS` changes the number of edits (default 20,000).

#[path = "robustness/client.rs"]
mod client;

use std::time::Instant;

use client::{range, uri, Client};
use serde_json::json;

const DOCS: usize = 50;

#[test]
fn fifty_documents_twenty_thousand_edits() {
    let edits: usize = std::env::var("SUANPAN_SOAK_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let report = include_str!("fixtures/lsp/report.txt");
    let mut c = Client::start(false, false);
    let uris: Vec<String> = (0..DOCS).map(|i| uri(&format!("soak{i}.txt"))).collect();
    for u in &uris {
        c.open(u, report, 0);
    }
    let mut versions = vec![0i64; DOCS];
    let started = Instant::now();
    let mut warm_rss = 0;
    let mut requests = 0;
    let warm_at = edits / 10;
    for k in 0..edits {
        let d = k % DOCS;
        versions[d] += 1;
        // Type a digit at the start of line 0, then delete it: the text returns to its size.
        if versions[d] % 2 == 1 {
            c.change(&uris[d], versions[d], range((0, 0), (0, 0)), "9");
        } else {
            c.change(&uris[d], versions[d], range((0, 0), (0, 1)), "");
        }
        if k % 50 == 49 {
            let r = c.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uris[d]},
                       "position": {"line": 10, "character": 50}}),
            );
            assert!(r.get("error").is_none(), "{r}");
            requests += 1;
        }
        if k % 1000 == 999 && k + 1000 < edits {
            // Drop what was read so far (the test's own memory is not the point), but the
            // last publication of each document: the server does not resend an equal set.
            let mut last = std::collections::HashMap::new();
            for n in c.notes.drain(..) {
                if n["method"] == "textDocument/publishDiagnostics" {
                    last.insert(n["params"]["uri"].to_string(), n);
                }
            }
            c.notes.extend(last.into_values());
        }
        if k + 1 == warm_at {
            c.settle(500);
            warm_rss = c.rss_kb();
        }
    }
    // Every document's last version is published.
    for (d, u) in uris.iter().enumerate() {
        c.diagnostics(u, versions[d]);
    }
    let took = started.elapsed();
    c.settle(500);
    let end_rss = c.rss_kb();
    eprintln!(
        "soak: {DOCS} documents, {edits} edits, {requests} requests answered in {took:.1?}; \
         VmRSS after {warm_at} edits {} kB, at the end {} kB ({:+} kB)",
        warm_rss,
        end_rss,
        end_rss as i64 - warm_rss as i64
    );
    assert!(
        end_rss <= warm_rss + warm_rss / 2 + 16 * 1024,
        "memory grew from {warm_rss} kB to {end_rss} kB"
    );
    assert_eq!(c.finish().code(), Some(0));
}
