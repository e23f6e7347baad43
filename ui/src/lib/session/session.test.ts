import { afterEach, describe, expect, it } from 'vitest';

import { sessionView } from '$lib/backend/fixtures';
import { clearBackend, mockBackend } from '$lib/backend/mock';

import { Session } from './session.svelte';

afterEach(() => {
  clearBackend();
});

describe('Session', () => {
  it('remembers which command failed', async () => {
    // The shell words a failed sign-out differently from a session it could not read.
    mockBackend({
      sign_out: () => {
        throw { code: 'keychain', message: 'locked' };
      },
      session_state: () => {
        throw { code: 'storage', message: 'database is locked' };
      },
    });
    const session = new Session();
    session.apply(sessionView('signed_in'));

    await session.signOut();
    expect(session.failure?.action).toBe('sign_out');
    expect(session.signingOut).toBe(false);

    await session.load();
    expect(session.failure).toEqual({
      action: 'load',
      error: { code: 'storage', message: 'database is locked' },
    });
    expect(session.signedIn, 'a failed read keeps the last known state').toBe(true);
  });

  it('asks the core again only when a screen reports a lost session', async () => {
    const calls = mockBackend({ session_state: () => sessionView('signed_out') });
    const session = new Session();
    session.apply(sessionView('signed_in'));

    session.noticeError({ code: 'portal', message: 'HTTP 503' });
    session.noticeError({ code: 'signed_out', message: 'refresh token expired' });
    await Promise.resolve();

    expect(calls.map((call) => call.command)).toEqual(['session_state']);
  });

  it('does not start a second sign-in while one is pending', async () => {
    let pending = 0;
    const calls = mockBackend({
      sign_in: () => {
        pending += 1;
        return new Promise(() => {});
      },
    });
    const session = new Session();

    void session.signIn();
    void session.signIn();

    expect(session.phase).toBe('waiting');
    expect(pending).toBe(1);
    expect(calls).toHaveLength(1);
  });
});
