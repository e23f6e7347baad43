/** Where an application's page lives, for links and for navigation on a notification. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

/**
 * The address of the page of the application with this id. The id travels in the query string
 * because the static build has a single fallback page and Tauri needs no rewrite rules for it.
 */
export function applicationPath(id: string): ResolvedPathname {
  return resolve(`/application?${new URLSearchParams({ id })}`);
}
