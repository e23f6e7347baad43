import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { CommandHandlers } from '$lib/backend/mock';
import {
  catalogView,
  draftProblems,
  draftView,
  outboxItemView,
  vaultView,
} from '$lib/backend/fixtures';
import { clearBackend, mockBackend } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import DraftPage from './DraftPage.svelte';

/** The commands a draft's form needs, saving whatever it is given. */
function handlers(extra: CommandHandlers = {}): CommandHandlers {
  return {
    draft: () => draftView(),
    services: () => catalogView(),
    vault: () => vaultView(),
    save_draft: (args) => {
      const input = args.draft as { answers: Record<string, unknown>; scan_ids: string[] };
      return { ...draftView(input.answers), scan_ids: input.scan_ids };
    },
    ...extra,
  };
}

function open(extra: CommandHandlers = {}, autosaveDelay = 10) {
  const calls = mockBackend(handlers(extra));
  const onQueued = vi.fn();
  render(DraftPage, { id: 'draft-1', onQueued, autosaveDelay });
  return { calls, onQueued };
}

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

describe('DraftPage', () => {
  it('renders every question of the schema in order, with its label and hint', async () => {
    open();

    expect(await screen.findByTestId('draft-heading')).toHaveTextContent(
      'Замена паспорта гражданина РФ',
    );
    const fields = screen.getAllByTestId('form-field');
    expect(fields.map((field) => field.querySelector('label')?.textContent?.trim())).toEqual([
      'Фамилия, имя, отчество (обязательно)',
      'Дата рождения (обязательно)',
      'Причина замены (обязательно)',
      'Согласие на обработку персональных данных (обязательно)',
    ]);

    const name = screen.getByLabelText(/Фамилия, имя, отчество/);
    expect(name, 'the saved answer is shown').toHaveValue('Иванов Иван Иванович');
    expect(name, 'the hint is read with the field').toHaveAccessibleDescription(
      'Полностью, как в паспорте',
    );
    expect(screen.getByLabelText(/Дата рождения/)).toHaveAttribute('type', 'date');
    const reason = screen.getByRole('combobox', { name: /Причина замены/ });
    expect(within(reason).getByRole('option', { name: 'Смена фамилии' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /Согласие/ })).not.toBeChecked();

    const scan = screen.getByRole('combobox', { name: /Скан паспорта/ });
    expect(scan).toHaveAccessibleDescription('Разворот с фотографией');
    expect(
      within(scan).getByRole('option', { name: 'Паспорт, прописка (Паспорт)' }),
      'the vault scans are offered',
    ).toBeInTheDocument();
  });

  it('saves the answers shortly after typing and says so', async () => {
    const user = userEvent.setup();
    // Long enough for all the changes below to fall within one pause.
    const { calls } = open({}, 1000);

    await user.type(await screen.findByLabelText(/Фамилия/), ' мл.');
    const reason = screen.getByRole('combobox', { name: /Причина замены/ });
    await user.selectOptions(reason, 'age');
    await user.click(screen.getByRole('checkbox', { name: /Согласие/ }));
    await user.selectOptions(screen.getByRole('combobox', { name: /Скан паспорта/ }), 'scan-2');

    expect(
      calls.some((call) => call.command === 'save_draft'),
      'nothing is saved while the person is still typing',
    ).toBe(false);
    expect(screen.getByTestId('save-status')).toHaveTextContent('Сохраняется…');

    await waitFor(() => expect(screen.getByTestId('save-status')).toHaveTextContent('Сохранено'), {
      timeout: 5000,
    });
    const saves = calls.filter((call) => call.command === 'save_draft');
    expect(saves.length, 'changes made without a pause are saved together').toBe(1);
    expect(at(saves, 0).args).toEqual({
      draft: {
        id: 'draft-1',
        service_code: 'passport-replace',
        answers: { full_name: 'Иванов Иван Иванович мл.', reason: 'age', consent: true },
        scan_ids: ['scan-2'],
      },
    });
  });

  it('shows every problem of a check at once and moves the focus to the first', async () => {
    const user = userEvent.setup();
    const { calls } = open({ check_draft: () => draftProblems() });

    await user.click(await screen.findByTestId('check-button'));

    const summary = await screen.findByTestId('problem-summary');
    expect(within(summary).getByRole('heading')).toHaveTextContent('Найдены 3 ошибки');
    expect(
      within(summary)
        .getAllByTestId('problem-link')
        .map((link) => link.textContent),
    ).toEqual([
      'Дата рождения: Укажите дату рождения',
      'Согласие на обработку персональных данных: Без согласия заявление не принять',
      'Скан паспорта: Приложите скан паспорта',
    ]);

    const birthDate = screen.getByLabelText(/Дата рождения/);
    expect(birthDate, 'the first problem gets the focus').toHaveFocus();
    expect(birthDate).toHaveAttribute('aria-invalid', 'true');
    expect(birthDate).toHaveAccessibleDescription('Как в паспорте Укажите дату рождения');
    expect(screen.getByRole('checkbox', { name: /Согласие/ })).toHaveAccessibleDescription(
      /Без согласия заявление не принять/,
    );
    expect(screen.getByRole('combobox', { name: /Скан паспорта/ })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(screen.getByLabelText(/Фамилия/), 'a field without problems').not.toHaveAttribute(
      'aria-invalid',
    );

    const commands = calls.map((call) => call.command);
    expect(commands.indexOf('save_draft'), 'the draft is saved before it is checked').toBeLessThan(
      commands.indexOf('check_draft'),
    );

    await user.click(at(within(summary).getAllByTestId('problem-link'), 2));
    expect(screen.getByRole('combobox', { name: /Скан паспорта/ })).toHaveFocus();
  });

  it('says so when a check finds nothing', async () => {
    const user = userEvent.setup();
    open({ check_draft: () => [] });

    await user.click(await screen.findByTestId('check-button'));

    expect(await screen.findByTestId('draft-clean')).toHaveTextContent('Ошибок не найдено');
    expect(screen.queryByTestId('problem-summary')).not.toBeInTheDocument();
  });

  it('shows the problems a submission comes back with, beside their fields', async () => {
    const user = userEvent.setup();
    const { onQueued } = open({
      submit_draft: () => ({ outcome: 'problems', problems: draftProblems().slice(1) }),
    });

    await user.click(await screen.findByTestId('submit-button'));

    expect(await screen.findByTestId('problem-summary')).toHaveTextContent('Найдены 2 ошибки');
    expect(screen.getByRole('checkbox', { name: /Согласие/ })).toHaveFocus();
    expect(onQueued).not.toHaveBeenCalled();
  });

  it('goes to the outbox once the draft is queued', async () => {
    const user = userEvent.setup();
    const { onQueued } = open({
      submit_draft: () => ({
        outcome: 'queued',
        item: outboxItemView('out-1', { state: 'queued' }),
      }),
    });

    await user.click(await screen.findByTestId('submit-button'));

    await waitFor(() => expect(onQueued).toHaveBeenCalledOnce());
  });
});
