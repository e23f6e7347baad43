/**
 * A fake backend for unit tests, over Tauri's own IPC mocks. Tests import it instead of
 * `@tauri-apps/api/mocks` so that this folder stays the only one that names Tauri. The app
 * never imports it.
 */
import { emit, TauriEvent } from '@tauri-apps/api/event';
import { clearMocks, mockIPC, mockWindows } from '@tauri-apps/api/mocks';

/** Answers one command: returns its result, or throws to reject. */
export type CommandHandler = (args: Record<string, unknown>) => unknown;

/** Handlers by command name; a command without one rejects as `internal`. */
export type CommandHandlers = Partial<Record<string, CommandHandler>>;

/**
 * Installs a fake backend and returns the log of commands it received. The window and its
 * webview are called `main`, as in the app, so that webview events (drag and drop) work too.
 */
export function mockBackend(handlers: CommandHandlers): Array<{ command: string; args: unknown }> {
  const calls: Array<{ command: string; args: unknown }> = [];
  mockWindows('main');
  mockIPC(
    async (command, args) => {
      calls.push({ command, args });
      const handler = handlers[command];
      if (!handler) throw { code: 'internal', message: `no mock for ${command}` };
      return handler((args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

/** Delivers an event to the UI's listeners as the core would. */
export function emitEvent(event: string, payload: unknown): Promise<void> {
  return emit(event, payload);
}

const DRAG_EVENTS = {
  enter: TauriEvent.DRAG_ENTER,
  over: TauriEvent.DRAG_OVER,
  drop: TauriEvent.DRAG_DROP,
  leave: TauriEvent.DRAG_LEAVE,
} as const;

/**
 * Delivers one of Tauri's own drag-and-drop events for files at `paths`, with the payload the
 * webview sends (Tauri's wrapper reads a position from every event but `leave`).
 */
export function emitDragDrop(type: keyof typeof DRAG_EVENTS, paths: string[] = []): Promise<void> {
  const position = { x: 10, y: 10 };
  const payload = type === 'leave' ? null : type === 'over' ? { position } : { paths, position };
  return emit(DRAG_EVENTS[type], payload);
}

/** Removes the fake backend. */
export function clearBackend(): void {
  clearMocks();
}
