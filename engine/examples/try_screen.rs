//! Screens one application file with the policies in `./policies` and prints the decision JSON.
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let set = match imvo_engine::PolicySet::load(Path::new("policies")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(3);
        }
    };
    let text = std::fs::read_to_string(args.get(1).map_or("examples/gas-plant-id-2022.json", String::as_str)).unwrap_or_default();
    match imvo_engine::Application::parse(&text) {
        Ok(app) => println!("{}", imvo_engine::screen(&set, &app, app.application_date).to_json_pretty()),
        Err(e) => eprintln!("{e}"),
    }
}
