// Generated from crates/kabinet-app/src/ipc.rs; do not edit by hand.
// Regenerate: KABINET_UPDATE_TYPES=1 cargo test -p kabinet-app ipc_types

export type ErrorCode = "signed_out" | "session_locked" | "offline" | "portal" | "invalid_profile" | "sign_in_cancelled" | "sign_in_failed" | "keychain" | "storage" | "not_found" | "vault_locked" | "invalid" | "internal";

export type CommandError = { 
/**
 * What kind of error.
 */
code: ErrorCode, 
/**
 * A technical detail in English, for the log and a "details" line; never shown instead
 * of the UI's own message.
 */
message: string, };

export type SessionStatus = "signed_out" | "signing_in" | "signed_in" | "locked";

export type PortalView = { 
/**
 * Profile id.
 */
id: string, 
/**
 * Issuer URL.
 */
issuer: string, 
/**
 * Whether it is the built-in demo sandbox.
 */
demo: boolean, };

export type KeychainView = { 
/**
 * The session survives restarts.
 */
available: boolean, 
/**
 * Why not, when it does not.
 */
reason: string | null, };

export type PersonView = { 
/**
 * Last, first and middle name.
 */
full_name: string | null, 
/**
 * The portal's person id.
 */
oid: string, 
/**
 * `citizen` or `entrepreneur`.
 */
kind: string, 
/**
 * SNILS, masked.
 */
snils: string | null, 
/**
 * Email.
 */
email: string | null, 
/**
 * Phone.
 */
phone: string | null, };

export type SessionView = { 
/**
 * Signed in or not.
 */
status: SessionStatus, 
/**
 * The portal.
 */
portal: PortalView, 
/**
 * The keychain.
 */
keychain: KeychainView, };

export type StatusCode = "accepted" | "in_progress" | "needs_info" | "approved" | "rejected";

export type ApplicationView = { 
/**
 * Its id.
 */
id: string, 
/**
 * The number the portal shows.
 */
number: string, 
/**
 * The service.
 */
service_code: string, 
/**
 * The service's title.
 */
title: string, 
/**
 * The department.
 */
department: string, 
/**
 * The status.
 */
status: StatusCode, 
/**
 * Submitted, RFC 3339.
 */
submitted_at: string, 
/**
 * Last change, RFC 3339.
 */
updated_at: string, };

export type JournalEntryView = { 
/**
 * The status entered.
 */
status: StatusCode, 
/**
 * When, RFC 3339.
 */
at: string, 
/**
 * Which department.
 */
department: string, 
/**
 * What it said.
 */
comment: string | null, };

export type ApplicationDetailView = { 
/**
 * The application.
 */
application: ApplicationView, 
/**
 * Its status changes.
 */
journal: Array<JournalEntryView>, 
/**
 * Whether this comes from the local cache because the portal is unreachable.
 */
cached: boolean, 
/**
 * The department's request, while it waits for an answer or was just answered.
 */
request: ClarificationView | null, 
/**
 * The decision, once the application is finished.
 */
decision: DecisionView | null, };

export type SyncView = { 
/**
 * Whether the portal answered the last request.
 */
online: boolean, 
/**
 * When the data was last fetched, RFC 3339.
 */
last_updated: string | null, 
/**
 * Changes notified since the person last looked.
 */
unread: number, };

export type DashboardView = { 
/**
 * The person, if known.
 */
person: PersonView | null, 
/**
 * Applications, newest first.
 */
applications: Array<ApplicationView>, 
/**
 * Connection state.
 */
sync: SyncView, };

export type ChangedEvent = { 
/**
 * The application that changed, if one did.
 */
application_id: string | null, };

export type OpenApplicationEvent = { 
/**
 * The application to show.
 */
id: string, };

export type DocumentKindCode = "passport" | "snils" | "inn" | "certificate" | "power_of_attorney" | "other";

export type MediaKind = "pdf" | "jpeg" | "png";

