//! An import killed at any moment leaves the vault consistent: every scan it lists opens,
//! nothing half-written is visible, and orphans are collected on the next open.

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Scratch, files_below, jpeg, key_hex, page, vault};

#[test]
fn imports_killed_mid_write_leave_the_vault_consistent() {
    let files = Scratch::new("crash-files");
    let dir = Scratch::new("crash-vault");
    let paths: Vec<_> = (0..24)
        .map(|seed| files.write(&format!("page-{seed}.jpg"), &jpeg(&page(1400, 1000, seed), 90)))
        .collect();

    // A simple deterministic sequence of delays, so that kills land at different points.
    let mut state = 0x2545_F491_u32;
    let mut next_delay = || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        Duration::from_millis(u64::from(state % 400))
    };

    let mut killed = 0;
    for _ in 0..12 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kabinet-vault-check"))
            .arg("import")
            .arg(&dir.0)
            .args(&paths)
            .env("KABINET_VAULT_KEY", key_hex(1))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(next_delay());
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();

        let vault = vault(&dir.0, 1);
        let failures = vault.verify().unwrap();
        assert!(failures.is_empty(), "every listed scan opens after a kill: {failures:?}");
        let tmp = std::fs::read_dir(dir.join("tmp")).unwrap().count();
        assert_eq!(tmp, 0, "unfinished writes are cleared on open");
        let blobs = files_below(&dir.join("blobs")).len();
        assert_eq!(blobs, 2 * vault.scans().unwrap().len(), "no orphan blob survives an open");
    }
    assert!(killed >= 6, "most runs were killed mid-way ({killed} of 12)");

    // A last run to the end: every file is in the vault exactly once.
    let status = Command::new(env!("CARGO_BIN_EXE_kabinet-vault-check"))
        .arg("import")
        .arg(&dir.0)
        .args(&paths)
        .env("KABINET_VAULT_KEY", key_hex(1))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let vault = vault(&dir.0, 1);
    let scans = vault.scans().unwrap();
    assert_eq!(scans.len(), paths.len(), "nothing lost, nothing twice");
    let names: HashSet<_> = scans.iter().map(|scan| scan.name.clone()).collect();
    assert_eq!(names.len(), paths.len());
}
