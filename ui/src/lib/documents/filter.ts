/** Choosing which scans the documents screen lists, and which of them can become PDF pages. */
import type { DocumentKindCode, ScanView } from '$lib/backend';

/** The kinds of document in the order forms list them; the filter and the selects use it. */
export const DOCUMENT_KINDS: readonly DocumentKindCode[] = [
  'passport',
  'snils',
  'inn',
  'certificate',
  'power_of_attorney',
  'other',
];

/** A kind to keep, or all of them. */
export type KindFilter = DocumentKindCode | 'all';

/**
 * The scans of the given kind whose name, or the label of whose kind, contains the query,
 * ignoring case and surrounding spaces. Order is kept.
 */
export function filterScans(
  scans: readonly ScanView[],
  kind: KindFilter,
  query: string,
  kindLabel: (kind: DocumentKindCode) => string,
): ScanView[] {
  const needle = query.trim().toLocaleLowerCase();
  return scans.filter((scan) => {
    if (kind !== 'all' && scan.kind !== kind) return false;
    if (!needle) return true;
    return (
      scan.name.toLocaleLowerCase().includes(needle) ||
      kindLabel(scan.kind).toLocaleLowerCase().includes(needle)
    );
  });
}

/** Whether a scan is an image, and so can be a page of an assembled PDF. */
export function isImage(scan: ScanView): boolean {
  return scan.media === 'jpeg' || scan.media === 'png';
}
