/**
 * Reports of files dropped on the window while the documents screen was not shown. The core
 * imports a drop wherever it lands; the shell keeps its report here and opens the documents
 * screen, which takes the report when it mounts.
 */
import type { ImportReport } from '$lib/backend';

class DropInbox {
  #report = $state<ImportReport | null>(null);

  /** Keeps a report for the documents screen. */
  put(report: ImportReport): void {
    this.#report = report;
  }

  /** The kept report, once: it is gone after this. */
  take(): ImportReport | null {
    const report = this.#report;
    this.#report = null;
    return report;
  }
}

/** The one inbox of the window. */
export const dropInbox = new DropInbox();
