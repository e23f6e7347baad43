import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ResolvedPathname } from '$app/types';
import { EVENT_CHANGED } from '$lib/backend';
import { applicationDetailView } from '$lib/backend/fixtures';
import { clearBackend, emitEvent, mockBackend, type CommandHandlers } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import ApplicationPage from './ApplicationPage.svelte';
import MissingApplication from './MissingApplication.svelte';

const backHref = '/' as ResolvedPathname;

function openApplication(handlers: CommandHandlers, id = 'app-1') {
  const calls = mockBackend(handlers);
  render(ApplicationPage, { id, backHref });
  return calls;
}

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  cleanup();
  clearBackend();
});

describe('ApplicationPage', () => {
  it('shows the application and its journal as a timeline in order', async () => {
    const calls = openApplication({ application: () => applicationDetailView() });

    expect(await screen.findByTestId('application-heading')).toHaveTextContent(
      'Замена паспорта гражданина РФ',
    );
    expect(calls).toEqual([{ command: 'application', args: { id: 'app-1' } }]);
    expect(screen.getByTestId('application-number')).toHaveTextContent('1234-5678');
    expect(screen.getByTestId('application-status')).toHaveTextContent('В обработке');

    const timeline = screen.getByRole('list');
    expect(timeline.tagName, 'a journal is an ordered list').toBe('OL');
    const entries = within(timeline).getAllByTestId('journal-entry');
    expect(entries.map((entry) => entry.dataset.status)).toEqual(['accepted', 'in_progress']);
    expect(entries[0]).toHaveTextContent('Принято');
    expect(entries[0]).toHaveTextContent('1 марта 2026 г. в 09:05');
    expect(entries[0]).toHaveTextContent('МФЦ Тверского района');
    expect(entries[0]).toHaveTextContent('Заявление зарегистрировано');
    expect(entries[1]).toHaveTextContent('В обработке');
    expect(entries[1]).toHaveTextContent('3 марта 2026 г. в 12:30');

    expect(screen.getByTestId('back-link')).toHaveAttribute('href', '/');
    expect(screen.getByRole('link', { name: 'Все заявления' })).toBe(
      screen.getByTestId('back-link'),
    );
    expect(screen.queryByTestId('cached-note')).not.toBeInTheDocument();
  });

  it('says when it shows a saved copy', async () => {
    openApplication({ application: () => applicationDetailView(true) });

    expect(await screen.findByTestId('cached-note')).toHaveTextContent(
      'Нет связи с порталом: показана сохранённая копия',
    );
  });

  it('says in words that the application was not found, with a way back', async () => {
    openApplication(
      {
        application: () => {
          throw { code: 'not_found', message: 'application app-404 is not in the cache' };
        },
      },
      'app-404',
    );

    expect(await screen.findByTestId('application-heading')).toHaveTextContent(
      'Заявление не найдено',
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Заявление не найдено.');
    expect(screen.getByText('application app-404 is not in the cache')).not.toBeVisible();
    expect(screen.getByTestId('back-link')).toHaveAttribute('href', '/');
    expect(
      screen.queryByRole('button', { name: 'Повторить' }),
      'asking again will not find it either',
    ).not.toBeInTheDocument();
  });

  it('offers to try again after any other failure', async () => {
    const user = userEvent.setup();
    let online = false;
    const calls = openApplication({
      application: () => {
        if (!online) throw { code: 'offline', message: 'connect timeout' };
        return applicationDetailView();
      },
    });

    expect(await screen.findByTestId('application-heading')).toHaveTextContent(
      'Не удалось открыть заявление',
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Нет связи с порталом.');

    online = true;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));

    await waitFor(() =>
      expect(screen.getByTestId('application-heading')).toHaveTextContent(
        'Замена паспорта гражданина РФ',
      ),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(calls).toHaveLength(2);
  });

  it('reloads when the core reports a change to this application only', async () => {
    const calls = openApplication({ application: () => applicationDetailView() });
    await screen.findAllByTestId('journal-entry');

    await emitEvent(EVENT_CHANGED, { application_id: 'app-2' });
    await emitEvent(EVENT_CHANGED, { application_id: 'app-1' });

    await waitFor(() => expect(calls).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls, 'a change to another application must not reload this one').toHaveLength(2);
  });

  it('speaks English', async () => {
    i18n.set('en');
    openApplication({ application: () => applicationDetailView() });

    expect(await screen.findByText('History')).toBeInTheDocument();
    expect(screen.getAllByTestId('journal-entry')[0]).toHaveTextContent('1 March 2026 at 09:05');
    expect(screen.getByTestId('back-link')).toHaveTextContent('All applications');
  });
});

describe('MissingApplication', () => {
  it('explains that no application was named and links back', () => {
    render(MissingApplication, { backHref });

    expect(screen.getByTestId('application-heading')).toHaveTextContent('Заявление не найдено');
    expect(screen.getByText('Не указано, какое заявление открыть.')).toBeInTheDocument();
    expect(screen.getByTestId('back-link')).toHaveAttribute('href', '/');
  });
});
