//! Keystroke → `publishDiagnostics` latency through the real server (issue 5).
//!
//! Starts `target/release/suanpan lsp` (or `--server PATH`), opens a document, then sends
//! single-character `didChange`s spread evenly over it — alternately inserting `的` at a spot
//! and deleting it again, so the text stays the report it was — and after each one waits for the
//! `publishDiagnostics` carrying that version. Reports p50/p95/p99/max of the wait and the size
//! of what was published (bytes of the JSON message, number of diagnostics).
//!
//! ```text
//! cargo build --release
//! cargo run --release --example gen -- --seed 7 --count 1 --size 40000 --errors 2 --out /tmp/sp
//! cargo run --release --example lsp_latency -- /tmp/sp/gen_7.txt [--edits 500] [--budget-secs 600]
//! ```
//!
//! Positions are UTF-16, as in VS Code. Settings: `debounceMs` is sent as 0. When the whole run
//! would exceed `--budget-secs`, it stops early and says how many edits it measured.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Args {
    file: String,
    server: String,
    edits: usize,
    budget: Duration,
}

fn args() -> Args {
    let mut a = Args {
        file: String::new(),
        server: "target/release/suanpan".into(),
        edits: 500,
        budget: Duration::from_secs(600),
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match x.as_str() {
            "--server" => a.server = val(),
            "--edits" => a.edits = val().parse().unwrap_or_else(|_| usage()),
            "--budget-secs" => {
                a.budget = Duration::from_secs(val().parse().unwrap_or_else(|_| usage()))
            }
            _ if a.file.is_empty() && !x.starts_with("--") => a.file = x,
            _ => usage(),
        }
    }
    if a.file.is_empty() {
        usage()
    }
    a
}

fn usage() -> ! {
    eprintln!("usage: lsp_latency FILE [--server PATH] [--edits N] [--budget-secs S]");
    std::process::exit(2)
}

fn send(w: &mut ChildStdin, msg: &Value) {
    let body = msg.to_string();
    let _ = write!(w, "Content-Length: {}\r\n\r\n{}", body.len(), body);
    let _ = w.flush();
}

/// Reads the server's messages on a thread: (arrival time, message size in bytes, message).
fn reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<(Instant, usize, Value)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::with_capacity(1 << 20, stdout);
        loop {
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; len];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            let at = Instant::now();
            if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                if tx.send((at, len, v)).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// LSP position (line, UTF-16 column) of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let col: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let a = args();
    let text = std::fs::read_to_string(&a.file).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", a.file);
        std::process::exit(2)
    });
    let mut child = Command::new(&a.server)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("cannot start {}: {e}", a.server);
            std::process::exit(2)
        });
    let mut stdin = child.stdin.take().expect("piped stdin");
    let rx = reader(child.stdout.take().expect("piped stdout"));
    let uri = "file:///bench/report.txt";

    // A server request (workspace/configuration…) is answered with the settings; everything
    // else not awaited is dropped.
    let wait = |stdin: &mut ChildStdin, pred: &dyn Fn(&Value) -> bool, limit: Duration| {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, len, v) = rx.recv_timeout(left).ok()?;
            if v.get("id").is_some() && v.get("method").is_some() {
                let result = if v["method"] == "workspace/configuration" {
                    json!([{"debounceMs": 0}])
                } else {
                    Value::Null
                };
                send(
                    stdin,
                    &json!({"jsonrpc": "2.0", "id": v["id"], "result": result}),
                );
                continue;
            }
            if pred(&v) {
                return Some((at, len, v));
            }
        }
    };

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": null, "capabilities": {},
            "initializationOptions": {"debounceMs": 0}}}),
    );
    wait(&mut stdin, &|v| v["id"] == 1, Duration::from_secs(30)).expect("initialize answered");
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let t0 = Instant::now();
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "plaintext", "version": 1, "text": text}}}),
    );
    let published = |version: i64| {
        move |v: &Value| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["version"] == version
        }
    };
    let Some((at, len, v)) = wait(&mut stdin, &published(1), a.budget) else {
        eprintln!("no diagnostics for the opened document within the budget");
        let _ = child.kill();
        std::process::exit(1)
    };
    println!(
        "document: {} ({} bytes, {} lines)",
        a.file,
        text.len(),
        text.lines().count()
    );
    println!(
        "open → first publishDiagnostics: {:.1} ms, {} diagnostics, {} bytes",
        (at - t0).as_secs_f64() * 1e3,
        v["params"]["diagnostics"].as_array().map_or(0, Vec::len),
        len
    );

    let started = Instant::now();
    let mut lat = Vec::new();
    let mut bytes = Vec::new();
    let mut counts = Vec::new();
    let pairs = a.edits.div_ceil(2);
    'edits: for k in 0..pairs {
        // Spread over the document; on a char boundary, never between \r and \n.
        let mut at = (k * 2 + 1) * text.len() / (pairs * 2 + 1);
        while !text.is_char_boundary(at) || text[..at].ends_with('\r') {
            at += 1;
        }
        let pos = position(&text, at);
        let end =
            json!({"line": pos["line"], "character": pos["character"].as_u64().unwrap_or(0) + 1});
        for (i, (range, new)) in [
            (json!({"start": pos, "end": pos}), "的"),
            (json!({"start": pos, "end": end}), ""),
        ]
        .into_iter()
        .enumerate()
        {
            if lat.len() >= a.edits {
                break 'edits;
            }
            let version = 2 + (k * 2 + i) as i64;
            let sent = Instant::now();
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": range, "text": new}]}}),
            );
            let left = a.budget.saturating_sub(started.elapsed());
            let Some((got, len, v)) = wait(&mut stdin, &published(version), left) else {
                println!("budget of {:?} exhausted", a.budget);
                break 'edits;
            };
            lat.push((got - sent).as_secs_f64() * 1e3);
            bytes.push(len);
            counts.push(v["params"]["diagnostics"].as_array().map_or(0, Vec::len));
            if started.elapsed() > a.budget {
                println!("budget of {:?} exhausted", a.budget);
                break 'edits;
            }
        }
    }
    let n = lat.len();
    let mut sorted = lat.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "{n} of {} single-character edits measured (keystroke → publishDiagnostics of that version)",
        a.edits
    );
    println!(
        "latency ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}",
        percentile(&sorted, 50.0),
        percentile(&sorted, 95.0),
        percentile(&sorted, 99.0),
        sorted.last().copied().unwrap_or(f64::NAN)
    );
    if n > 0 {
        let total: usize = bytes.iter().sum();
        println!(
            "published per edit: {:.0} bytes, {:.0} diagnostics on average ({:.1} MB in all)",
            total as f64 / n as f64,
            counts.iter().sum::<usize>() as f64 / n as f64,
            total as f64 / 1e6
        );
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    let _ = wait(&mut stdin, &|v| v["id"] == 2, Duration::from_secs(5));
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(stdin);
    let _ = child.wait();
}
