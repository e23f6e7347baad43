import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ResolvedPathname } from '$app/types';
import {
  answeredDetailView,
  approvedDetailView,
  needsInfoDetailView,
  refusedDetailView,
  vaultView,
} from '$lib/backend/fixtures';
import { clearBackend, mockBackend, type CommandHandlers } from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';

import ApplicationPage from './ApplicationPage.svelte';

const backHref = '/' as ResolvedPathname;

function openApplication(handlers: CommandHandlers, id: string) {
  const calls = mockBackend({ vault: () => vaultView(), ...handlers });
  render(ApplicationPage, { id, backHref });
  return calls;
}

function commands(calls: Array<{ command: string; args: unknown }>, name: string) {
  return calls.filter((call) => call.command === name);
}

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  cleanup();
  clearBackend();
});

describe('the department’s request', () => {
  it('shows what is asked and offers every vault scan by name', async () => {
    openApplication({ application: () => needsInfoDetailView() }, 'app-3');

    const section = await screen.findByTestId('clarification-section');
    expect(screen.getByTestId('application-status')).toHaveAttribute('data-status', 'needs_info');
    expect(within(section).getByRole('heading', { name: 'Запрос ведомства' })).toBeVisible();
    expect(section).toHaveTextContent('Приложите паспорт и укажите прежние ФИО');
    expect(within(section).getByTestId('requested-documents')).toHaveTextContent(
      'Паспорт гражданина РФ',
    );
    expect(within(section).getByTestId('requested-answers')).toHaveTextContent('Прежние ФИО');

    expect(screen.getByRole('textbox', { name: 'Текст ответа' })).toBe(
      screen.getByTestId('reply-text'),
    );
    const boxes = await screen.findAllByTestId('reply-scan');
    const names = vaultView().scans.map((scan) => scan.name);
    expect(boxes.map((box) => (box as HTMLInputElement).value)).toEqual(
      vaultView().scans.map((scan) => scan.id),
    );
    for (const [index, name] of names.entries()) {
      expect(screen.getByRole('checkbox', { name }), 'a checkbox is named by its scan').toBe(
        boxes[index],
      );
    }
    expect(screen.queryByTestId('reply-answered')).not.toBeInTheDocument();
  });

  it('refuses an empty or too long reply in words, without calling the core', async () => {
    const user = userEvent.setup();
    const calls = openApplication({ application: () => needsInfoDetailView() }, 'app-3');
    await screen.findByTestId('clarification-section');

    await user.click(screen.getByTestId('send-reply'));
    expect(await screen.findByTestId('reply-error')).toHaveTextContent(
      'Напишите ответ или отметьте скан.',
    );
    expect(screen.getByTestId('reply-text')).toHaveAccessibleDescription(
      /Напишите ответ или отметьте скан/,
    );

    const text = screen.getByTestId('reply-text');
    await user.click(text);
    await user.paste('я'.repeat(4001));
    await user.click(screen.getByTestId('send-reply'));
    expect(screen.getByTestId('reply-error')).toHaveTextContent('длиннее 4000 символов');
    expect(text).toHaveAttribute('aria-invalid', 'true');
    expect(commands(calls, 'answer_clarification'), 'nothing was sent').toHaveLength(0);
  });

  it('sends text and the ticked scans, then says so and shows the new status', async () => {
    const user = userEvent.setup();
    const calls = openApplication(
      {
        application: () => needsInfoDetailView(),
        answer_clarification: () => answeredDetailView(),
      },
      'app-3',
    );
    await screen.findByTestId('clarification-section');

    await user.type(screen.getByTestId('reply-text'), 'Фамилия не менялась');
    await user.click(await screen.findByRole('checkbox', { name: 'Паспорт, прописка' }));
    await user.click(screen.getByTestId('send-reply'));

    const answered = await screen.findByTestId('reply-answered');
    expect(answered).toHaveTextContent('Ответ отправлен');
    expect(answered, 'the focus follows the form that went away').toHaveFocus();
    expect(commands(calls, 'answer_clarification')).toEqual([
      {
        command: 'answer_clarification',
        args: { applicationId: 'app-3', text: 'Фамилия не менялась', scanIds: ['scan-2'] },
      },
    ]);
    expect(screen.getByTestId('application-status')).toHaveAttribute('data-status', 'in_progress');
    expect(screen.queryByTestId('send-reply')).not.toBeInTheDocument();
  });

  it('shows the portal’s own words when it refuses the reply', async () => {
    const user = userEvent.setup();
    openApplication(
      {
        application: () => needsInfoDetailView(),
        answer_clarification: () => {
          throw { code: 'invalid', message: 'Приложите документ, который запросило ведомство' };
        },
      },
      'app-3',
    );
    await screen.findByTestId('clarification-section');

    await user.type(screen.getByTestId('reply-text'), 'Петров');
    await user.click(screen.getByTestId('send-reply'));

    expect(await screen.findByTestId('reply-error')).toHaveTextContent(
      'Приложите документ, который запросило ведомство',
    );
    expect(screen.getByTestId('reply-text'), 'what was typed stays').toHaveValue('Петров');
    expect(screen.queryByTestId('reply-answered')).not.toBeInTheDocument();
  });

  it('names requested documents in English too', async () => {
    i18n.set('en');
    openApplication({ application: () => needsInfoDetailView() }, 'app-3');

    expect(await screen.findByTestId('requested-documents')).toHaveTextContent('Passport');
    expect(screen.getByTestId('send-reply')).toHaveTextContent('Send reply');
    expect(screen.getByTestId('send-reply'), 'the UI’s own words are English').not.toHaveAttribute(
      'lang',
    );
    for (const portalWords of [
      'request-message',
      'application-heading',
      'application-department',
    ]) {
      expect(screen.getByTestId(portalWords), 'the portal’s words stay Russian').toHaveAttribute(
        'lang',
        'ru',
      );
    }
  });
});

