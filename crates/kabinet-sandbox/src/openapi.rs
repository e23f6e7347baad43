//! The OpenAPI document of the portal API, generated from the contract types and the
//! handlers' annotations. A copy is committed at `crates/kabinet-api/openapi.json`; a test
//! fails when the two drift apart.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kabinet portal API",
        description = "The API of the public services portal as the Kabinet sandbox serves it.",
        version = "1.0.0",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        crate::api::services,
        crate::api::me,
        crate::api::list_applications,
        crate::api::submit_application,
        crate::api::application,
        crate::api::clarification,
        crate::api::reply_to_clarification,
        crate::api::decision,
        crate::api::result,
        crate::api::events,
        crate::api::activity,
        crate::api::list_documents,
        crate::api::upload_document,
        crate::api::document,
        crate::api::delete_document,
        crate::admin::push_status,
        crate::admin::rotate_key,
        crate::admin::outbox,
    ),
    modifiers(&Security),
    tags(
        (name = "services", description = "The service catalog with its forms"),
        (name = "profile", description = "The person and their account"),
        (name = "applications", description = "Applications and their journals"),
        (name = "documents", description = "Documents (scans) the person uploaded"),
        (name = "events", description = "The account's change feed"),
        (name = "admin", description = "Sandbox-only endpoints, loopback only"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from the portal's identity provider"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "admin",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The admin token the sandbox prints at start"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document as pretty-printed JSON with a trailing newline.
pub fn document() -> String {
    let json = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    format!("{json}\n")
}
