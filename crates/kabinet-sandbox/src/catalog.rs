//! The service catalog the sandbox offers: six services a citizen commonly applies for, each
//! with its department, fee, usual processing time, form and required documents.
//!
//! The catalog is part of the portal's code rather than its database, as a real portal's
//! service configuration is deployed rather than edited by its users. Fees and times are
//! plausible values for a demonstration, not legal advice.

use std::collections::HashMap;

use kabinet_api::checks::Check;
use kabinet_api::{
    AttachmentRequirement, DocumentKind, FormSchema, MAX_DOCUMENT_SIZE, MediaType, SchemaError,
    Service, ServiceCatalog,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Whether a question or an attachment must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// One question of a form: its property name, its schema and whether it must be answered.
type Question = (&'static str, Value, Need);

/// The longest free-text answer the forms accept, in characters.
const MAX_TEXT_CHARS: u64 = 200;

/// Two mebibytes, the limit of attachments that are single pages.
const TWO_MIB: u64 = 2 * 1024 * 1024;

fn text(title: &str, hint: &str) -> Value {
    json!({ "type": "string", "title": title, "description": hint, "maxLength": MAX_TEXT_CHARS })
}

fn checked(title: &str, hint: &str, check: Check) -> Value {
    json!({ "type": "string", "title": title, "description": hint, "x-check": check.as_str() })
}

fn choice(title: &str, hint: &str, options: &[(&str, &str)]) -> Value {
    let options: Vec<Value> =
        options.iter().map(|(code, label)| json!({ "const": code, "title": label })).collect();
    json!({ "type": "string", "title": title, "description": hint, "oneOf": options })
}

fn flag(title: &str, hint: &str) -> Value {
    json!({ "type": "boolean", "title": title, "description": hint })
}

/// The consent every form ends with; the box must be ticked.
fn consent() -> Question {
    (
        "consent",
        json!({
            "type": "boolean",
            "const": true,
            "title": "Согласие на обработку персональных данных",
            "description": "Без согласия ведомство не сможет рассмотреть заявление"
        }),
        Need::Required,
    )
}

/// Builds a form from its questions, in the order given.
fn form(title: &str, questions: Vec<Question>) -> Value {
    let order: Vec<&str> = questions.iter().map(|(name, _, _)| *name).collect();
    let required: Vec<&str> = questions
        .iter()
        .filter(|(_, _, need)| *need == Need::Required)
        .map(|(name, _, _)| *name)
        .collect();
    let properties: Map<String, Value> =
        questions.into_iter().map(|(name, schema, _)| (name.to_owned(), schema)).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": title,
        "x-order": order,
        "required": required,
        "additionalProperties": false,
        "properties": properties,
    })
}

/// The questions about the person that most forms start with.
fn person() -> Vec<Question> {
    vec![
        ("last_name", text("Фамилия", "Как в паспорте"), Need::Required),
        ("first_name", text("Имя", "Как в паспорте"), Need::Required),
        ("middle_name", text("Отчество", "Если есть"), Need::Optional),
        ("birth_date", checked("Дата рождения", "Как в паспорте", Check::PastDate), Need::Required),
    ]
}

fn birth_place() -> Question {
    ("birth_place", text("Место рождения", "Как в паспорте"), Need::Required)
}

fn gender() -> Question {
    (
        "gender",
        choice("Пол", "Как в паспорте", &[("male", "Мужской"), ("female", "Женский")]),
        Need::Required,
    )
}

/// The internal passport: series and number, and the date of issue.
fn passport() -> Vec<Question> {
    vec![
        (
            "passport",
            checked("Серия и номер паспорта", "4 и 6 цифр, например 4510 123456", Check::Passport),
            Need::Required,
        ),
        (
            "passport_issued_on",
            checked("Дата выдачи паспорта", "Указана на второй странице паспорта", Check::PastDate),
            Need::Required,
        ),
    ]
}

/// The registration address and its postal index.
fn address() -> Vec<Question> {
    vec![
        (
            "registration_address",
            text("Адрес регистрации", "Регион, город, улица, дом, квартира"),
            Need::Required,
        ),
        ("postal_index", checked("Почтовый индекс", "6 цифр", Check::PostalIndex), Need::Required),
    ]
}

fn snils() -> Question {
    ("snils", checked("СНИЛС", "11 цифр, например 123-456-789 01", Check::Snils), Need::Required)
}

fn phone() -> Question {
    (
        "phone",
        checked("Мобильный телефон", "Для связи по заявлению, +7 и 10 цифр", Check::Phone),
        Need::Required,
    )
}

