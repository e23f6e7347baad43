/**
 * Sample IPC views for unit tests, shaped by the generated types so that a change on the Rust
 * side breaks the type check here too. Each call returns fresh objects that a test may change.
 * The app never imports this file.
 */
import type {
  ApplicationDetailView,
  ApplicationView,
  CatalogView,
  DashboardView,
  DraftView,
  FieldProblemView,
  ImportReport,
  OutboxItemView,
  OutboxStateView,
  OutboxView,
  PortalDocumentView,
  RefusalView,
  ScanView,
  ServiceView,
  SessionStatus,
  SessionView,
  SyncView,
  VaultView,
} from './types';

/** A session in the given state, on the demo portal, with a working keychain. */
export function sessionView(status: SessionStatus): SessionView {
  return {
    status,
    portal: { id: 'demo', issuer: 'http://127.0.0.1:8700', demo: true },
    keychain: { available: true, reason: null },
  };
}

/** Three applications with different statuses, newest first as the core sends them. */
export function applicationViews(): ApplicationView[] {
  return [
    {
      id: 'app-1',
      number: '1234-5678',
      service_code: 'passport',
      title: 'Замена паспорта гражданина РФ',
      department: 'МВД России',
      status: 'in_progress',
      submitted_at: '2026-03-01T09:00:00Z',
      updated_at: '2026-03-03T12:30:00Z',
    },
    {
      id: 'app-2',
      number: '2222-0001',
      service_code: 'tax-deduction',
      title: 'Налоговый вычет за лечение',
      department: 'ФНС России',
      status: 'approved',
      submitted_at: '2026-02-10T08:00:00Z',
      updated_at: '2026-02-20T10:00:00Z',
    },
    {
      id: 'app-3',
      number: '3333-0002',
      service_code: 'driving-licence',
      title: 'Замена водительского удостоверения',
      department: 'Госавтоинспекция',
      status: 'needs_info',
      submitted_at: '2026-01-15T07:00:00Z',
      updated_at: '2026-01-18T15:45:00Z',
    },
  ];
}

/** The portal answered at the given time. */
export function onlineSync(lastUpdated = '2026-03-04T10:15:00Z'): SyncView {
  return { online: true, last_updated: lastUpdated, unread: 0 };
}

/** The portal did not answer; the data is from the given time. */
export function offlineSync(lastUpdated = '2026-03-04T10:15:00Z'): SyncView {
  return { online: false, last_updated: lastUpdated, unread: 0 };
}

/** A dashboard with a known person and {@link applicationViews}. */
export function dashboardView(sync: SyncView = onlineSync()): DashboardView {
  return {
    person: {
      full_name: 'Иванов Иван Иванович',
      oid: '1000001',
      kind: 'citizen',
      snils: '***-***-*** 01',
      email: 'ivanov@demo.kabinet.test',
      phone: null,
    },
    applications: applicationViews(),
    sync,
  };
}

/** The first of {@link applicationViews} with its journal, oldest entry first. */
export function applicationDetailView(cached = false): ApplicationDetailView {
  const [application] = applicationViews();
  if (!application) throw new Error('the fixture has no applications');
  return {
    application,
    journal: [
      {
        status: 'accepted',
        at: '2026-03-01T09:05:00Z',
        department: 'МФЦ Тверского района',
        comment: 'Заявление зарегистрировано',
      },
      {
        status: 'in_progress',
        at: '2026-03-03T12:30:00Z',
        department: 'МВД России',
        comment: null,
      },
    ],
    cached,
    request: null,
    decision: null,
  };
}

/** The third of {@link applicationViews}, waiting for an answer to the department's request. */
export function needsInfoDetailView(): ApplicationDetailView {
  const application = applicationViews()[2];
  if (!application) throw new Error('the fixture has no application in needs_info');
  return {
    application,
    journal: [
      {
        status: 'accepted',
        at: '2026-01-15T07:05:00Z',
        department: 'Госавтоинспекция',
        comment: null,
      },
      {
        status: 'needs_info',
        at: '2026-01-18T15:45:00Z',
        department: 'Госавтоинспекция',
        comment: 'Приложите паспорт и укажите прежние ФИО',
      },
    ],
    cached: false,
    request: {
      message: 'Приложите паспорт и укажите прежние ФИО',
      documents: [{ kind: 'passport', title: 'Паспорт гражданина РФ' }],
      answers: [{ name: 'previous_names', title: 'Прежние ФИО' }],
      requested_at: '2026-01-18T15:45:00Z',
      answered: false,
      max_reply_chars: 4000,
    },
    decision: null,
  };
}

