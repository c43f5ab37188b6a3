//! Second reading of the server's per-report diagnostics (`src/lsp/server.rs`
//! `diagnostics_since`, `src/lsp/convert.rs` `move_lines`, `src/lsp/document.rs`): cached
//! report-relative diagnostics moved to their report's line, stamped sets, `unchanged` pulls and
//! skipped pushes.
//!
//! Everything here is a PASSING CHECK: after each edit the set served equals the set a fresh
//! `didOpen` of the same text gets (but for the version inside fix data), an `unchanged` answer
//! or a skipped publication only happens when that is true, and fixes land on the right line.

#[path = "robustness/client.rs"]
mod client;

use client::{range, uri, Client};
use serde_json::{json, Value};

/// 甲局 is clean; 乙局 has a sum slip on a line holding 𠮷 (a surrogate pair in UTF-16).
const A: &str =
    "甲局2023年度部门决算说明\n基本支出100.00万元，其中：人员经费60.00万元，公用经费40.00万元。\n";
const B: &str = "乙局2023年度部门决算说明\n𠮷基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。\n";

/// (line, column) of a byte offset, lines ending at \n, columns in UTF-16 or UTF-8 units.
fn pos(text: &str, byte: usize, utf8: bool) -> (u32, u32) {
    let before = &text[..byte];
    let line = before.matches('\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = if utf8 {
        byte - start
    } else {
        text[start..byte].encode_utf16().count()
    };
    (line, col as u32)
}

fn at(text: &str, byte: usize, utf8: bool) -> Value {
    let p = pos(text, byte, utf8);
    range(p, p)
}

/// A client that pulls (no workspace/configuration, so settings come with the notification).
fn pull_client(utf8: bool) -> Client {
    let mut c = Client::spawn(false);
    let enc = if utf8 { "utf-8" } else { "utf-16" };
    let r = c.request(
        "initialize",
        json!({"processId": null, "rootUri": null,
               "capabilities": {"general": {"positionEncodings": [enc]},
                                "textDocument": {"diagnostic": {"dynamicRegistration": false}}}}),
    );
    assert!(
        r["result"]["capabilities"]["diagnosticProvider"].is_object(),
        "{r}"
    );
    c.notify("initialized", json!({}));
    c
}

/// Opens `name`, a bundle of 25,001 reports (one slip, in the last), and asks for its
/// diagnostics without waiting: the analysis takes long enough for what the test sends next to
/// arrive while it runs. Returns the document's uri and the request's id.
fn pull_a_large_bundle(c: &mut Client, name: &str) -> (String, i64) {
    let u = uri(name);
    let text = format!("{}{B}", A.repeat(25_000));
    c.open(&u, &text, 1);
    let id = c.send_request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    (u, id)
}

fn pull(c: &mut Client, u: &str, previous: Option<&Value>) -> Value {
    let mut p = json!({"textDocument": {"uri": u}});
    if let Some(id) = previous {
        p["previousResultId"] = id.clone();
    }
    let r = c.request("textDocument/diagnostic", p);
    assert!(r.get("error").is_none(), "{r}");
    r["result"].clone()
}

/// The diagnostics without the version inside their fix data, and without the document's URI
/// in their related locations (the fresh copy lives under another URI).
fn comparable(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if let Some(data) = d.get_mut("data").and_then(Value::as_object_mut) {
                data.remove("version");
            }
            for r in d
                .get_mut("relatedInformation")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                r["location"]["uri"] = Value::Null;
            }
            d
        })
        .collect()
}

/// What a fresh open of `text` gets (pulled), made comparable.
fn fresh(c: &mut Client, name: &str, text: &str) -> Vec<Value> {
    let u = uri(name);
    c.open(&u, text, 1);
    let r = pull(c, &u, None);
    comparable(r["items"].as_array().unwrap())
}

fn items(r: &Value) -> Vec<Value> {
    assert_eq!(r["kind"], "full", "{r}");
    comparable(r["items"].as_array().unwrap())
}