export type NormalisedView = { 
/**
 * The size of the file as it was imported, in bytes.
 */
original_size: number, 
/**
 * The width and height as imported, in pixels.
 */
original_pixels: [number, number], 
/**
 * Whether it was turned upright from its camera orientation.
 */
rotated: boolean, 
/**
 * Whether metadata (EXIF, GPS, comments) was removed.
 */
metadata_removed: boolean, 
/**
 * Whether it was compressed harder to fit the portal's limit.
 */
recompressed: boolean, 
/**
 * Whether it was made smaller to fit the portal's limit.
 */
downscaled: boolean, };

export type UploadedView = { 
/**
 * The document's id at the portal.
 */
document_id: string, 
/**
 * When it was uploaded, RFC 3339.
 */
uploaded_at: string, };

export type ScanView = { 
/**
 * Its id in the vault.
 */
id: string, 
/**
 * The name the person gave it (at first, the file's name).
 */
name: string, 
/**
 * What it shows.
 */
kind: DocumentKindCode, 
/**
 * Its type.
 */
media: MediaKind, 
/**
 * Its size as stored and uploaded, in bytes.
 */
size: number, 
/**
 * Pages: 1 for an image.
 */
pages: number, 
/**
 * Width and height in pixels, for an image.
 */
pixels: [number, number] | null, 
/**
 * When it was added, RFC 3339.
 */
added_at: string, 
/**
 * What normalisation did, for an image.
 */
normalised: NormalisedView | null, 
/**
 * Set once it is on the portal.
 */
uploaded: UploadedView | null, 
/**
 * A small picture of it, from the app's protocol: for images, and for PDFs the app
 * assembled from images (their first page); `None` for other PDFs.
 */
thumbnail_url: string | null, 
/**
 * The whole scan, from the app's protocol.
 */
content_url: string, };

export type RefusalCode = "unsupported_type" | "empty" | "file_too_large" | "pdf_too_large" | "image_too_large" | "cannot_fit" | "image_broken" | "pdf_encrypted" | "pdf_broken" | "pdf_empty" | "pdf_bomb" | "pdf_active_content" | "unreadable";

export type RefusalView = { 
/**
 * Why.
 */
code: RefusalCode, 
/**
 * For [`RefusalCode::UnsupportedType`]: what the content looks like ("GIF", "ZIP", …),
 * when it is recognisable.
 */
detected: string | null, 
/**
 * For size refusals: the file's size in bytes.
 */
size: number | null, 
/**
 * For [`RefusalCode::ImageTooLarge`]: the width and height the image claims.
 */
pixels: [number, number] | null, 
/**
 * A technical detail in English, for "Details".
 */
detail: string, };

export type ImportOutcome = { "outcome": "imported", 
/**
 * The file's name.
 */
file_name: string, 
/**
 * The new scan.
 */
scan: ScanView, } | { "outcome": "duplicate", 
/**
 * The file's name.
 */
file_name: string, 
/**
 * The scan that has it.
 */
scan: ScanView, } | { "outcome": "refused", 
/**
 * The file's name.
 */
file_name: string, 
/**
 * Why.
 */
refusal: RefusalView, };

export type ImportReport = { 
/**
 * One outcome per file; empty when the person closed the picker.
 */
items: Array<ImportOutcome>, 
/**
 * Set when dropped files could not be imported at all (nobody signed in, the vault
 * locked); a command reports that as its own error instead.
 */
error: CommandError | null, };

export type VaultState = { "state": "ready" } | { "state": "signed_out" } | { "state": "key_changed", 
/**
 * Scans that exist only on this computer and would be lost by the reset.
 */
local_only: number, 
/**
 * Scans that are also on the portal.
 */
uploaded: number, };

