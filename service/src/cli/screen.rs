//! `imvo screen`: one application, screened and explained.

use chrono::NaiveDate;
use imvo_engine::render::explain;
use imvo_engine::{Application, screen};

use super::error::{Failure, exit, input_failure};
use super::{Cli, policy_set, read_input};

/// Screens the application in `file` (`-` for stdin) and prints the decision.
pub(super) fn run(cli: &Cli, file: &str, as_of: Option<NaiveDate>) -> Result<u8, Failure> {
    let text = read_input(file)?;
    let app = Application::parse(&text).map_err(|e| input_failure(file, &e))?;
    let set = policy_set(cli)?;
    let decision = screen(&set, &app, as_of.unwrap_or(app.application_date));
    if cli.json {
        outln!("{}", decision.to_json_pretty())?;
    } else {
        out!("{}", explain(&decision, Some(&set), cli.lang))?;
    }
    Ok(exit::OK)
}
