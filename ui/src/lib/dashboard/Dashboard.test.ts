import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ResolvedPathname } from '$app/types';
import { EVENT_CHANGED, EVENT_SYNC, type DashboardView } from '$lib/backend';
import { dashboardView, offlineSync, onlineSync } from '$lib/backend/fixtures';
import { clearBackend, emitEvent, mockBackend, type CommandHandlers } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import Dashboard from './Dashboard.svelte';

const applicationHref = (id: string) => `/application?id=${id}` as ResolvedPathname;

/**
 * Renders the dashboard over a fake backend and waits until it has opened: read the cache,
 * asked the portal and marked the changes as seen. By then its event listeners are in place.
 */
async function openDashboard(handlers: CommandHandlers = {}) {
  const calls = mockBackend({
    dashboard: () => dashboardView(),
    refresh: () => dashboardView(),
    mark_read: () => null,
    ...handlers,
  });
  render(Dashboard, { applicationHref });
  await waitFor(() => expect(commands(calls)).toContain('mark_read'));
  return calls;
}

function commands(calls: Array<{ command: string }>): string[] {
  return calls.map((call) => call.command);
}

function rowIds(): Array<string | null> {
  return screen.queryAllByTestId('application-row').map((row) => row.getAttribute('data-id'));
}

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  // Unmount first, so that the components stop listening while the fake backend still answers.
  cleanup();
  clearBackend();
});

