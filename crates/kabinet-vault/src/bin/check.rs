//! A diagnostic tool for the document vault, and the vault tests' separate process.
//!
//! `kabinet-vault-check FILE...` checks files the way an import does and prints one JSON line
//! per file: what the import would do, how long the check took, and the process's peak memory
//! so far. It reads the files and writes nothing. Hostile files (decompression bombs, huge
//! images) are measured this way in a process of their own.
//!
//! `kabinet-vault-check import DIR FILE...` imports the files into the vault in `DIR`, sealed
//! with the key in `$KABINET_VAULT_KEY` (32 bytes, hex), and prints one line per file. The
//! tests kill it in the middle of imports to show that the vault survives that.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use kabinet_api::MAX_DOCUMENT_SIZE;
use kabinet_seal::DataKey;
use kabinet_vault::prepare::prepare;
use kabinet_vault::{Import, Vault};

/// The peak resident memory of this process in KiB, where the platform reports it.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn key_from_env() -> Option<DataKey> {
    let hex = std::env::var("KABINET_VAULT_KEY").ok()?;
    if hex.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(DataKey::from_bytes(bytes))
}

fn import(dir: &str, files: &[String]) -> ExitCode {
    let Some(key) = key_from_env() else {
        eprintln!("kabinet-vault-check: set KABINET_VAULT_KEY to 64 hex digits");
        return ExitCode::from(2);
    };
    let vault = match Vault::open(Path::new(dir), Arc::new(key)) {
        Ok(vault) => vault,
        Err(err) => {
            eprintln!("kabinet-vault-check: cannot open the vault: {err}");
            return ExitCode::FAILURE;
        }
    };
    for (index, file) in files.iter().enumerate() {
        match vault.import_file(Path::new(file), index as i64) {
            Ok(Import::Added(scan)) => println!("added {} {}", scan.id, scan.size),
            Ok(Import::Duplicate(scan)) => println!("duplicate {}", scan.id),
            Ok(Import::Refused(refusal)) => println!("refused {}", refusal.detail),
            Err(err) => {
                eprintln!("kabinet-vault-check: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if let [command, dir, rest @ ..] = files.as_slice()
        && command == "import"
    {
        return import(dir, rest);
    }
    if files.is_empty() {
        eprintln!(
            "usage: kabinet-vault-check FILE...\n       kabinet-vault-check import DIR FILE..."
        );
        return ExitCode::from(2);
    }
    for file in files {
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("kabinet-vault-check: cannot read {file}: {err}");
                return ExitCode::FAILURE;
            }
        };
        let started = Instant::now();
        let outcome = prepare(&bytes, MAX_DOCUMENT_SIZE);
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let line = match outcome {
            Ok(prepared) => serde_json::json!({
                "file": file,
                "outcome": "accepted",
                "media": prepared.media.as_str(),
                "size": prepared.bytes.len(),
                "pages": prepared.pages,
                "elapsed_ms": elapsed_ms,
                "peak_memory_kib": peak_memory_kib(),
            }),
            Err(refusal) => serde_json::json!({
                "file": file,
                "outcome": "refused",
                "code": format!("{:?}", refusal.code),
                "detail": refusal.detail,
                "elapsed_ms": elapsed_ms,
                "peak_memory_kib": peak_memory_kib(),
            }),
        };
        println!("{line}");
    }
    ExitCode::SUCCESS
}
