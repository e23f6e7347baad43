/**
 * Sample IPC views for unit tests, shaped by the generated types so that a change on the Rust
 * side breaks the type check here too. Each call returns fresh objects that a test may change.
 * The app never imports this file.
 */
import type {
  ApplicationDetailView,
  ApplicationView,
  DashboardView,
  SessionStatus,
  SessionView,
  SyncView,
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
  };
}
