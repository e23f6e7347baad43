//! Runs the shared parity cases (`tests/form-parity.json`) against the validator. A client
//! runs the same file against its own checks; both must give exactly these verdicts.

use kabinet_api::validate_answers;

use crate::parity_set::{Verdict, parity_set};

#[test]
fn the_validator_gives_every_shared_verdict() {
    let set = parity_set();
    let today = kabinet_api::checks::parse_date(&set.today).expect("`today` is a date");
    assert!(set.cases.len() >= 50, "the set covers every check from several sides");

    let mut failures = Vec::new();
    for case in &set.cases {
        let form = &set.forms[&case.form];
        let verdict: Vec<Verdict> = validate_answers(form, &case.answers, today)
            .expect("the parity forms are valid schemas")
            .into_iter()
            .map(|problem| Verdict::new(problem.field, problem.code))
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
