//! A service's form as a JSON Schema, and the one verdict on a set of answers that the client
//! and the portal share.
//!
//! A form is a JSON Schema object whose `properties` are the questions. The portal sends it in
//! the service catalog; the client renders it and checks answers locally with
//! [`validate_answers`], and the portal checks them again with the same function, so that
//! "Проверить" on the client finds exactly what the portal would refuse.
//!
//! Only a small part of JSON Schema is used, and a form that strays outside it is refused with
//! a [`SchemaError`] rather than half understood:
//!
//! - the root: `"type": "object"`, `properties`, `required`, `"additionalProperties": false`,
//!   and the custom `x-order`, the list of every property in the order the form shows them;
//! - a property: `"type"` of `string`, `integer` or `boolean`; `title` (the Russian label) and
//!   `description` (the hint); `minLength` and `maxLength` (counted in characters of the
//!   trimmed text); `minimum` and `maximum`; `enum`, or `oneOf` of `{const, title}` for
//!   options with labels; `"const": true` for a box that must be ticked; and the custom
//!   `x-check`, naming one of the shared [`Check`]s.
//!
//! The verdict lists every problem at once, at most one per field (the first check that
//! fails), in the form's order, followed by answers the form does not ask for in name order.
//! Text answers are judged trimmed; an empty or blank text and a JSON `null` count as no
//! answer.

use serde_json::{Map, Value};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::checks::Check;
use crate::problem::{FieldProblem, FieldProblemCode};

/// The portal's time zone (Moscow, UTC+3). "Today" in date checks is the date there, on both
/// sides, so that a birth date entered late in the evening gets the same verdict everywhere.
pub const PORTAL_UTC_OFFSET_HOURS: i8 = 3;

/// The portal's date at `now`, against which past and future dates are judged.
pub fn portal_date(now: OffsetDateTime) -> Date {
    let offset = UtcOffset::from_hms(PORTAL_UTC_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC);
    now.to_offset(offset).date()
}

/// Why a form schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The root is not an object schema with `properties`.
    #[error("the form is not an object schema with properties")]
    NotAnObjectSchema,
    /// A property has a `type` the forms do not use.
    #[error("field `{field}` has an unsupported type")]
    UnsupportedType {
        /// The property.
        field: String,
    },
    /// A property names a check that does not exist.
    #[error("field `{field}` names an unknown check `{check}`")]
    UnknownCheck {
        /// The property.
        field: String,
        /// The name in `x-check`.
        check: String,
    },
    /// A keyword has a value of the wrong kind (`maxLength: "ten"`, say).
    #[error("field `{field}` has a malformed `{keyword}`")]
    MalformedKeyword {
        /// The property, or an empty string for the root.
        field: String,
        /// The keyword.
        keyword: &'static str,
    },
    /// `required` names a property the form does not have.
    #[error("`required` names `{field}`, which the form does not have")]
    UnknownRequired {
        /// The name.
        field: String,
    },
    /// `x-order` does not list every property exactly once.
    #[error("`x-order` must list every property exactly once")]
    OrderMismatch,
}

/// The JSON type of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Flag,
}

/// One question of a form, as the validator needs it.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    title: String,
    kind: Kind,
    required: bool,
    must_be_true: bool,
    check: Option<Check>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    options: Option<Vec<Value>>,
}

/// A form schema, read and ready to judge answers.
#[derive(Debug, Clone)]
pub struct FormSchema {
    fields: Vec<Field>,
    closed: bool,
}

