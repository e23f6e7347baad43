/**
 * The dashboard's data: the cache first, then the portal, kept current by the core's events.
 */
import * as backend from '$lib/backend';
import type { CommandError, DashboardView, SyncView } from '$lib/backend';

export class Dashboard {
  /** What is shown; null until the cache has answered. */
  view = $state<DashboardView | null>(null);

  /** Whether a refresh from the portal is under way. */
  refreshing = $state(false);

  /** Whether the last refresh finished (for the "updated" announcement). */
  refreshed = $state(false);

  /** The last failure, shown until the next success. */
  error = $state<CommandError | null>(null);

  /** Called with every failure, e.g. so the shell can notice a lost session. */
  #onError: (error: CommandError) => void;

  constructor(onError: (error: CommandError) => void = () => {}) {
    this.#onError = onError;
  }

  /** Shows the cache at once, then asks the portal. */
  async open(): Promise<void> {
    await this.reload();
    await this.refresh();
  }

  /** Reads the cache again, e.g. after the core reports a change. */
  async reload(): Promise<void> {
    try {
      this.view = await backend.dashboard();
      this.error = null;
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Asks the portal; offline, the core answers from the cache with `sync.online` false. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    this.refreshed = false;

    try {
      this.view = await backend.refresh();
      this.error = null;
      this.refreshed = this.view.sync.online;
    } catch (error) {
      this.#fail(error);
    } finally {
      this.refreshing = false;
    }
  }

  /** Takes the connection state the core pushed. */
  applySync(sync: SyncView): void {
    if (this.view) this.view.sync = sync;
  }

  #fail(error: unknown): void {
    const failure = backend.toCommandError(error);
    this.error = failure;
    this.#onError(failure);
  }
}
