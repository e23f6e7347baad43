/**
 * The UI's only door to the Rust core. Every other module imports commands, events and the
 * IPC types from here, never from `@tauri-apps/*`, so that the contract has one place in the
 * UI and tests can replace the backend with Tauri's IPC mocks.
 *
 * Commands reject with a {@link CommandError}; callers branch on its `code` and show their own
 * words, never the `message`.
 */
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';

import {
  EVENT_CHANGED,
  EVENT_OPEN_APPLICATION,
  EVENT_OUTBOX_CHANGED,
  EVENT_SESSION,
  EVENT_SYNC,
  EVENT_UPLOAD_PROGRESS,
  EVENT_VAULT_CHANGED,
  EVENT_VAULT_IMPORTED,
  type ApplicationDetailView,
  type CatalogView,
  type ChangedEvent,
  type CommandError,
  type DashboardView,
  type DocumentKindCode,
  type DraftInput,
  type DraftView,
  type ErrorCode,
  type ExportView,
  type FieldProblemView,
  type ImportReport,
  type SavedResultView,
  type OpenApplicationEvent,
  type OutboxView,
  type ScanView,
  type SessionView,
  type SubmitView,
  type SyncView,
  type UploadProgressEvent,
  type VaultView,
} from './types';

export type * from './types';
// The event names are values; tests deliver events by them.
export {
  EVENT_CHANGED,
  EVENT_OPEN_APPLICATION,
  EVENT_OUTBOX_CHANGED,
  EVENT_SESSION,
  EVENT_SYNC,
  EVENT_UPLOAD_PROGRESS,
  EVENT_VAULT_CHANGED,
  EVENT_VAULT_IMPORTED,
} from './types';

/** Stops listening to an event. */
export type Unlisten = () => void;

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'signed_out',
  'session_locked',
  'offline',
  'portal',
  'invalid_profile',
  'sign_in_cancelled',
  'sign_in_failed',
  'keychain',
  'storage',
  'not_found',
  'vault_locked',
  'invalid',
  'internal',
]);

/** Whether a rejection is a {@link CommandError} from a Kabinet command. */
export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && ERROR_CODES.has(code) && typeof message === 'string';
}

/**
 * Turns any rejection into a {@link CommandError}. Tauri itself rejects with a plain string
 * when a command is missing or its arguments do not deserialize; those are our bugs, so they
 * become `internal`.
 */
export function toCommandError(value: unknown): CommandError {
  if (isCommandError(value)) return value;
  return { code: 'internal', message: String(value) };
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toCommandError(error);
  }
}

/** The session as the core sees it now. */
export function sessionState(): Promise<SessionView> {
  return call('session_state');
}

/**
 * Opens the system browser and resolves once the person has signed in there. It may take
 * minutes; {@link cancelSignIn} makes it reject with `sign_in_cancelled`.
 */
export function signIn(): Promise<SessionView> {
  return call('sign_in');
}

/** Abandons a pending {@link signIn}. */
export async function cancelSignIn(): Promise<void> {
  await call<null>('cancel_sign_in');
}

/** Signs out and forgets the session. */
export function signOut(): Promise<SessionView> {
  return call('sign_out');
}

/** The dashboard from the local cache: instant, and available offline. */
export function dashboard(): Promise<DashboardView> {
  return call('dashboard');
}

/** Asks the portal; when it is unreachable, resolves with the cache and `sync.online` false. */
export function refresh(): Promise<DashboardView> {
  return call('refresh');
}

/** One application with its journal; from the cache (`cached: true`) when offline. */
export function application(id: string): Promise<ApplicationDetailView> {
  return call('application', { id });
}

/** Tells the core that the person has seen the changes, which clears the tray's count. */
export async function markRead(): Promise<void> {
  await call<null>('mark_read');
}

/** The document vault from local state: instant, no network. */
export function vault(): Promise<VaultView> {
  return call('vault');
}

/**
 * The vault after asking the portal for its documents; when the portal is unreachable it
 * resolves with `portal_online` false rather than rejecting.
 */
export function vaultRefresh(): Promise<VaultView> {
  return call('vault_refresh');
}

/**
 * Opens the system's file picker and imports what the person chose. The report has no items
 * when the picker was closed.
 */
