//! End-to-end tests of the real `suanpan` binary: exit codes, the JSON and SARIF output contract
//! (`docs/cli.md`), applying a JSON fix, I/O errors (missing file, bad UTF-8), `explain`, usage
//! errors, and CRLF line endings.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_suanpan");

/// A `基本支出` that is not the sum of its two parts (an error), after a 𠮷 (two UTF-16 units).
const SUM_SLIP: &str = "𠮷基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。\n";
/// A minus sign after 减少, with a safe fix; 𠮷 before it on the same line.
const SIGN_SLIP: &str = "说明\n𠮷收、支总计1,000.00万元，比上年减少-50.00万元，下降4.8%。\n";
/// Consistent figures: nothing to report.
const CLEAN: &str = "基本支出100.00万元，其中：人员经费60.00万元，公用经费40.00万元。\n";
/// Only a warning: an amount without its unit.
const WARNING_ONLY: &str = "基本支出5,216,890.12元，年初预算5,300,000.00元，减少83,109.88。\n";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn suanpan(args: &[&str]) -> Out {
    let out = Command::new(BIN).args(args).output().expect("run suanpan");
    Out {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suanpan-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p.to_str().expect("UTF-8 path").to_string()
}

fn json(args: &[&str]) -> (i32, Value) {
    let out = suanpan(args);
    let v = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", out.stdout));
    (out.code, v)
}

fn diagnostics(v: &Value, file: usize) -> &Vec<Value> {
    v["files"][file]["diagnostics"]
        .as_array()
        .expect("diagnostics array")
}

/// Byte offset of an LSP position (0-based line, UTF-16 column) in `text`.
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().expect("line") as usize;
    let col = pos["character"].as_u64().expect("character") as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units == col {
            return start + i;
        }
        assert!(units < col, "position inside a surrogate pair");
        units += c.len_utf16();
    }
    assert_eq!(units, col, "position past the end of the text");
    text.len()
}

/// Apply a JSON fix's edits (from the last to the first, so earlier offsets stay valid).
fn apply(text: &str, fix: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = fix["edits"]
        .as_array()
        .expect("edits")
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().expect("newText").to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

fn rules_and_lines(v: &Value) -> Vec<(String, u64, u64)> {
    let mut out: Vec<_> = diagnostics(v, 0)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_string(),
                d["range"]["start"]["line"].as_u64().expect("line"),
                d["range"]["start"]["character"]
                    .as_u64()
                    .expect("character"),
            )
        })
        .collect();
    out.sort();
    out
}