/// PASSING CHECK: lines typed in 甲局's report move 乙局's cached diagnostics down (range,
/// related locations and fix edits); a pull with the old id gets the full moved set; in UTF-16
/// and UTF-8.
#[test]
fn ok_pull_moves_lines_of_a_later_report() {
    for utf8 in [false, true] {
        let mut c = pull_client(utf8);
        let u = uri(&format!("moved-{utf8}.txt"));
        let text = format!("{A}{B}");
        c.open(&u, &text, 1);
        let r1 = pull(&mut c, &u, None);
        let before = items(&r1);
        assert_eq!(before.len(), 1, "{r1}");
        // On the line of 乙局's total, counted here, not by the server (a fresh open goes
        // through the same code as an edited document).
        let line_of_total = |t: &str| pos(t, t.rfind("100.00").unwrap(), utf8).0 as u64;
        assert_eq!(before[0]["range"]["start"]["line"], line_of_total(&text));
        let id1 = r1["resultId"].clone();
        // Two lines typed after 甲局's title.
        let cut = A.find('\n').unwrap() + 1;
        c.change(&u, 2, at(&text, cut, utf8), "附注一。\n附注二。\n");
        let text2 = format!("{}附注一。\n附注二。\n{}", &text[..cut], &text[cut..]);
        let r2 = pull(&mut c, &u, Some(&id1));
        let after = items(&r2);
        assert_ne!(r2["resultId"], id1);
        assert_eq!(
            after,
            fresh(&mut c, &format!("moved-fresh-{utf8}.txt"), &text2)
        );
        assert_eq!(
            after[0]["range"]["start"]["line"].as_u64().unwrap(),
            before[0]["range"]["start"]["line"].as_u64().unwrap() + 2
        );
        assert_eq!(after[0]["range"]["start"]["line"], line_of_total(&text2));
        // Typing on the same line before the figure (a column change in 乙局): a new set.
        let fig = text2.find("𠮷").unwrap();
        c.change(&u, 3, at(&text2, fig, utf8), "𠮷");
        let text3 = format!("{}𠮷{}", &text2[..fig], &text2[fig..]);
        let r3 = pull(&mut c, &u, Some(&r2["resultId"]));
        assert_eq!(
            items(&r3),
            fresh(&mut c, &format!("moved-fresh3-{utf8}.txt"), &text3)
        );
        // And removing the two lines again: back where it was.
        let end = cut + "附注一。\n附注二。\n".len();
        c.change(
            &u,
            4,
            range(pos(&text3, cut, utf8), pos(&text3, end, utf8)),
            "",
        );
        let text4 = format!("{}{}", &text3[..cut], &text3[end..]);
        let r4 = pull(&mut c, &u, Some(&r3["resultId"]));
        assert_eq!(
            items(&r4),
            fresh(&mut c, &format!("moved-fresh4-{utf8}.txt"), &text4)
        );
        // A keystroke after the slip's report changes nothing: unchanged.
        let n = text4.len();
        c.change(&u, 5, at(&text4, n, utf8), "附注。\n");
        let r5 = pull(&mut c, &u, Some(&r4["resultId"]));
        assert_eq!(r5["kind"], "unchanged", "{r5}");
        assert_eq!(r5["resultId"], r4["resultId"]);
        assert_eq!(c.finish().code(), Some(0));
    }
}

/// PASSING CHECK: a push client gets a publication when only the line of a later report's
/// diagnostic moved (the set's text is unchanged but its place is not).
#[test]
fn ok_push_publishes_a_set_whose_lines_moved() {
    let mut c = Client::start(false, false);
    let u = uri("push-moved.txt");
    let text = format!("{A}{B}");
    c.open(&u, &text, 1);
    let pubs = |c: &Client| {
        c.notes
            .iter()
            .filter(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == u)
            .count()
    };
    c.wait_for(0, "v1", |n| n["params"]["version"] == 1);
    let cut = A.find('\n').unwrap() + 1;
    c.change(&u, 2, at(&text, cut, false), "附注。\n");
    let text2 = format!("{}附注。\n{}", &text[..cut], &text[cut..]);
    let n = c.wait_for(0, "v2", |n| {
        n["method"] == "textDocument/publishDiagnostics" && n["params"]["version"] == 2
    });
    let got = comparable(n["params"]["diagnostics"].as_array().unwrap());
    let f = uri("push-fresh.txt");
    c.open(&f, &text2, 1);
    let want = c.wait_for(0, "fresh", |n| n["params"]["uri"] == f);
    assert_eq!(
        got,
        comparable(want["params"]["diagnostics"].as_array().unwrap())
    );
    // A keystroke at the end changes nothing: no publication for it.
    let before = pubs(&c);
    let end = text2.len();
    c.change(&u, 3, at(&text2, end, false), "。");
    c.settle(700);
    assert_eq!(pubs(&c), before, "an unchanged set was published again");
    assert_eq!(c.finish().code(), Some(0));
}

