import { describe, expect, it } from 'vitest';

import { applicationViews } from '$lib/backend/fixtures';

import { filterApplications, STATUSES } from './filter';

const ids = (list: Array<{ id: string }>) => list.map((application) => application.id);

describe('filterApplications', () => {
  const applications = applicationViews();

  it('keeps everything for "all" and an empty query', () => {
    expect(ids(filterApplications(applications, 'all', ''))).toEqual(['app-1', 'app-2', 'app-3']);
  });

  it('keeps only the chosen status', () => {
    expect(ids(filterApplications(applications, 'approved', ''))).toEqual(['app-2']);
    expect(filterApplications(applications, 'rejected', '')).toEqual([]);
  });

  it('matches the title ignoring case and surrounding spaces', () => {
    expect(ids(filterApplications(applications, 'all', '  ЗАМЕНА '))).toEqual(['app-1', 'app-3']);
  });

  it('matches the number', () => {
    expect(ids(filterApplications(applications, 'all', '2222'))).toEqual(['app-2']);
  });

  it('requires both the status and the query to match', () => {
    // "Замена" matches app-1 (in progress) and app-3 (needs info); the status keeps one.
    expect(ids(filterApplications(applications, 'needs_info', 'замена'))).toEqual(['app-3']);
    expect(filterApplications(applications, 'approved', 'замена')).toEqual([]);
  });

  it('does not match other fields such as the department', () => {
    expect(filterApplications(applications, 'all', 'ФНС')).toEqual([]);
  });

  it('keeps the order and leaves its input alone', () => {
    const input = applicationViews().reverse();
    const before = ids(input);

    expect(ids(filterApplications(input, 'all', 'а'))).toEqual(before);
    expect(ids(input), 'filtering must not reorder or drop the caller’s list').toEqual(before);
  });
});

describe('STATUSES', () => {
  it('offers every status once', () => {
    expect(new Set(STATUSES).size).toBe(5);
  });
});
