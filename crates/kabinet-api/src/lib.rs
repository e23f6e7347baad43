//! The portal contract: everything the Kabinet client and the sandbox portal must agree on.
//!
//! This crate owns the request and response types of the portal's HTTP API, the shape of its
//! errors (`application/problem+json` with a stable `code`), the route paths, the OAuth and
//! OpenID Connect names the portal uses (scopes, the desktop client id, the API audience), and
//! the local checks of Russian identity numbers that both sides apply, the service catalog with
//! its forms, and the one validator of a form's answers that both sides run. It depends on no
//! HTTP stack and no runtime, so that the server, the client core and the desktop app can all
//! use it.
//!
//! Terms: an *account* is a person known to the portal by a numeric `oid`; an *application*
//! (заявление) is a request to a department that moves through [`ApplicationStatus`]es; an
//! *event* is one entry of the account's change feed; a *document* is a file (a scan) the
//! person uploaded; a *service* (услуга) is what an application asks for, with a *form* whose
//! *answers* the person gives.

pub mod applications;
pub mod checks;
pub mod documents;
pub mod events;
pub mod forms;
pub mod idempotency;
pub mod oauth;
pub mod problem;
pub mod profile;
pub mod routes;
pub mod secret;
pub mod services;
pub mod totp;

pub use applications::{
    ActivityEntry, ActivityKind, ActivityPage, Application, ApplicationStatus, ApplicationSummary,
    ApplicationsPage, ApplicationsQuery, ClarificationReply, ClarificationRequest, Decision,
    JournalEntry, MAX_REPLY_CHARS, StatusChange,
};
pub use documents::{Document, DocumentKind, DocumentList, MAX_DOCUMENT_SIZE, MediaType};
pub use events::{Event, EventKind, EventsPage, EventsQuery};
pub use forms::{FormSchema, SchemaError, validate_answers};
pub use problem::{ErrorCode, FieldProblem, FieldProblemCode, Problem};
pub use profile::{AccountKind, Contacts, DocumentNumber, FullName, Passport, Profile};
pub use secret::SecretString;
pub use services::{ApplicationSubmission, AttachmentRequirement, Service, ServiceCatalog};