fn email(need: Need) -> Question {
    ("email", checked("Электронная почта", "Пришлём уведомление о готовности", Check::Email), need)
}

fn previous_names() -> Question {
    (
        "previous_names",
        text("Прежние ФИО", "Если меняли фамилию, имя или отчество: какие и когда"),
        Need::Optional,
    )
}

/// Scans in any accepted format, up to the portal's limit.
fn scan(kind: DocumentKind, title: &str, hint: &str, need: Need) -> AttachmentRequirement {
    AttachmentRequirement {
        kind,
        title: title.to_owned(),
        description: hint.to_owned(),
        formats: vec![MediaType::Pdf, MediaType::Jpeg, MediaType::Png],
        max_size: MAX_DOCUMENT_SIZE,
        required: need == Need::Required,
    }
}

fn passport_scan() -> AttachmentRequirement {
    scan(
        DocumentKind::Passport,
        "Паспорт гражданина РФ",
        "Разворот с фотографией и страница с регистрацией",
        Need::Required,
    )
}

fn rubles(amount: u64) -> u64 {
    amount * 100
}

fn foreign_passport() -> Service {
    let mut questions = person();
    questions.extend([birth_place(), gender(), snils()]);
    questions.extend(passport());
    questions.extend(address());
    questions.extend([
        previous_names(),
        (
            "state_secrets",
            flag(
                "Есть допуск к государственной тайне",
                "Отметьте, если у вас есть или был допуск в последние 5 лет",
            ),
            Need::Optional,
        ),
        phone(),
        email(Need::Required),
        consent(),
    ]);
    Service {
        code: "foreign_passport".to_owned(),
        title: "Оформление заграничного паспорта нового образца".to_owned(),
        department: "МВД России".to_owned(),
        description: "Биометрический загранпаспорт на 10 лет для взрослого гражданина. \
                      Фотографию сделают в подразделении при подаче оригиналов."
            .to_owned(),
        fee_kopecks: rubles(15_000),
        processing_days: 30,
        form: form("Заявление на загранпаспорт", questions),
        attachments: vec![passport_scan()],
    }
}

fn passport_replacement() -> Service {
    let mut questions = vec![(
        "reason",
        choice(
            "Причина замены",
            "Выберите одну",
            &[
                ("age_20", "Исполнилось 20 лет"),
                ("age_45", "Исполнилось 45 лет"),
                ("name_change", "Изменение ФИО"),
                ("damaged", "Паспорт испорчен"),
                ("errors", "Ошибка в записях"),
            ],
        ),
        Need::Required,
    )];
    questions.extend(person());
    questions.extend([birth_place(), gender()]);
    questions.extend(passport());
    questions.extend(address());
    questions.extend([phone(), consent()]);
    Service {
        code: "passport_replacement".to_owned(),
        title: "Замена паспорта гражданина РФ".to_owned(),
        department: "МВД России".to_owned(),
        description: "Замена паспорта по достижении 20 и 45 лет, при смене ФИО, порче или \
                      ошибке в записях. Подайте заявление не позднее 90 дней после события."
            .to_owned(),
        fee_kopecks: rubles(1_500),
        processing_days: 10,
        form: form("Заявление о замене паспорта", questions),
        attachments: vec![
            passport_scan(),
            scan(
                DocumentKind::Certificate,
                "Свидетельство о браке или о перемене имени",
                "Если паспорт меняется из-за смены ФИО",
                Need::Optional,
            ),
        ],
    }
}

fn snils_registration() -> Service {
    let mut questions = person();
    questions.extend([birth_place(), gender()]);
    questions.extend(passport());
    questions.extend(address());
    questions.extend([phone(), email(Need::Optional), consent()]);
    Service {
        code: "snils".to_owned(),
        title: "Получение СНИЛС".to_owned(),
        department: "Социальный фонд России".to_owned(),
        description: "Регистрация в системе индивидуального (персонифицированного) учёта и \
                      получение страхового номера индивидуального лицевого счёта."
            .to_owned(),
        fee_kopecks: 0,
        processing_days: 5,
        form: form("Заявление о регистрации в системе учёта", questions),
        attachments: vec![passport_scan()],
    }
}

