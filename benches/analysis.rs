//! Engine benchmarks (issue 5), on documents from the generator at 40 KB, 1 MB and 10 MB:
//!
//! - `full/<size>`: `suanpan::analyze` of the whole document, in MB/s (decimal megabytes): the
//!   findings and every view the IDE shows (amounts, relations, outline) in one `Analysis`, and
//!   its drop;
//! - `check/<size>`: `suanpan::findings`, the same analysis keeping only the findings — what
//!   `suanpan check` runs;
//! - `regex_floor/<size>`: a plain `regex` pass that only finds every number — the floor any
//!   analysis must pay; the ratio of the two is reported in docs/performance.md;
//! - `keystroke/<edit>/<size>`: one keystroke applied to an analysed
//!   `suanpan::incremental::Incremental` and the re-analysis that follows — what the server does
//!   per keystroke (it re-reads only the report the edit touches, and of it only the paragraphs
//!   and lines the edit changed). Edits: a digit inserted
//!   inside a number, a character inserted in a narrative paragraph, a table row deleted — each
//!   near the middle.
//!
//! ```text
//! cargo bench --bench analysis                         # all sizes
//! SUANPAN_BENCH_SIZES=40k,1m cargo bench --bench analysis
//! ```
//!
//! The documents are generated in memory (seed 7, 2 injected errors per department), the same
//! as `cargo run --release --example gen -- --seed 7 --count 1 --size BYTES --errors 2`.

#[path = "../tests/gen/mod.rs"]
#[allow(unused_imports)] // tests/gen/num.rs has a test module importing `super::*`
mod gen;

use std::hint::black_box;

// Measured with the allocator the binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use regex::Regex;
use suanpan::incremental::Incremental;
use suanpan::Span;

const SEED: u64 = 7;
const ERRORS_PER_PART: usize = 2;

/// The sizes to run, from `SUANPAN_BENCH_SIZES` (`40k,1m,10m` by default).
fn sizes() -> Vec<(&'static str, usize)> {
    let all = [("40k", 40_000), ("1m", 1_000_000), ("10m", 10_000_000)];
    let wanted = std::env::var("SUANPAN_BENCH_SIZES").unwrap_or_else(|_| "40k,1m,10m".into());
    all.into_iter()
        .filter(|(name, _)| wanted.split(',').any(|w| w.trim() == *name))
        .collect()
}

fn document(bytes: usize) -> String {
    gen::generate_big(SEED, bytes, ERRORS_PER_PART).text
}

/// The plain number-finding pass: what any analysis must at least do.
fn count_numbers(re: &Regex, text: &str) -> usize {
    re.find_iter(text).count()
}

/// Start of the first line at or after `from` that satisfies `pred`, with that line's end.
fn line_after(
    text: &str,
    from: usize,
    pred: impl Fn(&str, &str) -> bool,
) -> Option<(usize, usize)> {
    let mut start = text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
    let mut prev = "";
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        if pred(prev, line) {
            return Some((start, end));
        }
        prev = line;
        start = end + 1;
    }
    None
}

/// A keystroke: its name, the bytes it replaces and what it types.
type Edit = (&'static str, usize, usize, &'static str);

fn edits(text: &str) -> Vec<Edit> {
    let mid = (text.len() / 2..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let mut out: Vec<Edit> = Vec::new();
    // A digit inside a number: between the first two digits of a number with at least 3 digits.
    let num = Regex::new(r"[0-9]{3,}").expect("regex");
    if let Some(m) = num.find_at(text, mid) {
        let at = m.start() + 1;
        out.push(("digit_in_number", at, at, "7"));
    }
    // A character in a narrative paragraph: after the first 。 of a long prose line (no table
    // separators), so no figure is touched.
    if let Some((s, e)) = line_after(text, mid, |_, l| {
        l.chars().count() > 30 && !l.contains(['|', '\t']) && l.contains('。')
    }) {
        let at = s + text[s..e].find('。').map_or(0, |i| i + '。'.len_utf8());
        out.push(("char_in_paragraph", at, at, "的"));
    }
    // A table row: a body row of a Markdown table (or of a tab-separated one).
    let row = |prev: &str, l: &str| {
        let body = |x: &str, sep: char| {
            x.contains(sep) && x.contains(|c: char| c.is_ascii_digit()) && !x.contains("---")
        };
        (l.starts_with('|') && prev.starts_with('|') && body(l, '|'))
            || (!l.starts_with('|') && body(l, '\t') && prev.contains('\t'))
    };
    if let Some((s, e)) = line_after(text, mid, row) {
        let end = (e + 1).min(text.len());
        out.push(("delete_table_row", s, end, ""));
    }
    out
}

fn benches(c: &mut Criterion) {
    let number_re = Regex::new(r"[0-9]+(?:[.,，][0-9]+)*").expect("regex");
    for (name, bytes) in sizes() {
        let text = document(bytes);
        let big = bytes >= 1_000_000;

        // Warmed up for 2 s on the large documents (criterion's default is 3 s): the first
        // analyses of a 10 MB bundle in a process run 15-50% slower (the threads' heaps are
        // paged in, lazy tables built), and with 10 samples of one analysis each they would
        // weigh on the mean.
        let warm_up = Duration::from_millis(if big { 2_000 } else { 500 });
        let mut g = c.benchmark_group("full");
        g.throughput(Throughput::BytesDecimal(text.len() as u64));
        g.sample_size(10);
        g.warm_up_time(warm_up);
        g.measurement_time(Duration::from_secs(if big { 1 } else { 3 }));
        g.bench_function(name, |b| b.iter(|| suanpan::analyze(black_box(&text))));
        g.finish();

        // What `suanpan check` runs: the same analysis, keeping only the findings.
        let mut g = c.benchmark_group("check");
        g.throughput(Throughput::BytesDecimal(text.len() as u64));
        g.sample_size(10);
        g.warm_up_time(warm_up);
        g.measurement_time(Duration::from_secs(if big { 1 } else { 3 }));
        let options = suanpan::Options::default();
        g.bench_function(name, |b| {
            b.iter(|| suanpan::findings(black_box(&text), &options))
        });
        g.finish();

        let mut g = c.benchmark_group("regex_floor");
        g.throughput(Throughput::BytesDecimal(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| count_numbers(&number_re, black_box(&text)))
        });
        g.finish();

        let mut analysed = Incremental::new(&text, suanpan::Options::default());
        analysed.analyze();
        for (edit, start, end, typed) in edits(&text) {
            let mut g = c.benchmark_group(format!("keystroke/{edit}"));
            g.sample_size(10);
            g.warm_up_time(Duration::from_millis(500));
            g.measurement_time(Duration::from_secs(3));
            g.bench_function(name, |b| {
                b.iter_batched(
                    // Each keystroke typed for the first time: a clone would share the
                    // paragraphs the previous iterations read.
                    || analysed.detached(),
                    |mut inc| {
                        inc.edit(Span::new(start, end), typed);
                        inc.analyze();
                        inc
                    },
                    BatchSize::SmallInput,
                )
            });
            g.finish();
        }
    }
}

criterion_group!(analysis, benches);
criterion_main!(analysis);
