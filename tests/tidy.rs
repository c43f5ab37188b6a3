//! Tidy: the architecture invariants that a reader of the code relies on, checked on the tree.
//!
//! - every source file starts with a `//!` comment saying what it is;
//! - only `src/lsp/` knows the LSP crate and tokio (the engine and `ide` know no protocol);
//! - money is never a float in the engine;
//! - every rule has its own file, documented, with a firing and a silent test.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source tree") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        let d = root.join(dir);
        if d.is_dir() {
            rust_files(&d, &mut files);
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
            (rel, fs::read_to_string(&p).expect("UTF-8 source"))
        })
        .collect()
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path)
        .collect();
    assert!(missing.is_empty(), "files without a leading //! doc: {missing:?}");
}

#[test]
fn only_the_lsp_layer_knows_the_protocol() {
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| path.starts_with("src/") && !path.starts_with("src/lsp/"))
        .filter(|(_, text)| {
            text.lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//") && (l.contains("tower_lsp_server") || l.contains("ls_types") || l.contains("tokio::"))
            })
        })
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "protocol types outside src/lsp/: {offenders:?}");
}

#[test]
fn the_engine_has_no_floats() {
    let engine = ["src/extract/", "src/relate.rs", "src/interval.rs", "src/facts.rs", "src/table.rs", "src/rules/", "src/canon.rs", "src/engine.rs"];
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| engine.iter().any(|e| path.starts_with(e)))
        .filter(|(_, text)| text.lines().any(|l| !l.trim_start().starts_with("//") && (l.contains("f64") || l.contains("f32"))))
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "floats in the engine: {offenders:?}");
}

#[test]
fn every_rule_has_its_file_its_doc_and_both_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in suanpan::rules::RULES {
        let file = root.join("src/rules").join(format!("{}.rs", rule.id.replace('-', "_")));
        let text = fs::read_to_string(&file).unwrap_or_else(|_| panic!("{}: no file {}", rule.id, file.display()));
        let doc = rule.doc();
        for section in ["**What it checks.**", "**Why.**", "**Example.**", "**Fix safety.**"] {
            assert!(doc.contains(section), "{}: documentation lacks {section}", rule.id);
        }
        assert!(text.contains("fn fires"), "{}: no firing test", rule.id);
        assert!(text.contains("fn silent"), "{}: no silent test", rule.id);
    }
}
