/**
 * A fake backend for unit tests, over Tauri's own IPC mocks. Tests import it instead of
 * `@tauri-apps/api/mocks` so that this folder stays the only one that names Tauri. The app
 * never imports it.
 */
import { emit } from '@tauri-apps/api/event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';

/** Answers one command: returns its result, or throws to reject. */
export type CommandHandler = (args: Record<string, unknown>) => unknown;

/** Handlers by command name; a command without one rejects as `internal`. */
export type CommandHandlers = Partial<Record<string, CommandHandler>>;

/** Installs a fake backend and returns the log of commands it received. */
export function mockBackend(handlers: CommandHandlers): Array<{ command: string; args: unknown }> {
  const calls: Array<{ command: string; args: unknown }> = [];
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

/** Removes the fake backend. */
export function clearBackend(): void {
  clearMocks();
}