/** {@link needsInfoDetailView} after the reply was accepted: В обработке again. */
export function answeredDetailView(): ApplicationDetailView {
  const view = needsInfoDetailView();
  view.application.status = 'in_progress';
  view.journal.push({
    status: 'in_progress',
    at: '2026-01-19T09:00:00Z',
    department: 'Госавтоинспекция',
    comment: 'Получен ответ заявителя на запрос ведомства',
  });
  if (view.request) view.request.answered = true;
  return view;
}

/** The second of {@link applicationViews}, approved with a result to download. */
export function approvedDetailView(): ApplicationDetailView {
  const application = applicationViews()[1];
  if (!application) throw new Error('the fixture has no approved application');
  return {
    application,
    journal: [
      { status: 'approved', at: '2026-02-20T10:00:00Z', department: 'ФНС России', comment: null },
    ],
    cached: false,
    request: null,
    decision: { outcome: 'approved', decided_at: '2026-02-20T10:00:00Z', result_available: true },
  };
}

/** The first of {@link applicationViews}, refused with reasons and what to fix. */
export function refusedDetailView(): ApplicationDetailView {
  const view = applicationDetailView();
  view.application.status = 'rejected';
  view.journal.push({
    status: 'rejected',
    at: '2026-03-05T11:00:00Z',
    department: 'МВД России',
    comment: 'Фотография не соответствует требованиям',
  });
  view.decision = {
    outcome: 'refused',
    decided_at: '2026-03-05T11:00:00Z',
    reasons: ['Фотография не соответствует требованиям'],
    how_to_fix: 'Сделайте новую фотографию и подайте заявление заново',
  };
  return view;
}

/** The portal's limit per file, 5 MiB, as the core reports it. */
export const MAX_UPLOAD_SIZE = 5 * 1024 * 1024;

/** A scan as the app's protocol serves it: its URLs follow its id. */
function scanUrls(id: string, thumbnail: boolean) {
  const content_url = `kabinet-scan://localhost/${id}`;
  return { content_url, thumbnail_url: thumbnail ? `${content_url}/thumbnail` : null };
}

/**
 * Four scans, newest first as the core sends them: two passport pages (JPEG, the first shrunk,
 * turned and stripped by normalisation), a SNILS card already on the portal (PNG), and a
 * three-page PDF without a thumbnail.
 */
export function scanViews(): ScanView[] {
  return [
    {
      id: 'scan-1',
      name: 'Паспорт, разворот 2–3',
      kind: 'passport',
      media: 'jpeg',
      size: 4_089_446,
      pages: 1,
      pixels: [2480, 3508],
      added_at: '2026-03-05T09:30:00Z',
      normalised: {
        original_size: 8_493_466,
        original_pixels: [4960, 7016],
        rotated: true,
        metadata_removed: true,
        recompressed: true,
        downscaled: true,
      },
      uploaded: null,
      ...scanUrls('scan-1', true),
    },
    {
      id: 'scan-2',
      name: 'Паспорт, прописка',
      kind: 'passport',
      media: 'jpeg',
      size: 1_258_291,
      pages: 1,
      pixels: [2480, 3508],
      added_at: '2026-03-05T09:20:00Z',
      normalised: {
        original_size: 1_258_291,
        original_pixels: [2480, 3508],
        rotated: false,
        metadata_removed: true,
        recompressed: false,
        downscaled: false,
      },
      uploaded: null,
      ...scanUrls('scan-2', true),
    },
    {
      id: 'scan-3',
      name: 'СНИЛС',
      kind: 'snils',
      media: 'png',
      size: 524_288,
      pages: 1,
      pixels: [1200, 800],
      added_at: '2026-03-01T12:00:00Z',
      normalised: {
        original_size: 524_288,
        original_pixels: [1200, 800],
        rotated: false,
        metadata_removed: false,
        recompressed: false,
        downscaled: false,
      },
      uploaded: { document_id: 'doc-1', uploaded_at: '2026-03-02T08:00:00Z' },
      ...scanUrls('scan-3', true),
    },
    {
      id: 'scan-4',
      name: 'Справка о доходах',
      kind: 'certificate',
      media: 'pdf',
      size: 312_000,
      pages: 3,
      pixels: null,
      added_at: '2026-02-20T15:00:00Z',
      normalised: null,
      uploaded: null,
      ...scanUrls('scan-4', false),
    },
  ];
}

