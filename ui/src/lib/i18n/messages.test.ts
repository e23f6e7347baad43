import { describe, expect, it } from 'vitest';

import { en } from './en';
import { ru } from './ru';

/** Every path to a message, e.g. `dashboard.kinds.citizen`, with what kind of value it is. */
function shape(messages: object, prefix = ''): Map<string, string> {
  const paths = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null) {
      for (const [inner, kind] of shape(value, path)) paths.set(inner, kind);
    } else {
      paths.set(path, typeof value === 'function' ? `function/${value.length}` : typeof value);
    }
  }
  return paths;
}

describe('messages', () => {
  it('have the same keys and kinds in Russian and English', () => {
    // The type check catches most drift; this also catches records typed as Record<string, _>
    // (such as the kinds of person), where a missing key would fall back silently.
    expect([...shape(en)].sort()).toEqual([...shape(ru)].sort());
  });

  it('are never empty', () => {
    for (const messages of [ru, en]) {
      for (const [path, kind] of shape(messages)) {
        if (kind !== 'string') continue;
        const value = path.split('.').reduce<unknown>((node, key) => {
          return (node as Record<string, unknown>)[key];
        }, messages);
        expect(value, path).not.toBe('');
      }
    }
  });

  it('format counts and dates into their sentences', () => {
    expect(ru.dashboard.shown(2, 5)).toBe('Показано заявлений: 2 из 5');
    expect(en.dashboard.shown(2, 5)).toBe('Applications shown: 2 of 5');
    expect(en.dashboard.lastUpdated('4 March 2026')).toBe('Updated 4 March 2026');
  });

  it('agree Russian nouns with their counts', () => {
    expect([1, 2, 5, 11, 21, 22].map(ru.documents.pages)).toEqual([
      '1 страница',
      '2 страницы',
      '5 страниц',
      '11 страниц',
      '21 страница',
      '22 страницы',
    ]);
    expect(ru.documents.keyChangedLocal(1)).toBe(
      '1 скан есть только на этом компьютере: при сбросе он будет потерян.',
    );
    expect(ru.documents.keyChangedUploaded(5)).toBe(
      '5 сканов уже загружены на портал и останутся там.',
    );
    expect(en.documents.pages(1)).toBe('1 page');
    expect(en.documents.keyChangedUploaded(1)).toBe(
      '1 scan is already on the portal and will stay there.',
    );
  });
});