describe('Dashboard', () => {
  it('shows the profile and every application with its status in words', async () => {
    const calls = await openDashboard();

    expect(commands(calls)).toEqual(['dashboard', 'refresh', 'mark_read']);
    expect(screen.getByTestId('dashboard-heading')).toHaveTextContent('Мои заявления');
    expect(screen.getByTestId('profile-name')).toHaveTextContent('Иванов Иван Иванович');
    expect(screen.getByTestId('profile-phone')).toHaveTextContent('не указан');
    expect(screen.getByTestId('last-updated')).toHaveTextContent(
      'Обновлено 4 марта 2026 г. в 10:15',
    );
    expect(screen.getByTestId('shown-count')).toHaveTextContent('Показано заявлений: 3 из 3');

    const rows = screen.getAllByTestId('application-row');
    expect(rows.map((row) => row.dataset.status)).toEqual([
      'in_progress',
      'approved',
      'needs_info',
    ]);
    const first = within(rows[0]!);
    expect(first.getByText('В обработке')).toHaveAttribute('data-status', 'in_progress');
    expect(first.getByRole('link', { name: 'Замена паспорта гражданина РФ' })).toHaveAttribute(
      'href',
      '/application?id=app-1',
    );
    expect(first.getByText('Номер 1234-5678')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Одобрено')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('Требуется уточнение')).toBeInTheDocument();
    expect(screen.queryByTestId('offline-banner')).not.toBeInTheDocument();
  });

  it('narrows the list by status and by search, and says how many are shown', async () => {
    const user = userEvent.setup();
    await openDashboard();
    const filter = screen.getByRole('radiogroup', { name: 'Статус' });
    expect(filter).toHaveAttribute('data-testid', 'status-filter');

    await user.click(within(filter).getByRole('radio', { name: 'Одобрено' }));

    expect(rowIds()).toEqual(['app-2']);
    expect(screen.getByTestId('shown-count')).toHaveTextContent('Показано заявлений: 1 из 3');

    await user.click(within(filter).getByRole('radio', { name: 'Все' }));
    await user.type(
      screen.getByRole('searchbox', { name: 'Поиск по названию или номеру' }),
      'замена',
    );

    expect(rowIds()).toEqual(['app-1', 'app-3']);
    expect(screen.getByTestId('shown-count')).toHaveTextContent('Показано заявлений: 2 из 3');

    await user.click(within(filter).getByRole('radio', { name: 'Одобрено' }));

    expect(rowIds()).toEqual([]);
    expect(screen.getByText('Нет заявлений с такими условиями.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Сбросить фильтр и поиск' }));

    expect(rowIds()).toEqual(['app-1', 'app-2', 'app-3']);
    expect(screen.getByTestId('search-input')).toHaveValue('');
  });

  it('moves through the status filter with the keyboard', async () => {
    const user = userEvent.setup();
    await openDashboard();
    const filter = screen.getByTestId('status-filter');

    within(filter).getByRole('radio', { name: 'Все' }).focus();
    await user.keyboard('{ArrowRight}');

    const accepted = within(filter).getByRole('radio', { name: 'Принято' });
    expect(accepted).toHaveFocus();
    expect(accepted).toBeChecked();
    expect(rowIds(), 'no application in the fixture is merely accepted').toEqual([]);
  });

  it('shows the offline banner with the time of the saved data', async () => {
    await openDashboard({ refresh: () => dashboardView(offlineSync('2026-03-02T08:00:00Z')) });

    const banner = screen.getByTestId('offline-banner');
    expect(banner).toHaveTextContent('Нет связи с порталом. Показаны сохранённые данные.');
    expect(within(banner).getByTestId('offline-last-updated')).toHaveTextContent(
      'Обновлено 2 марта 2026 г. в 08:00',
    );
    expect(rowIds(), 'the saved applications stay on screen').toHaveLength(3);
  });

  it('says so when nothing was ever loaded while offline', async () => {
    const empty: DashboardView = { person: null, applications: [], sync: offlineSync() };
    empty.sync.last_updated = null;
    await openDashboard({ dashboard: () => empty, refresh: () => empty });

    expect(screen.getByTestId('offline-banner')).toHaveTextContent(
      'Данные с портала ещё не загружались.',
    );
    expect(screen.getByText('Заявлений пока нет.')).toBeInTheDocument();
    expect(screen.getByText('Данные профиля появятся после первого обновления.')).toBeVisible();
  });

  it('asks the portal again when Refresh is pressed', async () => {
    const user = userEvent.setup();
    const calls = await openDashboard();
    const refreshes = () => commands(calls).filter((command) => command === 'refresh').length;
    expect(refreshes()).toBe(1);

    await user.click(screen.getByTestId('refresh-button'));

    await waitFor(() => expect(refreshes()).toBe(2));
    await waitFor(() =>
      expect(screen.getByTestId('refresh-status')).toHaveTextContent('Данные обновлены.'),
    );
  });

  it('reports a failed refresh in plain words and keeps the data', async () => {
    const user = userEvent.setup();
    let fail = false;
    await openDashboard({
      refresh: () => {
        if (fail) throw { code: 'portal', message: 'HTTP 502 from /api/applications' };
        return dashboardView();
      },
    });
    fail = true;

    await user.click(screen.getByTestId('refresh-button'));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Портал ответил ошибкой. Попробуйте позже.',
    );
    expect(screen.getByText('HTTP 502 from /api/applications')).not.toBeVisible();
    expect(rowIds()).toHaveLength(3);
  });

  it('reloads from the cache when the core reports a change', async () => {
    let view = dashboardView();
    const calls = await openDashboard({ dashboard: () => view });
    view = dashboardView();
    view.applications[0]!.status = 'approved';

    await emitEvent(EVENT_CHANGED, { application_id: 'app-1' });

    await waitFor(() => expect(rowIds()).toHaveLength(3));
    await waitFor(() =>
      expect(screen.getAllByTestId('application-row')[0]).toHaveAttribute(
        'data-status',
        'approved',
      ),
    );
    expect(commands(calls).filter((command) => command === 'dashboard')).toHaveLength(2);
  });

  it('takes the connection state the core pushes', async () => {
    await openDashboard();

    await emitEvent(EVENT_SYNC, offlineSync());

    expect(await screen.findByTestId('offline-banner')).toBeInTheDocument();

    await emitEvent(EVENT_SYNC, onlineSync());

    await waitFor(() => expect(screen.queryByTestId('offline-banner')).not.toBeInTheDocument());
  });

  it('follows the language', async () => {
    await openDashboard();

    i18n.set('en');

    await waitFor(() =>
      expect(screen.getByTestId('dashboard-heading')).toHaveTextContent('My applications'),
    );
    expect(screen.getByTestId('shown-count')).toHaveTextContent('Applications shown: 3 of 3');
    expect(screen.getByTestId('last-updated')).toHaveTextContent('Updated 4 March 2026 at 10:15');
    expect(screen.getAllByTestId('application-row')[0]).toHaveTextContent('In progress');
  });
});
