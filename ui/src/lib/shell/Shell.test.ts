import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ResolvedPathname } from '$app/types';
import { EVENT_OPEN_APPLICATION, EVENT_SESSION, EVENT_VAULT_IMPORTED } from '$lib/backend';
import { importReport, sessionView } from '$lib/backend/fixtures';
import { clearBackend, emitEvent, mockBackend, type CommandHandlers } from '$lib/backend/mock';
import { dropInbox } from '$lib/documents/inbox.svelte';
import { i18n } from '$lib/i18n/locale.svelte';

import Shell from './Shell.svelte';

const page = createRawSnippet(() => ({ render: () => '<p data-testid="page">Страница</p>' }));

function renderShell(
  handlers: CommandHandlers,
  onOpenApplication = vi.fn(),
  { currentPath = '/', onShowDocuments = vi.fn() } = {},
) {
  const calls = mockBackend(handlers);
  render(Shell, {
    homeHref: '/' as ResolvedPathname,
    documentsHref: '/documents' as ResolvedPathname,
    newApplicationHref: '/new' as ResolvedPathname,
    outboxHref: '/outbox' as ResolvedPathname,
    currentPath,
    onOpenApplication,
    onShowDocuments,
    children: page,
  });
  return calls;
}

beforeEach(() => {
  i18n.set('ru');
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  clearBackend();
  document.documentElement.lang = 'ru';
});

describe('Shell', () => {
  it('links to a new application and the outbox, marking the page shown', async () => {
    renderShell({ session_state: () => sessionView('signed_in') }, vi.fn(), {
      currentPath: '/outbox',
    });

    const navigation = screen.getByRole('navigation', { name: 'Основное меню' });
    expect(
      await within(navigation).findByRole('link', { name: 'Новое заявление' }),
    ).toHaveAttribute('href', '/new');
    const outbox = within(navigation).getByRole('link', { name: 'Исходящие' });
    expect(outbox, 'the outbox is the page shown').toHaveAttribute('aria-current', 'page');
    expect(within(navigation).getByRole('link', { name: 'Мои документы' })).not.toHaveAttribute(
      'aria-current',
    );
  });

  it('shows the sign-in screen until the person is signed in', async () => {
    renderShell({ session_state: () => sessionView('signed_out') });

    expect(await screen.findByTestId('sign-in-button')).toBeInTheDocument();
    expect(screen.queryByTestId('page')).not.toBeInTheDocument();
    expect(screen.queryByTestId('sign-out-button')).not.toBeInTheDocument();
  });

  it('shows the page once signed in, and signs out', async () => {
    const user = userEvent.setup();
    const calls = renderShell({
      session_state: () => sessionView('signed_in'),
      sign_out: () => sessionView('signed_out'),
    });

    expect(await screen.findByTestId('page')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Мои заявления' })).toHaveAttribute('href', '/');
    const documents = screen.getByRole('link', { name: 'Мои документы' });
    expect(documents).toHaveAttribute('href', '/documents');
    expect(documents).toHaveAttribute('data-testid', 'nav-documents');
    expect(
      screen.getByRole('link', { name: 'Мои заявления' }),
      'the page shown is marked in the header',
    ).toHaveAttribute('aria-current', 'page');
    expect(documents).not.toHaveAttribute('aria-current');

    await user.click(screen.getByRole('button', { name: 'Выйти' }));

    expect(await screen.findByTestId('sign-in-button')).toBeInTheDocument();
    expect(calls.map((call) => call.command)).toEqual(['session_state', 'sign_out']);
    expect(screen.getByRole('main'), 'focus is not left on the removed button').toHaveFocus();
  });

  it('says so in words when signing out fails', async () => {
    const user = userEvent.setup();
    renderShell({
      session_state: () => sessionView('signed_in'),
      sign_out: () => {
        throw { code: 'keychain', message: 'org.freedesktop.Secret: locked' };
      },
    });

    await user.click(await screen.findByTestId('sign-out-button'));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Не удалось выйти. Не удалось обратиться к системному хранилищу паролей.',
    );
  });

  it('offers to ask again when the session state is unknown', async () => {
    const user = userEvent.setup();
    let broken = true;
    renderShell({
      session_state: () => {
        if (broken) throw { code: 'storage', message: 'database is locked' };
        return sessionView('signed_out');
      },
    });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Не удалось узнать состояние сеанса.',
    );
    broken = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));

    expect(await screen.findByTestId('sign-in-button')).toBeInTheDocument();
  });

  it('follows the session the core pushes', async () => {
    renderShell({ session_state: () => sessionView('signed_in') });
    await screen.findByTestId('page');

    await emitEvent(EVENT_SESSION, sessionView('locked'));

    expect(await screen.findByTestId('sign-in-locked')).toBeInTheDocument();
  });

  it('passes on a request to open an application', async () => {
    const open = vi.fn();
    renderShell({ session_state: () => sessionView('signed_in') }, open);
    await screen.findByTestId('page');

    await emitEvent(EVENT_OPEN_APPLICATION, { id: 'app-2' });

    expect(open).toHaveBeenCalledWith('app-2');
  });
});

