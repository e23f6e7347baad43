import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  EVENT_UPLOAD_PROGRESS,
  EVENT_VAULT_CHANGED,
  EVENT_VAULT_IMPORTED,
  type ErrorCode,
  type ImportReport,
  type ScanView,
  type VaultView,
} from '$lib/backend';
import {
  importedScan,
  importReport,
  lockedVaultView,
  refusalView,
  scanView,
  vaultView,
} from '$lib/backend/fixtures';
import {
  clearBackend,
  emitDragDrop,
  emitEvent,
  mockBackend,
  type CommandHandlers,
} from '$lib/backend/mock';
import { i18n } from '$lib/i18n/locale.svelte';
import { en } from '$lib/i18n/en';
import { ru } from '$lib/i18n/ru';

import DocumentsPage from './DocumentsPage.svelte';

type Calls = Array<{ command: string; args: unknown }>;

/**
 * Renders the screen over a fake backend and waits until it has read the vault and asked the
 * portal. By then its event listeners, drag and drop included, are in place.
 */
async function openDocuments(handlers: CommandHandlers = {}, props: { undoMs?: number } = {}) {
  const calls = mockBackend({
    vault: () => vaultView(),
    vault_refresh: () => vaultView(),
    ...handlers,
  });
  render(DocumentsPage, props);
  await waitFor(() => expect(commands(calls)).toContain('vault_refresh'));
  await waitFor(() => expect(screen.getByTestId('documents-heading')).toBeInTheDocument());
  return calls;
}

function commands(calls: Calls): string[] {
  return calls.map((call) => call.command);
}

function argsOf(calls: Calls, command: string): unknown[] {
  return calls.filter((call) => call.command === command).map((call) => call.args);
}

function cardIds(): Array<string | undefined> {
  return screen.queryAllByTestId('scan-card').map((card) => card.dataset.id);
}

function card(id: string): HTMLElement {
  const found = screen.getAllByTestId('scan-card').find((element) => element.dataset.id === id);
  if (!found) throw new Error(`no card for ${id}`);
  return found;
}

