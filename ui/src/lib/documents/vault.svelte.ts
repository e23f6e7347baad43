/**
 * The document vault as the documents screen knows it: the core's {@link VaultView}, what the
 * last import did to each file, uploads under way, a deletion that can still be undone, files
 * dragged over the window, and the last failure. The core stays the source of truth: each
 * command's answer is applied at once, and {@link Vault.applyView} takes the whole view the
 * core pushes after any change.
 */
import * as backend from '$lib/backend';
import type {
  CommandError,
  DocumentKindCode,
  DragDrop,
  ImportReport,
  ScanView,
  UploadProgressEvent,
  VaultView,
} from '$lib/backend';

/** A vault command the person or the screen started; the screen words its failure by it. */
export type VaultAction =
  | 'drop'
  | 'load'
  | 'refresh'
  | 'pick'
  | 'rename'
  | 'set_kind'
  | 'delete'
  | 'restore'
  | 'export'
  | 'assemble'
  | 'upload'
  | 'delete_uploaded'
  | 'reset';

/** A vault command that failed. */
export interface VaultFailure {
  action: VaultAction;
  error: CommandError;
}

/** Something that finished, for the screen to announce in its own words. */
export type VaultNews =
  | { kind: 'uploaded'; name: string }
  | { kind: 'exported'; fileName: string }
  | { kind: 'renamed'; name: string }
  | { kind: 'kind_changed'; name: string; documentKind: DocumentKindCode }
  | { kind: 'assembled'; name: string; pages: number }
  | { kind: 'restored'; name: string }
  | { kind: 'portal_deleted'; name: string }
  | { kind: 'reset' };

/** How far one upload has got, in bytes. */
export interface UploadProgress {
  sent: number;
  total: number;
}

/** How long a deletion can be undone unless the person says otherwise, in milliseconds. */
export const UNDO_MS = 10_000;

export interface VaultOptions {
  /** Called with every failure, e.g. so the shell can notice a lost session. */
  onError?: (error: CommandError) => void;
  /** How long a deletion can be undone, in milliseconds. */
  undoMs?: number;
}

/** Scans newest first, as the core sends them. */
function newestFirst(first: ScanView, second: ScanView): number {
  return second.added_at.localeCompare(first.added_at);
}

export class Vault {
  /** What is shown; null until the core has answered. */
  view = $state<VaultView | null>(null);

  /** The last failure, shown until the next success. */
  failure = $state<VaultFailure | null>(null);

  /** Whether the portal's list is being fetched. */
  refreshing = $state(false);

  /** Whether the file picker is open or its files are being imported. */
  picking = $state(false);

  /** Whether files were dropped and the core is importing them. */
  importing = $state(false);

  /** Whether files are being dragged over the window. */
  dragging = $state(false);

  /** What the last import did to each file. */
  report = $state<ImportReport | null>(null);

  /** Uploads under way, by scan id. */
  uploads = $state<Record<string, UploadProgress>>({});

  /** The scan deleted last, while its deletion can be undone. */
  deleted = $state<ScanView | null>(null);

  /** The last thing that finished. */
  news = $state<VaultNews | null>(null);

  /** The scans, newest first; none unless the vault is open. */
  readonly scans: ScanView[] = $derived(this.view?.scans ?? []);

  /** Whether the vault is open. */
  readonly ready: boolean = $derived(this.view?.state.state === 'ready');

  readonly #onError: (error: CommandError) => void;
  readonly #undoMs: number;
  #undoTimer: ReturnType<typeof setTimeout> | undefined;
  /** The deletion in flight: whether it succeeded, for an undo that comes before its answer. */
  #deleting: Promise<boolean> | null = null;
  /** Scans being deleted, kept off the screen even when a view pushed meanwhile has them. */
  #removing: string[] = [];

  constructor({ onError = () => {}, undoMs = UNDO_MS }: VaultOptions = {}) {
    this.#onError = onError;
    this.#undoMs = undoMs;
  }

  /**
   * Shows the local state at once, then asks the portal for its documents. When the local
   * state cannot be read, the portal is not asked: that failure is the one to show.
   */
  async open(): Promise<void> {
    await this.reload();
    if (this.failure?.action !== 'load') await this.refresh();
  }

  /** Reads the local state again. */
  async reload(): Promise<void> {
    try {
      this.applyView(await backend.vault());
      this.#succeeded('load');
    } catch (error) {
      this.#fail('load', error);
    }
  }

