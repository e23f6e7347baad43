//! Runs the shared parity cases (`tests/form-parity.json`) against the validator. A client
//! runs the same file against its own checks; both must give exactly these verdicts.

use kabinet_api::validate_answers;
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct ParitySet {
    today: String,
    forms: Map<String, Value>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    form: String,
    answers: Map<String, Value>,
    problems: Vec<Expected>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Expected {
    field: String,
    code: String,
}

fn parity_set() -> ParitySet {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/form-parity.json");
    let text = std::fs::read_to_string(path).expect("the parity file is committed");
    serde_json::from_str(&text).expect("the parity file parses")
}

#[test]
fn the_validator_gives_every_shared_verdict() {
    let set = parity_set();
    let today = kabinet_api::checks::parse_date(&set.today).expect("`today` is a date");
    assert!(set.cases.len() >= 50, "the set covers every check from several sides");

    let mut failures = Vec::new();
    for case in &set.cases {
        let form = &set.forms[&case.form];
        let verdict: Vec<Expected> = validate_answers(form, &case.answers, today)
            .expect("the parity forms are valid schemas")
            .into_iter()
            .map(|problem| Expected {
                field: problem.field,
                code: serde_json::to_value(problem.code).unwrap().as_str().unwrap().to_owned(),
            })
            .collect();
        if verdict != case.problems {
            failures.push(format!("{}: expected {:?}, got {verdict:?}", case.name, case.problems));
        }
    }
    assert!(failures.is_empty(), "client and portal would disagree:\n{}", failures.join("\n"));
}

#[test]
fn case_names_are_unique_so_a_failure_points_at_one_case() {
    let set = parity_set();
    let mut names: Vec<&str> = set.cases.iter().map(|case| case.name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "two cases share a name");
}
