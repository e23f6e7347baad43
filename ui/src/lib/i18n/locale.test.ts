import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { i18n } from './locale.svelte';

beforeEach(() => {
  i18n.set('ru');
  localStorage.clear();
});

afterEach(() => {
  i18n.set('ru');
  localStorage.clear();
});

describe('i18n', () => {
  it('speaks Russian by default', () => {
    i18n.restore();

    expect(i18n.locale).toBe('ru');
    expect(i18n.t.dashboard.title).toBe('Мои заявления');
    expect(document.documentElement.lang).toBe('ru');
  });

  it('switches the messages and <html lang>, and remembers the choice', () => {
    i18n.set('en');

    expect(i18n.t.dashboard.title).toBe('My applications');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('kabinet.locale')).toBe('en');
  });

  it('restores the remembered language', () => {
    localStorage.setItem('kabinet.locale', 'en');

    i18n.restore();

    expect(i18n.locale).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('ignores a remembered value that is not a language', () => {
    i18n.set('en');
    localStorage.setItem('kabinet.locale', 'de');

    i18n.restore();

    expect(i18n.locale).toBe('ru');
  });

  it('still switches when storage is unavailable', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });

    i18n.set('en');

    expect(document.documentElement.lang).toBe('en');
  });

  it('formats dates in the chosen language and shows an unparsable one as it came', () => {
    expect(i18n.date('2026-03-04T10:15:00Z')).toBe('4 марта 2026 г.');
    i18n.set('en');
    expect(i18n.date('2026-03-04T10:15:00Z')).toBe('4 March 2026');
    expect(i18n.dateTime('yesterday')).toBe('yesterday');
  });

  it('formats sizes in binary units with the unit kept on the same line', () => {
    expect(i18n.size(512)).toBe('512\u00a0Б');
    expect(i18n.size(1536)).toBe('1,5\u00a0КБ');
    expect(i18n.size(8_493_466), 'the portal counts its limit in MiB').toBe('8,1\u00a0МБ');
    expect(i18n.size(5 * 1024 * 1024)).toBe('5\u00a0МБ');
    i18n.set('en');
    expect(i18n.size(4_089_446)).toBe('3.9\u00a0MB');
    expect(i18n.size(3 * 1024 ** 4), 'nothing is larger than gigabytes').toBe('3,072\u00a0GB');
  });
});
