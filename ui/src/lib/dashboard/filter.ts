/** Choosing which applications the dashboard lists. */
import type { ApplicationView, StatusCode } from '$lib/backend';

/** The statuses in the order of an application's life; the filter offers them so. */
export const STATUSES: readonly StatusCode[] = [
  'accepted',
  'in_progress',
  'needs_info',
  'approved',
  'rejected',
];

/** A status to keep, or all of them. */
export type StatusFilter = StatusCode | 'all';

/**
 * The applications with the given status whose title or number contains the query, ignoring
 * case and surrounding spaces. Order is kept.
 */
export function filterApplications(
  applications: readonly ApplicationView[],
  status: StatusFilter,
  query: string,
): ApplicationView[] {
  const needle = query.trim().toLocaleLowerCase();
  return applications.filter((application) => {
    if (status !== 'all' && application.status !== status) return false;
    if (!needle) return true;
    return (
      application.title.toLocaleLowerCase().includes(needle) ||
      application.number.toLocaleLowerCase().includes(needle)
    );
  });
}
