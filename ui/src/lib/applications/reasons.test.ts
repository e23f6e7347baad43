import { describe, expect, it } from 'vitest';

import type { FieldProblemView } from '$lib/backend';
import { en } from '$lib/i18n/en';
import { ru } from '$lib/i18n/ru';

import { FAILURE_CODES, failureText, problemDetail, problemText } from './reasons';

const problem = (code: FieldProblemView['code']): FieldProblemView => ({
  field: 'birth_date',
  code,
  message: 'Дата не может быть позже сегодняшней',
});

describe('failureText', () => {
  it('words each portal code the core records, in both languages', () => {
    expect(failureText('idempotency_key_reused', ru.applications)).toBe(
      'Заявление изменилось после отправки, и портал не принял его повторно.',
    );
    expect(failureText('invalid_request', en.applications)).toBe(
      'The portal could not read the application.',
    );
    for (const code of FAILURE_CODES) {
      expect(failureText(code, ru.applications), code).not.toBe(ru.applications.failureUnknown);
      expect(failureText(code, ru.applications), 'never the raw code').not.toContain(code);
    }
  });

  it('reads a bare HTTP status, and says so for a code it does not know', () => {
    expect(failureText('http_403', ru.applications)).toBe(
      'Портал отказал без объяснения причины (код 403).',
    );
    expect(failureText('service_closed', ru.applications)).toBe(
      'Портал отказал по причине, которую приложение не знает.',
    );
    expect(failureText('http_forbidden', en.applications)).toBe(en.applications.failureUnknown);
  });
});

describe('problemText', () => {
  it('words a problem from its code in the reader language, not from the portal text', () => {
    expect(problemText(problem('date_in_future'), en.applications)).toBe(
      'The date cannot be later than today.',
    );
    expect(problemText(problem('missing_attachment'), ru.applications)).toBe(
      'Не приложен обязательный документ.',
    );
  });

  it('falls back to a general sentence for a code newer than the UI', () => {
    const unknown = { ...problem('other'), code: 'brand_new' } as unknown as FieldProblemView;
    expect(problemText(unknown, ru.applications)).toBe('Портал нашёл ошибку в заявлении.');
  });

  it('keeps the field and the raw code for Details', () => {
    expect(problemDetail(problem('date_in_future'), ru.applications)).toBe(
      'поле birth_date: date_in_future',
    );
  });
});
