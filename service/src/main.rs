//! `imvo`: screen applications, inspect policies, run golden scenarios, serve the HTTP API,
//! manage API keys and check the decision record. The commands are in `cli/`.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use serde_json::json;

#[macro_use]
mod cli;

use cli::{Cli, exit, run, stdout_written};

/// The rhai interpreter allocates for nearly every value it touches; mimalloc's thread-local
/// free lists take about a fifth off a screening and avoid glibc's arena lock between the batch
/// threads (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE_OR_IO
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let json = cli.json;
    // What is still buffered for stdout is written here, where a failure can be reported.
    let result = run(cli).and_then(|code| {
        stdout_written(std::io::stdout().lock().flush())?;
        Ok(code)
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if json {
                errln!(
                    "{}",
                    json!({"error": {"kind": f.kind, "message": f.message, "details": f.details}})
                );
            } else {
                errln!("imvo: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
