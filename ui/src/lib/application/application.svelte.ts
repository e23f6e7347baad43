/** One application's page data: the portal's answer, or the cache's when offline. */
import * as backend from '$lib/backend';
import type { ApplicationDetailView, CommandError } from '$lib/backend';

export class ApplicationDetail {
  /** What is shown; null until the first answer. */
  view = $state<ApplicationDetailView | null>(null);

  /** The last failure, shown until the next success. */
  error = $state<CommandError | null>(null);

  /** Whether a request is under way. */
  loading = $state(false);

  readonly #id: string;
  #onError: (error: CommandError) => void;

  constructor(id: string, onError: (error: CommandError) => void = () => {}) {
    this.#id = id;
    this.#onError = onError;
  }

  /** Which application this is. */
  get id(): string {
    return this.#id;
  }

  /** Shows a newer state of the application that a command returned (after a reply, say). */
  replace(view: ApplicationDetailView): void {
    this.view = view;
    this.error = null;
  }

  /** Asks for the application again. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      this.view = await backend.application(this.#id);
      this.error = null;
    } catch (error) {
      this.error = backend.toCommandError(error);
      this.#onError(this.error);
    } finally {
      this.loading = false;
    }
  }
}