/// A panic in the analysis of one file (a bug; forced here with `SUANPAN_DEBUG`) does not
/// reach the user: a clear error names the file, the other files are checked and reported, and
/// the exit status is 2.
#[test]
fn a_panic_in_one_file_is_an_error_for_that_file_only() {
    let dir = scratch("panic");
    let bad = write(&dir, "bad.txt", b"<<suanpan-debug-panic>>\n");
    let slip = write(&dir, "slip.txt", SUM_SLIP.as_bytes());
    let out = Command::new(BIN)
        .args(["check", &bad, &slip])
        .env("SUANPAN_DEBUG", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run suanpan");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("error[sum-mismatch]"), "{stdout}");
    assert!(
        stderr.contains("bad.txt: suanpan failed while checking this file"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked at"), "{stderr}");
}

#[test]
fn exit_status_is_0_clean_1_error_0_warning_only_2_io() {
    let dir = scratch("exit");
    let clean = write(&dir, "clean.txt", CLEAN.as_bytes());
    let slip = write(&dir, "slip.txt", SUM_SLIP.as_bytes());
    let warn = write(&dir, "warn.txt", WARNING_ONLY.as_bytes());
    let missing = dir.join("missing.txt");

    let out = suanpan(&["check", &clean]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("未发现问题"), "{}", out.stdout);

    let out = suanpan(&["check", &slip]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("error[sum-mismatch]"), "{}", out.stdout);

    let out = suanpan(&["check", &warn]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("warning[number-format]"),
        "{}",
        out.stdout
    );

    let out = suanpan(&["check", missing.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    // An I/O error wins over findings in the other files.
    let out = suanpan(&["check", &slip, missing.to_str().unwrap()]);
    assert_eq!(out.code, 2);
}

#[test]
fn json_follows_the_contract_with_utf16_positions() {
    let dir = scratch("json");
    let slip = write(&dir, "slip.txt", SUM_SLIP.as_bytes());
    let (code, v) = json(&["check", "--format", "json", &slip]);
    assert_eq!(code, 1);
    assert_eq!(v["version"], 1);
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], slip.as_str());

    let diags = diagnostics(&v, 0);
    assert_eq!(diags.len(), 1, "{v:#}");
    let d = &diags[0];
    assert_eq!(d["rule"], "sum-mismatch");
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().expect("message").contains("100.00"));
    // 𠮷 is two UTF-16 units, 基本支出 four: “100.00万元” starts at 6 (a char index would say 5).
    assert_eq!(
        d["range"],
        serde_json::json!({"start": {"line": 0, "character": 6}, "end": {"line": 0, "character": 14}})
    );
    assert_eq!(
        &SUM_SLIP[offset(SUM_SLIP, &d["range"]["start"])..offset(SUM_SLIP, &d["range"]["end"])],
        "100.00万元"
    );

    let related = d["related"].as_array().expect("related");
    assert_eq!(related.len(), 2);
    for r in related {
        assert!(r["message"].is_string());
        let s = offset(SUM_SLIP, &r["range"]["start"]);
        let e = offset(SUM_SLIP, &r["range"]["end"]);
        assert!(SUM_SLIP[s..e].ends_with("万元"), "{}", &SUM_SLIP[s..e]);
    }

    let fixes = d["fixes"].as_array().expect("fixes");
    assert!(!fixes.is_empty());
    for fx in fixes {
        assert!(fx["title"].is_string());
        assert!(matches!(
            fx["applicability"].as_str(),
            Some("safe" | "unsafe")
        ));
        for e in fx["edits"].as_array().expect("edits") {
            assert!(e["newText"].is_string());
            for end in ["start", "end"] {
                assert!(e["range"][end]["line"].is_u64());
                assert!(e["range"][end]["character"].is_u64());
            }
        }
    }
}

#[test]
fn applying_a_json_fix_removes_the_finding() {
    let dir = scratch("fix");
    for (name, text, rule) in [
        ("sign.txt", SIGN_SLIP, "sign-after-direction"),
        ("sum.txt", SUM_SLIP, "sum-mismatch"),
    ] {
        let path = write(&dir, name, text.as_bytes());
        let (_, v) = json(&["check", "--format", "json", &path]);
        let d = diagnostics(&v, 0)
            .iter()
            .find(|d| d["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {v:#}"));
        let fixed = apply(text, &d["fixes"][0]);
        assert_ne!(fixed, text);
        std::fs::write(&path, &fixed).expect("write fixed");
        let (code, v) = json(&["check", "--format", "json", &path]);
        assert!(
            diagnostics(&v, 0).iter().all(|d| d["rule"] != rule),
            "{rule} still reported after its fix:\n{fixed}\n{v:#}"
        );
        assert_eq!(code, 0, "{fixed}\n{v:#}");
    }
    // The safe fix deletes exactly the minus sign, after the 𠮷.
    let path = write(&dir, "sign2.txt", SIGN_SLIP.as_bytes());
    let (_, v) = json(&["check", "--format", "json", &path]);
    let d = &diagnostics(&v, 0)[0];
    assert_eq!(d["fixes"][0]["applicability"], "safe");
    assert_eq!(
        apply(SIGN_SLIP, &d["fixes"][0]),
        SIGN_SLIP.replace("减少-50.00", "减少50.00")
    );
}

#[test]
fn sarif_has_the_2_1_0_shape() {
    let dir = scratch("sarif");
    let slip = write(&dir, "slip.txt", SUM_SLIP.as_bytes());
    let (code, v) = json(&["check", "--format", "sarif", &slip]);
    assert_eq!(code, 1);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().expect("$schema").contains("sarif"));
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "suanpan");
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 10);
    for r in rules {
        assert!(r["id"].is_string());
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["help"]["text"].is_string());
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    let res = &results[0];
    assert_eq!(res["ruleId"], "sum-mismatch");
    assert_eq!(res["level"], "error");
    let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[idx]["id"], "sum-mismatch");
    assert!(res["message"]["text"].is_string());
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], slip.as_str());
    // 1-based lines and UTF-16 columns.
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 7);
    assert_eq!(loc["region"]["endColumn"], 15);
    let change = &res["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], slip.as_str());
    assert!(change["replacements"][0]["deletedRegion"]["startLine"].is_u64());
    assert!(change["replacements"][0]["insertedContent"]["text"].is_string());
}

#[test]
fn a_missing_file_is_one_line_on_stderr_and_the_others_are_still_checked() {
    let dir = scratch("missing");
    let slip = write(&dir, "a.txt", SUM_SLIP.as_bytes());
    let clean = write(&dir, "c.txt", CLEAN.as_bytes());
    let missing = dir.join("no-such-report.txt");
    let missing = missing.to_str().unwrap();

    let out = suanpan(&["check", &slip, missing, &clean]);
    assert_eq!(out.code, 2);
    let lines: Vec<_> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(lines[0].contains(missing), "{}", out.stderr);
    assert!(out.stdout.contains("error[sum-mismatch]"), "{}", out.stdout);
    assert!(out.stdout.contains("2 个文件"), "{}", out.stdout);

    let (code, v) = json(&["check", "--format", "json", &slip, missing, &clean]);
    assert_eq!(code, 2);
    let paths: Vec<_> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, [slip.clone(), clean.clone()]);
    assert_eq!(diagnostics(&v, 0).len(), 1);
}