impl FormSchema {
    /// Reads a form schema.
    ///
    /// # Errors
    /// A [`SchemaError`] when the schema uses something outside the supported subset.
    pub fn parse(schema: &Value) -> Result<Self, SchemaError> {
        let root = schema.as_object().ok_or(SchemaError::NotAnObjectSchema)?;
        if root.get("type").and_then(Value::as_str) != Some("object") {
            return Err(SchemaError::NotAnObjectSchema);
        }
        let properties = root
            .get("properties")
            .and_then(Value::as_object)
            .ok_or(SchemaError::NotAnObjectSchema)?;
        let malformed_root =
            |keyword| SchemaError::MalformedKeyword { field: String::new(), keyword };

        let required = match root.get("required") {
            None => Vec::new(),
            Some(list) => string_list(list).ok_or_else(|| malformed_root("required"))?,
        };
        if let Some(unknown) = required.iter().find(|name| !properties.contains_key(*name)) {
            return Err(SchemaError::UnknownRequired { field: unknown.clone() });
        }
        let closed = match root.get("additionalProperties") {
            None => false,
            Some(Value::Bool(allowed)) => !allowed,
            Some(_) => return Err(malformed_root("additionalProperties")),
        };

        let order = match root.get("x-order") {
            Some(list) => {
                let order = string_list(list).ok_or_else(|| malformed_root("x-order"))?;
                let mut sorted = order.clone();
                sorted.sort();
                sorted.dedup();
                let mut names: Vec<&String> = properties.keys().collect();
                names.sort();
                if sorted.len() != order.len() || !sorted.iter().eq(names) {
                    return Err(SchemaError::OrderMismatch);
                }
                order
            }
            None => {
                let mut names: Vec<String> = properties.keys().cloned().collect();
                names.sort();
                names
            }
        };

        let fields = order
            .into_iter()
            .map(|name| {
                let is_required = required.contains(&name);
                read_field(name, properties, is_required)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { fields, closed })
    }

    /// The names of the form's questions, in the form's order.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|field| field.name.as_str())
    }

    /// Judges a set of answers. Returns every problem, in the form's order; an empty list
    /// means the answers are acceptable. `today` is the portal's date (see [`portal_date`]).
    pub fn validate(&self, answers: &Map<String, Value>, today: Date) -> Vec<FieldProblem> {
        let mut problems: Vec<FieldProblem> = self
            .fields
            .iter()
            .filter_map(|field| {
                let code = judge(field, answers.get(&field.name), today)?;
                Some(FieldProblem {
                    field: field.name.clone(),
                    code,
                    message: message_ru(field, code),
                })
            })
            .collect();

        if self.closed {
            let mut unknown: Vec<&String> = answers
                .keys()
                .filter(|name| !self.fields.iter().any(|field| &field.name == *name))
                .collect();
            unknown.sort();
            problems.extend(unknown.into_iter().map(|name| FieldProblem {
                field: name.clone(),
                code: FieldProblemCode::UnknownField,
                message: "Такого поля нет в форме услуги".to_owned(),
            }));
        }
        problems
    }
}

/// Reads a schema into a [`FormSchema`] and judges `answers` against it; see
/// [`FormSchema::validate`].
///
/// # Errors
/// A [`SchemaError`] when the schema itself cannot be used.
pub fn validate_answers(
    schema: &Value,
    answers: &Map<String, Value>,
    today: Date,
) -> Result<Vec<FieldProblem>, SchemaError> {
    Ok(FormSchema::parse(schema)?.validate(answers, today))
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|item| item.as_str().map(str::to_owned)).collect()
}