export type PortalDocumentView = { 
/**
 * Its id at the portal.
 */
id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * What it shows.
 */
kind: DocumentKindCode, 
/**
 * Its size in bytes.
 */
size: number, 
/**
 * When it was uploaded, RFC 3339.
 */
uploaded_at: string, 
/**
 * The local scan it came from, if this computer has it.
 */
scan_id: string | null, };

export type VaultView = { 
/**
 * Whether the vault is open.
 */
state: VaultState, 
/**
 * Scans, newest first (none unless `Ready`).
 */
scans: Array<ScanView>, 
/**
 * Documents on the portal, newest first, as last fetched.
 */
portal_documents: Array<PortalDocumentView>, 
/**
 * Whether `portal_documents` is current (the portal answered).
 */
portal_online: boolean, 
/**
 * Whether scans survive a restart: false without a keychain, where the key lives only
 * as long as the app runs.
 */
persistent: boolean, 
/**
 * The portal's limit per file, in bytes.
 */
max_upload_size: number, };

export type UploadProgressEvent = { 
/**
 * The scan being uploaded.
 */
scan_id: string, 
/**
 * Bytes sent so far.
 */
sent: number, 
/**
 * Bytes in all.
 */
total: number, };

export type ExportView = { 
/**
 * Whether a file was written (false when the person closed the dialog).
 */
saved: boolean, 
/**
 * The name of the file written, without its folder.
 */
file_name: string | null, };

export type AttachmentView = { 
/**
 * What it must show.
 */
kind: DocumentKindCode, 
/**
 * Its name, in Russian.
 */
title: string, 
/**
 * What it is, in Russian.
 */
description: string, 
/**
 * The types accepted.
 */
formats: Array<MediaKind>, 
/**
 * The largest file accepted, in bytes.
 */
max_size: number, 
/**
 * Whether the application cannot go without it.
 */
required: boolean, };

export type ServiceView = { 
/**
 * Its code.
 */
code: string, 
/**
 * Its title, in Russian.
 */
title: string, 
/**
 * The department that provides it.
 */
department: string, 
/**
 * What it is, in Russian.
 */
description: string, 
/**
 * The state fee, in kopecks (0 when free).
 */
fee_kopecks: number, 
/**
 * How many working days it usually takes.
 */
processing_days: number, 
/**
 * The form, as a JSON Schema with Russian labels and hints, for the window to render.
 */
form: Record<string, unknown>, 
/**
 * The documents it asks for.
 */
attachments: Array<AttachmentView>, };

export type CatalogView = { 
/**
 * The services, in the portal's order.
 */
services: Array<ServiceView>, 
/**
 * Whether the catalog was just confirmed by the portal; false when it comes from the
 * local cache because the portal could not be reached.
 */
online: boolean, };

export type DraftView = { 
/**
 * Its local id.
 */
id: string, 
/**
 * The service the form is for.
 */
service_code: string, 
/**
 * The answers so far, by the form's property names.
 */
answers: Record<string, unknown>, 
/**
 * The vault scans attached.
 */
scan_ids: Array<string>, 
/**
 * A template's name; `None` for a draft.
 */
name: string | null, 
/**
 * When it was last saved, RFC 3339.
 */
updated_at: string, };

export type DraftInput = { 
/**
 * The draft to replace; `None` starts a new one.
 */
id: string | null, 
/**
 * The service the form is for.
 */
service_code: string, 
/**
 * The answers so far.
 */
answers: Record<string, unknown>, 
/**
 * The vault scans attached.
 */
scan_ids: Array<string>, };

export type ProblemCode = "required" | "wrong_type" | "invalid_format" | "invalid_checksum" | "invalid_date" | "date_in_future" | "date_in_past" | "too_short" | "too_long" | "out_of_range" | "not_an_option" | "unknown_field" | "unknown_service" | "unknown_document" | "unexpected_attachment" | "attachment_format" | "attachment_too_large" | "missing_attachment" | "other";

