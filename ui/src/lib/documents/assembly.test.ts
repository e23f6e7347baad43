import { describe, expect, it } from 'vitest';

import { scanView, scanViews } from '$lib/backend/fixtures';

import { Assembly } from './assembly.svelte';

describe('Assembly', () => {
  it('chooses images in the order they are ticked, and never a PDF', () => {
    const assembly = new Assembly();

    assembly.toggle(scanView('scan-2'));
    assembly.toggle(scanView('scan-1'));
    assembly.toggle(scanView('scan-4'));

    expect(assembly.ids).toEqual(['scan-2', 'scan-1']);
    expect(assembly.pages(scanViews()).map((scan) => scan.id)).toEqual(['scan-2', 'scan-1']);
  });

  it('moves a page one place at a time and stops at the ends', () => {
    const assembly = new Assembly();
    for (const id of ['scan-1', 'scan-2', 'scan-3']) assembly.toggle(scanView(id));

    expect(assembly.moveDown('scan-1')).toBe(1);
    expect(assembly.ids).toEqual(['scan-2', 'scan-1', 'scan-3']);
    expect(assembly.moveUp('scan-3')).toBe(1);
    expect(assembly.ids).toEqual(['scan-2', 'scan-3', 'scan-1']);

    expect(assembly.moveUp('scan-2'), 'the first page cannot go higher').toBe(0);
    expect(assembly.moveDown('scan-1'), 'the last page cannot go lower').toBe(2);
    expect(assembly.ids).toEqual(['scan-2', 'scan-3', 'scan-1']);
  });

  it('takes the kind of the first page until the person chooses one', () => {
    const assembly = new Assembly();

    assembly.toggle(scanView('scan-3'));
    expect(assembly.kind).toBe('snils');

    assembly.toggle(scanView('scan-3'));
    assembly.chooseKind('other');
    assembly.toggle(scanView('scan-1'));
    expect(assembly.kind, 'the person’s choice stands').toBe('other');
  });

  it('forgets pages that left the vault', () => {
    const assembly = new Assembly();
    assembly.toggle(scanView('scan-1'));
    assembly.toggle(scanView('scan-2'));
    const before = assembly.ids;

    assembly.keep(scanViews());
    expect(assembly.ids, 'nothing changed, so nothing is written').toBe(before);

    assembly.keep(scanViews().filter((scan) => scan.id !== 'scan-1'));
    expect(assembly.ids).toEqual(['scan-2']);
  });
});
