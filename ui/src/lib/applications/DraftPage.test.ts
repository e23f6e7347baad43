import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { CommandHandlers } from '$lib/backend/mock';
import {
  catalogView,
  draftProblems,
  draftView,
  outboxItemView,
  returnedItemView,
  scanView,
  templateView,
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
    const birthDate = screen.getByLabelText(/Дата рождения/);
    expect(birthDate, 'a date is typed, not picked').toHaveAttribute('type', 'text');
    expect(birthDate, 'the format is read with the field').toHaveAccessibleDescription(
      'Как в паспорте Формат: ДД.ММ.ГГГГ, например 12.04.1985',
    );
    expect(screen.getByTestId('date-format')).toHaveTextContent('Формат: ДД.ММ.ГГГГ');
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
    expect(birthDate).toHaveAccessibleDescription(
      'Как в паспорте Формат: ДД.ММ.ГГГГ, например 12.04.1985 Укажите дату рождения',
    );
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

  it('stores a typed date as ISO, other text as typed, and shows ISO as ДД.ММ.ГГГГ', async () => {
    const user = userEvent.setup();
    const { calls } = open({ draft: () => draftView({ birth_date: '1985-04-12' }) });

    const birthDate = await screen.findByLabelText(/Дата рождения/);
    expect(birthDate, 'a stored date reads as the person types it').toHaveValue('12.04.1985');

    await user.clear(birthDate);
    await user.type(birthDate, '1.5.1990');
    await waitFor(() => expect(screen.getByTestId('save-status')).toHaveTextContent('Сохранено'));
    const saved = () => calls.filter((call) => call.command === 'save_draft').at(-1)?.args;
    expect(saved()).toMatchObject({ draft: { answers: { birth_date: '1990-05-01' } } });
    expect(birthDate, 'what was typed stays while typing').toHaveValue('1.5.1990');

    await user.tab();
    expect(birthDate, 'once the field is left, the date reads in full').toHaveValue('01.05.1990');

    await user.clear(birthDate);
    await user.type(birthDate, '31.02.1990');
    await waitFor(() =>
      expect(saved(), 'an impossible date is kept as typed, not lost').toMatchObject({
        draft: { answers: { birth_date: '31.02.1990' } },
      }),
    );
  });

  it('words a malformed date in its own language instead of the portal text', async () => {
    const user = userEvent.setup();
    const malformed = {
      field: 'birth_date',
      code: 'invalid_format' as const,
      message: 'Такой даты нет: проверьте день, месяц и год',
    };
    open({
      draft: () => draftView({ birth_date: '12.04.85' }),
      check_draft: () => [malformed],
    });

    await user.click(await screen.findByTestId('check-button'));

    const birthDate = await screen.findByLabelText(/Дата рождения/);
    await waitFor(() => expect(birthDate).toHaveFocus());
    expect(birthDate).toHaveAccessibleDescription(
      /Введите дату в формате ДД.ММ.ГГГГ, например 12.04.1985$/,
    );
    expect(screen.getByTestId('problem-summary')).not.toHaveTextContent('Такой даты нет');
  });

  it('opens a draft the portal sent back with its problems on the fields', async () => {
    open({ outbox: () => ({ items: [returnedItemView()] }) });

    expect(await screen.findByTestId('draft-returned')).toHaveTextContent(
      'Портал вернул заявление',
    );
    expect(screen.getByTestId('problem-summary')).toHaveTextContent('Найдены 2 ошибки');
    expect(screen.getByLabelText(/Дата рождения/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/Дата рождения/)).toHaveAccessibleDescription(
      /Дата ещё не наступила/,
    );
  });

  it('does not show problems of a submission that went on after a fix', async () => {
    const requeued = {
      ...outboxItemView('out-10', { state: 'queued' }),
      draft_id: 'draft-1',
      created_at: '2026-03-07T10:00:00Z',
    };
    open({ outbox: () => ({ items: [returnedItemView(), requeued] }) });

    expect(await screen.findByTestId('draft-heading')).toBeInTheDocument();
    expect(screen.queryByTestId('problem-summary')).not.toBeInTheDocument();
    expect(screen.queryByTestId('draft-returned')).not.toBeInTheDocument();
  });

  it('offers the scans that fit an attachment, all on request, keeping the chosen', async () => {
    const user = userEvent.setup();
    open({ draft: () => ({ ...draftView(), scan_ids: ['scan-1'] }) });

    const select = await screen.findByRole('combobox', { name: /Скан паспорта/ });
    expect(select).toHaveAttribute('id', 'field-attachments-passport');
    expect(select).toHaveAttribute('data-testid', 'attachment-select');
    const options = () =>
      within(select)
        .getAllByRole('option')
        .map((option) => option.textContent?.trim());
    expect(options(), 'the passport scan that fits, and the chosen one that does not').toEqual([
      'Скан не выбран',
      'Паспорт, разворот 2–3 (Паспорт) — не подходит',
      'Паспорт, прописка (Паспорт)',
    ]);
    expect(select, 'the chosen scan stays chosen although it is too large').toHaveValue('scan-1');

    await user.click(screen.getByTestId('attachment-show-all'));
    expect(options()).toHaveLength(5);
    expect(options()).toContain('СНИЛС (СНИЛС) — не подходит');

    await user.click(screen.getByTestId('attachment-show-all'));
    expect(options()).toHaveLength(3);
  });

  it('marks a scan of another kind as what the attachment needs when it is chosen', async () => {
    const user = userEvent.setup();
    const { calls } = open({
      vault_set_kind: () => ({ ...scanView('scan-3'), kind: 'passport' }),
    });

    const select = await screen.findByRole('combobox', { name: /Скан паспорта/ });
    await user.click(screen.getByTestId('attachment-show-all'));
    await user.selectOptions(select, 'scan-3');

    await waitFor(() =>
      expect(calls).toContainEqual({
        command: 'vault_set_kind',
        args: { id: 'scan-3', kind: 'passport' },
      }),
    );
    await waitFor(() =>
      expect(
        within(select).getByRole('option', { name: 'СНИЛС (Паспорт) — не подходит' }),
      ).toBeInTheDocument(),
    );
    await waitFor(() => expect(screen.getByTestId('save-status')).toHaveTextContent('Сохранено'));
    const saved = calls.filter((call) => call.command === 'save_draft').at(-1)?.args;
    expect(saved).toMatchObject({ draft: { scan_ids: ['scan-3'] } });
  });

  it('says when no scan fits an attachment', async () => {
    const vault = vaultView();
    vault.scans = vault.scans.filter((scan) => scan.kind !== 'passport');
    open({ vault: () => vault });

    expect(await screen.findByTestId('attachment-none-fit')).toHaveTextContent(
      'Подходящих сканов нет: нужен скан этого вида в формате PDF, JPEG, не больше 2 МБ.',
    );
    const select = screen.getByRole('combobox', { name: /Скан паспорта/ });
    expect(within(select).getAllByRole('option')).toHaveLength(1);
  });

  it('keeps the form as a template under a name, refusing a blank one', async () => {
    const user = userEvent.setup();
    const { calls } = open({ save_template: () => templateView('template-1', 'Мой паспорт') });

    const opener = await screen.findByTestId('template-save-open');
    expect(opener).toHaveTextContent('Сохранить как шаблон');
    await user.click(opener);

    const dialog = await screen.findByTestId('template-dialog');
    const name = within(dialog).getByLabelText('Название шаблона');
    expect(name).toHaveAttribute('data-testid', 'template-name');
    await waitFor(() => expect(name).toHaveFocus());

    await user.type(name, '   ');
    await user.click(within(dialog).getByTestId('template-save'));
    expect(within(dialog).getByTestId('template-error')).toHaveTextContent(
      'Введите название шаблона.',
    );
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(/Введите название шаблона/);
    expect(calls.some((call) => call.command === 'save_template')).toBe(false);

    await user.clear(name);
    await user.type(name, 'Мой паспорт{Enter}');

    await waitFor(() =>
      expect(screen.getByTestId('template-saved')).toHaveTextContent(
        'Шаблон «Мой паспорт» сохранён.',
      ),
    );
    expect(screen.getByTestId('template-saved')).toHaveAttribute('role', 'status');
    await waitFor(() => expect(screen.queryByTestId('template-dialog')).not.toBeInTheDocument());
    expect(screen.getByTestId('template-save-open'), 'the focus goes back').toHaveFocus();
    expect(calls.find((call) => call.command === 'save_template')?.args).toEqual({
      id: 'draft-1',
      name: 'Мой паспорт',
    });
  });

  it('keeps the dialog open with the reason when the template cannot be saved', async () => {
    const user = userEvent.setup();
    open({
      save_template: () => {
        throw { code: 'storage', message: 'disk full' };
      },
    });

    await user.click(await screen.findByTestId('template-save-open'));
    const dialog = await screen.findByTestId('template-dialog');
    await user.type(within(dialog).getByTestId('template-name'), 'Мой паспорт');
    await user.click(within(dialog).getByTestId('template-save'));

    expect(await within(dialog).findByTestId('template-error')).toHaveTextContent(
      'Не удалось сохранить шаблон.',
    );
    expect(within(dialog).getByTestId('template-name'), 'the name typed is kept').toHaveValue(
      'Мой паспорт',
    );
  });

  it('marks the portal texts as Russian when the interface speaks English', async () => {
    i18n.set('en');
    open({ check_draft: () => draftProblems() });

    const heading = await screen.findByTestId('draft-heading');
    expect(heading).toHaveAttribute('lang', 'ru');
    expect(screen.getByText('Фамилия, имя, отчество')).toHaveAttribute('lang', 'ru');
    expect(screen.getByText('Полностью, как в паспорте')).toHaveAttribute('lang', 'ru');
    expect(screen.getByText('Скан паспорта')).toHaveAttribute('lang', 'ru');
    expect(screen.getByText('Смена фамилии')).toHaveAttribute('lang', 'ru');
    expect(screen.getByTestId('date-format'), 'the UI own text is not').not.toHaveAttribute('lang');
    expect(screen.getByTestId('date-format')).toHaveTextContent('Format: DD.MM.YYYY');

    await userEvent.setup().click(screen.getByTestId('check-button'));
    const summary = await screen.findByTestId('problem-summary');
    expect(within(summary).getByText('Укажите дату рождения')).toHaveAttribute('lang', 'ru');
  });
});