/** One of {@link scanViews} by id. */
export function scanView(id: string): ScanView {
  const scan = scanViews().find((candidate) => candidate.id === id);
  if (!scan) throw new Error(`the fixture has no scan ${id}`);
  return scan;
}

/** The portal's documents: the SNILS card uploaded from here, and one this computer lacks. */
export function portalDocumentViews(): PortalDocumentView[] {
  return [
    {
      id: 'doc-1',
      name: 'СНИЛС',
      kind: 'snils',
      size: 524_288,
      uploaded_at: '2026-03-02T08:00:00Z',
      scan_id: 'scan-3',
    },
    {
      id: 'doc-2',
      name: 'ИНН',
      kind: 'inn',
      size: 204_800,
      uploaded_at: '2025-11-10T10:00:00Z',
      scan_id: null,
    },
  ];
}

/** An open vault with {@link scanViews} and {@link portalDocumentViews}, the portal online. */
export function vaultView(): VaultView {
  return {
    state: { state: 'ready' },
    scans: scanViews(),
    portal_documents: portalDocumentViews(),
    portal_online: true,
    persistent: true,
    max_upload_size: MAX_UPLOAD_SIZE,
  };
}

/** A vault whose key is gone: its scans cannot be read, only counted. */
export function lockedVaultView(localOnly = 3, uploaded = 1): VaultView {
  return {
    ...vaultView(),
    state: { state: 'key_changed', local_only: localOnly, uploaded },
    scans: [],
  };
}

/** A refusal with nothing but its code filled in. */
export function refusalView(code: RefusalView['code'], facts: Partial<RefusalView> = {}) {
  return { code, detected: null, size: null, pixels: null, detail: `refused: ${code}`, ...facts };
}

/** A new image scan, as an import adds it. */
export function importedScan(): ScanView {
  return {
    ...scanView('scan-1'),
    id: 'scan-5',
    name: 'IMG_2041.jpg',
    added_at: '2026-03-06T10:00:00Z',
    ...scanUrls('scan-5', true),
  };
}

/** An import with one file of each outcome: added (normalised), already there, refused. */
export function importReport(): ImportReport {
  return {
    items: [
      { outcome: 'imported', file_name: 'IMG_2041.jpg', scan: importedScan() },
      { outcome: 'duplicate', file_name: 'snils-copy.png', scan: scanView('scan-3') },
      {
        outcome: 'refused',
        file_name: 'animation.gif',
        refusal: refusalView('unsupported_type', { detected: 'GIF' }),
      },
    ],
    error: null,
  };
}

/**
 * A service whose form has one question of each kind the form screen renders (text with a
 * check, a date, a choice, a checkbox that must be ticked), listed out of `x-order` on purpose,
 * and a required passport scan.
 */
export function serviceView(): ServiceView {
  return {
    code: 'passport-replace',
    title: 'Замена паспорта гражданина РФ',
    department: 'МВД России',
    description: 'Замена паспорта по достижении 20 или 45 лет',
    fee_kopecks: 150_000,
    processing_days: 10,
    form: {
      type: 'object',
      title: 'Замена паспорта',
      'x-order': ['full_name', 'birth_date', 'reason', 'consent'],
      required: ['full_name', 'birth_date', 'reason', 'consent'],
      properties: {
        consent: {
          type: 'boolean',
          const: true,
          title: 'Согласие на обработку персональных данных',
          description: 'Без согласия ведомство не сможет рассмотреть заявление',
        },
        reason: {
          type: 'string',
          title: 'Причина замены',
          description: 'Выберите, почему нужен новый паспорт',
          oneOf: [
            { const: 'age', title: 'Достижение возраста' },
            { const: 'name', title: 'Смена фамилии' },
          ],
        },
        birth_date: {
          type: 'string',
          title: 'Дата рождения',
          description: 'Как в паспорте',
          'x-check': 'past_date',
        },
        full_name: {
          type: 'string',
          title: 'Фамилия, имя, отчество',
          description: 'Полностью, как в паспорте',
          maxLength: 200,
        },
      },
    },
    attachments: [
      {
        kind: 'passport',
        title: 'Скан паспорта',
        description: 'Разворот с фотографией',
        formats: ['pdf', 'jpeg'],
        max_size: 2 * 1024 * 1024,
        required: true,
      },
    ],
  };
}