export type FieldProblemView = { 
/**
 * The form's property name, `service_code`, `document_ids/<index>` or
 * `attachments/<kind>`.
 */
field: string, 
/**
 * What is wrong.
 */
code: ProblemCode, 
/**
 * What is wrong, in Russian, ready to show beside the field.
 */
message: string, };

export type OutboxStateView = { "state": "queued" } | { "state": "sending" } | { "state": "sent", 
/**
 * Its number, as the person quotes it.
 */
number: string, 
/**
 * Its id, to open it.
 */
application_id: string, } | { "state": "needs_fix", 
/**
 * Every problem, by field.
 */
problems: Array<FieldProblemView>, } | { "state": "failed", 
/**
 * The portal's code, for "Details".
 */
reason: string, };

export type OutboxItemView = { 
/**
 * Its local id.
 */
id: string, 
/**
 * The draft it came from (kept until the portal accepts it).
 */
draft_id: string, 
/**
 * The service applied for.
 */
service_code: string, 
/**
 * The service's title, from the cached catalog (the code when it is not there).
 */
service_title: string, 
/**
 * Where it stands.
 */
state: OutboxStateView, 
/**
 * How many times it was sent.
 */
attempts: number, 
/**
 * When it is sent next, RFC 3339, while it is queued.
 */
next_attempt_at: string | null, 
/**
 * When it was submitted, RFC 3339.
 */
created_at: string, };

export type OutboxView = { 
/**
 * The submissions.
 */
items: Array<OutboxItemView>, };

export type SubmitView = { "outcome": "queued", 
/**
 * The outbox item.
 */
item: OutboxItemView, } | { "outcome": "problems", 
/**
 * Every problem, by field.
 */
problems: Array<FieldProblemView>, };

export type RequestedDocumentView = { 
/**
 * Its kind; a vault scan of this kind answers it.
 */
kind: DocumentKindCode, 
/**
 * Its Russian title: the service's own name for it, or the kind's.
 */
title: string, };

export type RequestedAnswerView = { 
/**
 * The form's name for it (`previous_names`).
 */
name: string, 
/**
 * Its Russian label from the service's form, or the name when the form is not known.
 */
title: string, };

export type ClarificationView = { 
/**
 * The department's words, in Russian.
 */
message: string, 
/**
 * Documents to attach, one of each.
 */
documents: Array<RequestedDocumentView>, 
/**
 * Answers to give in the reply's text.
 */
answers: Array<RequestedAnswerView>, 
/**
 * When it was asked, RFC 3339.
 */
requested_at: string, 
/**
 * Whether the person has answered it from this app; the department has not decided yet.
 */
answered: boolean, 
/**
 * The longest reply text the portal takes, in characters.
 */
max_reply_chars: number, };

export type DecisionView = { "outcome": "approved", 
/**
 * When, RFC 3339.
 */
decided_at: string, 
/**
 * Whether a result document can be downloaded.
 */
result_available: boolean, } | { "outcome": "refused", 
/**
 * When, RFC 3339.
 */
decided_at: string, 
/**
 * Why, in Russian.
 */
reasons: Array<string>, 
/**
 * What to fix before applying again, in Russian.
 */
how_to_fix: string | null, };

export type SavedResultView = { 
/**
 * Whether a file was written; `false` when the person closed the dialog.
 */
saved: boolean, 
/**
 * The file's name (not its folder), when saved.
 */
file_name: string | null, };

export const EVENT_CHANGED = "kabinet://changed";
export const EVENT_SYNC = "kabinet://sync";
export const EVENT_OPEN_APPLICATION = "kabinet://open-application";
export const EVENT_SESSION = "kabinet://session";
export const EVENT_VAULT_IMPORTED = "kabinet://vault-imported";
export const EVENT_UPLOAD_PROGRESS = "kabinet://upload-progress";
export const EVENT_VAULT_CHANGED = "kabinet://vault-changed";
export const EVENT_OUTBOX_CHANGED = "kabinet://outbox-changed";
