import { afterEach, describe, expect, it } from 'vitest';

import type { RefusalCode } from '$lib/backend';
import { MAX_UPLOAD_SIZE, refusalView, scanView } from '$lib/backend/fixtures';
import { i18n } from '$lib/i18n/locale.svelte';

import { normalisationChanges, outcomeWords, refusalReason } from './wording';

const CODES: RefusalCode[] = [
  'unsupported_type',
  'empty',
  'file_too_large',
  'pdf_too_large',
  'image_too_large',
  'cannot_fit',
  'image_broken',
  'pdf_encrypted',
  'pdf_broken',
  'pdf_empty',
  'pdf_bomb',
  'pdf_active_content',
  'unreadable',
];

/** Plain spaces, for comparing sentences that keep a size and its unit together. */
const plain = (text: string) => text.replace(/\s+/g, ' ');

afterEach(() => {
  i18n.set('ru');
});

describe('refusalReason', () => {
  it('uses the facts the core gives', () => {
    i18n.set('ru');
    expect(
      refusalReason(refusalView('unsupported_type', { detected: 'ZIP' }), MAX_UPLOAD_SIZE),
    ).toBe('Это файл ZIP, а не PDF, JPEG или PNG.');
    expect(
      refusalReason(refusalView('image_too_large', { pixels: [100000, 100000] }), MAX_UPLOAD_SIZE),
    ).toBe('Изображение 100000 × 100000 пикселей слишком велико.');
    expect(
      plain(
        refusalReason(refusalView('pdf_too_large', { size: 6 * 1024 * 1024 }), MAX_UPLOAD_SIZE),
      ),
    ).toContain('PDF занимает 6 МБ, а портал принимает файлы не больше 5 МБ.');
  });

  it('reads well without them too', () => {
    i18n.set('ru');
    expect(refusalReason(refusalView('image_too_large'), MAX_UPLOAD_SIZE)).toBe(
      'Изображение слишком велико.',
    );
    expect(plain(refusalReason(refusalView('pdf_too_large'), MAX_UPLOAD_SIZE))).toContain(
      'PDF слишком большой, а портал принимает файлы не больше 5 МБ.',
    );
  });

  it('has a sentence for every code in both languages, never the English detail', () => {
    for (const locale of ['ru', 'en'] as const) {
      i18n.set(locale);
      const sentences = CODES.map((code) => refusalReason(refusalView(code), MAX_UPLOAD_SIZE));
      expect(new Set(sentences).size, `${locale}: each code says something of its own`).toBe(
        CODES.length,
      );
      for (const sentence of sentences) expect(sentence).not.toMatch(/refused:/);
    }
  });
});

describe('normalisationChanges', () => {
  it('lists what normalising did', () => {
    i18n.set('ru');
    expect(normalisationChanges(scanView('scan-1')).map(plain)).toEqual([
      'уменьшено с 8,1 МБ до 3,9 МБ',
      'повёрнуто',
      'метаданные удалены',
    ]);
    expect(normalisationChanges(scanView('scan-3'))).toEqual([]);
    expect(normalisationChanges(scanView('scan-4')), 'a PDF is not normalised').toEqual([]);
  });
});

describe('outcomeWords', () => {
  it('says an untouched file was added as it is', () => {
    i18n.set('en');
    expect(
      outcomeWords({ outcome: 'imported', file_name: 'x.pdf', scan: scanView('scan-4') }, 0),
    ).toEqual({ label: 'Added:', detail: 'unchanged' });
  });
});
