import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CommandError, SessionView } from '$lib/backend';
import { sessionView } from '$lib/backend/fixtures';
import { clearBackend, mockBackend } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import { Session } from './session.svelte';
import SignIn from './SignIn.svelte';

/** A sign-in that stays pending until the test settles it, as the browser step does. */
function pendingSignIn() {
  let settle: { resolve: (view: SessionView) => void; reject: (error: CommandError) => void };
  const promise = new Promise<SessionView>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { promise, resolve: settle!.resolve, reject: settle!.reject };
}

function renderSignIn(view: SessionView = sessionView('signed_out')) {
  const session = new Session();
  session.apply(view);
  render(SignIn, { session });
  return session;
}

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  // Unmount first, so that the components stop listening while the fake backend still answers.
  cleanup();
  clearBackend();
});

describe('SignIn', () => {
  it('waits for the browser with a Cancel button that calls cancel_sign_in', async () => {
    const user = userEvent.setup();
    const attempt = pendingSignIn();
    const calls = mockBackend({
      sign_in: () => attempt.promise,
      cancel_sign_in: () => {
        attempt.reject({ code: 'sign_in_cancelled', message: 'sign-in cancelled by the user' });
        return null;
      },
    });
    renderSignIn();

    await user.click(screen.getByTestId('sign-in-button'));

    expect(screen.getByTestId('sign-in-waiting')).toHaveTextContent(
      'Завершите вход в открывшемся браузере',
    );
    expect(screen.queryByTestId('sign-in-button')).not.toBeInTheDocument();
    const cancel = screen.getByRole('button', { name: 'Отменить вход' });
    await waitFor(() => expect(cancel, 'focus follows the only control left').toHaveFocus());

    await user.click(cancel);

    expect(calls.map((call) => call.command)).toEqual(['sign_in', 'cancel_sign_in']);
    const notice = await screen.findByTestId('sign-in-error');
    expect(notice).toHaveTextContent('Вход отменён.');
    expect(notice, 'cancelling is the person’s choice, not an alert').toHaveAttribute(
      'role',
      'status',
    );
    expect(screen.queryByText(/cancelled by the user/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('sign-in-waiting')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('sign-in-button')).toHaveFocus());
  });

  it('says in plain words that the sign-in failed and folds the technical detail away', async () => {
    const user = userEvent.setup();
    mockBackend({
      sign_in: () => {
        throw { code: 'sign_in_failed', message: 'token endpoint returned invalid_grant' };
      },
    });
    renderSignIn();

    await user.click(screen.getByTestId('sign-in-button'));

    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Войти не удалось. Попробуйте ещё раз.');
    expect(screen.getByText('token endpoint returned invalid_grant')).not.toBeVisible();

    await user.click(screen.getByText('Подробности'));

    expect(screen.getByText('token endpoint returned invalid_grant')).toBeVisible();
    expect(screen.getByTestId('sign-in-button')).toBeInTheDocument();
  });

  it('speaks English when English is chosen', async () => {
    const user = userEvent.setup();
    mockBackend({
      sign_in: () => {
        throw { code: 'sign_in_failed', message: 'state mismatch' };
      },
    });
    i18n.set('en');
    renderSignIn();

    await user.click(screen.getByRole('button', { name: 'Sign in with Gosuslugi' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Sign-in failed. Please try again.');
  });

  it('cancels a sign-in the core reports but this window did not start', async () => {
    // After a reload during sign-in, the core still waits for the browser; Cancel must work.
    const user = userEvent.setup();
    const calls = mockBackend({
      cancel_sign_in: () => null,
      session_state: () => sessionView('signed_out'),
    });
    renderSignIn(sessionView('signing_in'));

    expect(screen.getByTestId('sign-in-waiting')).toBeInTheDocument();
    await user.click(screen.getByTestId('cancel-sign-in-button'));

    expect(await screen.findByTestId('sign-in-button')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('sign-in-button')).toHaveFocus());
    expect(calls.map((call) => call.command)).toEqual(['cancel_sign_in', 'session_state']);
    expect(screen.queryByTestId('sign-in-waiting')).not.toBeInTheDocument();
  });

  it('keeps waiting when the cancel itself fails, and says why', async () => {
    const user = userEvent.setup();
    const attempt = pendingSignIn();
    mockBackend({
      sign_in: () => attempt.promise,
      cancel_sign_in: () => {
        throw { code: 'internal', message: 'lock poisoned' };
      },
    });
    renderSignIn();

    await user.click(screen.getByTestId('sign-in-button'));
    await user.click(screen.getByTestId('cancel-sign-in-button'));

    expect(await screen.findByRole('alert')).toHaveTextContent('Что-то пошло не так.');
    expect(screen.getByTestId('cancel-sign-in-button')).toBeEnabled();
    expect(screen.getByTestId('sign-in-waiting')).toBeInTheDocument();
  });

  it('shows the demo account and warns when the keychain will not keep the session', () => {
    const view = sessionView('signed_out');
    view.keychain = { available: false, reason: 'no secret service on the bus' };
    renderSignIn(view);

    expect(screen.getByTestId('demo-login')).toHaveTextContent('ivanov@demo.kabinet.test');
    expect(screen.getByTestId('keychain-warning')).toHaveTextContent(
      'Сеанс не сохранится после перезапуска',
    );
  });

  it('explains a locked session', () => {
    renderSignIn(sessionView('locked'));

    expect(screen.getByTestId('sign-in-locked')).toHaveTextContent('Сеанс заблокирован');
  });
});