  /** Asks the portal for its documents; offline, the core answers with `portal_online` false. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;

    try {
      this.applyView(await backend.vaultRefresh());
      this.#succeeded('refresh');
    } catch (error) {
      this.#fail('refresh', error);
    } finally {
      this.refreshing = false;
    }
  }

  /** Opens the file picker and imports what the person chooses. */
  async pick(): Promise<void> {
    if (this.picking || !this.ready) return;
    this.picking = true;

    try {
      this.applyImport(await backend.vaultPick());
      this.#succeeded('pick');
    } catch (error) {
      this.#fail('pick', error);
    } finally {
      this.picking = false;
    }
  }

  /** Takes an import's report, from the picker or from files dropped on the window. */
  applyImport(report: ImportReport): void {
    this.importing = false;
    if (report.error) return this.#fail('drop', report.error);
    // An empty report is a closed picker: the last report stays as it was.
    if (report.items.length === 0) return;
    this.report = report;

    for (const item of report.items) {
      if (item.outcome === 'imported') this.#insert(item.scan);
    }
  }

  /** Hides the import report. */
  dismissReport(): void {
    this.report = null;
  }

  /** Takes the whole view, as the core pushes it after a change. */
  applyView(view: VaultView): void {
    if (this.#removing.length > 0) {
      view.scans = view.scans.filter((scan) => !this.#removing.includes(scan.id));
    }
    this.view = view;
  }

  /** Follows files dragged over the window, while the vault can take them. */
  drag(event: DragDrop): void {
    switch (event.type) {
      case 'enter':
        // Text or links dragged from elsewhere come without files; they are not for us.
        this.dragging = this.ready && event.files > 0;
        break;
      case 'over':
        break;
      case 'leave':
        this.dragging = false;
        break;
      case 'drop':
        this.dragging = false;
        // The core imports the files and reports them through its imported event.
        if (this.ready && event.files > 0) this.importing = true;
        break;
    }
  }

  /**
   * Renames a scan. Resolves with the failure, if any, so that the dialog asking for the name
   * can show it next to the field; an empty name is not sent at all.
   */
  async rename(id: string, name: string): Promise<CommandError | null> {
    const trimmed = name.trim();
    if (!trimmed) return { code: 'invalid', message: 'the name is empty' };

    try {
      const scan = await backend.vaultRename(id, trimmed);
      this.#replace(scan);
      this.#succeeded('rename');
      this.news = { kind: 'renamed', name: scan.name };
      return null;
    } catch (error) {
      const failure = backend.toCommandError(error);
      this.#onError(failure);
      return failure;
    }
  }

  /** Says what a scan shows; resolves with whether the core took it. */
  async setKind(id: string, kind: DocumentKindCode): Promise<boolean> {
    try {
      const scan = await backend.vaultSetKind(id, kind);
      this.#replace(scan);
      this.#succeeded('set_kind');
      this.news = { kind: 'kind_changed', name: scan.name, documentKind: scan.kind };
      return true;
    } catch (error) {
      this.#fail('set_kind', error);
      return false;
    }
  }

  /**
   * Deletes a scan: it leaves the screen at once, and {@link undo} can bring it back until the
   * undo window closes. A deletion the core refuses puts the scan back.
   */
  async remove(id: string): Promise<void> {
    const scan = this.scans.find((candidate) => candidate.id === id);
    if (!scan || this.#removing.includes(id)) return;

    this.#removing.push(id);
    this.#drop(id);
    this.#settleUndo();
    this.deleted = scan;
    this.#startUndoTimer();

    const deleting = backend.vaultDelete(id).then(
      () => true,
      (error: unknown) => {
        this.#fail('delete', error);
        return false;
      },
    );
    this.#deleting = deleting;
    const done = await deleting;
    this.#removing = this.#removing.filter((candidate) => candidate !== id);
    if (this.#deleting === deleting) this.#deleting = null;

    if (!done) {
      if (this.deleted?.id === id) this.#settleUndo();
      this.#insert(scan);
      return;
    }
    this.#succeeded('delete');
  }

  /** Brings back the scan deleted last; resolves with it, or null when that failed. */
  async undo(): Promise<ScanView | null> {
    const scan = this.deleted;
    if (!scan) return null;
    const deleting = this.#deleting;
    this.#settleUndo();

    // An undo may come before the core has confirmed the deletion; restoring needs it done.
    if (deleting && !(await deleting)) return null;

    try {
      const restored = await backend.vaultRestore(scan.id);
      this.#insert(restored);
      this.#succeeded('restore');
      this.news = { kind: 'restored', name: restored.name };
      return restored;
    } catch (error) {
      this.#fail('restore', error);
      return null;
    }
  }

  /** Keeps the undo offered while the person is at it (pointer or focus on it). */
  holdUndo(): void {
    clearTimeout(this.#undoTimer);
    this.#undoTimer = undefined;
  }

  /** Lets the undo window run again, in full, once the person has moved away from it. */
  releaseUndo(): void {
    if (this.deleted) this.#startUndoTimer();
  }

  /** Writes a decrypted copy where the person chooses. */
  async exportScan(id: string): Promise<void> {
    try {
      const result = await backend.vaultExport(id);
      this.#succeeded('export');
      if (result.saved) {
        const name = this.scans.find((scan) => scan.id === id)?.name ?? '';
        this.news = { kind: 'exported', fileName: result.file_name ?? name };
      }
    } catch (error) {
      this.#fail('export', error);
    }
  }

  /** Builds one PDF from image scans in this order; resolves with it, or null on failure. */
  async assemble(
    ids: readonly string[],
    name: string,
    kind: DocumentKindCode,
  ): Promise<ScanView | null> {
    const trimmed = name.trim();
    if (ids.length === 0 || !trimmed) return null;

    try {
      const scan = await backend.vaultAssemble(ids, trimmed, kind);
      this.#insert(scan);
      this.#succeeded('assemble');
      this.news = { kind: 'assembled', name: scan.name, pages: scan.pages };
      return scan;
    } catch (error) {
      this.#fail('assemble', error);
      return null;
    }
  }

  /** Uploads a scan to the portal, following its progress events meanwhile. */
  async upload(id: string): Promise<void> {
    const scan = this.scans.find((candidate) => candidate.id === id);
    if (!scan || this.uploads[id] || scan.uploaded) return;
    this.uploads[id] = { sent: 0, total: scan.size };

    try {
      const uploaded = await backend.vaultUpload(id);
      this.#replace(uploaded);
      this.#succeeded('upload');
      this.news = { kind: 'uploaded', name: uploaded.name };
    } catch (error) {
      this.#fail('upload', error);
    } finally {
      delete this.uploads[id];
    }
  }

  /** Takes an upload's progress event; events for uploads not under way are ignored. */
  applyProgress(event: UploadProgressEvent): void {
    const progress = this.uploads[event.scan_id];
    if (!progress) return;
    progress.sent = Math.min(event.sent, event.total);
    progress.total = event.total;
  }

  /** Deletes a document from the portal. */
  async deleteUploaded(documentId: string): Promise<boolean> {
    const name = this.view?.portal_documents.find((doc) => doc.id === documentId)?.name ?? '';

    try {
      this.applyView(await backend.vaultDeleteUploaded(documentId));
      this.#succeeded('delete_uploaded');
      this.news = { kind: 'portal_deleted', name };
      return true;
    } catch (error) {
      this.#fail('delete_uploaded', error);
      return false;
    }
  }

  /** Starts the vault over after its key was lost: the local scans are gone for good. */
  async reset(): Promise<boolean> {
    try {
      this.applyView(await backend.vaultReset());
      this.report = null;
      this.#settleUndo();
      this.#succeeded('reset');
      this.news = { kind: 'reset' };
      return true;
    } catch (error) {
      this.#fail('reset', error);
      return false;
    }
  }

  /** Stops the undo timer, e.g. when the screen goes away. */
  dispose(): void {
    clearTimeout(this.#undoTimer);
  }

  #startUndoTimer(): void {
    clearTimeout(this.#undoTimer);
    this.#undoTimer = setTimeout(() => this.#settleUndo(), this.#undoMs);
  }

  /** Ends the undo window: the deletion stays. */
  #settleUndo(): void {
    clearTimeout(this.#undoTimer);
    this.#undoTimer = undefined;
    this.deleted = null;
  }

  #replace(scan: ScanView): void {
    if (!this.view) return;
    this.view.scans = this.view.scans.map((candidate) =>
      candidate.id === scan.id ? scan : candidate,
    );
  }

  #insert(scan: ScanView): void {
    if (!this.view) return;
    const others = this.view.scans.filter((candidate) => candidate.id !== scan.id);
    this.view.scans = [...others, scan].sort(newestFirst);
  }

  #drop(id: string): void {
    if (!this.view) return;
    this.view.scans = this.view.scans.filter((candidate) => candidate.id !== id);
  }

  #succeeded(action: VaultAction): void {
    // A failure stays until the same command works again, so that a notice about a failed
    // upload is not swept away by an unrelated rename; a reset starts everything over.
    if (this.failure?.action === action || action === 'reset') this.failure = null;
  }

  #fail(action: VaultAction, error: unknown): void {
    const failure = backend.toCommandError(error);
    this.failure = { action, error: failure };
    this.#onError(failure);

    // The core found the vault's key gone: read the vault again so that the screen offers the
    // reset. A read that fails so does not ask again, or it would never stop.
    if (failure.code === 'vault_locked' && action !== 'load' && action !== 'refresh') {
      void this.reload();
    }
  }
}
