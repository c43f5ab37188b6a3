//! The `suanpan` binary: `check`, `lsp` and `explain`.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "suanpan",
    version,
    about = "算盘：部门决算/预算说明的算术检查器与语言服务器"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check reports and print every slip found (exit 1 if any is an error).
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The unit of tables that state none (元, 千元, 万元, 亿元); by default their bare
        /// figures are not read.
        #[arg(long, value_name = "UNIT", value_parser = parse_unit)]
        assume_unit: Option<u32>,
        /// Report files (UTF-8 .txt or .md).
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Run the language server on stdin/stdout.
    Lsp,
    /// Print a rule's documentation (or list the rules when none is given).
    Explain { rule: Option<String> },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check {
            format,
            files,
            assume_unit,
        } => {
            let format = match format {
                Format::Text => suanpan::cli::Format::Text,
                Format::Json => suanpan::cli::Format::Json,
                Format::Sarif => suanpan::cli::Format::Sarif,
            };
            let options = suanpan::Options {
                assumed_unit: assume_unit,
            };
            suanpan::cli::check(
                &files,
                format,
                &options,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            )
        }
        Command::Lsp => suanpan::lsp::serve(),
        Command::Explain { rule } => explain(rule.as_deref()),
    };
    ExitCode::from(code as u8)
}

fn parse_unit(s: &str) -> Result<u32, String> {
    suanpan::Options::parse_unit(s)?.ok_or_else(|| "give a unit: 元, 千元, 万元 or 亿元".into())
}

fn explain(rule: Option<&str>) -> i32 {
    match rule {
        None => {
            for r in suanpan::rules::RULES {
                println!("{:<22} {}", r.id, r.summary);
            }
            0
        }
        Some(id) => match suanpan::rules::RULES.iter().find(|r| r.id == id) {
            Some(r) => {
                println!("{}", r.doc());
                0
            }
            None => {
                eprintln!("error: no rule `{id}`; `suanpan explain` lists them");
                2
            }
        },
    }
}
