/** Where a draft's form lives, for links and for navigation once a draft is created. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

/**
 * The address of the form of the draft with this id. As with applications, the id travels in
 * the query string so that the static build's single fallback page serves it.
 */
export function draftPath(id: string): ResolvedPathname {
  return resolve(`/draft?${new URLSearchParams({ id })}`);
}
