//! Development aid: print what the engine read from a report — statements, lists, checks.
//! `cargo run --example dump -- REPORT [LINE]` (only the given 1-based line's items).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: dump REPORT [LINE]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let line = args.get(2).and_then(|l| l.parse::<usize>().ok());
    print!("{}", suanpan::debug_dump(&text, line));
}
