//! `imvo screen`: one application, screened and explained; `imvo letter`: the letter to its
//! applicant.

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

/// Screens the application in `file` and prints the letter to its applicant.
pub(super) fn letter(
    cli: &Cli,
    file: &str,
    as_of: Option<NaiveDate>,
    date: Option<NaiveDate>,
    html: bool,
) -> Result<u8, Failure> {
    let text = read_input(file)?;
    let app = Application::parse(&text).map_err(|e| input_failure(file, &e))?;
    let set = policy_set(cli)?;
    let decision = screen(&set, &app, as_of.unwrap_or(app.application_date));
    let date = date.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let l = imvo_engine::letter::letter(&app, &decision, Some(&set), cli.lang, date);
    if html {
        out!("{}", l.to_html())?;
    } else {
        out!("{}", l.to_markdown())?;
    }
    Ok(exit::OK)
}
