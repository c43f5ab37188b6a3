//! Keystroke → diagnostics latency through the real server (issue 5).
//!
//! Starts `target/release/suanpan lsp` (or `--server PATH`), opens a document, then sends
//! single-character `didChange`s spread evenly over it — alternately inserting `的` at a spot
//! and replacing it with `地`: each keystroke makes a text the server has not seen (deleting it
//! again would bring back paragraphs the server remembers, and time a backspace, not typing).
//!
//! By default the client is a pull client, as VS Code is: after each keystroke it asks
//! `textDocument/diagnostic` with the previous result id and times the answer — the diagnostics
//! of that version, `unchanged` when the keystroke changed no finding. With `--push` it is a
//! push client (as Neovim is): the server publishes only sets that differ from the last one it
//! sent, so there is no answer to time for most keystrokes; the run counts what was published
//! (messages, bytes) and times the publications that came. It only listens, as a push client
//! does: after each keystroke it waits for that version's publication, or `--settle-ms` (50)
//! when none comes, before typing the next. Either way it reports p50/p95/p99/max and the bytes
//! received per keystroke.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example gen -- --seed 7 --count 1 --size 40000 --errors 2 --out /tmp/sp
//! cargo run --release --example lsp_latency -- /tmp/sp/gen_7.txt [--edits 500] [--budget-secs 600]
//! ```
//!
//! Positions are UTF-16, as in VS Code. Settings: `debounceMs` is sent as 0. When the whole run
//! would exceed `--budget-secs`, it stops early and says how many edits it measured.
//! `--pace-ms N` pauses N ms before each keystroke, as a typist does: the server then meets each
//! keystroke idle (back to back, the figures are those of a warm process).

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
    push: bool,
    /// Push: how long to wait for a publication that may not come.
    settle: Duration,
    /// Pause before each keystroke (a typist's pace; 0: back to back).
    pace: Duration,
}