/// Reads one property; `properties` is indexed by `name`, which `x-order` checked exists.
fn read_field(
    name: String,
    properties: &Map<String, Value>,
    required: bool,
) -> Result<Field, SchemaError> {
    let malformed = |keyword| SchemaError::MalformedKeyword { field: name.clone(), keyword };
    let property =
        properties.get(&name).and_then(Value::as_object).ok_or_else(|| malformed("properties"))?;

    let kind = match property.get("type").and_then(Value::as_str) {
        Some("string") => Kind::Text,
        Some("integer") => Kind::Integer,
        Some("boolean") => Kind::Flag,
        _ => return Err(SchemaError::UnsupportedType { field: name }),
    };
    let title = match property.get("title") {
        None => name.clone(),
        Some(title) => title.as_str().ok_or_else(|| malformed("title"))?.to_owned(),
    };
    let check = match property.get("x-check") {
        None => None,
        Some(Value::String(check)) => Some(Check::parse(check).ok_or_else(|| {
            SchemaError::UnknownCheck { field: name.clone(), check: check.clone() }
        })?),
        Some(_) => return Err(malformed("x-check")),
    };
    let unsigned = |keyword: &'static str| match property.get(keyword) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| malformed(keyword)),
    };
    let signed = |keyword: &'static str| match property.get(keyword) {
        None => Ok(None),
        Some(value) => value.as_i64().map(Some).ok_or_else(|| malformed(keyword)),
    };
    let options = match (property.get("enum"), property.get("oneOf")) {
        (Some(Value::Array(values)), None) => Some(values.clone()),
        (None, Some(Value::Array(choices))) => Some(
            choices
                .iter()
                .map(|choice| choice.get("const").cloned())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| malformed("oneOf"))?,
        ),
        (None, None) => None,
        _ => return Err(malformed("enum")),
    };
    let must_be_true = match property.get("const") {
        None => false,
        Some(Value::Bool(true)) if kind == Kind::Flag => true,
        Some(_) => return Err(malformed("const")),
    };

    Ok(Field {
        title,
        kind,
        required,
        must_be_true,
        check,
        min_length: unsigned("minLength")?,
        max_length: unsigned("maxLength")?,
        minimum: signed("minimum")?,
        maximum: signed("maximum")?,
        options,
        name,
    })
}

/// The first problem of one answer, if any.
fn judge(field: &Field, answer: Option<&Value>, today: Date) -> Option<FieldProblemCode> {
    let answer = match answer {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.trim().is_empty() => None,
        Some(value) => Some(value),
    };
    let Some(answer) = answer else {
        return (field.required || field.must_be_true).then_some(FieldProblemCode::Required);
    };

    let in_options = |value: &Value| {
        field.options.as_ref().is_none_or(|options| options.iter().any(|option| option == value))
    };
    match field.kind {
        Kind::Flag => {
            let Value::Bool(ticked) = answer else { return Some(FieldProblemCode::WrongType) };
            (field.must_be_true && !ticked).then_some(FieldProblemCode::Required)
        }
        Kind::Integer => {
            let Some(number) = answer.as_i64() else { return Some(FieldProblemCode::WrongType) };
            let below = field.minimum.is_some_and(|minimum| number < minimum);
            let above = field.maximum.is_some_and(|maximum| number > maximum);
            if below || above {
                return Some(FieldProblemCode::OutOfRange);
            }
            (!in_options(answer)).then_some(FieldProblemCode::NotAnOption)
        }
        Kind::Text => {
            let Value::String(text) = answer else { return Some(FieldProblemCode::WrongType) };
            let text = text.trim();
            if !in_options(&Value::String(text.to_owned())) {
                return Some(FieldProblemCode::NotAnOption);
            }
            let chars = text.chars().count() as u64;
            if field.min_length.is_some_and(|min| chars < min) {
                return Some(FieldProblemCode::TooShort);
            }
            if field.max_length.is_some_and(|max| chars > max) {
                return Some(FieldProblemCode::TooLong);
            }
            field.check.and_then(|check| check.verify(text, today).err())
        }
    }
}