fn entrepreneur_registration() -> Service {
    let mut questions = person();
    questions.push((
        "inn",
        checked("ИНН", "12 цифр, если ИНН уже присвоен", Check::PersonInn),
        Need::Optional,
    ));
    questions.extend(passport());
    questions.extend(address());
    questions.extend([
        (
            "main_activity",
            json!({
                "type": "string",
                "title": "Основной вид деятельности",
                "description": "Код ОКВЭД, например 47.91",
                "minLength": 2,
                "maxLength": 8
            }),
            Need::Required,
        ),
        (
            "tax_regime",
            choice(
                "Система налогообложения",
                "Её можно сменить позже",
                &[
                    ("usn_income", "УСН «Доходы»"),
                    ("usn_income_expenses", "УСН «Доходы минус расходы»"),
                    ("patent", "Патентная система"),
                    ("general", "Общая система"),
                ],
            ),
            Need::Required,
        ),
        phone(),
        email(Need::Required),
        consent(),
    ]);
    Service {
        code: "entrepreneur_registration".to_owned(),
        title: "Государственная регистрация физического лица в качестве ИП".to_owned(),
        department: "ФНС России".to_owned(),
        description: "Регистрация индивидуального предпринимателя. При подаче через портал \
                      госпошлина не взимается; лист записи ЕГРИП придёт на почту."
            .to_owned(),
        fee_kopecks: 0,
        processing_days: 3,
        form: form("Заявление по форме Р21001", questions),
        attachments: vec![
            passport_scan(),
            scan(
                DocumentKind::Inn,
                "Свидетельство о постановке на учёт (ИНН)",
                "Если оно у вас есть",
                Need::Optional,
            ),
        ],
    }
}

fn no_criminal_record() -> Service {
    let mut questions = person();
    questions.extend([previous_names(), birth_place(), snils()]);
    questions.extend(address());
    questions.extend([
        (
            "purpose",
            choice(
                "Для чего нужна справка",
                "Выберите одну",
                &[
                    ("employment", "Для трудоустройства"),
                    ("adoption", "Для усыновления или опеки"),
                    ("visa", "Для получения визы"),
                    ("other", "Другое"),
                ],
            ),
            Need::Required,
        ),
        phone(),
        email(Need::Required),
        consent(),
    ]);
    Service {
        code: "no_criminal_record".to_owned(),
        title: "Справка о наличии (отсутствии) судимости".to_owned(),
        department: "МВД России".to_owned(),
        description: "Справка о наличии (отсутствии) судимости и (или) факта уголовного \
                      преследования. Электронная справка подписана ЭЦП ведомства."
            .to_owned(),
        fee_kopecks: 0,
        processing_days: 30,
        form: form("Заявление о выдаче справки", questions),
        attachments: vec![passport_scan()],
    }
}

fn driving_licence_replacement() -> Service {
    let mut questions = vec![(
        "reason",
        choice(
            "Причина замены",
            "Выберите одну",
            &[
                ("expired", "Истёк срок действия"),
                ("lost", "Утеряно или похищено"),
                ("damaged", "Испорчено"),
                ("name_change", "Изменение ФИО"),
            ],
        ),
        Need::Required,
    )];
    questions.extend(person());
    questions.extend([
        (
            "licence",
            checked(
                "Серия и номер удостоверения",
                "4 и 6 цифр, например 9912 345678",
                Check::DrivingLicence,
            ),
            Need::Required,
        ),
        (
            "licence_issued_on",
            checked("Дата выдачи удостоверения", "Указана в удостоверении", Check::PastDate),
            Need::Required,
        ),
        (
            "medical_certificate_on",
            checked("Дата медицинского заключения", "Указана в заключении", Check::PastDate),
            Need::Required,
        ),
        (
            "visit_date",
            checked(
                "Желаемая дата визита",
                "Когда вам удобно получить удостоверение",
                Check::FutureDate,
            ),
            Need::Optional,
        ),
        phone(),
        email(Need::Optional),
        consent(),
    ]);
    Service {
        code: "driving_licence_replacement".to_owned(),
        title: "Замена водительского удостоверения".to_owned(),
        department: "Госавтоинспекция".to_owned(),
        description: "Замена российского национального водительского удостоверения: по \
                      истечении срока, при утрате, порче или смене ФИО."
            .to_owned(),
        fee_kopecks: rubles(6_000),
        processing_days: 1,
        form: form("Заявление о замене водительского удостоверения", questions),
        attachments: vec![
            passport_scan(),
            AttachmentRequirement {
                kind: DocumentKind::Certificate,
                title: "Медицинское заключение".to_owned(),
                description: "Скан заключения о допуске к управлению, PDF или JPEG до 2 МБ"
                    .to_owned(),
                formats: vec![MediaType::Pdf, MediaType::Jpeg],
                max_size: TWO_MIB,
                required: true,
            },
        ],
    }
}

