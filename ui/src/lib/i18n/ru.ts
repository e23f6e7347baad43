/**
 * Russian, the first language. Its shape is the type every other language must match, so a
 * missing or extra message fails the type check.
 */
import type { ErrorCode, SessionStatus, StatusCode } from '$lib/backend';

/** Every status, in the order the filter shows them. */
export type StatusLabels = Record<StatusCode, string>;

export const ru = {
  languageName: 'Русский',
  app: {
    name: 'Kabinet',
    tagline: 'Личный кабинет',
    skipToContent: 'Перейти к основному содержанию',
    navLabel: 'Основное меню',
    myApplications: 'Мои заявления',
    languageLabel: 'Язык интерфейса',
    signOut: 'Выйти',
    signingOut: 'Выходим…',
    signOutFailed: 'Не удалось выйти.',
    loading: 'Загрузка…',
    sessionUnknown: 'Не удалось узнать состояние сеанса.',
    retry: 'Повторить',
    details: 'Подробности',
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
      'Одноразовый код подтверждения приходит не по SMS, а в «исходящие» песочницы (sandbox outbox).',
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
    internal: 'Что-то пошло не так. Попробуйте ещё раз или перезапустите приложение.',
  } satisfies Record<ErrorCode, string> as Record<ErrorCode, string>,
};

/** The messages of one language. */
export type Messages = typeof ru;
