import { afterEach, describe, expect, it, vi } from 'vitest';

import { sessionView } from './fixtures';
import {
  application,
  cancelSignIn,
  EVENT_CHANGED,
  isCommandError,
  onChanged,
  sessionState,
  subscribe,
  toCommandError,
} from './index';
import { clearBackend, emitEvent, mockBackend } from './mock';

afterEach(() => {
  clearBackend();
});

describe('isCommandError', () => {
  it('accepts a known code with a message', () => {
    expect(isCommandError({ code: 'offline', message: 'portal unreachable' })).toBe(true);
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
