/**
 * The image scans chosen to become one PDF, in page order, with the PDF's name and kind. The
 * order is the person's: choosing appends, and {@link Assembly.moveUp} and
 * {@link Assembly.moveDown} move one page at a time.
 */
import type { DocumentKindCode, ScanView } from '$lib/backend';

import { isImage } from './filter';

export class Assembly {
  /** The chosen scans' ids, first page first. */
  ids = $state<string[]>([]);

  /** The PDF's name. */
  name = $state('');

  /** What the PDF shows; it follows the first page chosen until the person picks one. */
  kind = $state<DocumentKindCode>('other');

  #kindChosen = false;

  /** Whether the scan is chosen. */
  has(id: string): boolean {
    return this.ids.includes(id);
  }

  /** Chooses an image scan as the last page, or leaves it out again. PDFs are never chosen. */
  toggle(scan: ScanView): void {
    if (this.has(scan.id)) {
      this.remove(scan.id);
      return;
    }
    if (!isImage(scan)) return;
    if (this.ids.length === 0 && !this.#kindChosen) this.kind = scan.kind;
    this.ids.push(scan.id);
  }

  /** Leaves a scan out. */
  remove(id: string): void {
    this.ids = this.ids.filter((candidate) => candidate !== id);
  }

  /** Moves a page one place towards the start; returns its new index. */
  moveUp(id: string): number {
    return this.#move(id, -1);
  }

  /** Moves a page one place towards the end; returns its new index. */
  moveDown(id: string): number {
    return this.#move(id, 1);
  }

  /** Records the person's own choice of kind, which choosing pages no longer changes. */
  chooseKind(kind: DocumentKindCode): void {
    this.kind = kind;
    this.#kindChosen = true;
  }

  /** The chosen scans that still exist, in page order. */
  pages(scans: readonly ScanView[]): ScanView[] {
    return this.ids.flatMap((id) => {
      const scan = scans.find((candidate) => candidate.id === id);
      return scan && isImage(scan) ? [scan] : [];
    });
  }

  /** Forgets chosen scans that are gone from the vault; writes only when one is. */
  keep(scans: readonly ScanView[]): void {
    const kept = this.ids.filter((id) => scans.some((scan) => scan.id === id));
    if (kept.length !== this.ids.length) this.ids = kept;
  }

  /** Starts over once a PDF was assembled. */
  clear(): void {
    this.ids = [];
    this.name = '';
    this.kind = 'other';
    this.#kindChosen = false;
  }

  #move(id: string, by: -1 | 1): number {
    const from = this.ids.indexOf(id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= this.ids.length) return from;
    const ids = [...this.ids];
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    this.ids = ids;
    return to;
  }
}