/// PASSING CHECK: the quick fix of a diagnostic whose lines were moved (its cached conversion
/// moved with it) replaces the figure on the diagnostic's own line and removes the finding.
#[test]
fn ok_quick_fix_after_lines_moved() {
    let mut c = pull_client(false);
    let u = uri("fix-moved.txt");
    let text = format!("{A}{B}");
    c.open(&u, &text, 1);
    pull(&mut c, &u, None);
    c.change(&u, 2, at(&text, 0, false), "封面\n\n\n");
    let text2 = format!("封面\n\n\n{text}");
    let r = pull(&mut c, &u, None);
    let d = r["items"][0].clone();
    assert_eq!(d["range"]["start"]["line"], 6, "{d}");
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": d["range"],
               "context": {"diagnostics": [d], "only": ["quickfix"]}}),
    );
    let actions = a["result"].as_array().unwrap();
    assert!(!actions.is_empty(), "{a}");
    let edits = &actions[0]["edit"]["changes"][&u];
    let e = &edits[0];
    // The fix replaces the digits the diagnostic starts at (its range also covers the unit).
    assert_eq!(
        e["range"]["start"], d["range"]["start"],
        "fix edit elsewhere than its diagnostic: {a}"
    );
    assert_eq!(e["range"]["start"]["line"], 6, "{a}");
    // Apply it: the slip is gone.
    let fig = text2
        .find("100.00万元，其中：人员经费60.00万元，公用经费30")
        .unwrap();
    let fixed = format!(
        "{}{}{}",
        &text2[..fig],
        e["newText"].as_str().unwrap(),
        &text2[fig + "100.00".len()..]
    );
    assert!(fresh(&mut c, "fix-fresh.txt", &fixed).is_empty(), "{fixed}");
    assert_eq!(c.finish().code(), Some(0));
}

/// PASSING CHECK: a settings change (rule off, then on) is never answered `unchanged`.
#[test]
fn ok_config_change_is_not_unchanged() {
    let mut c = pull_client(false);
    let u = uri("config.txt");
    let text = format!("{A}{B}");
    c.open(&u, &text, 1);
    let r1 = pull(&mut c, &u, None);
    assert_eq!(items(&r1).len(), 1);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"rules": {"sum-mismatch": false}}}}),
    );
    let r2 = pull(&mut c, &u, Some(&r1["resultId"]));
    assert_eq!(items(&r2), Vec::<Value>::new());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"rules": {"sum-mismatch": "warning"}}}}),
    );
    let r3 = pull(&mut c, &u, Some(&r2["resultId"]));
    let d = items(&r3);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["severity"], 2, "{r3}");
    assert_eq!(c.finish().code(), Some(0));
}

/// PASSING CHECK: close and reopen with other text under the same URI, and a second document
/// with the same text: ids never cross.
#[test]
fn ok_close_reopen_and_two_documents() {
    let mut c = pull_client(false);
    let u = uri("reopen.txt");
    let v = uri("twin.txt");
    let text = format!("{A}{B}");
    c.open(&u, &text, 1);
    c.open(&v, &text, 1);
    let ru = pull(&mut c, &u, None);
    let rv = pull(&mut c, &v, None);
    assert_ne!(ru["resultId"], rv["resultId"]);
    // The other document's id names another set.
    let cross = pull(&mut c, &v, Some(&ru["resultId"]));
    assert_eq!(cross["kind"], "full", "{cross}");
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    let other = format!("{B}{A}").replace("40.00万元。", "41.00万元。");
    c.open(&u, &other, 1);
    let r = pull(&mut c, &u, Some(&ru["resultId"]));
    assert_eq!(items(&r), fresh(&mut c, "reopen-fresh.txt", &other));
    assert_eq!(items(&r).len(), 2);
    // Reopened with the same text: any answer but a wrong one.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    c.open(&u, &text, 1);
    let r = pull(&mut c, &u, Some(&r["resultId"]));
    assert_eq!(items(&r), fresh(&mut c, "reopen-fresh2.txt", &text));
    // The twin, untouched throughout: unchanged.
    let rv2 = pull(&mut c, &v, Some(&rv["resultId"]));
    assert_eq!(rv2["kind"], "unchanged", "{rv2}");
    assert_eq!(c.finish().code(), Some(0));
}

/// PASSING CHECK: edits that make and unmake report boundaries (a title typed in the middle of
/// 乙局, then broken), with the slip's report changing, give what a fresh open gives.
#[test]
fn ok_titles_typed_and_broken() {
    let mut c = pull_client(false);
    let u = uri("titles.txt");
    let mut text = format!("{A}{B}");
    c.open(&u, &text, 1);
    let first = pull(&mut c, &u, None);
    let mut id = first["resultId"].clone();
    let mut held = items(&first);
    let steps: Vec<(usize, usize, &str)> = vec![
        (
            A.len() + B.find('\n').unwrap() + 1,
            0,
            "丙局2023年度部门决算说明\n",
        ),
        (A.len() - 1, 1, ""),
        (A.len() - 1, 0, "\r\n"),
        (0, 0, "丁局2023年度部门决算说明\n基本支出100.00万元。\n"),
        (3, 6, "x"),
    ];
    for (i, (s, del, new)) in steps.into_iter().enumerate() {
        let e = s + del;
        c.change(
            &u,
            i as i64 + 2,
            range(pos(&text, s, false), pos(&text, e, false)),
            new,
        );
        text.replace_range(s..e, new);
        let r = pull(&mut c, &u, Some(&id));
        let want = fresh(&mut c, &format!("titles-fresh-{i}.txt"), &text);
        if r["kind"] == "unchanged" {
            // Then the set the client holds must be the set of the new text.
            assert_eq!(held, want, "step {i}: unchanged, wrongly: {text:?}");
        } else {
            held = items(&r);
            assert_eq!(held, want, "step {i}: {text:?}");
            id = r["resultId"].clone();
        }
    }
    assert_eq!(c.finish().code(), Some(0));
}

