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

import {
  EVENT_CHANGED,
  EVENT_OPEN_APPLICATION,
  EVENT_SESSION,
  EVENT_SYNC,
  type ApplicationDetailView,
  type ChangedEvent,
  type CommandError,
  type DashboardView,
  type ErrorCode,
  type OpenApplicationEvent,
  type SessionView,
  type SyncView,
} from './types';

export type * from './types';
// The event names are values; tests deliver events by them.
export { EVENT_CHANGED, EVENT_OPEN_APPLICATION, EVENT_SESSION, EVENT_SYNC } from './types';

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