describe('the decision', () => {
  it('downloads the result of an approval and says where it went', async () => {
    const user = userEvent.setup();
    const answers = [
      { saved: true, file_name: 'result-2222-0001.pdf' },
      { saved: false, file_name: null },
    ];
    const calls = openApplication(
      { application: () => approvedDetailView(), save_result: () => answers.shift() },
      'app-2',
    );

    const section = await screen.findByTestId('decision-section');
    expect(section).toHaveTextContent('Заявление одобрено.');
    expect(screen.queryByTestId('decision-reasons')).not.toBeInTheDocument();
    const status = screen.getByTestId('result-status');
    expect(status).toHaveAttribute('role', 'status');

    await user.click(screen.getByRole('button', { name: 'Скачать результат' }));
    await waitFor(() =>
      expect(status).toHaveTextContent('Результат сохранён в файл «result-2222-0001.pdf».'),
    );
    expect(commands(calls, 'save_result')).toEqual([
      { command: 'save_result', args: { applicationId: 'app-2' } },
    ]);

    await user.click(screen.getByTestId('result-download'));
    await waitFor(() => expect(status).toHaveTextContent('окно выбора закрыто'));
  });

  it('says why a download failed', async () => {
    const user = userEvent.setup();
    openApplication(
      {
        application: () => approvedDetailView(),
        save_result: () => {
          throw { code: 'offline', message: 'connect timeout' };
        },
      },
      'app-2',
    );

    await user.click(await screen.findByTestId('result-download'));
    await waitFor(() =>
      expect(screen.getByTestId('result-status')).toHaveTextContent(
        'Не удалось сохранить результат. Нет связи с порталом.',
      ),
    );
  });

  it('lists the reasons of a refusal and what to fix, with nothing to download', async () => {
    openApplication({ application: () => refusedDetailView() }, 'app-1');

    const section = await screen.findByTestId('decision-section');
    expect(section).toHaveTextContent('В предоставлении услуги отказано.');
    expect(screen.getByTestId('application-status')).toHaveAttribute('data-status', 'rejected');
    expect(screen.getByTestId('decision-reasons')).toHaveTextContent(
      'Фотография не соответствует требованиям',
    );
    expect(screen.getByTestId('decision-how-to-fix')).toHaveTextContent(
      'Сделайте новую фотографию и подайте заявление заново',
    );
    expect(screen.getByTestId('decision-how-to-fix')).toHaveAttribute('lang', 'ru');
    expect(screen.queryByTestId('result-download')).not.toBeInTheDocument();
    expect(screen.queryByTestId('clarification-section')).not.toBeInTheDocument();
  });
});
