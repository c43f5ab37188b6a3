//! Writes generated budget-disclosure documents to disk (for benchmarks and manual review).
//!
//!     cargo run --example gen -- --seed N --count K --size BYTES --out DIR [--errors E]
//!
//! Each document goes to `DIR/gen_<seed>.txt`, with its injected errors listed in
//! `DIR/gen_<seed>.expected.tsv` (line (1-based), acceptable rules, kind, family, note).
//! `--size` concatenates departments until the file reaches that many bytes (40000, 1000000,
//! 10000000 for the benchmarks); without it each file is one department.

#[path = "../tests/gen/mod.rs"]
mod gen;

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let mut seed = 1u64;
    let mut count = 1usize;
    let mut size: Option<usize> = None;
    let mut out = PathBuf::from(".");
    let mut errors = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next().unwrap_or_else(|| {
                eprintln!("gen: {a} needs a value");
                std::process::exit(2)
            })
        };
        let num = |s: String| -> u64 {
            s.parse().unwrap_or_else(|_| {
                eprintln!("gen: not a number: {s}");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--seed" => seed = num(val()),
            "--count" => count = num(val()) as usize,
            "--size" => size = Some(num(val()) as usize),
            "--out" => out = PathBuf::from(val()),
            "--errors" => errors = num(val()) as usize,
            _ => {
                eprintln!("usage: gen --seed N --count K [--size BYTES] [--errors E] --out DIR");
                std::process::exit(2);
            }
        }
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("gen: cannot create {}: {e}", out.display());
        std::process::exit(2);
    }
    for i in 0..count as u64 {
        let s = seed + i;
        let opts = gen::Options {
            errors,
            target_bytes: size,
        };
        let d = gen::generate(s, &opts);
        let mut tsv = String::from("line\trules\tkind\tfamily\tnote\n");
        for e in &d.expected {
            let _ = writeln!(
                tsv,
                "{}\t{}\t{}\t{}\t{}",
                e.line + 1,
                e.rule_ids.join(","),
                e.kind,
                e.family,
                e.note
            );
        }
        let base = out.join(format!("gen_{s}"));
        let write = |ext: &str, body: &str| {
            let p = base.with_extension(ext);
            if let Err(e) = std::fs::write(&p, body) {
                eprintln!("gen: cannot write {}: {e}", p.display());
                std::process::exit(2);
            }
        };
        write("txt", &d.text);
        write("expected.tsv", &tsv);
        println!(
            "{}\t{} bytes\t{} parts\t{} errors",
            base.with_extension("txt").display(),
            d.text.len(),
            d.parts,
            d.expected.len()
        );
    }
}
