/**
 * Russian, the first language. Its shape is the type every other language must match, so a
 * missing or extra message fails the type check.
 */
import type {
  DocumentKindCode,
  ErrorCode,
  MediaKind,
  OutboxStateView,
  ProblemCode,
  RefusalCode,
  SessionStatus,
  StatusCode,
} from '$lib/backend';
import type { FailureCode } from '$lib/applications/reasons';
import type { VaultAction } from '$lib/documents/vault.svelte';

/** Where an outbox item stands. */
export type OutboxState = OutboxStateView['state'];

/** Every status, in the order the filter shows them. */
export type StatusLabels = Record<StatusCode, string>;

/** What a refusal's sentence may mention, already formatted for the reader. */
export interface RefusalFacts {
  /** What the content looks like ("GIF"), when the core recognised it. */
  detected: string | null;
  /** The file's size, when the refusal is about size. */
  size: string | null;
  /** The width and height the image claims, for an image with too many pixels. */
  pixels: readonly [number, number] | null;
  /** The portal's limit per file. */
  limit: string;
}

/** Says why a file was refused, in a full sentence. */
export type RefusalWords = (facts: RefusalFacts) => string;

const pluralRules = new Intl.PluralRules('ru-RU');

/** The Russian form of a noun for a count: 1 страница, 2 страницы, 5 страниц. */
function plural(count: number, one: string, few: string, many: string): string {
  switch (pluralRules.select(count)) {
    case 'one':
      return one;
    case 'many':
      return many;
    default:
      return few;
  }
}

const pages = (count: number) => `${count} ${plural(count, 'страница', 'страницы', 'страниц')}`;
const scans = (count: number) => `${count} ${plural(count, 'скан', 'скана', 'сканов')}`;