fn args() -> Args {
    let mut a = Args {
        file: String::new(),
        server: "target/release/suanpan".into(),
        edits: 500,
        budget: Duration::from_secs(600),
        push: false,
        settle: Duration::from_millis(50),
        pace: Duration::ZERO,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match x.as_str() {
            "--server" => a.server = val(),
            "--edits" => a.edits = val().parse().unwrap_or_else(|_| usage()),
            "--push" => a.push = true,
            "--settle-ms" => {
                a.settle = Duration::from_millis(val().parse().unwrap_or_else(|_| usage()))
            }
            "--pace-ms" => {
                a.pace = Duration::from_millis(val().parse().unwrap_or_else(|_| usage()))
            }
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
    eprintln!("usage: lsp_latency FILE [--server PATH] [--edits N] [--push [--settle-ms MS]] [--pace-ms MS] [--budget-secs S]");
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

    // Every message goes through `seen` (with its arrival time and size) until it returns
    // true; a server request (workspace/configuration…) is answered with the settings.
    let wait = |stdin: &mut ChildStdin,
                seen: &mut dyn FnMut(&Value, Instant, usize) -> bool,
                limit: Duration|
     -> bool {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok((at, len, v)) = rx.recv_timeout(left) else {
                return false;
            };
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
            if seen(&v, at, len) {
                return true;
            }
        }
    };
    let caps = if a.push {
        json!({})
    } else {
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}})
    };
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": null, "capabilities": caps,
            "initializationOptions": {"debounceMs": 0}}}),
    );
    assert!(
        wait(
            &mut stdin,
            &mut |v, _, _| v["id"] == 1,
            Duration::from_secs(30)
        ),
        "initialize answered"
    );
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
    // Push: publications received, by version (arrival, bytes). Pull: the last result id.
    let mut published: std::collections::HashMap<i64, (Instant, usize)> = Default::default();
    let mut result_id = Value::Null;
    let mut next_id = 10;
    let mut pull = |stdin: &mut ChildStdin,
                    result_id: &mut Value,
                    published: &mut std::collections::HashMap<i64, (Instant, usize)>,
                    limit: Duration|
     -> Option<(Instant, usize, Value)> {
        next_id += 1;
        let id = next_id;
        send(
            stdin,
            &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic", "params": {
                "textDocument": {"uri": uri}, "previousResultId": result_id.clone()}}),
        );
        let mut answer = None;
        let ok = wait(
            stdin,
            &mut |v, at, len| {
                if v["method"] == "textDocument/publishDiagnostics" {
                    if let Some(ver) = v["params"]["version"].as_i64() {
                        published.insert(ver, (at, len));
                    }
                }
                if v["id"] == id {
                    answer = Some((at, len, v.clone()));
                    return true;
                }
                false
            },
            limit,
        );
        let (at, len, v) = answer.filter(|_| ok)?;
        if let Some(r) = v["result"]["resultId"].as_str() {
            *result_id = json!(r);
        }
        Some((at, len, v))
    };
    let Some((at, len, v)) = pull(&mut stdin, &mut result_id, &mut published, a.budget) else {
        eprintln!("no diagnostics for the opened document within the budget");
        let _ = child.kill();
        std::process::exit(1)
    };
    println!(
        "document: {} ({} bytes, {} lines); {} client",
        a.file,
        text.len(),
        text.lines().count(),
        if a.push { "push" } else { "pull" }
    );
    println!(
        "open → first diagnostics: {:.1} ms, {} diagnostics, {} bytes",
        (at - t0).as_secs_f64() * 1e3,
        v["result"]["items"].as_array().map_or(0, Vec::len),
        len
    );
    published.clear();

    let started = Instant::now();
    let mut lat = Vec::new();
    let mut bytes = 0usize;
    let mut unchanged = 0usize;
    // Pull: the latency of the answers that carried a changed set, apart.
    let mut changed_lat = Vec::new();
    let mut sent_at: std::collections::HashMap<i64, Instant> = Default::default();
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
            // Replaced rather than deleted: back to the original text, every paragraph would be
            // one the server has read before.
            (json!({"start": pos, "end": end}), "地"),
        ]
        .into_iter()
        .enumerate()
        {
            if sent_at.len() >= a.edits {
                break 'edits;
            }
            let version = 2 + (k * 2 + i) as i64;
            if !a.pace.is_zero() {
                std::thread::sleep(a.pace);
            }
            let sent = Instant::now();
            sent_at.insert(version, sent);
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": range, "text": new}]}}),
            );
            let left = a.budget.saturating_sub(started.elapsed());
            if a.push {
                // A push client only listens: wait for this version's publication, or for
                // `--settle-ms` when the set did not change and none comes.
                wait(
                    &mut stdin,
                    &mut |v, at, len| {
                        if v["method"] != "textDocument/publishDiagnostics" {
                            return false;
                        }
                        let ver = v["params"]["version"].as_i64();
                        if let Some(ver) = ver {
                            published.insert(ver, (at, len));
                        }
                        ver == Some(version)
                    },
                    a.settle.min(left),
                );
                if started.elapsed() > a.budget {
                    println!("budget of {:?} exhausted", a.budget);
                    break 'edits;
                }
                continue;
            }
            let Some((got, len, v)) = pull(&mut stdin, &mut result_id, &mut published, left) else {
                println!("budget of {:?} exhausted", a.budget);
                break 'edits;
            };
            if !a.push {
                lat.push((got - sent).as_secs_f64() * 1e3);
                bytes += len;
                if v["result"]["kind"] == "unchanged" {
                    unchanged += 1;
                } else {
                    changed_lat.push((got - sent).as_secs_f64() * 1e3);
                }
            }
            if started.elapsed() > a.budget {
                println!("budget of {:?} exhausted", a.budget);
                break 'edits;
            }
        }
    }
    // Publications still on their way.
    wait(&mut stdin, &mut |_, _, _| false, Duration::from_millis(300));
    let n = sent_at.len();
    if a.push {
        for (ver, (at, len)) in &published {
            if let Some(s) = sent_at.get(ver) {
                lat.push((*at - *s).as_secs_f64() * 1e3);
                bytes += len;
            }
        }
    }
    let mut sorted = lat.clone();
    sorted.sort_by(f64::total_cmp);
    if a.push {
        println!(
            "{n} single-character edits; {} publications ({} not published: the set had not changed, or the next keystroke came first — use a --settle-ms above the slowest publication)",
            lat.len(),
            n - lat.len()
        );
        println!("latency of the publications that came (keystroke → publishDiagnostics):");
    } else {
        println!(
            "{n} single-character edits (keystroke → textDocument/diagnostic answer); {unchanged} answered unchanged"
        );
    }
    println!(
        "latency ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}",
        percentile(&sorted, 50.0),
        percentile(&sorted, 95.0),
        percentile(&sorted, 99.0),
        sorted.last().copied().unwrap_or(f64::NAN)
    );
    if !changed_lat.is_empty() {
        changed_lat.sort_by(f64::total_cmp);
        println!(
            "… of the {} answers with a changed set: p50 {:.2}  max {:.2}",
            changed_lat.len(),
            percentile(&changed_lat, 50.0),
            changed_lat.last().copied().unwrap_or(f64::NAN)
        );
    }
    if n > 0 {
        println!(
            "received per keystroke: {:.0} bytes on average ({:.2} MB in all)",
            bytes as f64 / n as f64,
            bytes as f64 / 1e6
        );
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    let _ = wait(
        &mut stdin,
        &mut |v, _, _| v["id"] == 2,
        Duration::from_secs(5),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(stdin);
    let _ = child.wait();
}