#[test]
fn a_non_utf8_file_is_named_with_its_byte_offset() {
    let dir = scratch("utf8");
    let mut bytes = "基本支出".as_bytes().to_vec(); // 12 bytes
    bytes.extend_from_slice(&[0xB0, 0xA1]); // “啊” in GB2312: not UTF-8
    bytes.extend_from_slice("100.00万元。\n".as_bytes());
    let bad = write(&dir, "gbk.txt", &bytes);
    let clean = write(&dir, "clean.txt", CLEAN.as_bytes());

    let out = suanpan(&["check", &bad, &clean]);
    assert_eq!(out.code, 2);
    let lines: Vec<_> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(lines[0].contains(&bad), "{}", out.stderr);
    assert!(lines[0].contains("byte 12"), "{}", out.stderr);
    assert!(out.stdout.contains("1 个文件"), "{}", out.stdout);
}

#[test]
fn explain_lists_the_rules_and_prints_one() {
    let out = suanpan(&["explain"]);
    assert_eq!(out.code, 0);
    let ids: Vec<_> = out
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        ids,
        [
            "sum-mismatch",
            "share-mismatch",
            "change-mismatch",
            "rate-mismatch",
            "direction-word",
            "sign-after-direction",
            "unit-scale",
            "value-mismatch",
            "table-formula",
            "number-format"
        ]
    );

    let out = suanpan(&["explain", "sum-mismatch"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("## sum-mismatch"), "{}", out.stdout);
    assert!(out.stdout.contains("What it checks"), "{}", out.stdout);
    assert!(out.stdout.contains("Fix safety"), "{}", out.stdout);

    let out = suanpan(&["explain", "no-such-rule"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("no-such-rule"), "{}", out.stderr);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check"][..],
        &[][..],
        &["check", "--format", "xml", "x.txt"][..],
        &["frobnicate"][..],
    ] {
        let out = suanpan(args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(!out.stderr.trim().is_empty(), "{args:?}");
    }
}

#[test]
fn crlf_gives_the_same_findings_as_lf() {
    let dir = scratch("crlf");
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus/06_justice_slips_yuan.txt");
    let lf = std::fs::read_to_string(src).expect("read corpus file");
    assert!(!lf.contains('\r'));
    let crlf = lf.replace('\n', "\r\n");
    let a = write(&dir, "lf.txt", lf.as_bytes());
    let b = write(&dir, "crlf.txt", crlf.as_bytes());
    let (ca, va) = json(&["check", "--format", "json", &a]);
    let (cb, vb) = json(&["check", "--format", "json", &b]);
    assert_eq!(ca, cb);
    let (fa, fb) = (rules_and_lines(&va), rules_and_lines(&vb));
    assert!(fa.len() >= 5, "{va:#}");
    assert_eq!(fa, fb);
    // Fix edits never swallow the \r.
    for d in diagnostics(&vb, 0) {
        for fx in d["fixes"].as_array().unwrap() {
            for e in fx["edits"].as_array().unwrap() {
                let s = offset(&crlf, &e["range"]["start"]);
                let t = offset(&crlf, &e["range"]["end"]);
                assert!(!crlf[s..t].contains('\r'), "{e}");
            }
        }
    }
}

/// A table without 单位 is read only when the user says which unit to assume.
#[test]
fn assume_unit_reads_tables_that_declare_none() {
    let dir = scratch("assume-unit");
    let report = "本年支出合计300.00万元。\n\n项目\t决算数\n本年支出合计\t310.00\n";
    let file = write(&dir, "report.txt", report.as_bytes());
    let (code, v) = json(&["check", "--format", "json", &file]);
    assert_eq!(code, 0, "no unit, no comparison: {v}");
    assert!(diagnostics(&v, 0).is_empty());

    let (_, v) = json(&["check", "--format", "json", "--assume-unit", "万元", &file]);
    let d = diagnostics(&v, 0);
    assert_eq!(d.len(), 1, "{v}");
    assert_eq!(d[0]["rule"], "value-mismatch");
    assert_eq!(d[0]["range"]["start"]["line"], 3);

    let out = suanpan(&["check", "--assume-unit", "美元", &file]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("元, 千元, 万元, 亿元"),
        "{}",
        out.stderr
    );
}
