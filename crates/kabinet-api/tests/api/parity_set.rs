//! The shared parity cases (`crates/kabinet-api/tests/form-parity.json`) as tests read them.
//! The validator's, the sandbox's and the app's tests include this one file by path, so that
//! all three read the same cases the same way.

// Each including test uses only part of it.
#![allow(dead_code)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The whole file: the day the dates are judged on, the forms, and the cases.
#[derive(Deserialize)]
pub struct ParitySet {
    pub today: String,
    pub forms: Map<String, Value>,
    pub cases: Vec<Case>,
}

/// Answers to one of the forms and the problems every side must find in them, in order.
#[derive(Deserialize)]
pub struct Case {
    pub name: String,
    pub form: String,
    pub answers: Map<String, Value>,
    pub problems: Vec<Verdict>,
}

/// One problem: the field and the problem's code as the wire spells it.
#[derive(Debug, PartialEq, Deserialize)]
pub struct Verdict {
    pub field: String,
    pub code: String,
}

impl Verdict {
    /// A problem of `field` with `code`, a problem-code enum of any side.
    pub fn new(field: String, code: impl Serialize) -> Self {
        let code = serde_json::to_value(code).expect("a code serialises");
        Self { field, code: code.as_str().expect("a code is a string").to_owned() }
    }
}

/// Reads the file.
pub fn parity_set() -> ParitySet {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../kabinet-api/tests/form-parity.json");
    let text = std::fs::read_to_string(path).expect("the parity file is committed");
    serde_json::from_str(&text).expect("the parity file parses")
}

/// Parity form `code` offered as a service without attachments, so that only the form decides.
pub fn as_service(code: &str, form: &Value) -> kabinet_api::Service {
    kabinet_api::Service {
        code: format!("parity-{code}"),
        title: "Проверка общих правил".to_owned(),
        department: "Тест".to_owned(),
        description: "Форма общего набора проверок".to_owned(),
        fee_kopecks: 0,
        processing_days: 1,
        form: form.clone(),
        attachments: Vec::new(),
    }
}

/// The day of the set at noon in UTC, which is the same day in Moscow, the portal's time zone.
pub fn noon_of(set: &ParitySet) -> time::OffsetDateTime {
    let day = kabinet_api::checks::parse_date(&set.today).expect("`today` is a date");
    day.with_hms(12, 0, 0).expect("noon is a time").assume_utc()
}
