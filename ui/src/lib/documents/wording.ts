/**
 * What the documents screen says about an import, in the reader's language: one sentence per
 * file, built from the core's codes and facts, never from its English detail.
 */
import type { ImportOutcome, NormalisedView, RefusalView, ScanView } from '$lib/backend';
import { i18n } from '$lib/i18n/locale.svelte';

/** Why a file was refused, in a full sentence; `limit` is the portal's limit in bytes. */
export function refusalReason(refusal: RefusalView, limit: number): string {
  const words = i18n.t.documents.refusals[refusal.code];
  return words({
    detected: refusal.detected,
    size: refusal.size === null ? null : i18n.size(refusal.size),
    pixels: refusal.pixels,
    limit: i18n.size(limit),
  });
}

/** What normalising did to an imported image: "уменьшено с 8,1 МБ до 3,9 МБ", "повёрнуто". */
export function normalisationChanges(scan: ScanView): string[] {
  const normalised: NormalisedView | null = scan.normalised;
  if (!normalised) return [];
  const { report } = i18n.t.documents;
  const changes: string[] = [];

  if ((normalised.recompressed || normalised.downscaled) && normalised.original_size > scan.size) {
    changes.push(report.shrunk(i18n.size(normalised.original_size), i18n.size(scan.size)));
  }
  if (normalised.rotated) changes.push(report.rotated);
  if (normalised.metadata_removed) changes.push(report.metadataRemoved);
  return changes;
}

/** The outcome of one file as a label ("Добавлен") and what follows it. */
export function outcomeWords(
  item: ImportOutcome,
  limit: number,
): { label: string; detail: string } {
  const { report } = i18n.t.documents;
  switch (item.outcome) {
    case 'imported': {
      const changes = normalisationChanges(item.scan);
      return { label: report.imported, detail: changes.length ? changes.join(', ') : report.asIs };
    }
    case 'duplicate':
      return { label: report.duplicate, detail: report.duplicateOf(item.scan.name) };
    case 'refused':
      return { label: report.refused, detail: refusalReason(item.refusal, limit) };
  }
}
