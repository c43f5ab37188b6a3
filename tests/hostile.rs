//! Hostile inputs through the real binary (issue 6, parts 3 and 4): `suanpan check` on files
//! no report should be, and `suanpan lsp` fed malformed messages, impossible edits and panics.
//! For each: a clear error or a graceful result, the server still answers the next request, and
//! nothing is written to the user's files.
//!
//! Big inputs are generated at test time. Cases that are slow because of the engine are
//! `#[ignore]`d with their measured time (docs/robustness.md); run them with
//! `cargo test --release --test hostile -- --ignored`.

#[path = "robustness/client.rs"]
mod client;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use client::{range, uri, Client};
use serde_json::{json, Value};

/// A scratch directory holding the "user's files" of one test.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("suanpan-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    /// Every file's name, size and modification time: compared before and after a run.
    fn listing(&self) -> Vec<(String, u64, SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let m = e.metadata().unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    m.len(),
                    m.modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check(args: &[&Path], json: bool) -> (Output, Duration) {
    let started = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_suanpan"));
    cmd.arg("check");
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.args(args).output().expect("run suanpan check");
    (out, started.elapsed())
}

/// `suanpan check` on one generated file: exit 0 or 1, JSON output that parses, nothing written.
fn check_one(name: &str, text: &[u8], limit: Duration) -> Value {
    let dir = Dir::new(name);
    let p = dir.write(&format!("{name}.txt"), text);
    let before = dir.listing();
    let (out, took) = check(&[&p], true);
    eprintln!("{name}: {} bytes checked in {took:.2?}", text.len());
    assert_eq!(dir.listing(), before, "{name}: the user's files changed");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{name}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(took < limit, "{name}: took {took:?} (limit {limit:?})");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn findings(v: &Value) -> Vec<Value> {
    v["files"][0]["diagnostics"].as_array().unwrap().clone()
}

// ------------------------------------------------------------------ suanpan check

#[test]
fn empty_file() {
    let v = check_one("empty", b"", Duration::from_secs(10));
    assert!(findings(&v).is_empty());
}

/// 50 MB on one line, of prose without figures: read and checked in well under a second.
#[test]
fn fifty_megabyte_line_of_prose() {
    let unit = "区文化馆位于吉祥路，内设办公室、群文部、非遗保护部等科室";
    let text = unit.repeat(50 * 1024 * 1024 / unit.len());
    check_one("line50mb", text.as_bytes(), Duration::from_secs(30));
}

/// A paragraph dense with figures, 256 KB on one line (3,500 sentences' worth of figures).
/// Superlinear in the engine: 0.6 s here, 34 s at 1 MB, over 300 s at 4 MB (see the ignored
/// test below and docs/robustness.md).
#[test]
fn dense_line_256k() {
    let unit = "收入合计1,000元，其中：财政拨款600元，其他收入400元；";
    let text = unit.repeat(256 * 1024 / unit.len());
    check_one("dense256k", text.as_bytes(), Duration::from_secs(30));
}

/// The issue's case: 50 MB of figures on one line. Reported: hours in the engine.
#[test]
fn fifty_megabyte_line_of_figures() {
    let unit = "区文化馆位于吉祥路，支出1,234.56元；";
    let text = unit.repeat(50 * 1024 * 1024 / unit.len());
    check_one("dense50mb", text.as_bytes(), Duration::from_secs(120));
}

fn numbers_paragraph(n: usize) -> String {
    let figures: Vec<String> = (0..n)
        .map(|i| format!("{}.{:02}元", i % 997, i % 100))
        .collect();
    format!("各项支出为{}。\n", figures.join("，"))
}

#[test]
fn five_thousand_numbers_in_one_paragraph() {
    check_one(
        "numbers5k",
        numbers_paragraph(5_000).as_bytes(),
        Duration::from_secs(30),
    );
}

/// The issue's case: 100,000 numbers in one paragraph. Measured: 170 s.
#[test]
fn hundred_thousand_numbers_in_one_paragraph() {
    check_one(
        "numbers100k",
        numbers_paragraph(100_000).as_bytes(),
        Duration::from_secs(60),
    );
}

/// Numbers `Decimal` cannot hold, or that look like other things.
#[test]
fn numbers_beyond_decimal_and_odd_forms() {
    let text = "\
收入合计1234567890123456789012345678901234567890元，其中财政拨款1元。
支出合计0.123456789012345678901234567890元，比上年增加1e309元。
结余-0元，上年结余-0.00元，增长-0%。
全角数字：收入０１２３元，支出１，２３４．５６元。
混合分隔符：收入1，234,567.00元，支出1,234，567.00元，合计12,34,5元。
极大百分比：增长99999999999999999999999999999%，下降1e-400%。
";
    let v = check_one("numbers", text.as_bytes(), Duration::from_secs(10));
    let rules: Vec<String> = findings(&v)
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    eprintln!("numbers: {rules:?}");
    // The full-width comma used as a thousands separator is flagged.
    assert!(rules.iter().any(|r| r == "number-format"), "{rules:?}");
}

/// Invalid UTF-8 and lone surrogates (as WTF-8 bytes): a clear error naming the file and the
/// byte offset, exit 2, the other files still checked, nothing written.
#[test]
fn invalid_utf8_names_the_file_and_the_offset() {
    let dir = Dir::new("utf8");
    let bad = dir.write(
        "bad.txt",
        b"\xe6\x94\xb6\xe5\x85\xa5\xff\xfe1,000\xe5\x85\x83",
    );
    let surrogate = dir.write("surrogate.txt", b"abc\xed\xa0\x80def");
    let good = dir.write(
        "good.txt",
        "基本支出4,300,000.00元，其中：人员经费3,850,120.00元，公用经费512,345.67元。\n",
    );
    let before = dir.listing();
    let (out, _) = check(&[&bad, &good, &surrogate], true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.txt") && err.contains("byte 6"),
        "stderr should name bad.txt and byte 6: {err}"
    );
    assert!(
        err.contains("surrogate.txt") && err.contains("byte 3"),
        "stderr should name surrogate.txt and byte 3: {err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "only the good file is reported: {v}");
    assert!(files[0]["path"].as_str().unwrap().ends_with("good.txt"));
    assert!(!files[0]["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(dir.listing(), before);
}

/// A BOM: the same findings as without it.
#[test]
fn byte_order_mark() {
    let text = "基本支出4,300,000.00元，其中：人员经费3,850,120.00元，公用经费512,345.67元。\n";
    let plain = check_one("nobom", text.as_bytes(), Duration::from_secs(10));
    let bom = check_one(
        "bom",
        format!("\u{feff}{text}").as_bytes(),
        Duration::from_secs(10),
    );
    let rules = |v: &Value| -> Vec<String> {
        findings(v)
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules(&plain), rules(&bom));
    assert!(!rules(&bom).is_empty());
}

/// A Markdown table with 1,000 columns, and a TSV one.
#[test]
fn table_with_a_thousand_columns() {
    let n = 1000;
    let head: Vec<String> = (0..n).map(|i| format!("列{i}")).collect();
    let row: Vec<String> = (0..n).map(|i| format!("{}.00", i * 3)).collect();
    let md = format!(
        "| 项目 | {} |\n|---|{}\n| 合计 | {} |\n| 财政拨款 | {} |\n",
        head.join(" | "),
        "---:|".repeat(n),
        row.join(" | "),
        row.join(" | ")
    );
    check_one("wide-md", md.as_bytes(), Duration::from_secs(30));
    let tsv = format!(
        "项目\t{}\n合计\t{}\n财政拨款\t{}\n",
        head.join("\t"),
        row.join("\t"),
        row.join("\t")
    );
    check_one("wide-tsv", tsv.as_bytes(), Duration::from_secs(30));
}

/// 其中 lists nested 2,000 deep in one sentence, and 2,000 sentences each opening one.
#[test]
fn deeply_nested_qizhong_lists() {
    let mut s = String::new();
    for i in 0..2000 {
        s.push_str(&format!("项目{i}支出{}元，其中：", 2000 - i));
    }
    s.push_str("末项1元。\n");
    check_one("nested", s.as_bytes(), Duration::from_secs(60));
    let mut t = String::new();
    for i in 0..2000 {
        t.push_str(&format!("项目{i}支出{}元，其中：", 2000 - i));
        t.push_str(&format!("子项{i}支出{}元。\n", 2000 - i));
    }
    check_one("nested-lines", t.as_bytes(), Duration::from_secs(60));
}

/// One 其中 list of 20,000 parts in one sentence, each with a wrong share: the list's checks
/// (the sum, a unit slip tried on each part, the digit slip) and the columns of 20,000 findings
/// on one line were each quadratic — 69 s before, under half a second after.
#[test]
fn one_list_of_twenty_thousand_parts() {
    let mut s = String::from("一、支出决算情况\n\n本年支出合计100,001.00万元，其中：");
    for _ in 0..20_000 {
        s.push_str("基本支出5.00万元，占比5%，");
    }
    s.push_str("项目支出1.00万元。\n");
    let v = check_one("longlist", s.as_bytes(), Duration::from_secs(30));
    let rules: Vec<String> = findings(&v)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules.len(), 20_000, "{:?}", &rules[..rules.len().min(5)]);
    assert!(rules.iter().all(|r| r == "share-mismatch"));
    // Columns counted from marks agree with counting from the line's start.
    let last = findings(&v).last().unwrap()["range"]["start"].clone();
    let at = s.rfind("5%").unwrap();
    let line_start = s[..at].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!(last["line"], 2);
    assert_eq!(
        last["character"].as_u64().unwrap() as usize,
        s[line_start..at].encode_utf16().count()
    );
}

/// 100,000 statements, then 100,000 clauses naming one of them as a list's total (`项目N中，…`):
/// each lookup scanned every statement above — quadratic, 6.8 s for 40,000 of each; an index
/// now. The parts do not exceed their totals: nothing to report.
#[test]
fn a_hundred_thousand_lists_naming_totals_stated_above() {
    let mut s = String::from("一、支出决算情况\n\n");
    for i in 0..100_000 {
        s.push_str(&format!("项目{i}支出{}.00万元。\n", i + 1));
    }
    for i in 0..100_000 {
        s.push_str(&format!("项目{i}中，其他支出1.00万元。\n"));
    }
    let v = check_one("named-totals", s.as_bytes(), Duration::from_secs(20));
    assert!(findings(&v).is_empty(), "{:?}", &findings(&v)[..1]);
}

// ------------------------------------------------------------------ suanpan lsp

const SLIP: &str = "基本支出4,300,000.00元，其中：人员经费3,850,120.00元，公用经费512,345.67元。\n";

fn parse_errors(c: &Client) -> usize {
    c.notes
        .iter()
        // -32600 for the second of two back-to-back bad messages: tower-lsp-server refuses a
        // request whose id (null) is still pending. Either way the message is answered.
        .filter(|n| {
            n["id"].is_null() && matches!(n["error"]["code"].as_i64(), Some(-32700 | -32600))
        })
        .count()
}

#[test]
fn malformed_messages_are_answered_and_the_session_goes_on() {
    let mut c = Client::start(false, false);
    let u = uri("a.txt");
    c.open(&u, SLIP, 1);
    let bodies: Vec<&[u8]> = vec![
        b"not json at all",
        b"[1, 2, 3]",
        b"{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": ",
        b"{\"id\": 1, \"method\": \"initialize\"}",
        b"\xff\xfe{}",
        b"{\"jsonrpc\": \"2.0\", \"method\": 7}",
        b"null",
        b"{}",
    ];
    for b in &bodies {
        c.send_body(b);
    }
    // Header trouble: a bad length, a negative one, an absurd one, garbage between frames.
    c.write_raw(b"Content-Length: abc\r\n\r\n");
    c.write_raw(b"Content-Length: -5\r\n\r\n");
    c.write_raw(b"Content-Length: 99999999999999999999999\r\n\r\n");
    c.write_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    c.write_raw(b"Content-Type: application/vscode-jsonrpc\r\n");
    // Valid JSON-RPC with params of the wrong shape, and an unknown method.
    c.notify("textDocument/didChange", json!({"textDocument": 5}));
    c.notify("textDocument/didOpen", json!(null));
    let r = c.request("suanpan/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request("textDocument/hover", json!({"bogus": true}));
    assert!(r.get("error").is_some(), "{r}");
    // Still serving, and the document is intact.
    let diags = c.diagnostics(&u, 1);
    assert_eq!(diags.len(), 1, "{diags:?}");
    c.alive(&u);
    let n = parse_errors(&c);
    assert!(
        n >= bodies.len(),
        "{n} parse errors for {} bad bodies",
        bodies.len()
    );
    assert_eq!(c.finish().code(), Some(0));
}

/// A Content-Length shorter than the body cuts it (a parse error), the rest is skipped as
/// garbage up to the next header; a longer one swallows the start of the next message. Either
/// way the session resynchronises on a later message.
#[test]
fn wrong_content_length_resynchronises() {
    let mut c = Client::start(false, false);
    let u = uri("b.txt");
    c.open(&u, SLIP, 1);
    let body = serde_json::to_vec(
        &json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/documentSymbol",
                "params": {"textDocument": {"uri": u}}}),
    )
    .unwrap();
    let mut short = format!("Content-Length: {}\r\n\r\n", body.len() - 10).into_bytes();
    short.extend_from_slice(&body);
    c.write_raw(&short);
    c.alive(&u);
    let mut long = format!("Content-Length: {}\r\n\r\n", body.len() + 30).into_bytes();
    long.extend_from_slice(&body);
    c.write_raw(&long);
    // The next message loses its first 30 bytes to the previous body…
    let id = c.send_request("shutdown_is_not_this", json!({}));
    // …and the one after it is read normally.
    c.alive(&u);
    let answered = c.notes.iter().any(|n| n["id"] == json!(id));
    eprintln!("the message after a too-long Content-Length was answered: {answered}");
    assert!(parse_errors(&c) >= 2);
    assert_eq!(c.finish().code(), Some(0));
}

#[test]
fn requests_for_an_unopened_document() {
    let mut c = Client::start(false, false);
    let u = uri("never-opened.txt");
    let pos = json!({"line": 0, "character": 0});
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": pos}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": u}}),
        ),
        (
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": u}, "range": range((0, 0), (9, 0))}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": range((0, 0), (0, 1)),
                   "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": {"uri": u}, "position": pos}),
        ),
        (
            "textDocument/references",
            json!({"textDocument": {"uri": u}, "position": pos,
                   "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": u}}),
        ),
    ] {
        let r = c.request(method, params);
        assert!(
            r.get("error").is_none() || r["error"]["code"] != -32603,
            "{method}: {r}"
        );
    }
    // Edits and a close for it are logged, not fatal.
    c.change(&u, 2, range((0, 0), (0, 0)), "x");
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    c.alive(&u);
    assert_eq!(c.finish().code(), Some(0));
}

