import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ScanView } from '$lib/backend';
import { importReport, lockedVaultView, scanView, vaultView } from '$lib/backend/fixtures';
import { clearBackend, mockBackend } from '$lib/backend/mock';

import { Vault } from './vault.svelte';

function ids(vault: Vault): string[] {
  return vault.scans.map((scan) => scan.id);
}

async function openVault(handlers: Parameters<typeof mockBackend>[0] = {}, undoMs = 10_000) {
  const calls = mockBackend({
    vault: () => vaultView(),
    vault_refresh: () => vaultView(),
    ...handlers,
  });
  const onError = vi.fn();
  const vault = new Vault({ onError, undoMs });
  await vault.open();
  return { vault, calls, onError };
}

afterEach(() => {
  vi.useRealTimers();
  clearBackend();
});

describe('Vault', () => {
  it('reads the local state first and then asks the portal', async () => {
    const offline = vaultView();
    offline.portal_online = false;
    const { vault, calls } = await openVault({ vault_refresh: () => offline });

    expect(calls.map((call) => call.command)).toEqual(['vault', 'vault_refresh']);
    expect(vault.ready).toBe(true);
    expect(vault.view?.portal_online, 'the portal’s answer replaces the local view').toBe(false);
    expect(vault.failure).toBeNull();
  });

  it('does not ask the portal when the local state cannot be read', async () => {
    const { vault, calls, onError } = await openVault({
      vault: () => {
        throw { code: 'storage', message: 'database is locked' };
      },
    });

    expect(calls.map((call) => call.command)).toEqual(['vault']);
    expect(vault.failure).toEqual({
      action: 'load',
      error: { code: 'storage', message: 'database is locked' },
    });
    expect(onError, 'the shell hears of every failure').toHaveBeenCalledOnce();
  });

  it('adds imported scans newest first and keeps the report, but not an empty one', async () => {
    const { vault } = await openVault();

    vault.applyImport(importReport());
    expect(ids(vault)).toEqual(['scan-5', 'scan-1', 'scan-2', 'scan-3', 'scan-4']);
    expect(vault.report?.items).toHaveLength(3);

    vault.applyImport({ items: [], error: null });
    expect(vault.report?.items, 'a closed picker keeps the last report').toHaveLength(3);
    expect(ids(vault), 'a duplicate adds nothing').toHaveLength(5);
  });

  it('reports a drop that could not be imported at all as a failure', async () => {
    const { vault, onError } = await openVault();
    vault.drag({ type: 'drop', files: 1 });
    expect(vault.importing).toBe(true);

    vault.applyImport({ items: [], error: { code: 'vault_locked', message: 'locked' } });
    expect(vault.importing, 'the screen stops waiting').toBe(false);
    expect(vault.failure?.error.code).toBe('vault_locked');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'vault_locked' }));
  });

  it('shows the drop target only for files, and waits for the core’s report after a drop', async () => {
    const { vault } = await openVault();

    vault.drag({ type: 'enter', files: 0 });
    expect(vault.dragging).toBe(false);

    vault.drag({ type: 'enter', files: 2 });
    vault.drag({ type: 'over' });
    expect(vault.dragging).toBe(true);

    vault.drag({ type: 'drop', files: 2 });
    expect(vault.dragging).toBe(false);
    expect(vault.importing).toBe(true);

    vault.applyImport(importReport());
    expect(vault.importing).toBe(false);
  });

  it('takes no drop while the vault is locked', async () => {
    const { vault } = await openVault({
      vault: () => lockedVaultView(),
      vault_refresh: () => lockedVaultView(),
    });

    vault.drag({ type: 'enter', files: 1 });
    vault.drag({ type: 'drop', files: 1 });

    expect(vault.dragging).toBe(false);
    expect(vault.importing, 'the core will not import into a locked vault').toBe(false);
  });

  it('refuses an empty name without asking the core', async () => {
    const { vault, calls } = await openVault();

    const refusal = await vault.rename('scan-1', '   ');

    expect(refusal?.code).toBe('invalid');
    expect(calls.map((call) => call.command)).not.toContain('vault_rename');
  });

  it('sends a trimmed name and shows the scan the core returns', async () => {
    const { vault, calls } = await openVault({
      vault_rename: ({ id, name }) => ({ ...scanView(id as string), name: name as string }),
    });

    expect(await vault.rename('scan-2', '  Прописка  ')).toBeNull();

    expect(calls.at(-1)).toEqual({
      command: 'vault_rename',
      args: { id: 'scan-2', name: 'Прописка' },
    });
    expect(vault.scans[1]?.name).toBe('Прописка');
    expect(vault.news).toEqual({ kind: 'renamed', name: 'Прописка' });
  });

  it('hides a deleted scan at once and restores it on undo, after the delete is done', async () => {
    let finishDelete!: () => void;
    const { vault, calls } = await openVault({
      vault_delete: () => new Promise<null>((resolve) => (finishDelete = () => resolve(null))),
      vault_restore: ({ id }) => scanView(id as string),
    });

    const removal = vault.remove('scan-2');
    expect(ids(vault)).toEqual(['scan-1', 'scan-3', 'scan-4']);
    expect(vault.deleted?.id).toBe('scan-2');

    // A view pushed while the delete is on its way must not bring the card back.
    vault.applyView(vaultView());
    expect(ids(vault)).toEqual(['scan-1', 'scan-3', 'scan-4']);

    const undo = vault.undo();
    expect(vault.deleted, 'the offer closes as soon as it is taken').toBeNull();
    await Promise.resolve();
    expect(
      calls.map((call) => call.command),
      'restoring waits for the deletion to be confirmed',
    ).not.toContain('vault_restore');

    finishDelete();
    await removal;
    expect((await undo)?.id).toBe('scan-2');
    expect(ids(vault)).toEqual(['scan-1', 'scan-2', 'scan-3', 'scan-4']);
  });

  it('closes the undo offer after its time, unless the person holds it', async () => {
    vi.useFakeTimers();
    const { vault } = await openVault({ vault_delete: () => null }, 10_000);

    await vault.remove('scan-2');
    vault.holdUndo();
    vi.advanceTimersByTime(60_000);
    expect(vault.deleted?.id, 'held, it stays').toBe('scan-2');

    vault.releaseUndo();
    vi.advanceTimersByTime(9_999);
    expect(vault.deleted?.id).toBe('scan-2');
    vi.advanceTimersByTime(1);
    expect(vault.deleted, 'after ten seconds the deletion stays').toBeNull();
  });

  it('puts a scan back when the core refuses to delete it', async () => {
    const { vault } = await openVault({
      vault_delete: () => {
        throw { code: 'storage', message: 'disk full' };
      },
    });

    await vault.remove('scan-2');

    expect(ids(vault)).toEqual(['scan-1', 'scan-2', 'scan-3', 'scan-4']);
    expect(vault.deleted).toBeNull();
    expect(vault.failure?.action).toBe('delete');
  });

  it('follows the progress of its own uploads only, and ends with the uploaded scan', async () => {
    let finish!: (scan: ScanView) => void;
    const { vault } = await openVault({
      vault_upload: () => new Promise<ScanView>((resolve) => (finish = resolve)),
    });

    const upload = vault.upload('scan-1');
    expect(vault.uploads['scan-1']).toEqual({ sent: 0, total: 4_089_446 });

    vault.applyProgress({ scan_id: 'scan-1', sent: 2_000_000, total: 4_089_446 });
    vault.applyProgress({ scan_id: 'scan-2', sent: 1, total: 2 });
    expect(vault.uploads['scan-1']?.sent).toBe(2_000_000);
    expect(vault.uploads['scan-2'], 'no upload of scan-2 is under way').toBeUndefined();

    finish({
      ...scanView('scan-1'),
      uploaded: { document_id: 'd', uploaded_at: '2026-03-06T00:00:00Z' },
    });
    await upload;
    expect(vault.uploads).toEqual({});
    expect(vault.scans[0]?.uploaded?.document_id).toBe('d');
    expect(vault.news).toEqual({ kind: 'uploaded', name: 'Паспорт, разворот 2–3' });
  });

  it('reads the vault again when a command finds its key gone', async () => {
    let view = vaultView();
    const { vault } = await openVault({
      vault: () => view,
      vault_set_kind: () => {
        view = lockedVaultView(2, 0);
        throw { code: 'vault_locked', message: 'key id mismatch' };
      },
    });

    expect(await vault.setKind('scan-1', 'other')).toBe(false);

    await vi.waitFor(() => expect(vault.view?.state.state).toBe('key_changed'));
    expect(vault.failure?.error.code, 'the failure stays to say why').toBe('vault_locked');
  });

  it('keeps a failure until the same command works again', async () => {
    let fail = true;
    const { vault } = await openVault({
      vault_upload: ({ id }) => {
        if (fail) throw { code: 'offline', message: 'timeout' };
        return scanView(id as string);
      },
      vault_rename: ({ id }) => scanView(id as string),
    });

    await vault.upload('scan-1');
    await vault.rename('scan-2', 'Новое');
    expect(vault.failure?.action, 'an unrelated success does not hide it').toBe('upload');

    fail = false;
    await vault.upload('scan-1');
    expect(vault.failure).toBeNull();
  });

  it('starts over after a reset', async () => {
    const fresh = vaultView();
    fresh.scans = [];
    const { vault } = await openVault({
      vault: () => lockedVaultView(),
      vault_refresh: () => lockedVaultView(),
      vault_reset: () => fresh,
    });
    vault.applyImport(importReport());

    expect(await vault.reset()).toBe(true);

    expect(vault.ready).toBe(true);
    expect(vault.report).toBeNull();
    expect(vault.news).toEqual({ kind: 'reset' });
  });

  it('names the exported file, and says nothing when the dialog was closed', async () => {
    let saved = false;
    const { vault } = await openVault({
      vault_export: () => ({ saved, file_name: saved ? 'pasport.jpg' : null }),
    });

    await vault.exportScan('scan-1');
    expect(vault.news).toBeNull();

    saved = true;
    await vault.exportScan('scan-1');
    expect(vault.news).toEqual({ kind: 'exported', fileName: 'pasport.jpg' });
  });
});
