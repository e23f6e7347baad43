import { describe, expect, it } from 'vitest';

import { scanViews } from '$lib/backend/fixtures';
import { ru } from '$lib/i18n/ru';

import { DOCUMENT_KINDS, filterScans, isImage } from './filter';

const ids = (list: Array<{ id: string }>) => list.map((scan) => scan.id);
const label = (kind: (typeof DOCUMENT_KINDS)[number]) => ru.documents.kinds[kind];

describe('filterScans', () => {
  const scans = scanViews();

  it('keeps everything for "all" and an empty query', () => {
    expect(ids(filterScans(scans, 'all', '', label))).toEqual([
      'scan-1',
      'scan-2',
      'scan-3',
      'scan-4',
    ]);
  });

  it('keeps only the chosen kind', () => {
    expect(ids(filterScans(scans, 'passport', '', label))).toEqual(['scan-1', 'scan-2']);
    expect(filterScans(scans, 'inn', '', label)).toEqual([]);
  });

  it('matches the name ignoring case and surrounding spaces', () => {
    expect(ids(filterScans(scans, 'all', '  РАЗВОРОТ ', label))).toEqual(['scan-1']);
  });

  it('matches the kind’s label in the reader’s language', () => {
    expect(ids(filterScans(scans, 'all', 'свидетельство', label))).toEqual(['scan-4']);
    expect(ids(filterScans(scans, 'all', 'certificate', () => 'Certificate'))).toHaveLength(4);
  });

  it('requires both the kind and the query to match', () => {
    expect(ids(filterScans(scans, 'passport', 'прописка', label))).toEqual(['scan-2']);
    expect(filterScans(scans, 'snils', 'прописка', label)).toEqual([]);
  });
});

describe('isImage', () => {
  it('tells images from PDFs', () => {
    expect(scanViews().map(isImage)).toEqual([true, true, true, false]);
  });
});

describe('DOCUMENT_KINDS', () => {
  it('offers every kind once, each with a label', () => {
    expect(new Set(DOCUMENT_KINDS).size).toBe(6);
    expect(Object.keys(ru.documents.kinds).sort()).toEqual([...DOCUMENT_KINDS].sort());
  });
});
