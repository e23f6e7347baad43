import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ResolvedPathname } from '$app/types';
import { EVENT_OUTBOX_CHANGED } from '$lib/backend';
import { outboxItemView, outboxView, retryingItemView } from '$lib/backend/fixtures';
import { clearBackend, emitEvent, mockBackend } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import OutboxPage from './OutboxPage.svelte';

const draftHref = (id: string) => `/draft?id=${id}` as ResolvedPathname;
const applicationHref = (id: string) => `/application?id=${id}` as ResolvedPathname;

/** The element at `index`, failing the test when there is none. */
function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`nothing at ${index}`);
  return item;
}

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  cleanup();
  clearBackend();
});

describe('OutboxPage', () => {
  it('shows each submission as queued, sending, sent, needing a fix or refused', async () => {
    mockBackend({ outbox: () => outboxView() });
    render(OutboxPage, { draftHref, applicationHref });

    const items = await screen.findAllByTestId('outbox-item');
    expect(
      items.map((item) => within(item).getByTestId('outbox-state').textContent?.trim()),
    ).toEqual([
      'В очереди на отправку',
      'Отправляется',
      'Отправлено',
      'Нужно исправить',
      'Не принято',
    ]);

    const number = within(at(items, 2)).getByTestId('outbox-number');
    expect(number).toHaveTextContent('7777-0001');
    expect(number, 'a sent application opens its page').toHaveAttribute(
      'href',
      '/application?id=app-9',
    );

    const problems = within(at(items, 3)).getByTestId('outbox-problems');
    expect(problems, 'worded from the code').toHaveTextContent(
      'Дата не может быть позже сегодняшней.',
    );
    expect(problems, 'the code itself is not in the sentence').not.toHaveTextContent(
      'date_in_future',
    );
    const fixDetails = within(at(items, 3)).getByTestId('outbox-details');
    expect(fixDetails, 'the raw code is folded away').not.toHaveAttribute('open');
    expect(fixDetails).toHaveTextContent('Подробности');
    expect(fixDetails).toHaveTextContent('поле birth_date: date_in_future');
    expect(
      within(at(items, 3)).getByRole('link', { name: 'Исправить черновик' }),
      'an item that needs a fix leads back to its draft',
    ).toHaveAttribute('href', '/draft?id=draft-of-out-4');

    const reason = within(at(items, 4)).getByTestId('outbox-reason');
    expect(reason).toHaveTextContent('Портал отказал по причине, которую приложение не знает.');
    expect(reason, 'the code only under Details').not.toHaveTextContent('service_closed');
    const failedDetails = within(at(items, 4)).getByTestId('outbox-details');
    expect(failedDetails).not.toHaveAttribute('open');
    expect(failedDetails).toHaveTextContent('service_closed');

    expect(
      items.map((item) => within(item).getByTestId('outbox-attempts').textContent?.trim()),
    ).toEqual([
      'Попыток отправки: 0',
      'Попыток отправки: 1',
      'Попыток отправки: 1',
      'Попыток отправки: 1',
      'Попыток отправки: 1',
    ]);
    expect(
      screen.queryByTestId('outbox-next-attempt'),
      'nothing failed yet, so no retry is due',
    ).not.toBeInTheDocument();
  });

  it('follows the outbox as the core reports changes', async () => {
    mockBackend({ outbox: () => ({ items: [outboxItemView('out-1', { state: 'queued' })] }) });
    render(OutboxPage, { draftHref, applicationHref });
    expect(await screen.findByTestId('outbox-state')).toHaveTextContent('В очереди на отправку');

    await emitEvent(EVENT_OUTBOX_CHANGED, {
      items: [
        outboxItemView('out-1', { state: 'sent', number: '7777-0002', application_id: 'app-2' }),
      ],
    });

    await waitFor(() => expect(screen.getByTestId('outbox-state')).toHaveTextContent('Отправлено'));
    expect(screen.getByTestId('outbox-number')).toHaveTextContent('7777-0002');
  });

  it('says when nothing was sent yet', async () => {
    mockBackend({ outbox: () => ({ items: [] }) });
    render(OutboxPage, { draftHref, applicationHref });

    expect(await screen.findByTestId('outbox-empty')).toBeInTheDocument();
  });

  it('says when an item that failed to go will be sent again', async () => {
    mockBackend({ outbox: () => ({ items: [retryingItemView()] }) });
    render(OutboxPage, { draftHref, applicationHref });

    expect(await screen.findByTestId('outbox-attempts')).toHaveTextContent('Попыток отправки: 2');
    const next = screen.getByTestId('outbox-next-attempt');
    const when = new Intl.DateTimeFormat('ru-RU', { dateStyle: 'long', timeStyle: 'short' });
    const at = when.format(new Date('2026-03-06T10:05:00Z'));
    expect(next).toHaveTextContent(`Отправить не получилось, следующая попытка — ${at}`);
  });

  it('words the reasons in English, the portal texts kept Russian', async () => {
    i18n.set('en');
    mockBackend({ outbox: () => outboxView() });
    render(OutboxPage, { draftHref, applicationHref });

    const items = await screen.findAllByTestId('outbox-item');
    expect(within(at(items, 3)).getByTestId('outbox-problems')).toHaveTextContent(
      'The date cannot be later than today.',
    );
    expect(within(at(items, 3)).getByRole('heading')).toHaveAttribute('lang', 'ru');
    expect(within(at(items, 4)).getByTestId('outbox-reason')).toHaveTextContent(
      'The portal refused for a reason the app does not know.',
    );
    expect(within(at(items, 4)).getByTestId('outbox-details')).toHaveTextContent('Details');
  });
});