/// An edit past the end, or with a version that goes backwards, is refused whole: logged, the
/// diagnostics cleared, the user asked to reopen; the document stays as it was and other
/// documents are served; reopening brings it back.
#[test]
fn edit_past_the_end_and_version_going_backwards() {
    for case in ["past-the-end", "backwards", "same-version"] {
        let mut c = Client::start(false, false);
        let u = uri(&format!("{case}.txt"));
        let other = uri("other.txt");
        c.open(&u, SLIP, 5);
        c.open(&other, SLIP, 1);
        assert_eq!(c.diagnostics(&u, 5).len(), 1);
        let from = c.notes.len();
        match case {
            "past-the-end" => c.change(&u, 6, range((40, 0), (40, 3)), "X"),
            "backwards" => c.change(&u, 3, range((0, 0), (0, 0)), "X"),
            _ => c.change(&u, 5, range((0, 0), (0, 0)), "X"),
        }
        let cleared = c.wait_for(from, "cleared diagnostics", |n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == u
                && n["params"]["diagnostics"] == json!([])
        });
        assert!(cleared["params"]["version"].is_null());
        c.wait_for(from, "a message asking to reopen", |n| {
            n["method"] == "window/showMessage"
        });
        c.wait_for(from, "the refusal logged", |n| {
            n["method"] == "window/logMessage"
                && n["params"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("not applied"))
        });
        // Further ranged edits are refused until the full text comes.
        c.change(&u, 7, range((0, 0), (0, 0)), "Y");
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 6}}),
        );
        assert!(
            r["result"].is_null(),
            "no hover on an out-of-sync document: {r}"
        );
        // The other document is unaffected.
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": other}, "position": {"line": 0, "character": 6}}),
        );
        assert!(!r["result"].is_null(), "{r}");
        // Reopen: served again.
        c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        c.open(&u, SLIP, 8);
        assert_eq!(c.diagnostics(&u, 8).len(), 1);
        assert_eq!(c.finish().code(), Some(0));
    }
}