/// The catalog, read once at start: the services, their forms ready to judge answers, and the
/// response body with its ETag.
pub struct Catalog {
    services: Vec<Service>,
    forms: HashMap<String, FormSchema>,
    body: String,
    etag: String,
}

impl Catalog {
    /// Builds the sandbox's catalog: the shipped services, then `extra`.
    ///
    /// # Errors
    /// When a service's form is outside what [`FormSchema`] supports, which a unit test rules
    /// out for the shipped catalog.
    pub fn build(extra: &[Service]) -> Result<Self, SchemaError> {
        let mut services = vec![
            foreign_passport(),
            passport_replacement(),
            snils_registration(),
            entrepreneur_registration(),
            no_criminal_record(),
            driving_licence_replacement(),
        ];
        services.extend_from_slice(extra);
        let forms = services
            .iter()
            .map(|service| Ok((service.code.clone(), FormSchema::parse(&service.form)?)))
            .collect::<Result<HashMap<_, _>, SchemaError>>()?;

        let catalog = ServiceCatalog { items: services };
        let body = serde_json::to_string(&catalog).unwrap_or_else(|_| "{\"items\":[]}".to_owned());
        let digest: String =
            Sha256::digest(body.as_bytes()).iter().take(12).map(|b| format!("{b:02x}")).collect();
        Ok(Self { services: catalog.items, forms, body, etag: format!("\"catalog-{digest}\"") })
    }

    /// A service with its form, by code.
    pub fn service(&self, code: &str) -> Option<(&Service, &FormSchema)> {
        let service = self.services.iter().find(|service| service.code == code)?;
        Some((service, self.forms.get(code)?))
    }

    /// The catalog as the API sends it.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The ETag of [`Self::body`].
    pub fn etag(&self) -> &str {
        &self.etag
    }
}

#[cfg(test)]
mod tests {
    use kabinet_api::checks;

    use super::*;

    #[test]
    fn every_form_parses_and_every_service_is_complete() {
        let catalog = Catalog::build(&[]).expect("every shipped form is a supported schema");
        assert_eq!(catalog.services.len(), 6, "the six services the issue names");
        for service in &catalog.services {
            let (_, form) = catalog.service(&service.code).unwrap();
            assert!(form.field_names().count() >= 8, "{}: a realistic form", service.code);
            assert!(form.field_names().any(|name| name == "consent"), "{}", service.code);
            assert!(
                service.attachments.iter().any(|a| a.required),
                "{}: every service needs some document",
                service.code
            );
            assert!(
                service.attachments.iter().all(|a| a.max_size <= MAX_DOCUMENT_SIZE),
                "{}: no attachment may exceed what an upload can be",
                service.code
            );
            let properties = service.form["properties"].as_object().unwrap();
            for (name, property) in properties {
                assert!(property["title"].is_string(), "{}.{name} has a label", service.code);
                assert!(property["description"].is_string(), "{}.{name} has a hint", service.code);
            }
        }
    }

    #[test]
    fn seeded_applications_name_services_of_the_catalog() {
        let catalog = Catalog::build(&[]).unwrap();
        let store = crate::Store::open_in_memory().unwrap();
        crate::seed::seed_if_empty(&store, 1_000_000_000, 1_000_000_020).unwrap();

        let conn = store.lock();
        let mut stmt = conn
            .prepare("SELECT DISTINCT service_code, title, department FROM applications")
            .unwrap();
        let seeded = stmt
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<(String, String, String)>>>()
            .unwrap();
        for (code, title, department) in seeded {
            let (service, _) = catalog.service(&code).unwrap_or_else(|| panic!("{code} exists"));
            assert_eq!(
                (&service.title, &service.department),
                (&title, &department),
                "a demo application and its service must agree on what they are called"
            );
        }
    }

    #[test]
    fn a_citizens_typical_answers_pass_the_snils_form() {
        let catalog = Catalog::build(&[]).unwrap();
        let (_, form) = catalog.service("snils").unwrap();
        let answers = json!({
            "last_name": "Иванов", "first_name": "Иван", "middle_name": "Петрович",
            "birth_date": "1985-04-12", "birth_place": "г. Москва", "gender": "male",
            "passport": "4510 123456", "passport_issued_on": "2005-05-20",
            "registration_address": "г. Москва, ул. Арбат, д. 1, кв. 1", "postal_index": "119002",
            "phone": "+79990000001", "consent": true
        });
        let today = checks::parse_date("2026-12-04").unwrap();
        assert_eq!(form.validate(answers.as_object().unwrap(), today), []);
    }
}
