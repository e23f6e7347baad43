import { afterEach, describe, expect, it, vi } from 'vitest';

import { sessionView } from './fixtures';
import {
  application,
  cancelSignIn,
  EVENT_CHANGED,
  EVENT_UPLOAD_PROGRESS,
  isCommandError,
  onChanged,
  onDragDrop,
  onUploadProgress,
  sessionState,
  subscribe,
  toCommandError,
  vaultAssemble,
  vaultDelete,
  vaultDeleteUploaded,
  vaultRename,
  vaultSetKind,
  type DragDrop,
} from './index';
import { clearBackend, emitDragDrop, emitEvent, mockBackend } from './mock';

afterEach(() => {
  clearBackend();
});

describe('isCommandError', () => {
  it('accepts a known code with a message', () => {
    expect(isCommandError({ code: 'offline', message: 'portal unreachable' })).toBe(true);
  });

  it('knows the vault’s codes', () => {
    // Without them a locked vault or a refused name would be shown as "something went wrong".
    expect(isCommandError({ code: 'vault_locked', message: 'key id mismatch' })).toBe(true);
    expect(isCommandError({ code: 'invalid', message: 'empty name' })).toBe(true);
  });

  it('rejects what the core never sends', () => {
    // Each of these would make the UI index its messages with an unknown code.
    expect(isCommandError({ code: 'teapot', message: 'no such code' })).toBe(false);
    expect(isCommandError({ code: 'offline' })).toBe(false);
    expect(isCommandError({ code: 'offline', message: 42 })).toBe(false);
    expect(isCommandError('offline')).toBe(false);
    expect(isCommandError(null)).toBe(false);
    expect(isCommandError(undefined)).toBe(false);
  });
});

describe('toCommandError', () => {
  it('keeps a command error as it is', () => {
    const error = { code: 'not_found' as const, message: 'no application app-9' };
    expect(toCommandError(error)).toBe(error);
  });

  it('turns anything else into an internal error that keeps the text for details', () => {
    expect(toCommandError('command dashbord not found')).toEqual({
      code: 'internal',
      message: 'command dashbord not found',
    });
    expect(toCommandError(new TypeError('boom'))).toEqual({
      code: 'internal',
      message: 'TypeError: boom',
    });
  });
});

describe('commands', () => {
  it('resolve with what the core returns and pass their arguments', async () => {
    const calls = mockBackend({
      session_state: () => sessionView('signed_out'),
      application: ({ id }) => ({ id }),
    });

    await expect(sessionState()).resolves.toEqual(sessionView('signed_out'));
    await application('app-7');

    expect(calls).toEqual([
      { command: 'session_state', args: {} },
      { command: 'application', args: { id: 'app-7' } },
    ]);
  });

  it('reject with the core’s {code, message}', async () => {
    mockBackend({
      application: () => {
        throw { code: 'not_found', message: 'no application app-9' };
      },
    });

    await expect(application('app-9')).rejects.toEqual({
      code: 'not_found',
      message: 'no application app-9',
    });
  });

  it('reject as internal when Tauri rejects with a bare string', async () => {
    mockBackend({
      cancel_sign_in: () => {
        throw 'invalid args `id` for command `cancel_sign_in`';
      },
    });

    await expect(cancelSignIn()).rejects.toEqual({
      code: 'internal',
      message: 'invalid args `id` for command `cancel_sign_in`',
    });
  });
});

describe('vault commands', () => {
  it('pass their arguments in camelCase, as Tauri expects them', async () => {
    const calls = mockBackend({
      vault_rename: () => null,
      vault_set_kind: () => null,
      vault_delete: () => null,
      vault_assemble: () => null,
      vault_delete_uploaded: () => null,
    });

    await vaultRename('scan-1', 'Паспорт');
    await vaultSetKind('scan-1', 'passport');
    await vaultDelete('scan-1');
    await vaultAssemble(['scan-2', 'scan-1'], 'Паспорт.pdf', 'passport');
    await vaultDeleteUploaded('doc-1');

    expect(calls).toEqual([
      { command: 'vault_rename', args: { id: 'scan-1', name: 'Паспорт' } },
      { command: 'vault_set_kind', args: { id: 'scan-1', kind: 'passport' } },
      { command: 'vault_delete', args: { id: 'scan-1' } },
      {
        command: 'vault_assemble',
        args: { ids: ['scan-2', 'scan-1'], name: 'Паспорт.pdf', kind: 'passport' },
      },
      { command: 'vault_delete_uploaded', args: { documentId: 'doc-1' } },
    ]);
  });

  it('deliver upload progress', async () => {
    mockBackend({});
    const handler = vi.fn();
    const stop = subscribe(onUploadProgress(handler));
    await new Promise((resolve) => setTimeout(resolve, 0));

    await emitEvent(EVENT_UPLOAD_PROGRESS, { scan_id: 'scan-1', sent: 10, total: 20 });

    expect(handler).toHaveBeenCalledWith({ scan_id: 'scan-1', sent: 10, total: 20 });
    stop();
  });
});

describe('onDragDrop', () => {
  it('turns the webview’s drag events into counts of files', async () => {
    mockBackend({});
    const events: DragDrop[] = [];
    const subscription = onDragDrop((event) => events.push(event));
    const stop = subscribe(subscription);
    await subscription;

    await emitDragDrop('enter', ['/tmp/a.jpg', '/tmp/b.pdf']);
    await emitDragDrop('over');
    await emitDragDrop('leave');
    await emitDragDrop('drop', ['/tmp/a.jpg']);

    expect(events).toEqual([
      { type: 'enter', files: 2 },
      { type: 'over' },
      { type: 'leave' },
      { type: 'drop', files: 1 },
    ]);

    stop();
    await emitDragDrop('enter', ['/tmp/a.jpg']);
    expect(events, 'a stopped subscription must not fire').toHaveLength(4);
  });

  it('fails quietly outside Tauri, where there is no webview', async () => {
    // A plain browser (the dev server opened directly) has no Tauri internals at all.
    clearBackend();
    const subscription = onDragDrop(() => {});

    await expect(subscription).rejects.toBeInstanceOf(Error);
    expect(() => subscribe(subscription)()).not.toThrow();
  });
});

describe('subscribe', () => {
  it('delivers payloads until stopped', async () => {
    mockBackend({});
    const handler = vi.fn();
    const subscription = onChanged(handler);
    const stop = subscribe(subscription);
    await subscription;

    await emitEvent(EVENT_CHANGED, { application_id: 'app-1' });
    expect(handler).toHaveBeenCalledWith({ application_id: 'app-1' });

    stop();
    handler.mockClear();
    await emitEvent(EVENT_CHANGED, { application_id: 'app-2' });

    expect(handler, 'a stopped subscription must not fire').not.toHaveBeenCalled();
  });

  it('undoes a subscription that settles after the stop', async () => {
    mockBackend({});
    const handler = vi.fn();
    const subscription = onChanged(handler);

    subscribe(subscription)();
    await subscription;
    await emitEvent(EVENT_CHANGED, { application_id: null });

    expect(handler, 'the late listener must be removed at once').not.toHaveBeenCalled();
  });

  it('stops quietly when the backend is already gone', async () => {
    // Tauri's unlisten rejects once the IPC is torn down (a closing window); stopping must not
    // leave an unhandled rejection behind, which Vitest reports as a failed run.
    mockBackend({});
    const subscription = onChanged(() => {});
    const stop = subscribe(subscription);
    await subscription;
    clearBackend();

    expect(() => stop()).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
