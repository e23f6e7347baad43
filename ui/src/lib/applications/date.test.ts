import { describe, expect, it } from 'vitest';

import { dateMistake, toStoredDate, toTypedDate } from './date';

describe('toStoredDate', () => {
  it('stores a typed date as ISO', () => {
    expect(toStoredDate('12.04.1985')).toBe('1985-04-12');
    expect(toStoredDate('1.4.1985'), 'one-digit day and month are fine').toBe('1985-04-01');
    expect(toStoredDate(' 29.02.2024 '), 'a leap day of a leap year').toBe('2024-02-29');
    expect(toStoredDate('31/12/1999'), 'slashes as separators').toBe('1999-12-31');
  });

  it('keeps an ISO date a person pasted', () => {
    expect(toStoredDate('1985-04-12')).toBe('1985-04-12');
  });

  it('keeps any other text exactly as typed, so that the check can point at it', () => {
    expect(toStoredDate('12.04.85'), 'a two-digit year is ambiguous').toBe('12.04.85');
    expect(toStoredDate('31.02.2020'), 'there is no 31 February').toBe('31.02.2020');
    expect(toStoredDate('29.02.2023'), '2023 is not a leap year').toBe('29.02.2023');
    expect(toStoredDate('12.13.1985'), 'there is no 13th month').toBe('12.13.1985');
    expect(toStoredDate('00.04.1985')).toBe('00.04.1985');
    expect(toStoredDate('1985-02-30')).toBe('1985-02-30');
    expect(toStoredDate('12 апреля 1985 ')).toBe('12 апреля 1985 ');
    expect(toStoredDate('12.04.')).toBe('12.04.');
  });
});

describe('toTypedDate', () => {
  it('shows a stored ISO date as ДД.ММ.ГГГГ', () => {
    expect(toTypedDate('1985-04-12')).toBe('12.04.1985');
  });

  it('shows anything else as it was stored, and nothing for no answer', () => {
    expect(toTypedDate('12.04.85')).toBe('12.04.85');
    expect(toTypedDate(undefined)).toBe('');
    expect(toTypedDate(null)).toBe('');
  });

  it('reads back what it stored', () => {
    for (const typed of ['12.04.1985', '01.01.0900', '29.02.2000']) {
      expect(toTypedDate(toStoredDate(typed))).toBe(typed);
    }
  });
});

describe('dateMistake', () => {
  it('tells a day that does not exist from text that is not a date', () => {
    expect(dateMistake('31.02.2020')).toBe('calendar');
    expect(dateMistake('1985-02-30')).toBe('calendar');
    expect(dateMistake('12.04.85')).toBe('format');
    expect(dateMistake('вчера')).toBe('format');
    expect(dateMistake(undefined)).toBe('format');
  });
});