/** A command that stays pending until the test settles it, as a slow upload does. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  i18n.set('ru');
});

afterEach(() => {
  // Unmount first, so that the screen stops listening while the fake backend still answers.
  cleanup();
  clearBackend();
});

describe('DocumentsPage', () => {
  it('reads the vault at once, then asks the portal, and shows every scan as a card', async () => {
    const calls = await openDocuments();

    expect(commands(calls).slice(0, 2)).toEqual(['vault', 'vault_refresh']);
    expect(screen.getByTestId('documents-heading')).toHaveTextContent('Мои документы');
    expect(screen.getByText(/хранятся на этом компьютере в зашифрованном виде/)).toBeVisible();
    expect(screen.getByTestId('drop-hint')).toHaveTextContent(
      'PDF, JPEG и PNG. Изображения выравниваются, очищаются от метаданных и при необходимости сжимаются до 5 МБ',
    );
    expect(cardIds()).toEqual(['scan-1', 'scan-2', 'scan-3', 'scan-4']);
    expect(screen.getByTestId('scans-count')).toHaveTextContent('Показано сканов: 4 из 4');

    const passport = card('scan-1');
    expect(passport.dataset).toMatchObject({ kind: 'passport', media: 'jpeg', uploaded: 'false' });
    const thumbnail = within(passport).getByTestId('scan-thumbnail');
    expect(thumbnail).toHaveAttribute('src', 'kabinet-scan://localhost/scan-1/thumbnail');
    expect(thumbnail).toHaveAccessibleName('Уменьшенная копия скана «Паспорт, разворот 2–3»');
    expect(passport).toHaveTextContent('3,9 МБ');
    expect(passport).toHaveTextContent('5 марта 2026 г.');
    expect(within(passport).getByTestId('scan-where')).toHaveTextContent(
      'Только на этом компьютере',
    );
    expect(within(passport).getByTestId('scan-kind')).toHaveValue('passport');

    const snils = card('scan-3');
    expect(snils.dataset.uploaded).toBe('true');
    expect(within(snils).getByTestId('scan-where')).toHaveTextContent(
      'Загружен на портал 2 марта 2026 г.',
    );
    expect(within(snils).queryByTestId('scan-upload'), 'it is on the portal already').toBeNull();

    const pdf = card('scan-4');
    expect(pdf.dataset.media).toBe('pdf');
    expect(within(pdf).queryByTestId('scan-thumbnail')).toBeNull();
    expect(within(pdf).getByRole('img', { name: 'PDF, 3 страницы' })).toBeInTheDocument();
    expect(within(pdf).queryByTestId('scan-select'), 'a PDF cannot be a page').toBeNull();
  });

  it('names the scan in every control of its card', async () => {
    await openDocuments();
    const passport = within(card('scan-1'));
    const name = 'Паспорт, разворот 2–3';

    for (const label of [
      `Открыть «${name}»`,
      `Переименовать «${name}»`,
      `Загрузить на портал «${name}»`,
      `Экспортировать «${name}»`,
      `Удалить «${name}»`,
    ]) {
      expect(passport.getByRole('button', { name: label })).toBeInTheDocument();
    }
    expect(passport.getByRole('combobox', { name: `Вид документа «${name}»` })).toBeVisible();
    expect(passport.getByRole('checkbox', { name: `Добавить «${name}» в PDF` })).toBeVisible();
  });

  it('reports each file of a pick: added with what normalising did, already there, refused', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({ vault_pick: () => importReport() });

    await user.click(screen.getByTestId('add-scans-button'));

    const report = await screen.findByTestId('import-report');
    expect(report, 'the report is announced as it arrives').toHaveAttribute('role', 'status');
    await waitFor(() => expect(within(report).getAllByTestId('import-item')).toHaveLength(3));
    expect(commands(calls)).toContain('vault_pick');
    expect(within(report).getByTestId('import-summary')).toHaveTextContent(
      'Добавлено: 1. Уже были: 1. Не добавлено: 1.',
    );

    const [added, duplicate, refused] = within(report).getAllByTestId('import-item');
    expect(added!.dataset.outcome).toBe('imported');
    expect(added).toHaveTextContent('IMG_2041.jpg');
    expect(added).toHaveTextContent(
      'Добавлен: уменьшено с 8,1 МБ до 3,9 МБ, повёрнуто, метаданные удалены',
    );
    expect(duplicate!.dataset.outcome).toBe('duplicate');
    expect(duplicate).toHaveTextContent('Уже есть: это тот же файл, что и «СНИЛС»');
    expect(refused!.dataset.outcome).toBe('refused');
    expect(refused).toHaveTextContent('Не добавлен. Это файл GIF, а не PDF, JPEG или PNG.');
    expect(within(refused!).getByText('refused: unsupported_type')).not.toBeVisible();

    expect(cardIds()[0], 'the new scan is listed first, as the newest').toBe('scan-5');
  });

  it('words every refusal in plain Russian, with its size, pixels and type', async () => {
    const refusals: ImportReport = {
      items: [
        ['a.gif', refusalView('unsupported_type', { detected: 'GIF' })],
        ['b.bin', refusalView('unsupported_type')],
        ['c.jpg', refusalView('empty')],
        ['d.tiff', refusalView('file_too_large', { size: 300 * 1024 * 1024 })],
        ['e.pdf', refusalView('pdf_too_large', { size: 7_549_747 })],
        ['f.png', refusalView('image_too_large', { pixels: [100000, 100000] })],
        ['g.jpg', refusalView('cannot_fit')],
        ['h.jpg', refusalView('image_broken')],
        ['i.pdf', refusalView('pdf_encrypted')],
        ['j.pdf', refusalView('pdf_broken')],
        ['k.pdf', refusalView('pdf_empty')],
        ['l.pdf', refusalView('pdf_bomb')],
        ['m.pdf', refusalView('pdf_active_content')],
        ['n.jpg', refusalView('unreadable')],
      ].map(([file_name, refusal]) => ({
        outcome: 'refused' as const,
        file_name: file_name as string,
        refusal: refusal as ReturnType<typeof refusalView>,
      })),
      error: null,
    };
    await openDocuments();

    await emitEvent(EVENT_VAULT_IMPORTED, refusals);

    await waitFor(() => expect(screen.getAllByTestId('import-item')).toHaveLength(14));
    // Sizes keep their unit on the same line with a no-break space; compare plain spaces.
    const sentences = screen
      .getAllByTestId('import-item')
      .map((item) => item.textContent?.replace(/\s+/g, ' '));
    expect(sentences[0]).toContain('Это файл GIF, а не PDF, JPEG или PNG.');
    expect(sentences[1]).toContain('Это не PDF, JPEG или PNG');
    expect(sentences[2]).toContain('Файл пустой.');
    expect(sentences[3]).toContain('Файл слишком большой (300 МБ)');
    expect(sentences[4]).toContain('PDF занимает 7,2 МБ, а портал принимает файлы не больше 5 МБ');
    expect(sentences[5]).toContain('Изображение 100000 × 100000 пикселей слишком велико.');
    expect(sentences[6]).toContain('не удаётся сжать до 5 МБ');
    expect(sentences[7]).toContain('Изображение повреждено');
    expect(sentences[8]).toContain('PDF защищён паролем');
    expect(sentences[9]).toContain('PDF повреждён');
    expect(sentences[10]).toContain('В PDF нет ни одной страницы.');
    expect(sentences[11]).toContain('PDF устроен подозрительно');
    expect(sentences[12]).toContain('PDF содержит сценарии, вложенные файлы');
    expect(sentences[13]).toContain('Файл не удалось прочитать.');
    for (const sentence of sentences) {
      expect(sentence, 'the English detail stays folded, not instead').toContain('Подробности');
    }
  });

  it('keeps the last report when the picker is closed without a choice', async () => {
    const user = userEvent.setup();
    let report = importReport();
    await openDocuments({ vault_pick: () => report });
    await user.click(screen.getByTestId('add-scans-button'));
    await waitFor(() => expect(screen.getAllByTestId('import-item')).toHaveLength(3));

    report = { items: [], error: null };
    await user.click(screen.getByTestId('add-scans-button'));

    await waitFor(() =>
      expect(screen.getByTestId('add-scans-button')).toHaveTextContent('Добавить'),
    );
    expect(screen.getAllByTestId('import-item')).toHaveLength(3);

    await user.click(screen.getByRole('button', { name: 'Скрыть отчёт' }));
    expect(screen.queryAllByTestId('import-item')).toHaveLength(0);
  });

  it('shows where to drop while files are dragged over the window, then the core’s report', async () => {
    await openDocuments();

    await emitDragDrop('enter', ['/home/ivanov/scan.jpg']);
    expect(await screen.findByTestId('drop-overlay')).toHaveTextContent(
      'Отпустите файлы, чтобы добавить их в документы',
    );
    await emitDragDrop('over');
    expect(screen.getByTestId('drop-overlay')).toBeInTheDocument();

    await emitDragDrop('leave');
    await waitFor(() => expect(screen.queryByTestId('drop-overlay')).toBeNull());

    await emitDragDrop('enter', ['/home/ivanov/scan.jpg']);
    await screen.findByTestId('drop-overlay');
    await emitDragDrop('drop', ['/home/ivanov/scan.jpg']);

    await waitFor(() => expect(screen.queryByTestId('drop-overlay')).toBeNull());
    expect(screen.getByTestId('documents-status')).toHaveTextContent('Добавляем файлы…');

    await emitEvent(EVENT_VAULT_IMPORTED, {
      items: [{ outcome: 'imported', file_name: 'scan.jpg', scan: importedScan() }],
      error: null,
    });

    await waitFor(() => expect(screen.getAllByTestId('import-item')).toHaveLength(1));
    expect(screen.getByTestId('documents-status')).not.toHaveTextContent('Добавляем');
    expect(cardIds()).toContain('scan-5');
  });

  it('shows no overlay for a drag without files', async () => {
    await openDocuments();

    await emitDragDrop('enter', []);

    expect(
      screen.queryByTestId('drop-overlay'),
      'text dragged from elsewhere is not ours',
    ).toBeNull();
  });

  it('narrows the scans by kind and by a search on name or kind, and says how many', async () => {
    const user = userEvent.setup();
    await openDocuments();
    const filter = screen.getByRole('radiogroup', { name: 'Вид документа' });

    await user.click(within(filter).getByRole('radio', { name: 'СНИЛС' }));

    expect(cardIds()).toEqual(['scan-3']);
    expect(screen.getByTestId('scans-count')).toHaveTextContent('Показано сканов: 1 из 4');

    await user.click(within(filter).getByRole('radio', { name: 'Все' }));
    const search = screen.getByRole('searchbox', { name: 'Поиск по названию или виду документа' });
    await user.type(search, 'прописка');
    expect(cardIds()).toEqual(['scan-2']);

    await user.clear(search);
    await user.type(search, 'справка или');
    expect(cardIds(), 'the kind’s label matches too').toEqual(['scan-4']);

    await user.click(within(filter).getByRole('radio', { name: 'Паспорт' }));
    expect(cardIds()).toEqual([]);
    expect(screen.getByText('Нет сканов с такими условиями.')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Сбросить фильтр и поиск' }));
    expect(cardIds()).toHaveLength(4);
  });

  it('opens an image in a viewer with its facts, and gives the focus back on Esc', async () => {
    const user = userEvent.setup();
    await openDocuments();
    const open = within(card('scan-1')).getByTestId('scan-open');
    open.focus();

    await user.keyboard('{Enter}');

    const viewer = await screen.findByRole('dialog', { name: 'Паспорт, разворот 2–3' });
    expect(viewer).toHaveAttribute('data-testid', 'scan-viewer');
    const image = within(viewer).getByTestId('viewer-image');
    expect(image).toHaveAttribute('src', 'kabinet-scan://localhost/scan-1');
    expect(image).toHaveAccessibleName('Скан «Паспорт, разворот 2–3»');
    expect(viewer).toHaveTextContent('Паспорт');
    expect(viewer).toHaveTextContent('3,9 МБ');
    expect(within(viewer).getByTestId('viewer-pixels')).toHaveTextContent('2480 × 3508 пикселей');

    await user.keyboard('{Escape}');

    await waitFor(() => expect(screen.queryByTestId('scan-viewer')).toBeNull());
    await waitFor(() => expect(open).toHaveFocus());
  });

  it('shows a PDF’s page count with an Export button, and closes with its button', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({
      vault_export: () => ({ saved: true, file_name: 'Справка о доходах.pdf' }),
    });
    const open = within(card('scan-4')).getByTestId('scan-open');

    await user.click(open);

    const viewer = await screen.findByTestId('scan-viewer');
    expect(within(viewer).queryByTestId('viewer-image')).toBeNull();
    expect(within(viewer).getByTestId('viewer-pages')).toHaveTextContent('3');
    expect(viewer).toHaveTextContent('Приложение не показывает PDF');

    await user.click(within(viewer).getByTestId('viewer-export'));
    expect(argsOf(calls, 'vault_export')).toEqual([{ id: 'scan-4' }]);

    await user.click(within(viewer).getByTestId('viewer-close'));
    await waitFor(() => expect(screen.queryByTestId('scan-viewer')).toBeNull());
    await waitFor(() => expect(open).toHaveFocus());
    expect(screen.getByTestId('documents-status')).toHaveTextContent(
      'Сохранено: Справка о доходах.pdf',
    );
  });

  it('renames a scan with Enter, and refuses an empty name without asking the core', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({
      vault_rename: ({ id, name }) => ({ ...scanView(id as string), name: name as string }),
    });
    const rename = within(card('scan-2')).getByTestId('scan-rename');

    await user.click(rename);

    const dialog = await screen.findByRole('dialog', { name: 'Переименовать скан' });
    const input = within(dialog).getByRole('textbox', { name: 'Новое название' });
    await waitFor(() => expect(input).toHaveFocus());
    expect(input).toHaveValue('Паспорт, прописка');

    await user.clear(input);
    await user.keyboard('   {Enter}');

    expect(within(dialog).getByTestId('rename-error')).toHaveTextContent('Введите название.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Введите название.');
    expect(commands(calls), 'an empty name is never sent').not.toContain('vault_rename');

    await user.clear(input);
    await user.type(input, 'Паспорт, страница 5{Enter}');

    await waitFor(() => expect(screen.queryByTestId('rename-dialog')).toBeNull());
    expect(argsOf(calls, 'vault_rename')).toEqual([{ id: 'scan-2', name: 'Паспорт, страница 5' }]);
    expect(within(card('scan-2')).getByTestId('scan-name')).toHaveTextContent(
      'Паспорт, страница 5',
    );
    expect(screen.getByTestId('documents-status')).toHaveTextContent(
      'Скан переименован: «Паспорт, страница 5».',
    );
    await waitFor(() => expect(within(card('scan-2')).getByTestId('scan-rename')).toHaveFocus());
  });

  it('cancels a rename with Esc and keeps the name', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments();
    const rename = within(card('scan-2')).getByTestId('scan-rename');
    rename.focus();
    await user.keyboard('{Enter}');
    const input = await screen.findByTestId('rename-input');
    await user.type(input, ' новое');

    await user.keyboard('{Escape}');

    await waitFor(() => expect(screen.queryByTestId('rename-dialog')).toBeNull());
    expect(commands(calls)).not.toContain('vault_rename');
    expect(within(card('scan-2')).getByTestId('scan-name')).toHaveTextContent('Паспорт, прописка');
    await waitFor(() => expect(rename).toHaveFocus());
  });

  it('explains a name the core refuses next to the field', async () => {
    const user = userEvent.setup();
    await openDocuments({
      vault_rename: () => {
        throw { code: 'invalid', message: 'name longer than 200 characters' };
      },
    });
    await user.click(within(card('scan-2')).getByTestId('scan-rename'));
    const input = await screen.findByTestId('rename-input');

    await user.type(input, '!{Enter}');

    expect(await screen.findByTestId('rename-error')).toHaveTextContent(
      'Данные не приняты. Проверьте их и попробуйте ещё раз.',
    );
    expect(screen.getByText('name longer than 200 characters')).not.toBeVisible();
    expect(screen.getByTestId('rename-dialog'), 'the name can still be corrected').toBeVisible();
  });

  it('changes a scan’s kind with its select', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({
      vault_set_kind: ({ id, kind }) => ({
        ...scanView(id as string),
        kind: kind as ScanView['kind'],
      }),
    });
    const select = within(card('scan-4')).getByTestId('scan-kind');
    expect(
      within(select)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Паспорт', 'СНИЛС', 'ИНН', 'Справка или свидетельство', 'Доверенность', 'Другое']);

    await user.selectOptions(select, 'Доверенность');

    await waitFor(() => expect(card('scan-4').dataset.kind).toBe('power_of_attorney'));
    expect(argsOf(calls, 'vault_set_kind')).toEqual([{ id: 'scan-4', kind: 'power_of_attorney' }]);
    expect(screen.getByTestId('documents-status')).toHaveTextContent(
      '«Справка о доходах»: вид документа — Доверенность.',
    );
  });

  it('puts the old kind back when the core refuses the new one', async () => {
    const user = userEvent.setup();
    await openDocuments({
      vault_set_kind: () => {
        throw { code: 'storage', message: 'disk full' };
      },
    });
    const select = within(card('scan-4')).getByTestId('scan-kind');

    await user.selectOptions(select, 'ИНН');

    expect(await screen.findByTestId('documents-error')).toHaveTextContent(
      'Не удалось изменить вид документа. Не удалось прочитать или сохранить данные на этом компьютере.',
    );
    expect(select).toHaveValue('certificate');
  });

  it('deletes a scan at once and brings it back with Undo', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({
      vault_delete: () => null,
      vault_restore: ({ id }) => scanView(id as string),
    });

    await user.click(within(card('scan-2')).getByTestId('scan-delete'));

    expect(cardIds(), 'the card leaves at once').toEqual(['scan-1', 'scan-3', 'scan-4']);
    const region = screen.getByTestId('undo-region');
    expect(region).toHaveAttribute('role', 'status');
    expect(region).toHaveTextContent('«Паспорт, прописка» удалён.');
    const undo = within(region).getByRole('button', {
      name: 'Отменить удаление «Паспорт, прописка»',
    });
    expect(undo).toHaveAttribute('data-testid', 'undo-delete');
    await waitFor(() => expect(undo, 'the focus goes to the undo').toHaveFocus());
    await waitFor(() => expect(argsOf(calls, 'vault_delete')).toEqual([{ id: 'scan-2' }]));

    await user.click(undo);

    await waitFor(() => expect(cardIds()).toEqual(['scan-1', 'scan-2', 'scan-3', 'scan-4']));
    expect(argsOf(calls, 'vault_restore')).toEqual([{ id: 'scan-2' }]);
    expect(screen.queryByTestId('undo-delete')).toBeNull();
    expect(screen.getByTestId('documents-status')).toHaveTextContent(
      '«Паспорт, прописка» восстановлен.',
    );
    await waitFor(() => expect(within(card('scan-2')).getByTestId('scan-open')).toHaveFocus());
  });

  it('stops offering the undo after its time, and the deletion stays', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({ vault_delete: () => null }, { undoMs: 50 });

    await user.click(within(card('scan-2')).getByTestId('scan-delete'));
    expect(screen.getByTestId('undo-delete')).toBeInTheDocument();
    // The pointer resting on the offer holds it; moving away lets it run out.
    await user.unhover(screen.getByTestId('undo-toast'));
    screen.getByTestId('documents-heading').focus();

    await waitFor(() => expect(screen.queryByTestId('undo-delete')).toBeNull());
    expect(cardIds()).toEqual(['scan-1', 'scan-3', 'scan-4']);
    expect(commands(calls)).not.toContain('vault_restore');
  });

  it('puts a scan back when the core refuses to delete it', async () => {
    const user = userEvent.setup();
    await openDocuments({
      vault_delete: () => {
        throw { code: 'storage', message: 'database is locked' };
      },
    });

    await user.click(within(card('scan-2')).getByTestId('scan-delete'));

    expect(await screen.findByTestId('documents-error')).toHaveTextContent(
      'Не удалось удалить скан.',
    );
    expect(cardIds()).toEqual(['scan-1', 'scan-2', 'scan-3', 'scan-4']);
    expect(screen.queryByTestId('undo-delete')).toBeNull();
  });

  it('uploads with a progress bar fed by the core’s events, then shows it as uploaded', async () => {
    const user = userEvent.setup();
    const upload = pending<ScanView>();
    const calls = await openDocuments({ vault_upload: () => upload.promise });
    const passport = within(card('scan-1'));

    await user.click(passport.getByTestId('scan-upload'));

    const progress = passport.getByTestId('upload-progress');
    expect(progress.tagName).toBe('PROGRESS');
    expect(progress).toHaveAccessibleName('Загрузка «Паспорт, разворот 2–3» на портал');
    expect(progress).toHaveAttribute('value', '0');
    expect(passport.getByTestId('scan-upload')).toHaveAttribute('aria-disabled', 'true');

    await emitEvent(EVENT_UPLOAD_PROGRESS, {
      scan_id: 'scan-1',
      sent: 1_000_000,
      total: 4_089_446,
    });
    await emitEvent(EVENT_UPLOAD_PROGRESS, { scan_id: 'scan-9', sent: 5, total: 10 });

    await waitFor(() => expect(progress).toHaveAttribute('value', '1000000'));
    expect(progress).toHaveAttribute('max', '4089446');
    expect(card('scan-1')).toHaveTextContent('24 %');

    await user.click(passport.getByTestId('scan-upload'));
    expect(argsOf(calls, 'vault_upload'), 'a second press does nothing').toEqual([
      { id: 'scan-1' },
    ]);

    upload.resolve({
      ...scanView('scan-1'),
      uploaded: { document_id: 'doc-7', uploaded_at: '2026-03-06T11:00:00Z' },
    });

    await waitFor(() => expect(card('scan-1').dataset.uploaded).toBe('true'));
    expect(within(card('scan-1')).queryByTestId('upload-progress')).toBeNull();
    expect(within(card('scan-1')).getByTestId('scan-where')).toHaveTextContent(
      'Загружен на портал 6 марта 2026 г.',
    );
    expect(screen.getByTestId('documents-status')).toHaveTextContent(
      '«Паспорт, разворот 2–3» загружен на портал.',
    );
  });

  it('says why an upload failed and lets the person try again', async () => {
    const user = userEvent.setup();
    await openDocuments({
      vault_upload: () => {
        throw { code: 'offline', message: 'connect timeout' };
      },
    });

    await user.click(within(card('scan-1')).getByTestId('scan-upload'));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Не удалось загрузить скан на портал. Нет связи с порталом.',
    );
    expect(within(card('scan-1')).getByTestId('scan-upload')).toHaveAttribute(
      'aria-disabled',
      'false',
    );
  });

  it('assembles a PDF from chosen images in the order set with Up and Down', async () => {
    const user = userEvent.setup();
    const assembled: ScanView = {
      ...scanView('scan-4'),
      id: 'scan-6',
      name: 'Паспорт целиком',
      kind: 'passport',
      pages: 3,
      added_at: '2026-03-07T09:00:00Z',
    };
    const calls = await openDocuments({ vault_assemble: () => assembled });
    const panel = within(screen.getByTestId('assemble-panel'));
    expect(panel.getByTestId('assemble-empty')).toBeVisible();

    await user.click(within(card('scan-1')).getByTestId('scan-select'));
    await user.click(within(card('scan-2')).getByTestId('scan-select'));
    await user.click(within(card('scan-3')).getByTestId('scan-select'));

    const order = () => panel.getAllByTestId('assemble-item').map((item) => item.dataset.id);
    expect(order()).toEqual(['scan-1', 'scan-2', 'scan-3']);
    expect(
      panel.getByRole('button', { name: 'Переместить «Паспорт, разворот 2–3» выше' }),
    ).toBeDisabled();

    const down = panel.getByRole('button', { name: 'Переместить «Паспорт, разворот 2–3» ниже' });
    down.focus();
    await user.keyboard('{Enter}');

    expect(order()).toEqual(['scan-2', 'scan-1', 'scan-3']);
    expect(panel.getByTestId('assemble-position')).toHaveTextContent(
      '«Паспорт, разворот 2–3»: страница 2 из 3.',
    );
    await waitFor(() => expect(down, 'the focus stays with the moved page').toHaveFocus());

    await user.keyboard('{Enter}');
    expect(order()).toEqual(['scan-2', 'scan-3', 'scan-1']);
    await waitFor(() =>
      expect(
        panel.getByRole('button', { name: 'Переместить «Паспорт, разворот 2–3» выше' }),
        'at the end, the focus moves to the button that still works',
      ).toHaveFocus(),
    );

    await user.click(panel.getByRole('button', { name: 'Переместить «СНИЛС» выше' }));
    expect(order()).toEqual(['scan-3', 'scan-2', 'scan-1']);

    await user.click(panel.getByTestId('assemble-button'));
    expect(panel.getByTestId('assemble-error')).toHaveTextContent('Введите название PDF.');
    expect(commands(calls)).not.toContain('vault_assemble');

    await user.type(panel.getByRole('textbox', { name: 'Название PDF' }), 'Паспорт целиком');
    await user.selectOptions(panel.getByRole('combobox', { name: 'Вид документа' }), 'Паспорт');
    await user.click(panel.getByTestId('assemble-button'));

    await waitFor(() =>
      expect(argsOf(calls, 'vault_assemble')).toEqual([
        { ids: ['scan-3', 'scan-2', 'scan-1'], name: 'Паспорт целиком', kind: 'passport' },
      ]),
    );
    await waitFor(() => expect(cardIds()[0]).toBe('scan-6'));
    expect(screen.getByTestId('documents-status')).toHaveTextContent(
      'Собран PDF «Паспорт целиком»: 3 страницы.',
    );
    expect(panel.getByTestId('assemble-empty'), 'the choice starts over').toBeVisible();
    expect(within(card('scan-1')).getByTestId('scan-select')).not.toBeChecked();
  });

  it('warns that scans will not survive closing the app without a keychain', async () => {
    const view = vaultView();
    view.persistent = false;
    await openDocuments({ vault: () => view, vault_refresh: () => view });

    expect(screen.getByTestId('vault-not-persistent')).toHaveTextContent(
      'Сканы не сохранятся после закрытия приложения',
    );
    expect(screen.getByTestId('vault-not-persistent')).toHaveTextContent(
      'После закрытия добавленные сканы прочитать будет нельзя.',
    );
  });

  it('explains a lost key, counts what a reset loses, and resets only once confirmed', async () => {
    const user = userEvent.setup();
    let view: VaultView = lockedVaultView(3, 2);
    const calls = await openDocuments({
      vault: () => view,
      vault_refresh: () => view,
      vault_reset: () => {
        view = vaultView();
        view.scans = [];
        return view;
      },
    });

    const notice = screen.getByTestId('vault-key-changed');
    expect(notice).toHaveTextContent('Ключ шифрования локальных данных утерян или заменён');
    expect(notice).toHaveTextContent(
      '3 скана есть только на этом компьютере: при сбросе они будут потеряны.',
    );
    expect(notice).toHaveTextContent('2 скана уже загружены на портал и останутся там.');
    expect(screen.queryByTestId('add-scans-button'), 'nothing can be added now').toBeNull();
    expect(screen.queryAllByTestId('scan-card')).toHaveLength(0);

    const reset = within(notice).getByRole('button', { name: 'Сбросить локальные данные' });
    expect(reset).toHaveAttribute('data-testid', 'vault-reset');
    await user.click(reset);

    const dialog = await screen.findByRole('alertdialog', { name: 'Сбросить локальные данные?' });
    expect(dialog).toHaveAccessibleDescription(
      'Все сканы на этом компьютере будут удалены. Только здесь хранятся 3 скана: их будет не вернуть.',
    );
    await waitFor(() =>
      expect(
        within(dialog).getByRole('button', { name: 'Отмена' }),
        'safe choice first',
      ).toHaveFocus(),
    );

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(commands(calls)).not.toContain('vault_reset');
    await waitFor(() => expect(reset).toHaveFocus());

    await user.click(reset);
    await user.click(await screen.findByTestId('vault-reset-confirm'));

    await waitFor(() => expect(commands(calls)).toContain('vault_reset'));
    await waitFor(() => expect(screen.queryByTestId('vault-key-changed')).toBeNull());
    expect(screen.getByTestId('scans-empty')).toBeVisible();
    expect(screen.getByTestId('documents-status')).toHaveTextContent('Локальные данные сброшены.');
    await waitFor(() => expect(screen.getByTestId('documents-heading')).toHaveFocus());
  });

  it('points to the reset when a command finds the vault locked', async () => {
    const user = userEvent.setup();
    let view = vaultView();
    await openDocuments({
      vault: () => view,
      vault_export: () => {
        view = lockedVaultView(1, 0);
        throw { code: 'vault_locked', message: 'key id mismatch' };
      },
    });

    await user.click(within(card('scan-1')).getByTestId('scan-export'));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Не удалось сохранить копию. Документы на этом компьютере нельзя открыть: ключ шифрования утерян или заменён. Сбросьте локальные данные, чтобы продолжить.',
    );
    expect(await screen.findByTestId('vault-reset')).toBeVisible();
    expect(screen.getByTestId('vault-key-changed')).toHaveTextContent(
      '1 скан есть только на этом компьютере: при сбросе он будет потерян.',
    );
  });

  it.each<[ErrorCode, string]>([
    ['offline', ru.errors.offline],
    ['portal', ru.errors.portal],
    ['storage', ru.errors.storage],
    ['keychain', ru.errors.keychain],
    ['invalid', ru.errors.invalid],
    ['vault_locked', ru.errors.vault_locked],
    ['not_found', ru.documents.notFound],
    ['internal', ru.errors.internal],
  ])('words a failed %s in its own message, with the detail folded', async (code, message) => {
    const user = userEvent.setup();
    await openDocuments({
      vault_pick: () => {
        throw { code, message: `detail of ${code}` };
      },
    });

    await user.click(screen.getByTestId('add-scans-button'));

    const alert = await screen.findByTestId('documents-error');
    expect(alert).toHaveTextContent(`Не удалось добавить файлы. ${message}`);
    expect(within(alert).getByText(`detail of ${code}`)).not.toBeVisible();
    expect(alert.querySelector('[data-code]')).toHaveAttribute('data-code', code);
  });

  it('says when the vault cannot be read at all, and tries again', async () => {
    const user = userEvent.setup();
    let broken = true;
    const calls = mockBackend({
      vault: () => {
        if (broken) throw { code: 'storage', message: 'database is locked' };
        return vaultView();
      },
      vault_refresh: () => {
        if (broken) throw { code: 'storage', message: 'database is locked' };
        return vaultView();
      },
    });
    render(DocumentsPage);

    expect(await screen.findByRole('alert')).toHaveTextContent('Не удалось открыть документы.');
    broken = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));

    await waitFor(() => expect(cardIds()).toHaveLength(4));
    expect(commands(calls).filter((command) => command === 'vault')).toHaveLength(2);
  });

  it('lists the portal’s documents, marks those only there, and deletes one once confirmed', async () => {
    const user = userEvent.setup();
    const calls = await openDocuments({
      vault_delete_uploaded: () => {
        const view = vaultView();
        view.portal_documents = view.portal_documents.filter((entry) => entry.id !== 'doc-2');
        return view;
      },
    });
    const section = within(screen.getByTestId('portal-documents'));
    expect(section.getByRole('heading', { level: 2 })).toHaveTextContent('На портале');
    expect(section.queryByTestId('portal-offline')).toBeNull();

    const rows = section.getAllByTestId('portal-document');
    expect(rows.map((row) => [row.dataset.id, row.dataset.local])).toEqual([
      ['doc-1', 'true'],
      ['doc-2', 'false'],
    ]);
    expect(rows[0]).toHaveTextContent('СНИЛС');
    expect(rows[0]).toHaveTextContent('512 КБ');
    expect(rows[0]).toHaveTextContent('2 марта 2026 г.');
    expect(rows[0]).toHaveTextContent('Есть и на этом компьютере');
    expect(rows[1]).toHaveTextContent('ИНН');
    expect(rows[1]).toHaveTextContent('200 КБ');
    expect(rows[1]).toHaveTextContent('Только на портале');

    await user.click(within(rows[1]!).getByRole('button', { name: 'Удалить с портала «ИНН»' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Удалить «ИНН» с портала?' });
    expect(dialog).toHaveAccessibleDescription(
      'Копии на этом компьютере нет: документ будет удалён безвозвратно.',
    );

    await user.click(within(dialog).getByTestId('portal-delete-confirm'));

    await waitFor(() => expect(section.getAllByTestId('portal-document')).toHaveLength(1));
    expect(argsOf(calls, 'vault_delete_uploaded')).toEqual([{ documentId: 'doc-2' }]);
    expect(screen.getByTestId('documents-status')).toHaveTextContent('«ИНН» удалён с портала.');
  });

  it('says the portal’s list may be out of date when the portal is unreachable', async () => {
    const offline = vaultView();
    offline.portal_online = false;
    await openDocuments({ vault_refresh: () => offline });

    expect(await screen.findByTestId('portal-offline')).toHaveTextContent(
      'Нет связи с порталом: список может быть устаревшим.',
    );
    expect(screen.getAllByTestId('portal-document'), 'the last list stays').toHaveLength(2);
  });

  it('replaces the view the core pushes after a change', async () => {
    await openDocuments();
    const next = vaultView();
    next.scans = next.scans.slice(2);

    await emitEvent(EVENT_VAULT_CHANGED, next);

    await waitFor(() => expect(cardIds()).toEqual(['scan-3', 'scan-4']));
    expect(screen.getByTestId('scans-count')).toHaveTextContent('Показано сканов: 2 из 2');
  });

  it('handles a vault with no one signed in', async () => {
    const view: VaultView = { ...vaultView(), state: { state: 'signed_out' }, scans: [] };
    await openDocuments({ vault: () => view, vault_refresh: () => view });

    expect(screen.getByTestId('vault-signed-out')).toHaveTextContent(
      'Войдите в личный кабинет, чтобы открыть свои документы.',
    );
    expect(screen.queryByTestId('add-scans-button')).toBeNull();
    expect(screen.queryByTestId('portal-documents')).toBeNull();
  });

  it('speaks English', async () => {
    i18n.set('en');
    await openDocuments();

    expect(screen.getByTestId('documents-heading')).toHaveTextContent(en.documents.title);
    expect(screen.getByTestId('scans-count')).toHaveTextContent('Scans shown: 4 of 4');
    expect(card('scan-1')).toHaveTextContent('3.9 MB');
    expect(
      within(card('scan-1')).getByRole('button', { name: 'Open “Паспорт, разворот 2–3”' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('drop-hint')).toHaveTextContent('compressed to 5 MB');
  });
});