/// BUG (pull, settings). Input: a pull client (no `workspace/diagnostic/refresh` support) asks
/// `textDocument/diagnostic` for a large bundle with one slip, and while the analysis runs a
/// `didChangeConfiguration` changes `assumedUnit` (an option that changes what is read).
/// Happens: `snapshot()` finds the options changed after its job and returns `None`
/// (server.rs, "Made with options changed meanwhile: stale"), and `diagnostic()` turns `None`
/// into a FULL report with NO items (server.rs, `let Some(snap) = … else { return
/// Ok(full(Vec::new(), None)) }`): the client is told the document is clean and, without refresh
/// support, keeps that until the next edit. Should: the findings, or the same "ask again" error
/// (-32802 with `retriggerRequest`) given when an edit made the result stale.
#[test]
fn pull_racing_an_options_change_is_not_answered_clean() {
    let mut hits = 0;
    for round in 0..5 {
        let mut c = pull_client(false);
        let (u, id) = pull_a_large_bundle(&mut c, &format!("race-{round}.txt"));
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"suanpan": {"assumedUnit": if round % 2 == 0 { "万元" } else { "元" }}}}),
        );
        let r = c.response(id);
        let retrigger = r["error"]["data"]["retriggerRequest"] == true;
        let n = r["result"]["items"].as_array().map_or(0, Vec::len);
        if !retrigger && n == 0 {
            hits += 1;
            eprintln!("round {round}: answered clean: {r}");
        }
        // Asked again, the slip is there.
        let again = pull(&mut c, &u, None);
        assert_eq!(again["items"].as_array().unwrap().len(), 1, "{again}");
        assert_eq!(c.finish().code(), Some(0));
    }
    assert_eq!(
        hits, 0,
        "{hits} of 5 pulls were answered with an empty full report"
    );
}

/// PASSING CHECK, the control of the test above: the same pull, racing a settings change that
/// changes nothing, gets the slip.
#[test]
fn ok_pull_racing_a_no_op_settings_change() {
    let mut c = pull_client(false);
    let (_, id) = pull_a_large_bundle(&mut c, "race-control.txt");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {}}}),
    );
    let r = c.response(id);
    assert_eq!(
        r["result"]["items"].as_array().map_or(0, Vec::len),
        1,
        "{r}"
    );
    assert_eq!(c.finish().code(), Some(0));
}

/// PASSING CHECK. Pulls are answered by `src/lsp/ordered.rs`, not by tower-lsp-server, and must
/// follow the session as its requests do: a pull cancelled while its analysis runs is answered
/// `RequestCancelled` (-32800) and the next one in full; a pull sent right behind `shutdown`,
/// before its answer, is refused (-32600) as any request is.
#[test]
fn ok_pulls_are_cancelled_and_refused_after_shutdown() {
    let mut c = pull_client(false);
    let (u, id) = pull_a_large_bundle(&mut c, "cancel.txt");
    c.notify("$/cancelRequest", json!({ "id": id }));
    let r = c.response(id);
    assert_eq!(r["error"]["code"], -32800, "{r}");
    let again = pull(&mut c, &u, None);
    assert_eq!(again["items"].as_array().unwrap().len(), 1, "{again}");
    c.send_request("shutdown", Value::Null);
    let late = c.send_request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    let r = c.response(late);
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(0));
}

/// PASSING CHECK. Publications are written by the server itself, not through tower-lsp-server's
/// client, which drops notifications before `initialize`: a document opened before it (with a
/// slip, by a push client) publishes nothing before the answer to `initialize`, however long
/// the client waits to send it.
#[test]
fn ok_nothing_is_published_before_initialize() {
    let mut c = Client::spawn(false);
    c.open(&uri("early.txt"), B, 1);
    // Time to analyse it, before `initialize` is sent.
    c.settle(300);
    let r = c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    assert!(
        c.notes
            .iter()
            .all(|n| n["method"] != "textDocument/publishDiagnostics"),
        "{:#?}",
        c.notes
    );
    c.notify("initialized", json!({}));
    assert_eq!(c.finish().code(), Some(0));
}
