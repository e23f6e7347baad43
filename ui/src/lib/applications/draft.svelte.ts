/**
 * One draft application as its form screen knows it: the service and its fields, the answers
 * and attached scans, whether they are saved, and the problems the last check or submission
 * found. Answers are saved a moment after the person stops typing, and always before a check
 * or a submission, so that the core checks what the screen shows.
 */
import * as backend from '$lib/backend';
import type {
  AttachmentView,
  CommandError,
  DocumentKindCode,
  DraftView,
  FieldProblemView,
  OutboxView,
  ScanView,
  ServiceView,
} from '$lib/backend';

import { formFields, type FormField } from './schema';

/** Where saving the answers stands; `pending` means changed, to be saved in a moment. */
export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'failed';

/** What the person asked for last, which the screen words a failure by. */
export type DraftAction = 'load' | 'save' | 'check' | 'submit';

/** A command that failed. */
export interface DraftFailure {
  action: DraftAction;
  error: CommandError;
}

/** How a check or a submission ended, for the screen to move the focus. */
export type Outcome = 'clean' | 'problems' | 'queued' | 'failed';

/**
 * Whether a vault scan can go as this attachment: it shows the same kind of document, in a
 * format the service accepts, and is no larger than the service's limit.
 */
export function scanFits(scan: ScanView, attachment: AttachmentView): boolean {
  return (
    scan.kind === attachment.kind &&
    attachment.formats.includes(scan.media) &&
    scan.size <= attachment.max_size
  );
}

/**
 * The problems the portal sent draft `id` back with, when its latest submission needs a fix;
 * none when it was never submitted or its latest submission went on.
 */
export function returnedProblems(outbox: OutboxView, id: string): FieldProblemView[] {
  const latest = outbox.items
    .filter((item) => item.draft_id === id)
    .reduce<OutboxView['items'][number] | null>(
      (newest, item) => (!newest || item.created_at >= newest.created_at ? item : newest),
      null,
    );
  return latest?.state.state === 'needs_fix' ? latest.state.problems : [];
}

/** The problems' field name for an attachment of this kind, as the core names it. */
export function attachmentField(attachment: AttachmentView): string {
  return `attachments/${attachment.kind}`;
}

export class DraftForm {
  /** The draft as last saved. */
  draft = $state<DraftView | null>(null);
  /** The service the draft is for. */
  service = $state<ServiceView | null>(null);
  /** The answers, by property name. */
  answers = $state<Record<string, unknown>>({});
  /** The scan chosen for each attachment, by attachment kind. */
  attached = $state<Record<string, string>>({});
  /** The vault's scans to choose from. */
  scans = $state<ScanView[]>([]);
  /** Every problem the last check or submission found. */
  problems = $state<FieldProblemView[]>([]);
  /** Whether the problems shown are those the portal sent the draft back with. */
  returned = $state(false);
  /** Whether a check found nothing to fix. */
  checkedClean = $state(false);
  saveState = $state<SaveState>('idle');
  busy = $state<'check' | 'submit' | null>(null);
  failure = $state<DraftFailure | null>(null);

  /** The form's questions, in order. */
  readonly fields: FormField[] = $derived(this.service ? formFields(this.service.form) : []);

  #timer: ReturnType<typeof setTimeout> | undefined;
  #saving: Promise<void> = Promise.resolve();
  readonly #delay: number;

  /** @param autosaveDelay how long after the last change the answers are saved, in ms */
  constructor(autosaveDelay = 800) {
    this.#delay = autosaveDelay;
  }

  /** Loads the draft, its service and the vault's scans. */
  async load(id: string): Promise<void> {
    this.failure = null;
    // Without the vault the form still works; only scans cannot be chosen.
    const scans = backend.vault().then(
      (view) => view.scans,
      () => [],
    );
    // Without the outbox the form works too; only the portal's earlier verdict is not shown.
    const returned = backend.outbox().then(
      (view) => returnedProblems(view, id),
      () => [],
    );
    try {
      const [draft, catalog] = await Promise.all([backend.draft(id), backend.services()]);
      this.scans = await scans;
      this.draft = draft;
      this.answers = { ...draft.answers };
      this.service = catalog.services.find((s) => s.code === draft.service_code) ?? null;
      if (!this.service) throw { code: 'not_found', message: `no service ${draft.service_code}` };
    } catch (error) {
      this.failure = { action: 'load', error: backend.toCommandError(error) };
      return;
    }

    this.attached = this.#attachedByKind(this.draft.scan_ids);
    this.problems = await returned;
    this.returned = this.problems.length > 0;
  }

