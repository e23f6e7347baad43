/**
 * The session as the UI knows it: the core's {@link SessionView}, the sign-in in progress and
 * the last error. The shell owns one and shares it with the screens through a context.
 */
import { getContext, setContext } from 'svelte';

import * as backend from '$lib/backend';
import type { CommandError, SessionView } from '$lib/backend';

/** Where the sign-in button stands. */
export type SignInPhase = 'idle' | 'waiting' | 'cancelling';

/** A session command the person or the shell started. */
export type SessionAction = 'load' | 'sign_in' | 'cancel' | 'sign_out';

/** A session command that failed, so that the screen can say which one did. */
export interface SessionFailure {
  action: SessionAction;
  error: CommandError;
}

/** The demo portal's published account; the sandbox prints the same on start. */
export const DEMO_ACCOUNT = {
  login: 'ivanov@demo.kabinet.test',
  password: 'Kabinet-Demo-2026!',
} as const;

export class Session {
  /** The core's view; null until the first answer. */
  view = $state<SessionView | null>(null);

  /** The sign-in in progress, if any. */
  phase = $state<SignInPhase>('idle');

  /** The last failure of a session command, shown until the next attempt. */
  failure = $state<SessionFailure | null>(null);

  /** Whether a sign-out is on its way. */
  signingOut = $state(false);

  readonly signedIn = $derived(this.view?.status === 'signed_in');

  /** Asks the core for the session. */
  async load(): Promise<void> {
    try {
      this.view = await backend.sessionState();
      this.failure = null;
    } catch (error) {
      this.#fail('load', error);
    }
  }

  /** Opens the browser and waits for the person to sign in there. */
  async signIn(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'waiting';
    this.failure = null;

    try {
      this.view = await backend.signIn();
    } catch (error) {
      this.#fail('sign_in', error);
    } finally {
      this.phase = 'idle';
    }
  }

  /** Whether a sign-in is pending, ours or one the core reports (e.g. from before a reload). */
  get waiting(): boolean {
    return this.phase !== 'idle' || this.view?.status === 'signing_in';
  }

  /**
   * Abandons the sign-in. Our own pending {@link signIn} then fails with `sign_in_cancelled`
   * and resets the phase itself; a sign-in this window did not start (the page was reloaded
   * while it ran) has no such promise here, so the session is asked again instead.
   */
  async cancel(): Promise<void> {
    if (this.phase === 'cancelling' || !this.waiting) return;
    const ours = this.phase === 'waiting';
    this.phase = 'cancelling';

    try {
      await backend.cancelSignIn();
    } catch (error) {
      this.#fail('cancel', error);
      if (this.phase === 'cancelling') this.phase = ours ? 'waiting' : 'idle';
      return;
    }

    if (!ours) {
      this.phase = 'idle';
      await this.load();
    }
  }

  /** Signs out. */
  async signOut(): Promise<void> {
    if (this.signingOut) return;
    this.signingOut = true;

    try {
      this.view = await backend.signOut();
      this.failure = null;
    } catch (error) {
      this.#fail('sign_out', error);
    } finally {
      this.signingOut = false;
    }
  }

  /** Takes a view the core pushed with its session event. */
  apply(view: SessionView): void {
    this.view = view;
  }

  /**
   * Reacts to a screen's failure: when the core says the session is gone, ask it again so
   * that the shell shows the sign-in screen.
   */
  noticeError(error: CommandError): void {
    if (error.code === 'signed_out' || error.code === 'session_locked') void this.load();
  }

  #fail(action: SessionAction, error: unknown): void {
    this.failure = { action, error: backend.toCommandError(error) };
  }
}

const KEY = Symbol('session');

/** Shares the session with the components below. */
export function provideSession(session: Session): void {
  setContext(KEY, session);
}

/** The shared session, if a shell provides one (screens tested alone have none). */
export function sessionContext(): Session | undefined {
  return getContext<Session | undefined>(KEY);
}