export const ru = {
  languageName: 'Русский',
  app: {
    name: 'Kabinet',
    tagline: 'Личный кабинет',
    skipToContent: 'Перейти к основному содержанию',
    navLabel: 'Основное меню',
    myApplications: 'Мои заявления',
    myDocuments: 'Мои документы',
    newApplication: 'Новое заявление',
    outbox: 'Исходящие',
    languageLabel: 'Язык интерфейса',
    signOut: 'Выйти',
    signingOut: 'Выходим…',
    signOutFailed: 'Не удалось выйти.',
    loading: 'Загрузка…',
    sessionUnknown: 'Не удалось узнать состояние сеанса.',
    retry: 'Повторить',
    details: 'Подробности',
    close: 'Закрыть',
  },
  signIn: {
    documentTitle: 'Вход — Kabinet',
    title: 'Вход в личный кабинет',
    intro:
      'Kabinet показывает ваши заявления и их статусы с портала госуслуг и сообщает, когда статус меняется.',
    howItWorks:
      'Вход выполняется в браузере, на странице портала. Пароль вводится только там, приложение его не видит.',
    button: 'Войти через Госуслуги',
    waiting: 'Завершите вход в открывшемся браузере…',
    cancel: 'Отменить вход',
    cancelling: 'Отменяем…',
    locked: 'Сеанс заблокирован после долгого бездействия. Войдите снова.',
    keychainTitle: 'Сеанс не сохранится после перезапуска',
    keychainWarning:
      'Системное хранилище паролей недоступно, поэтому после закрытия приложения придётся войти снова.',
    demoTitle: 'Демонстрационный портал',
    demoIntro: 'Приложение подключено к учебному порталу. Для входа используйте:',
    demoLogin: 'Логин',
    demoPassword: 'Пароль',
    demoCode:
      'Одноразовый код подтверждения не приходит по SMS: на странице ввода кода есть ссылка «Открыть исходящие», по ней открывается страница с кодом.',
  },
  dashboard: {
    documentTitle: 'Мои заявления — Kabinet',
    title: 'Мои заявления',
    profileTitle: 'Профиль',
    profileMissing: 'Данные профиля появятся после первого обновления.',
    fullNameUnknown: 'Имя не указано',
    snils: 'СНИЛС',
    email: 'Эл. почта',
    phone: 'Телефон',
    notGiven: 'не указан',
    kinds: {
      citizen: 'Физическое лицо',
      entrepreneur: 'Индивидуальный предприниматель',
    } as Record<string, string>,
    applicationsTitle: 'Заявления',
    filterLabel: 'Статус',
    filterAll: 'Все',
    searchLabel: 'Поиск по названию или номеру',
    searchPlaceholder: 'Например, паспорт или 1234-5678',
    refresh: 'Обновить',
    refreshing: 'Обновляем…',
    refreshed: 'Данные обновлены.',
    offline: 'Нет связи с порталом. Показаны сохранённые данные.',
    lastUpdated: (when: string) => `Обновлено ${when}`,
    neverUpdated: 'Данные с портала ещё не загружались.',
    unread: (count: number) => `Новых изменений: ${count}`,
    shown: (shown: number, total: number) => `Показано заявлений: ${shown} из ${total}`,
    empty: 'Заявлений пока нет.',
    noMatches: 'Нет заявлений с такими условиями.',
    resetFilters: 'Сбросить фильтр и поиск',
    number: 'Номер',
    submitted: 'Подано',
    updated: 'Изменено',
  },
  application: {
    documentTitle: (title: string) => `${title} — Kabinet`,
    breadcrumbs: 'Навигация по разделу',
    back: 'Все заявления',
    number: 'Номер',
    department: 'Ведомство',
    submitted: 'Подано',
    status: 'Текущий статус',
    journalTitle: 'История рассмотрения',
    journalEmpty: 'Записей пока нет.',
    cached: 'Нет связи с порталом: показана сохранённая копия, она может быть неактуальной.',
    missingId: 'Не указано, какое заявление открыть.',
    notFoundTitle: 'Заявление не найдено',
    loadFailedTitle: 'Не удалось открыть заявление',
  },
  outcomes: {
    requestTitle: 'Запрос ведомства',
    requestedAt: 'Запрошено',
    requestedDocuments: 'Приложите документы',
    requestedAnswers: 'Ответьте в тексте',
    replyTitle: 'Ваш ответ',
    replyLabel: 'Текст ответа',
    replyHint: (max: number) => `Не длиннее ${max} символов.`,
    replyCount: (used: number, max: number) => `${used} из ${max}`,
    scansLegend: 'Сканы из «Моих документов»',
    scansHint: 'Отмеченные сканы, которых ещё нет на портале, будут загружены перед отправкой.',
    noScans:
      'В «Моих документах» пока нет сканов. Добавьте их там, если ведомство просит документ.',
    onPortal: 'на портале',
    send: 'Отправить ответ',
    sending: 'Отправляем…',
    emptyReply: 'Напишите ответ или отметьте скан.',
    tooLong: (max: number) => `Ответ длиннее ${max} символов — сократите его.`,
    answered: 'Ответ отправлен. Заявление снова в обработке; ведомство сообщит о решении.',
    decisionTitle: 'Решение',
    decidedAt: 'Дата решения',
    approved: 'Заявление одобрено.',
    resultHint: 'Результат оказания услуги — документ PDF. Сохраните его на этот компьютер.',
    noResult: 'Результат пока недоступен для скачивания.',
    download: 'Скачать результат',
    downloading: 'Скачиваем…',
    saved: (name: string) => `Результат сохранён в файл «${name}».`,
    notSaved: 'Файл не сохранён: окно выбора закрыто.',
    saveFailed: 'Не удалось сохранить результат.',
    refused: 'В предоставлении услуги отказано.',
    reasons: 'Причины отказа',
    howToFix: 'Что исправить',
  },
  documents: {
    documentTitle: 'Мои документы — Kabinet',
    title: 'Мои документы',
    intro:
      'Сканы хранятся на этом компьютере в зашифрованном виде. На портал они попадают, только когда вы сами их загрузите.',
    add: 'Добавить сканы',
    adding: 'Добавляем…',
    dropHint: (limit: string) =>
      `Файлы можно и просто перетащить в окно. Подходят PDF, JPEG и PNG. Изображения выравниваются, очищаются от метаданных и при необходимости сжимаются до ${limit} — больше портал не принимает.`,
    dropOverlay: 'Отпустите файлы, чтобы добавить их в документы',
    importing: 'Добавляем файлы…',
    signedOut: 'Войдите в личный кабинет, чтобы открыть свои документы.',
    notPersistentTitle: 'Сканы не сохранятся после закрытия приложения',
    notPersistent:
      'Системное хранилище ключей недоступно, поэтому ключ шифрования есть, только пока приложение открыто. После закрытия добавленные сканы прочитать будет нельзя. Загрузите нужные на портал или сохраните их копии.',
    keyChangedTitle: 'Ключ шифрования локальных данных утерян или заменён',
    keyChanged:
      'Сканы на этом компьютере зашифрованы ключом, которого больше нет в системном хранилище, поэтому открыть их нельзя. Чтобы пользоваться документами дальше, сбросьте локальные данные.',
    keyChangedLocal: (count: number) =>
      `${scans(count)} есть только на этом компьютере: при сбросе ${plural(count, 'он будет потерян', 'они будут потеряны', 'они будут потеряны')}.`,
    keyChangedUploaded: (count: number) =>
      `${scans(count)} уже ${plural(count, 'загружен', 'загружены', 'загружены')} на портал и ${plural(count, 'останется', 'останутся', 'останутся')} там.`,
    keyChangedEmpty: 'Сканов на этом компьютере нет, сброс ничего не удалит.',
    reset: 'Сбросить локальные данные',
    resetTitle: 'Сбросить локальные данные?',
    resetLoss: (count: number) =>
      `Все сканы на этом компьютере будут удалены. Только здесь ${plural(count, 'хранится', 'хранятся', 'хранится')} ${scans(count)}: ${plural(count, 'его', 'их', 'их')} будет не вернуть.`,
    resetNoLoss: 'Все сканы на этом компьютере будут удалены. Документы на портале останутся.',
    resetConfirm: 'Сбросить',
    cancel: 'Отмена',
    scansTitle: 'Сканы на этом компьютере',
    kindFilterLabel: 'Вид документа',
    kindAll: 'Все',
    searchLabel: 'Поиск по названию или виду документа',
    searchPlaceholder: 'Например, паспорт',
    shown: (shown: number, total: number) => `Показано сканов: ${shown} из ${total}`,
    empty:
      'Сканов пока нет. Добавьте их кнопкой «Добавить сканы» или перетащите файлы в окно приложения.',
    noMatches: 'Нет сканов с такими условиями.',
    resetFilters: 'Сбросить фильтр и поиск',
    kinds: {
      passport: 'Паспорт',
      snils: 'СНИЛС',
      inn: 'ИНН',
      certificate: 'Справка или свидетельство',
      power_of_attorney: 'Доверенность',
      other: 'Другое',
    } satisfies Record<DocumentKindCode, string> as Record<DocumentKindCode, string>,
    media: {
      pdf: 'PDF',
      jpeg: 'JPEG',
      png: 'PNG',
    } satisfies Record<MediaKind, string> as Record<MediaKind, string>,
    pages,
    pixels: (width: number, height: number) => `${width} × ${height} пикселей`,
    card: {
      thumbnailAlt: (name: string) => `Уменьшенная копия скана «${name}»`,
      pdfPlaceholder: (count: number) => `PDF, ${pages(count)}`,
      size: 'Размер',
      pages: 'Страниц',
      added: 'Добавлен',
      localOnly: 'Только на этом компьютере',
      uploaded: 'Загружен на портал',
      uploadedAt: (when: string) => `Загружен на портал ${when}`,
      select: 'В PDF',
      selectLabel: (name: string) => `Добавить «${name}» в PDF`,
      open: 'Открыть',
      openLabel: (name: string) => `Открыть «${name}»`,
      rename: 'Переименовать',
      renameLabel: (name: string) => `Переименовать «${name}»`,
      kind: 'Вид документа',
      kindLabel: (name: string) => `Вид документа «${name}»`,
      upload: 'Загрузить на портал',
      uploadLabel: (name: string) => `Загрузить на портал «${name}»`,
      uploading: 'Загружаем…',
      uploadProgress: (name: string) => `Загрузка «${name}» на портал`,
      percent: (value: number) => `${value} %`,
      export: 'Экспорт',
      exportLabel: (name: string) => `Экспортировать «${name}»`,
      delete: 'Удалить',
      deleteLabel: (name: string) => `Удалить «${name}»`,
    },
    viewer: {
      imageAlt: (name: string) => `Скан «${name}»`,
      kind: 'Вид документа',
      size: 'Размер',
      pixels: 'Изображение',
      pages: 'Страниц',
      pdfNote:
        'Приложение не показывает PDF. Экспортируйте файл и откройте его в программе для просмотра PDF.',
      export: 'Экспортировать',
    },
    rename: {
      title: 'Переименовать скан',
      label: 'Новое название',
      save: 'Сохранить',
      cancel: 'Отмена',
      empty: 'Введите название.',
    },
    report: {
      title: 'Результат добавления',
      summary: (imported: number, duplicates: number, refused: number) =>
        `Добавлено: ${imported}. Уже были: ${duplicates}. Не добавлено: ${refused}.`,
      imported: 'Добавлен:',
      duplicate: 'Уже есть:',
      refused: 'Не добавлен.',
      asIs: 'без изменений',
      shrunk: (from: string, to: string) => `уменьшено с ${from} до ${to}`,
      rotated: 'повёрнуто',
      metadataRemoved: 'метаданные удалены',
      duplicateOf: (name: string) => `это тот же файл, что и «${name}»`,
      dismiss: 'Скрыть отчёт',
    },
    refusals: {
      unsupported_type: ({ detected }) =>
        detected
          ? `Это файл ${detected}, а не PDF, JPEG или PNG.`
          : 'Это не PDF, JPEG или PNG: файлы других типов не принимаются.',
      empty: () => 'Файл пустой.',
      file_too_large: ({ size }) =>
        size
          ? `Файл слишком большой (${size}): приложение не открывает файлы такого размера.`
          : 'Файл слишком большой: приложение не открывает файлы такого размера.',
      pdf_too_large: ({ size, limit }) =>
        `PDF ${size ? `занимает ${size}` : 'слишком большой'}, а портал принимает файлы не больше ${limit}. PDF не сжимаются автоматически: уменьшите его в программе для PDF.`,
      image_too_large: ({ pixels }) =>
        pixels
          ? `Изображение ${pixels[0]} × ${pixels[1]} пикселей слишком велико.`
          : 'Изображение слишком велико.',
      cannot_fit: ({ limit }) =>
        `Изображение не удаётся сжать до ${limit} так, чтобы его можно было прочитать. Отсканируйте документ с меньшим разрешением.`,
      image_broken: () => 'Изображение повреждено, открыть его не удаётся.',
      pdf_encrypted: () => 'PDF защищён паролем. Сохраните его без пароля и добавьте снова.',
      pdf_broken: () => 'PDF повреждён, открыть его не удаётся.',
      pdf_empty: () => 'В PDF нет ни одной страницы.',
      pdf_bomb: () =>
        'PDF устроен подозрительно: его сжатые части разворачиваются в огромный объём данных. Такой файл не принимается.',
      pdf_active_content: () =>
        'PDF содержит сценарии, вложенные файлы или команды запуска программ. Такие PDF не принимаются: сохраните документ заново, например печатью в PDF.',
      unreadable: () =>
        'Файл не удалось прочитать. Проверьте, что он доступен, и попробуйте ещё раз.',
    } satisfies Record<RefusalCode, RefusalWords> as Record<RefusalCode, RefusalWords>,
    assemble: {
      title: 'Собрать PDF из изображений',
      intro:
        'Отметьте изображения флажком «В PDF», расставьте их по порядку и соберите один многостраничный PDF — например, из всех разворотов паспорта.',
      empty: 'Изображения пока не выбраны.',
      order: 'Порядок страниц',
      up: 'Выше',
      upLabel: (name: string) => `Переместить «${name}» выше`,
      down: 'Ниже',
      downLabel: (name: string) => `Переместить «${name}» ниже`,
      remove: 'Убрать',
      removeLabel: (name: string) => `Убрать «${name}» из PDF`,
      position: (name: string, position: number, total: number) =>
        `«${name}»: страница ${position} из ${total}.`,
      nameLabel: 'Название PDF',
      kindLabel: 'Вид документа',
      button: 'Собрать PDF',
      assembling: 'Собираем…',
      nameEmpty: 'Введите название PDF.',
    },
    portal: {
      title: 'На портале',
      intro: 'Документы, загруженные в ваш личный кабинет на портале.',
      offline: 'Нет связи с порталом: список может быть устаревшим.',
      empty: 'На портале пока нет ваших документов.',
      uploaded: 'Загружен',
      alsoLocal: 'Есть и на этом компьютере',
      portalOnly: 'Только на портале',
      delete: 'Удалить с портала',
      deleteLabel: (name: string) => `Удалить с портала «${name}»`,
      confirmTitle: (name: string) => `Удалить «${name}» с портала?`,
      confirmLocal: 'Копия на этом компьютере останется.',
      confirmPortalOnly: 'Копии на этом компьютере нет: документ будет удалён безвозвратно.',
      confirm: 'Удалить',
    },
    done: {
      uploaded: (name: string) => `«${name}» загружен на портал.`,
      exported: (fileName: string) => `Сохранено: ${fileName}`,
      renamed: (name: string) => `Скан переименован: «${name}».`,
      kindChanged: (name: string, kind: string) => `«${name}»: вид документа — ${kind}.`,
      assembled: (name: string, count: number) => `Собран PDF «${name}»: ${pages(count)}.`,
      restored: (name: string) => `«${name}» восстановлен.`,
      portalDeleted: (name: string) => `«${name}» удалён с портала.`,
      reset: 'Локальные данные сброшены. Сканы можно добавлять заново.',
    },
    deleted: (name: string) => `«${name}» удалён.`,
    undo: 'Отменить',
    undoLabel: (name: string) => `Отменить удаление «${name}»`,
    failed: {
      drop: 'Не удалось добавить перетащенные файлы.',
      load: 'Не удалось открыть документы.',
      refresh: 'Не удалось получить список документов с портала.',
      pick: 'Не удалось добавить файлы.',
      rename: 'Не удалось переименовать скан.',
      set_kind: 'Не удалось изменить вид документа.',
      delete: 'Не удалось удалить скан.',
      restore: 'Не удалось восстановить скан.',
      export: 'Не удалось сохранить копию.',
      assemble: 'Не удалось собрать PDF.',
      upload: 'Не удалось загрузить скан на портал.',
      delete_uploaded: 'Не удалось удалить документ с портала.',
      reset: 'Не удалось сбросить локальные данные.',
    } satisfies Record<VaultAction, string> as Record<VaultAction, string>,
    notFound: 'Скан или документ не найден: возможно, он уже удалён.',
  },
  applications: {
    newTitle: 'Новое заявление',
    newDocumentTitle: 'Новое заявление — Kabinet',
    catalogIntro:
      'Выберите услугу. Заявление сохранится как черновик, и его можно заполнять постепенно.',
    catalogOffline:
      'Нет связи с порталом: показан сохранённый перечень услуг. Он может быть устаревшим.',
    catalogFailed: 'Не удалось загрузить перечень услуг.',
    department: 'Ведомство',
    fee: 'Госпошлина',
    free: 'бесплатно',
    rubles: (kopecks: number) =>
      `${(kopecks / 100).toLocaleString('ru-RU', { maximumFractionDigits: 2 })} ₽`,
    processing: 'Срок',
    workingDays: (days: number) =>
      `до ${days} ${plural(days, 'рабочего дня', 'рабочих дней', 'рабочих дней')}`,
    choose: 'Заполнить заявление',
    creating: 'Создаётся черновик…',
    createFailed: 'Не удалось создать черновик.',
    formDocumentTitle: (service: string) => `${service} — Kabinet`,
    draftFailed: 'Не удалось открыть черновик.',
    requiredMark: 'обязательно',
    choosePlaceholder: 'Выберите',
    attachmentsTitle: 'Документы',
    attachmentsHint: 'Выберите сканы из раздела «Мои документы».',
    noScan: 'Скан не выбран',
    noScans: 'В разделе «Мои документы» пока нет сканов.',
    saving: 'Сохраняется…',
    saved: 'Сохранено',
    saveFailed: 'Не удалось сохранить черновик.',
    check: 'Проверить',
    checking: 'Проверяется…',
    checkFailed: 'Не удалось проверить заявление.',
    clean: 'Ошибок не найдено. Заявление можно отправлять.',
    submit: 'Отправить',
    submitting: 'Отправляется…',
    submitFailed: 'Не удалось отправить заявление.',
    problemsTitle: (count: number) =>
      `${plural(count, 'Найдена', 'Найдены', 'Найдено')} ${count} ${plural(count, 'ошибка', 'ошибки', 'ошибок')}`,
    outboxTitle: 'Исходящие',
    outboxDocumentTitle: 'Исходящие — Kabinet',
    outboxIntro: 'Отправленные заявления и те, что ждут отправки.',
    outboxEmpty: 'Отправленных заявлений пока нет.',
    outboxFailed: 'Не удалось загрузить исходящие.',
    states: {
      queued: 'В очереди на отправку',
      sending: 'Отправляется',
      sent: 'Отправлено',
      needs_fix: 'Нужно исправить',
      failed: 'Не принято',
    } satisfies Record<OutboxState, string> as Record<OutboxState, string>,
    number: 'Номер заявления',
    reason: 'Причина',
    failedExplained: 'Портал не принял заявление. Подайте его заново или обратитесь в поддержку.',
    fixDraft: 'Исправить черновик',
    submittedAt: 'Подано',
    draftsTitle: 'Черновики',
    draftsFailed: 'Не удалось загрузить черновики.',
    draftSavedAt: 'Сохранён',
    resume: 'Продолжить',
    deleteDraft: 'Удалить',
    deleteTitle: (service: string) => `Удалить черновик «${service}»?`,
    deleteBody: 'Введённые ответы будут удалены. Это нельзя отменить.',
    deleteConfirm: 'Удалить черновик',
    deleteFailed: 'Не удалось удалить черновик.',
    cancel: 'Отмена',
    servicesTitle: 'Услуги',
    dateFormat: 'Формат: ДД.ММ.ГГГГ, например 12.04.1985',
    dateFormatProblem: 'Введите дату в формате ДД.ММ.ГГГГ, например 12.04.1985',
    dateCalendarProblem: 'Такой даты нет в календаре: проверьте день, месяц и год',
    portalReturned: 'Портал вернул заявление: исправьте отмеченные поля и отправьте его снова.',
    scanShowAll: 'Показать все сканы, а не только подходящие',
    scanNoneFit: (formats: string, limit: string) =>
      `Подходящих сканов нет: нужен скан этого вида в формате ${formats}, не больше ${limit}.`,
    scanNotFitting: 'не подходит',
    templateSaveOpen: 'Сохранить как шаблон',
    templateDialogTitle: 'Сохранить как шаблон',
    templateNameLabel: 'Название шаблона',
    templateNameHint:
      'В шаблоне сохранятся ответы и сканы этого заявления: по нему можно быстро заполнить новое.',
    templateNameEmpty: 'Введите название шаблона.',
    templateSave: 'Сохранить шаблон',
    templateSaving: 'Сохраняется…',
    templateSaved: (name: string) => `Шаблон «${name}» сохранён.`,
    templateSaveFailed: 'Не удалось сохранить шаблон.',
    templatesTitle: 'Шаблоны',
    templatesFailed: 'Не удалось загрузить шаблоны.',
    templateUse: 'Заполнить по шаблону',
    templateUsing: 'Создаётся черновик…',
    templateUseFailed: 'Не удалось создать черновик по шаблону.',
    templateDelete: 'Удалить',
    templateDeleteTitle: (name: string) => `Удалить шаблон «${name}»?`,
    templateDeleteBody:
      'Шаблон будет удалён. Черновики, уже заполненные по нему, останутся. Это нельзя отменить.',
    templateDeleteConfirm: 'Удалить шаблон',
    templateDeleteFailed: 'Не удалось удалить шаблон.',
    attempts: (count: number) => `Попыток отправки: ${count}`,
    nextAttempt: (when: string) =>
      `Отправить не получилось, следующая попытка — ${when}. Приложение повторит её само.`,
    problemCodes: {
      required: 'Не заполнено обязательное поле.',
      wrong_type: 'Значение не того вида, которого ждёт портал.',
      invalid_format: 'Значение записано в неверном формате.',
      invalid_checksum: 'Номер не проходит проверку: скорее всего, в нём опечатка.',
      invalid_date: 'Такой даты нет в календаре.',
      date_in_future: 'Дата не может быть позже сегодняшней.',
      date_in_past: 'Дата не может быть раньше сегодняшней.',
      too_short: 'Значение слишком короткое.',
      too_long: 'Значение слишком длинное.',
      out_of_range: 'Число вне допустимого диапазона.',
      not_an_option: 'Выбран вариант, которого нет в списке.',
      unknown_field: 'В заявлении есть поле, которого портал не знает.',
      unknown_service: 'Портал не знает этой услуги.',
      unknown_document: 'Приложенный документ не найден на портале.',
      unexpected_attachment: 'Приложен документ, который эта услуга не принимает.',
      attachment_format: 'Приложенный документ в неподходящем формате.',
      attachment_too_large: 'Приложенный документ слишком большой.',
      missing_attachment: 'Не приложен обязательный документ.',
      other: 'Портал нашёл ошибку в заявлении.',
    } satisfies Record<ProblemCode, string> as Record<ProblemCode, string>,
    failureCodes: {
      invalid_token: 'Портал не принял вход. Войдите снова и подайте заявление заново.',
      insufficient_scope: 'У входа нет права подавать заявления.',
      invalid_request: 'Портал не смог прочитать заявление.',
      not_found: 'Портал не нашёл услугу или документ, указанные в заявлении.',
      conflict: 'Заявление противоречит тому, что уже есть на портале.',
      forbidden: 'Портал запретил это действие.',
      document_too_large: 'Приложенный документ больше, чем принимает портал.',
      unsupported_document: 'Портал не принимает приложенный документ такого типа.',
      checksum_mismatch: 'Приложенный документ повредился при передаче.',
      validation_failed: 'Портал нашёл ошибки в заявлении.',
      idempotency_key_reused:
        'Заявление изменилось после отправки, и портал не принял его повторно.',
      idempotency_key_in_use: 'Портал ещё обрабатывает это заявление.',
      internal: 'На портале произошла ошибка.',
    } satisfies Record<FailureCode, string> as Record<FailureCode, string>,
    failureHttp: (status: number) => `Портал отказал без объяснения причины (код ${status}).`,
    failureUnknown: 'Портал отказал по причине, которую приложение не знает.',
    problemField: 'поле',
  },
  units: {
    bytes: 'Б',
    kilobytes: 'КБ',
    megabytes: 'МБ',
    gigabytes: 'ГБ',
  },
  status: {
    accepted: 'Принято',
    in_progress: 'В обработке',
    needs_info: 'Требуется уточнение',
    approved: 'Одобрено',
    rejected: 'Отклонено',
  } satisfies StatusLabels as StatusLabels,
  sessionStatus: {
    signed_out: 'Вход не выполнен',
    signing_in: 'Выполняется вход',
    signed_in: 'Вход выполнен',
    locked: 'Сеанс заблокирован',
  } satisfies Record<SessionStatus, string> as Record<SessionStatus, string>,
  errors: {
    signed_out: 'Сеанс завершён. Войдите снова.',
    session_locked: 'Сеанс заблокирован после долгого бездействия. Войдите снова.',
    offline: 'Нет связи с порталом. Проверьте подключение к интернету и попробуйте ещё раз.',
    portal: 'Портал ответил ошибкой. Попробуйте позже.',
    invalid_profile: 'Настройки подключения к порталу неверны. Обратитесь в поддержку.',
    sign_in_cancelled: 'Вход отменён.',
    sign_in_failed: 'Войти не удалось. Попробуйте ещё раз.',
    keychain: 'Не удалось обратиться к системному хранилищу паролей.',
    storage: 'Не удалось прочитать или сохранить данные на этом компьютере.',
    not_found: 'Заявление не найдено.',
    vault_locked:
      'Документы на этом компьютере нельзя открыть: ключ шифрования утерян или заменён. Сбросьте локальные данные, чтобы продолжить.',
    invalid: 'Данные не приняты. Проверьте их и попробуйте ещё раз.',
    internal: 'Что-то пошло не так. Попробуйте ещё раз или перезапустите приложение.',
  } satisfies Record<ErrorCode, string> as Record<ErrorCode, string>,
};

/** The messages of one language. */
export type Messages = typeof ru;