  /** Matches the draft's scans to the service's attachments by what each scan shows. */
  #attachedByKind(scanIds: readonly string[]): Record<string, string> {
    const attached: Record<string, string> = {};
    for (const id of scanIds) {
      const scan = this.scans.find((s) => s.id === id);
      const attachment = this.service?.attachments.find(
        (a) => !(a.kind in attached) && (!scan || a.kind === scan.kind),
      );
      if (attachment) attached[attachment.kind] = id;
    }
    return attached;
  }

  /** The problems of one field. */
  problemsOf(field: string): FieldProblemView[] {
    return this.problems.filter((problem) => problem.field === field);
  }

  /** Changes one answer and saves it soon; an emptied text is no answer at all. */
  answer(name: string, value: unknown): void {
    const answers = { ...this.answers };
    if (value === '' || value === undefined) delete answers[name];
    else answers[name] = value;
    this.answers = answers;
    this.#schedule();
  }

  /**
   * Chooses the scan for an attachment (an empty id removes it) and saves soon. A scan marked
   * as something else is marked as what the attachment needs first, since a draft's scans fill
   * its attachments by what they show, here, in the local check and in the outbox alike.
   */
  async attach(kind: DocumentKindCode, scanId: string): Promise<void> {
    const attached = { ...this.attached };
    if (scanId) attached[kind] = scanId;
    else delete attached[kind];
    this.attached = attached;

    const scan = this.scans.find((s) => s.id === scanId);
    if (scan && scan.kind !== kind) {
      try {
        const marked = await backend.vaultSetKind(scanId, kind);
        this.scans = this.scans.map((s) => (s.id === scanId ? marked : s));
      } catch (error) {
        this.failure = { action: 'save', error: backend.toCommandError(error) };
      }
    }
    this.#schedule();
  }

  #schedule(): void {
    this.checkedClean = false;
    this.saveState = 'pending';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.save(), this.#delay);
  }

  /** Saves now what was changed; saves run one after another, never overlapping. */
  save(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#saving = this.#saving.then(() => this.#persist());
    return this.#saving;
  }

  async #persist(): Promise<void> {
    const draft = this.draft;
    if (!draft) return;
    this.saveState = 'saving';
    try {
      this.draft = await backend.saveDraft({
        id: draft.id,
        service_code: draft.service_code,
        answers: $state.snapshot(this.answers),
        scan_ids: Object.values(this.attached),
      });
      // A change made while this save was under way is not in it: it is still to be saved.
      this.saveState = this.#timer === undefined ? 'saved' : 'pending';
      if (this.failure?.action === 'save') this.failure = null;
    } catch (error) {
      this.saveState = 'failed';
      this.failure = { action: 'save', error: backend.toCommandError(error) };
    }
  }

  /** Saves, then checks the whole draft and keeps every problem found. */
  async check(): Promise<Outcome> {
    return this.#run('check', async (id) => {
      this.problems = await backend.checkDraft(id);
      this.checkedClean = this.problems.length === 0;
      return this.checkedClean ? 'clean' : 'problems';
    });
  }

  /** Saves, then submits: either the problems come back or the draft is queued to be sent. */
  async submit(): Promise<Outcome> {
    return this.#run('submit', async (id) => {
      const result = await backend.submitDraft(id);
      if (result.outcome === 'queued') {
        this.problems = [];
        return 'queued';
      }
      this.problems = result.problems;
      return 'problems';
    });
  }

  /**
   * Saves what is still waiting, then keeps the draft's answers and scans as a template named
   * `name`; rejects with the command's error (`invalid` for a blank name).
   */
  async saveTemplate(name: string): Promise<DraftView> {
    if (!this.draft) throw { code: 'not_found', message: 'no draft loaded' };
    await this.save();
    if (this.saveState === 'failed' && this.failure) throw this.failure.error;
    return backend.saveTemplate(this.draft.id, name);
  }

  async #run(action: 'check' | 'submit', step: (id: string) => Promise<Outcome>) {
    if (!this.draft || this.busy) return 'failed';
    this.busy = action;
    this.failure = null;
    this.checkedClean = false;
    this.returned = false;
    try {
      await this.save();
      if (this.saveState === 'failed') return 'failed';
      return await step(this.draft.id);
    } catch (error) {
      this.failure = { action, error: backend.toCommandError(error) };
      return 'failed';
    } finally {
      this.busy = null;
    }
  }

  /** Saves at once what is still waiting to be saved, when the screen goes away. */
  dispose(): void {
    if (this.#timer !== undefined) void this.save();
  }
}