/// The Russian message for a problem of `field`.
fn message_ru(field: &Field, code: FieldProblemCode) -> String {
    let title = &field.title;
    match code {
        FieldProblemCode::Required if field.kind == Kind::Flag => format!("Отметьте «{title}»"),
        FieldProblemCode::Required => format!("Заполните поле «{title}»"),
        FieldProblemCode::WrongType => match field.kind {
            Kind::Text => "Ответ должен быть текстом".to_owned(),
            Kind::Integer => "Ответ должен быть целым числом".to_owned(),
            Kind::Flag => "Ответ должен быть отметкой «да» или «нет»".to_owned(),
        },
        FieldProblemCode::InvalidFormat => format_hint_ru(field.check).to_owned(),
        FieldProblemCode::InvalidChecksum if field.check == Some(Check::Snils) => {
            "Контрольное число СНИЛС не сходится — проверьте цифры".to_owned()
        }
        FieldProblemCode::InvalidChecksum => {
            "Контрольные цифры ИНН не сходятся — проверьте цифры".to_owned()
        }
        FieldProblemCode::InvalidDate => "Такой даты нет в календаре".to_owned(),
        FieldProblemCode::DateInFuture => "Дата не может быть позже сегодняшней".to_owned(),
        FieldProblemCode::DateInPast => "Дата не может быть раньше сегодняшней".to_owned(),
        FieldProblemCode::TooShort => {
            format!("Не короче {} симв.", field.min_length.unwrap_or_default())
        }
        FieldProblemCode::TooLong => {
            format!("Не длиннее {} симв.", field.max_length.unwrap_or_default())
        }
        FieldProblemCode::OutOfRange => match (field.minimum, field.maximum) {
            (Some(min), Some(max)) => format!("Укажите число от {min} до {max}"),
            (Some(min), None) => format!("Укажите число не меньше {min}"),
            (None, Some(max)) => format!("Укажите число не больше {max}"),
            (None, None) => "Число вне допустимого диапазона".to_owned(),
        },
        FieldProblemCode::NotAnOption => "Выберите один из предложенных вариантов".to_owned(),
        _ => "Проверьте это поле".to_owned(),
    }
}