export function vaultPick(): Promise<ImportReport> {
  return call('vault_pick');
}

/** Gives a scan a new name; an empty or overlong one is refused as `invalid`. */
export function vaultRename(id: string, name: string): Promise<ScanView> {
  return call('vault_rename', { id, name });
}

/** Says what a scan shows. */
export function vaultSetKind(id: string, kind: DocumentKindCode): Promise<ScanView> {
  return call('vault_set_kind', { id, kind });
}

/** Moves a scan out of the vault; {@link vaultRestore} brings it back. */
export async function vaultDelete(id: string): Promise<void> {
  await call<null>('vault_delete', { id });
}

/** Undoes a {@link vaultDelete}. */
export function vaultRestore(id: string): Promise<ScanView> {
  return call('vault_restore', { id });
}

/**
 * Opens the system's save dialog and writes a decrypted copy of the scan there; `saved` is
 * false when the person closed the dialog.
 */
export function vaultExport(id: string): Promise<ExportView> {
  return call('vault_export', { id });
}

/** Builds one PDF from image scans, a page each, in the order given. */
export function vaultAssemble(
  ids: readonly string[],
  name: string,
  kind: DocumentKindCode,
): Promise<ScanView> {
  return call('vault_assemble', { ids, name, kind });
}

/** Uploads a scan to the portal; {@link onUploadProgress} reports the bytes sent meanwhile. */
export function vaultUpload(id: string): Promise<ScanView> {
  return call('vault_upload', { id });
}

/** Deletes a document from the portal (the local scan, if any, stays). */
export function vaultDeleteUploaded(documentId: string): Promise<VaultView> {
  return call('vault_delete_uploaded', { documentId });
}

/**
 * Starts the vault over with a new key after the old one was lost or replaced. The scans
 * sealed with the old key are destroyed.
 */
export function vaultReset(): Promise<VaultView> {
  return call('vault_reset');
}

/**
 * The service catalog: from the portal when it answers, otherwise the cached one with `online`
 * false (it rejects with `offline` only when nothing is cached yet).
 */
export function services(): Promise<CatalogView> {
  return call('services');
}

/** Saves a draft as the person types; without `id` it starts a new one. */
export function saveDraft(draft: DraftInput): Promise<DraftView> {
  return call('save_draft', { draft });
}

/** The drafts, last saved first. */
export function drafts(): Promise<DraftView[]> {
  return call('drafts');
}

/** One draft or template. */
export function draft(id: string): Promise<DraftView> {
  return call('draft', { id });
}

/** Deletes a draft or template. */
export async function deleteDraft(id: string): Promise<void> {
  await call<null>('delete_draft', { id });
}

/** Saves a draft's form as a template under `name` (a blank name is refused as `invalid`). */
export function saveTemplate(id: string, name: string): Promise<DraftView> {
  return call('save_template', { id, name });
}

/** The templates, last saved first. */
export function templates(): Promise<DraftView[]> {
  return call('templates');
}

/** Starts a new draft filled from a template. */
export function draftFromTemplate(id: string): Promise<DraftView> {
  return call('draft_from_template', { id });
}

/** Every problem of a draft, found locally with the portal's own rules; works offline. */
export function checkDraft(id: string): Promise<FieldProblemView[]> {
  return call('check_draft', { id });
}

/**
 * Submits a draft: uploads its scans that are not on the portal yet, then queues it in the
 * outbox. Resolves with the problems instead when the form does not pass; rejects with
 * `offline` when a scan still has to be uploaded and the portal cannot be reached.
 */
export function submitDraft(id: string): Promise<SubmitView> {
  return call('submit_draft', { id });
}

/** The outbox, oldest submission first. */
export function outbox(): Promise<OutboxView> {
  return call('outbox');
}

/**
 * Answers the department's request of an application with text and vault scans; the scans not
 * on the portal yet are uploaded first. Resolves with the application as it is now, its request
 * marked answered. Sending the same reply again is safe: the portal counts it once. Rejects
 * with `invalid` (its `message` then says why, in Russian) for an empty or too long reply, one
 * the portal refuses, or a request that no longer waits for an answer.
 */