/// Many didChanges written in one go (they race inside the server: tower-lsp-server polls
/// four handlers at once): applied in order, the last version published with the findings of
/// the final text.
#[test]
fn racing_did_changes_apply_in_order() {
    let mut c = Client::start(false, false);
    let u = uri("race.txt");
    c.open(&u, "", 0);
    let mut burst = Vec::new();
    let mut text = String::new();
    for (i, ch) in SLIP.chars().enumerate() {
        let (line, col) = if text.ends_with('\n') {
            (1, 0)
        } else {
            (0, text.encode_utf16().count() as u32)
        };
        let body = serde_json::to_vec(&json!({"jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": u, "version": i + 1},
                       "contentChanges": [{"range": range((line, col), (line, col)),
                                           "text": ch.to_string()}]}}))
        .unwrap();
        burst.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        burst.extend_from_slice(&body);
        text.push(ch);
    }
    c.write_raw(&burst);
    let last = SLIP.chars().count() as i64;
    let diags = c.diagnostics(&u, last);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "sum-mismatch");
    assert!(!c.logged("not applied"), "an edit was refused");
    assert_eq!(c.finish().code(), Some(0));
}

/// A lone surrogate in a didChange (`"\ud800"`: what JavaScript's JSON.stringify writes for a
/// lone surrogate in the editor's text). serde_json refuses it; the edit must not be lost
/// silently — the document is either edited (with U+FFFD, also one UTF-16 unit) or reported
/// out of sync.
#[test]
fn lone_surrogate_in_an_edit_is_not_lost_silently() {
    let mut c = Client::start(false, false);
    let u = uri("surrogate.txt");
    c.open(&u, SLIP, 1);
    assert_eq!(c.diagnostics(&u, 1).len(), 1);
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{u}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":0}},"end":{{"line":0,"character":0}}}},"text":"\ud800x"}}]}}}}"#
    );
    c.send_body(body.as_bytes());
    // Insert the missing figure text at a place that only lines up if the edit was applied.
    c.change(&u, 3, range((0, 6), (0, 6)), "");
    let from = 0;
    let outcome = c.wait_for(
        from,
        "versions 2–3 published or the document reported out of sync",
        |n| {
            (n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == u
                && n["params"]["version"].as_i64() >= Some(2))
                || n["method"] == "window/showMessage"
        },
    );
    if outcome["method"] == "textDocument/publishDiagnostics" {
        // Applied: the finding moved right by the two inserted UTF-16 units (version 3, an
        // empty insert, changes nothing and may not be published again).
        let d = &c.diagnostics(&u, 3)[0];
        assert_eq!(d["range"]["start"]["character"], 6, "{outcome}");
    }
    c.alive(&u);
    assert_eq!(c.finish().code(), Some(0));
}