/// What a well-formed answer to a check looks like, in Russian.
fn format_hint_ru(check: Option<Check>) -> &'static str {
    match check {
        Some(Check::Snils) => "СНИЛС — 11 цифр, например 123-456-789 01",
        Some(Check::Inn) => "ИНН — 10 или 12 цифр",
        Some(Check::PersonInn) => "ИНН физического лица — 12 цифр",
        Some(Check::Phone) => "Телефон в формате +7 999 123-45-67",
        Some(Check::Email) => "Адрес почты в виде name@example.ru",
        Some(Check::PostalIndex) => "Почтовый индекс — 6 цифр",
        Some(Check::Passport) => "Серия и номер паспорта — 4 и 6 цифр, например 4510 123456",
        Some(Check::DrivingLicence) => {
            "Серия и номер удостоверения — 4 и 6 цифр, например 9912 345678"
        }
        Some(Check::Date | Check::PastDate | Check::FutureDate) => {
            "Такой даты нет: проверьте день, месяц и год"
        }
        None => "Неверный формат",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::{date, datetime};

    use super::*;

    fn form() -> Value {
        json!({
            "type": "object",
            "x-order": ["name", "snils", "birth_date", "children", "reason", "consent"],
            "required": ["name", "snils", "birth_date", "consent"],
            "additionalProperties": false,
            "properties": {
                "name": { "type": "string", "title": "Фамилия", "maxLength": 5 },
                "snils": { "type": "string", "title": "СНИЛС", "x-check": "snils" },
                "birth_date": {
                    "type": "string", "title": "Дата рождения", "x-check": "past_date"
                },
                "children": { "type": "integer", "title": "Дети", "minimum": 0, "maximum": 20 },
                "reason": {
                    "type": "string",
                    "title": "Причина",
                    "oneOf": [
                        { "const": "lost", "title": "Утрата" },
                        { "const": "age", "title": "Возраст" }
                    ]
                },
                "consent": { "type": "boolean", "title": "Согласие", "const": true }
            }
        })
    }

    fn answers(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    fn verdict(value: Value) -> Vec<(String, FieldProblemCode)> {
        validate_answers(&form(), &answers(value), date!(2026 - 12 - 04))
            .unwrap()
            .into_iter()
            .map(|problem| (problem.field, problem.code))
            .collect()
    }

    #[test]
    fn good_answers_have_no_problems() {
        let problems = verdict(json!({
            "name": " Иван ", "snils": "112-233-445 95", "birth_date": "1985-04-12",
            "children": 2, "reason": "lost", "consent": true
        }));
        assert_eq!(problems, [], "every answer is acceptable");
    }

    #[test]
    fn every_problem_is_reported_at_once_in_form_order() {
        let problems = verdict(json!({
            "name": "Иванович", "snils": "112-233-445 96", "birth_date": "2027-01-01",
            "children": 21, "reason": "bored", "consent": false, "extra": 1, "another": "x"
        }));
        assert_eq!(
            problems,
            [
                ("name".to_owned(), FieldProblemCode::TooLong),
                ("snils".to_owned(), FieldProblemCode::InvalidChecksum),
                ("birth_date".to_owned(), FieldProblemCode::DateInFuture),
                ("children".to_owned(), FieldProblemCode::OutOfRange),
                ("reason".to_owned(), FieldProblemCode::NotAnOption),
                ("consent".to_owned(), FieldProblemCode::Required),
                ("another".to_owned(), FieldProblemCode::UnknownField),
                ("extra".to_owned(), FieldProblemCode::UnknownField),
            ],
            "one problem per field, form order, then unknown answers by name"
        );
    }

    #[test]
    fn blank_null_and_missing_answers_count_as_missing() {
        let problems = verdict(json!({ "name": "   ", "snils": null, "children": null }));
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "snils", "birth_date", "consent"],
            "optional ones may be empty"
        );
        assert!(problems.iter().all(|(_, code)| *code == FieldProblemCode::Required));
    }

    #[test]
    fn wrong_json_types_are_reported_as_such() {
        let problems = verdict(json!({
            "name": 5, "snils": ["112"], "birth_date": "1985-04-12", "children": "2",
            "consent": "yes"
        }));
        assert_eq!(
            problems,
            [
                ("name".to_owned(), FieldProblemCode::WrongType),
                ("snils".to_owned(), FieldProblemCode::WrongType),
                ("children".to_owned(), FieldProblemCode::WrongType),
                ("consent".to_owned(), FieldProblemCode::WrongType),
            ]
        );
    }

    #[test]
    fn messages_are_russian_and_name_the_field() {
        let problems =
            validate_answers(&form(), &answers(json!({})), date!(2026 - 12 - 04)).unwrap();
        assert_eq!(problems[0].message, "Заполните поле «Фамилия»");
        assert_eq!(problems[3].message, "Отметьте «Согласие»", "a box is ticked, not filled");
    }

    #[test]
    fn schemas_outside_the_supported_subset_are_refused() {
        let mut unknown_check = form();
        unknown_check["properties"]["snils"]["x-check"] = json!("snils2");
        assert!(matches!(FormSchema::parse(&unknown_check), Err(SchemaError::UnknownCheck { .. })));

        let mut missing_from_order = form();
        missing_from_order["x-order"] = json!(["name"]);
        assert_eq!(FormSchema::parse(&missing_from_order).unwrap_err(), SchemaError::OrderMismatch);

        let mut array_type = form();
        array_type["properties"]["name"]["type"] = json!("array");
        assert!(matches!(FormSchema::parse(&array_type), Err(SchemaError::UnsupportedType { .. })));

        let mut required_ghost = form();
        required_ghost["required"] = json!(["ghost"]);
        assert!(matches!(
            FormSchema::parse(&required_ghost),
            Err(SchemaError::UnknownRequired { .. })
        ));
        assert_eq!(FormSchema::parse(&json!([])).unwrap_err(), SchemaError::NotAnObjectSchema);
    }

    #[test]
    fn the_portal_date_is_moscow_time() {
        assert_eq!(
            portal_date(datetime!(2026-12-03 21:30 UTC)),
            date!(2026 - 12 - 04),
            "half past midnight in Moscow is already the next day"
        );
        assert_eq!(portal_date(datetime!(2026-12-03 20:59 UTC)), date!(2026 - 12 - 03));
    }
}