export function answerClarification(
  applicationId: string,
  text: string,
  scanIds: readonly string[],
): Promise<ApplicationDetailView> {
  return call('answer_clarification', { applicationId, text, scanIds });
}

/**
 * Opens the system's save dialog and writes the result PDF of an approved application there;
 * `saved` is false when the person closed the dialog.
 */
export function saveResult(applicationId: string): Promise<SavedResultView> {
  return call('save_result', { applicationId });
}

async function on<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
  const unlisten = await listen<T>(event, (message) => handler(message.payload));

  // Tauri's unlisten works asynchronously and may fail, e.g. while the window goes away; the
  // listener is gone with it then, so there is nothing to report.
  return () => {
    Promise.resolve(unlisten()).catch(() => {});
  };
}

/** The session changed (signed in, out, locked). */
export function onSession(handler: (view: SessionView) => void): Promise<Unlisten> {
  return on(EVENT_SESSION, handler);
}

/** Some data changed in the cache; `application_id` names the application when one did. */
export function onChanged(handler: (event: ChangedEvent) => void): Promise<Unlisten> {
  return on(EVENT_CHANGED, handler);
}

/** The connection state or the unread count changed. */
export function onSync(handler: (view: SyncView) => void): Promise<Unlisten> {
  return on(EVENT_SYNC, handler);
}

/** A notification or the tray asks to show an application. */
export function onOpenApplication(
  handler: (event: OpenApplicationEvent) => void,
): Promise<Unlisten> {
  return on(EVENT_OPEN_APPLICATION, handler);
}

/** Files dropped on the window were imported by the core. */
export function onVaultImported(handler: (report: ImportReport) => void): Promise<Unlisten> {
  return on(EVENT_VAULT_IMPORTED, handler);
}

/** Bytes of a scan's upload have been sent. */
export function onUploadProgress(handler: (event: UploadProgressEvent) => void): Promise<Unlisten> {
  return on(EVENT_UPLOAD_PROGRESS, handler);
}

/** The vault's contents changed; the payload is the whole new view. */
export function onVaultChanged(handler: (view: VaultView) => void): Promise<Unlisten> {
  return on(EVENT_VAULT_CHANGED, handler);
}

/** An outbox item was added or changed state; the payload is the whole outbox. */
export function onOutboxChanged(handler: (view: OutboxView) => void): Promise<Unlisten> {
  return on(EVENT_OUTBOX_CHANGED, handler);
}

/**
 * Files being dragged over the window: `enter` and `drop` say how many, `over` repeats while
 * the pointer moves, `leave` ends a drag without a drop. The core itself imports what is
 * dropped and reports it through {@link onVaultImported}; this only lets a screen show where
 * to drop.
 */
export type DragDrop =
  | { type: 'enter'; files: number }
  | { type: 'over' }
  | { type: 'drop'; files: number }
  | { type: 'leave' };

/** Follows files dragged over the window; see {@link DragDrop}. */
export async function onDragDrop(handler: (event: DragDrop) => void): Promise<Unlisten> {
  // Without Tauri (a plain browser) there is no current webview and this throws; the rejection
  // lets subscribe() carry on without drag and drop.
  const unlisten = await getCurrentWebview().onDragDropEvent(({ payload }) => {
    switch (payload.type) {
      case 'enter':
      case 'drop':
        handler({ type: payload.type, files: payload.paths.length });
        break;
      case 'over':
      case 'leave':
        handler({ type: payload.type });
        break;
    }
  });

  return () => {
    Promise.resolve(unlisten()).catch(() => {});
  };
}

/**
 * Combines subscriptions into one synchronous stop function, as `$effect` cleanups need. A
 * subscription that settles after the stop is undone at once, and one that fails is ignored:
 * without events the screens still work, only less promptly.
 */
export function subscribe(...subscriptions: Array<Promise<Unlisten>>): Unlisten {
  let stopped = false;
  const active: Unlisten[] = [];

  for (const subscription of subscriptions) {
    subscription.then(
      (unlisten) => (stopped ? unlisten() : active.push(unlisten)),
      () => {},
    );
  }

  return () => {
    stopped = true;
    for (const unlisten of active.splice(0)) unlisten();
  };
}
