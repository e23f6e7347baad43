// Generated from crates/kabinet-app/src/ipc.rs; do not edit by hand.
// Regenerate: KABINET_UPDATE_TYPES=1 cargo test -p kabinet-app ipc_types

export type ErrorCode = "signed_out" | "session_locked" | "offline" | "portal" | "invalid_profile" | "sign_in_cancelled" | "sign_in_failed" | "keychain" | "storage" | "not_found" | "internal";

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
cached: boolean, };

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

export const EVENT_CHANGED = "kabinet://changed";
export const EVENT_SYNC = "kabinet://sync";
export const EVENT_OPEN_APPLICATION = "kabinet://open-application";
export const EVENT_SESSION = "kabinet://session";