/// A 50 MB line of prose opened in the server, then edited at its end.
#[test]
fn fifty_megabyte_document_in_the_server() {
    let mut c = Client::start(false, false);
    let u = uri("big.txt");
    let unit = "区文化馆位于吉祥路，内设办公室、群文部、非遗保护部等科室";
    let mut text = unit.repeat(50 * 1024 * 1024 / unit.len());
    text.push('\n');
    text.push_str(SLIP);
    let started = Instant::now();
    c.open(&u, &text, 1);
    let d = c.diagnostics(&u, 1);
    let opened = started.elapsed();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["range"]["start"]["line"], 1);
    let col = text.lines().next().unwrap().encode_utf16().count() as u32;
    let started = Instant::now();
    c.change(&u, 2, range((0, col), (0, col)), "。");
    assert_eq!(c.diagnostics(&u, 2).len(), 1);
    let edited = started.elapsed();
    eprintln!("50 MB document: opened and published in {opened:.2?}, one edit in {edited:.2?}, server RSS {} MB", c.rss_kb() / 1024);
    c.alive(&u);
    assert_eq!(c.finish().code(), Some(0));
}

/// Panics (SUANPAN_LSP_DEBUG=1): in a request, and in the analysis of one document. Each is
/// answered as an error / logged, and the other documents are still served.
#[test]
fn panics_are_contained() {
    let mut c = Client::start(true, false);
    let good = uri("good.txt");
    let bad = uri("bad.txt");
    c.open(&good, SLIP, 1);
    assert_eq!(c.diagnostics(&good, 1).len(), 1);
    for _ in 0..3 {
        let r = c.request("suanpan/debugPanic", json!({}));
        assert_eq!(r["error"]["code"], -32603, "{r}");
    }
    assert!(c.logged("panicked"));
    c.open(&bad, &format!("{SLIP}<<suanpan-debug-panic>>"), 1);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": bad}, "position": {"line": 0, "character": 6}}),
    );
    assert!(r.get("result").is_some() || r.get("error").is_some());
    c.wait_for(0, "the analysis panic logged", |n| {
        n["method"] == "window/logMessage"
            && n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("analysis of") && m.contains("bad.txt"))
    });
    // The good document: edited and republished, hover answered.
    c.change(&good, 2, range((0, 0), (0, 0)), "一、");
    assert_eq!(c.diagnostics(&good, 2).len(), 1);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": good}, "position": {"line": 0, "character": 8}}),
    );
    assert!(!r["result"].is_null(), "{r}");
    // The bad one recovers once the marker is gone.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": bad, "version": 2},
               "contentChanges": [{"text": SLIP}]}),
    );
    assert_eq!(c.diagnostics(&bad, 2).len(), 1);
    assert_eq!(c.finish().code(), Some(0));
}