/** The catalog: {@link serviceView} and a free service, confirmed by the portal. */
export function catalogView(online = true): CatalogView {
  return {
    services: [
      serviceView(),
      {
        code: 'snils-statement',
        title: 'Выписка из лицевого счёта СНИЛС',
        department: 'Социальный фонд России',
        description: 'Сведения о стаже и взносах',
        fee_kopecks: 0,
        processing_days: 1,
        form: { type: 'object', properties: {}, 'x-order': [] },
        attachments: [],
      },
    ],
    online,
  };
}

/** A draft for {@link serviceView}, with a name filled in and nothing else. */
export function draftView(
  answers: Record<string, unknown> = { full_name: 'Иванов Иван Иванович' },
): DraftView {
  return {
    id: 'draft-1',
    service_code: 'passport-replace',
    answers,
    scan_ids: [],
    name: null,
    updated_at: '2026-03-06T10:00:00Z',
  };
}

/** The problems the core finds in {@link draftView}: two questions and the missing scan. */
export function draftProblems(): FieldProblemView[] {
  return [
    { field: 'birth_date', code: 'required', message: 'Укажите дату рождения' },
    { field: 'consent', code: 'required', message: 'Без согласия заявление не принять' },
    {
      field: 'attachments/passport',
      code: 'missing_attachment',
      message: 'Приложите скан паспорта',
    },
  ];
}

/** An outbox item for {@link serviceView} in the given state. */
export function outboxItemView(id: string, state: OutboxStateView): OutboxItemView {
  return {
    id,
    draft_id: `draft-of-${id}`,
    service_code: 'passport-replace',
    service_title: 'Замена паспорта гражданина РФ',
    state,
    attempts: state.state === 'queued' ? 0 : 1,
    next_attempt_at: null,
    created_at: '2026-03-06T10:00:00Z',
  };
}

/** An outbox with one item in every state. */
export function outboxView(): OutboxView {
  return {
    items: [
      outboxItemView('out-1', { state: 'queued' }),
      outboxItemView('out-2', { state: 'sending' }),
      outboxItemView('out-3', { state: 'sent', number: '7777-0001', application_id: 'app-9' }),
      outboxItemView('out-4', {
        state: 'needs_fix',
        problems: [
          { field: 'birth_date', code: 'date_in_future', message: 'Дата ещё не наступила' },
        ],
      }),
      outboxItemView('out-5', { state: 'failed', reason: 'service_closed' }),
    ],
  };
}

/** A template kept from {@link draftView}, under a name the person gave it. */
export function templateView(id = 'template-1', name = 'Паспорт для себя'): DraftView {
  return { ...draftView(), id, name, updated_at: '2026-03-07T08:00:00Z' };
}

/** An outbox item the portal sent back for {@link draftView}: its birth date is in the future. */
export function returnedItemView(): OutboxItemView {
  return {
    ...outboxItemView('out-9', {
      state: 'needs_fix',
      problems: [
        { field: 'birth_date', code: 'date_in_future', message: 'Дата ещё не наступила' },
        {
          field: 'attachments/passport',
          code: 'attachment_too_large',
          message: 'Файл больше допустимого',
        },
      ],
    }),
    draft_id: 'draft-1',
  };
}

/** An item queued again after a failed attempt, with the time of the next one. */
export function retryingItemView(): OutboxItemView {
  return {
    ...outboxItemView('out-8', { state: 'queued' }),
    attempts: 2,
    next_attempt_at: '2026-03-06T10:05:00Z',
  };
}
