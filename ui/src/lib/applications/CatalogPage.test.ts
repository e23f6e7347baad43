import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ResolvedPathname } from '$app/types';
import { catalogView, draftView, templateView } from '$lib/backend/fixtures';
import { clearBackend, mockBackend } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import CatalogPage from './CatalogPage.svelte';

/** The element at `index`, failing the test when there is none. */
function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`nothing at ${index}`);
  return item;
}

const draftHref = (id: string) => `/draft?id=${id}` as ResolvedPathname;

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  cleanup();
  clearBackend();
});

describe('CatalogPage', () => {
  it('lists the services with department, fee and time, and creates a draft for the one chosen', async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      services: () => catalogView(),
      drafts: () => [],
      templates: () => [],
      save_draft: () => ({ ...draftView({}), id: 'draft-7' }),
    });
    const onCreated = vi.fn();
    render(CatalogPage, { onCreated, draftHref });

    const services = await screen.findAllByTestId('service');
    expect(services).toHaveLength(2);
    expect(services[0]).toHaveTextContent('Замена паспорта гражданина РФ');
    expect(services[0]).toHaveTextContent('МВД России');
    expect(within(at(services, 0)).getByTestId('service-fee')).toHaveTextContent(/1\s500 ₽/);
    expect(services[0]).toHaveTextContent('до 10 рабочих дней');
    expect(within(at(services, 1)).getByTestId('service-fee')).toHaveTextContent('бесплатно');
    expect(services[1]).toHaveTextContent('до 1 рабочего дня');
    expect(screen.queryByTestId('catalog-offline')).not.toBeInTheDocument();

    const choose = within(at(services, 0)).getByRole('button', { name: 'Заполнить заявление' });
    expect(choose, 'the button says which service it is for').toHaveAccessibleDescription(
      'Замена паспорта гражданина РФ',
    );
    await user.click(choose);

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith('draft-7'));
    expect(calls.find((call) => call.command === 'save_draft')?.args).toEqual({
      draft: { id: null, service_code: 'passport-replace', answers: {}, scan_ids: [] },
    });
  });

  it('says when the catalog is the saved copy', async () => {
    mockBackend({ services: () => catalogView(false), drafts: () => [], templates: () => [] });
    render(CatalogPage, { onCreated: vi.fn(), draftHref });

    expect(await screen.findByTestId('catalog-offline')).toHaveTextContent('Нет связи с порталом');
  });

  it('lists the drafts to resume, and deletes one only once confirmed', async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      services: () => catalogView(),
      drafts: () => [draftView(), { ...draftView({}), id: 'draft-2' }],
      templates: () => [],
      delete_draft: () => null,
    });
    render(CatalogPage, { onCreated: vi.fn(), draftHref });

    const items = await screen.findAllByTestId('draft-item');
    expect(items).toHaveLength(2);
    expect(at(items, 0)).toHaveTextContent('Замена паспорта гражданина РФ');
    expect(within(at(items, 0)).getByRole('link', { name: 'Продолжить' })).toHaveAttribute(
      'href',
      '/draft?id=draft-1',
    );

    await user.click(within(at(items, 1)).getByRole('button', { name: 'Удалить' }));
    const dialog = await screen.findByTestId('draft-delete-dialog');
    expect(dialog).toHaveTextContent('Удалить черновик «Замена паспорта гражданина РФ»?');
    expect(
      calls.some((call) => call.command === 'delete_draft'),
      'nothing is deleted before the person confirms',
    ).toBe(false);

    await user.click(screen.getByTestId('draft-delete-confirm'));

    await waitFor(() => expect(screen.getAllByTestId('draft-item')).toHaveLength(1));
    expect(calls.find((call) => call.command === 'delete_draft')?.args).toEqual({ id: 'draft-2' });
    expect(screen.getByRole('heading', { name: 'Черновики' })).toHaveFocus();
  });

  it('starts a draft from a template and opens it', async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      services: () => catalogView(),
      drafts: () => [],
      templates: () => [templateView(), templateView('template-2', 'Для мамы')],
      draft_from_template: () => ({ ...draftView(), id: 'draft-9' }),
    });
    const onCreated = vi.fn();
    render(CatalogPage, { onCreated, draftHref });

    const list = await screen.findByTestId('templates');
    const items = within(list).getAllByTestId('template-item');
    expect(items.map((item) => item.querySelector('.title')?.textContent)).toEqual([
      'Паспорт для себя',
      'Для мамы',
    ]);
    expect(at(items, 1)).toHaveTextContent('Замена паспорта гражданина РФ');

    const use = within(at(items, 1)).getByTestId('template-use');
    expect(use, 'the button says which template it is for').toHaveAccessibleDescription(/Для мамы/);
    await user.click(use);

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith('draft-9'));
    expect(calls.find((call) => call.command === 'draft_from_template')?.args).toEqual({
      id: 'template-2',
    });
  });

  it('deletes a template only once confirmed', async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      services: () => catalogView(),
      drafts: () => [],
      templates: () => [templateView(), templateView('template-2', 'Для мамы')],
      delete_draft: () => null,
    });
    render(CatalogPage, { onCreated: vi.fn(), draftHref });

    const items = await screen.findAllByTestId('template-item');
    await user.click(within(at(items, 0)).getByTestId('template-delete'));
    const dialog = await screen.findByTestId('template-delete-dialog');
    expect(dialog).toHaveTextContent('Удалить шаблон «Паспорт для себя»?');
    expect(
      calls.some((call) => call.command === 'delete_draft'),
      'nothing is deleted before the person confirms',
    ).toBe(false);

    await user.click(screen.getByTestId('template-delete-confirm'));

    await waitFor(() => expect(screen.getAllByTestId('template-item')).toHaveLength(1));
    expect(calls.find((call) => call.command === 'delete_draft')?.args).toEqual({
      id: 'template-1',
    });
    expect(screen.getByRole('heading', { name: 'Шаблоны' })).toHaveFocus();
  });

  it('says when a draft cannot be started from a template', async () => {
    const user = userEvent.setup();
    mockBackend({
      services: () => catalogView(),
      drafts: () => [],
      templates: () => [templateView()],
      draft_from_template: () => {
        throw { code: 'not_found', message: 'no template' };
      },
    });
    const onCreated = vi.fn();
    render(CatalogPage, { onCreated, draftHref });

    await user.click(await screen.findByTestId('template-use'));

    expect(await screen.findByTestId('templates-error')).toHaveTextContent(
      'Не удалось создать черновик по шаблону.',
    );
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('marks the service texts as Russian when the interface speaks English', async () => {
    i18n.set('en');
    mockBackend({ services: () => catalogView(), drafts: () => [], templates: () => [] });
    render(CatalogPage, { onCreated: vi.fn(), draftHref });

    const first = at(await screen.findAllByTestId('service'), 0);
    expect(within(first).getByRole('heading')).toHaveAttribute('lang', 'ru');
    expect(within(first).getByText('Замена паспорта по достижении 20 или 45 лет')).toHaveAttribute(
      'lang',
      'ru',
    );
    expect(within(first).getByRole('button'), 'the UI own text is English').toHaveTextContent(
      'Fill in the application',
    );
  });
});