/// The input ends mid-message, or without `shutdown`: the server exits 1 by itself.
#[test]
fn end_of_input_mid_message() {
    let mut c = Client::start(false, false);
    c.write_raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\":");
    let status = c.wait_exit();
    assert_eq!(status.code(), Some(1));
}

/// Nothing in the server writes files: a session with documents opened from a directory of
/// real files, edited and fixed, leaves the directory as it was.
#[test]
fn the_server_writes_no_files() {
    let dir = Dir::new("lspfiles");
    let p = dir.write("report.txt", SLIP);
    let before = dir.listing();
    let mut c = Client::start(false, false);
    let u = format!("file://{}", p.display());
    c.open(&u, SLIP, 1);
    assert_eq!(c.diagnostics(&u, 1).len(), 1);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range((0, 0), (0, 0)),
               "context": {"diagnostics": [], "only": ["source.fixAll.suanpan"]}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    c.change(&u, 2, range((0, 0), (0, 0)), "X");
    c.diagnostics(&u, 2);
    assert_eq!(c.finish().code(), Some(0));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(dir.listing(), before);
}

/// A stream of `Content-Length` headers without an end (each must be skipped, without the
/// framer rescanning the whole buffer each time).
#[test]
fn header_flood_is_skipped_in_bounded_time() {
    let mut c = Client::start(false, false);
    let u = uri("flood.txt");
    c.open(&u, SLIP, 1);
    let mut flood = "Content-Length: 1\r\n".repeat(20_000);
    flood.push_str("\r\n}");
    let started = Instant::now();
    c.write_raw(flood.as_bytes());
    c.alive(&u);
    let took = started.elapsed();
    eprintln!(
        "{} bytes of unterminated headers skipped in {took:.2?}",
        flood.len()
    );
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(c.finish().code(), Some(0));
}

/// A client that stops reading stdout, then sends `shutdown` and `exit`: the server does not
/// wait forever on a full pipe to write the rest — it exits within a couple of seconds.
#[test]
fn a_client_that_stops_reading_does_not_keep_the_server_alive() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_suanpan"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut send = |v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    // Ten thousand reports with a slip each: their publication (~7 MB) overfills the pipe.
    let slip = "乙局2023年度部门决算说明\n基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。\n";
    send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri("unread.txt"), "languageId": "plaintext",
                                            "version": 1, "text": slip.repeat(10_000)}}}));
    std::thread::sleep(Duration::from_secs(3));
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = child.kill();
    let status = status.expect("the server was still running 15 s after exit");
    assert_eq!(status.code(), Some(0));
}