describe('language switch', () => {
  it('opens the documents screen with the report of files dropped on another screen', async () => {
    const onShowDocuments = vi.fn();
    renderShell({ session_state: () => sessionView('signed_in') }, vi.fn(), { onShowDocuments });
    await screen.findByTestId('page');

    const report = importReport();
    await emitEvent(EVENT_VAULT_IMPORTED, report);
    expect(onShowDocuments).toHaveBeenCalledOnce();
    expect(dropInbox.take(), 'the report waits for the documents screen').toEqual(report);
    expect(dropInbox.take(), 'once').toBeNull();
  });

  it('leaves a drop on the documents screen to that screen', async () => {
    const onShowDocuments = vi.fn();
    renderShell({ session_state: () => sessionView('signed_in') }, vi.fn(), {
      currentPath: '/documents',
      onShowDocuments,
    });
    await screen.findByTestId('page');

    await emitEvent(EVENT_VAULT_IMPORTED, importReport());
    expect(onShowDocuments).not.toHaveBeenCalled();
    expect(dropInbox.take()).toBeNull();
  });

  it('starts in Russian and switches the text and <html lang> to English', async () => {
    const user = userEvent.setup();
    renderShell({ session_state: () => sessionView('signed_out') });
    await screen.findByTestId('sign-in-button');
    expect(document.documentElement.lang).toBe('ru');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Вход в личный кабинет');

    const languages = screen.getByRole('radiogroup', { name: 'Язык интерфейса' });
    expect(languages).toHaveAttribute('data-testid', 'language-switch');
    const english = screen.getByRole('radio', { name: 'English' });
    expect(english, 'each language is named in its own words').toHaveAttribute('lang', 'en');

    await user.click(english);

    expect(document.documentElement.lang).toBe('en');
    expect(english).toBeChecked();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      'Sign in to your personal account',
    );
    expect(screen.getByTestId('sign-in-button')).toHaveTextContent('Sign in with Gosuslugi');
    expect(screen.getByRole('radiogroup', { name: 'Interface language' })).toBe(languages);
    expect(localStorage.getItem('kabinet.locale')).toBe('en');
  });

  it('is reachable and operable from the keyboard', async () => {
    const user = userEvent.setup();
    renderShell({ session_state: () => sessionView('signed_out') });
    await screen.findByTestId('sign-in-button');

    await user.tab();
    expect(screen.getByRole('link', { name: 'Перейти к основному содержанию' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('radio', { name: 'Русский' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');

    expect(screen.getByRole('radio', { name: 'English' })).toHaveFocus();
    expect(document.documentElement.lang).toBe('en');
  });

  it('starts in the remembered language', async () => {
    localStorage.setItem('kabinet.locale', 'en');
    renderShell({ session_state: () => sessionView('signed_out') });

    expect(await screen.findByTestId('sign-in-button')).toHaveTextContent('Sign in with Gosuslugi');
    expect(document.documentElement.lang).toBe('en');
  });
});
