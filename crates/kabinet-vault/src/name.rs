//! Names of scans. A file's name is only a label here: it never becomes a path inside the
//! vault, and when a scan is exported its name is made safe for every platform's file system.

/// The longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = kabinet_api::documents::MAX_NAME_CHARS;

/// What a scan is called when its file had no usable name.
pub const FALLBACK_NAME: &str = "Документ";

/// Characters that reorder or hide text: a name such as `passport\u{202E}gpj.exe` would read
/// as something else than it is.
fn is_invisible_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || c == '\u{FEFF}'
}

/// The label of a scan imported from a file called `file_name` (which may be a whole path,
/// from any platform): its last component without the extension, cleaned of control and
/// direction characters, trimmed, and at most [`MAX_NAME_CHARS`] long.
pub fn label_from_file_name(file_name: &str) -> String {
    let last = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match last.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.chars().count() <= 5 => stem,
        _ => last,
    };
    clean_label(stem)
}

/// A name the person typed, cleaned the same way; `None` when nothing is left of it.
pub fn clean_typed(name: &str) -> Option<String> {
    let cleaned = clean_label(name);
    (cleaned != FALLBACK_NAME || name.trim() == FALLBACK_NAME).then_some(cleaned)
}

fn clean_label(text: &str) -> String {
    let visible: String = text.chars().filter(|c| !is_invisible_control(*c)).collect();
    let collapsed = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed: String = collapsed.chars().take(MAX_NAME_CHARS).collect();
    let trimmed = trimmed.trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        FALLBACK_NAME.to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Windows refuses these names, with any extension, in any folder.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name for exporting a scan called `label` with the given extension: no separators,
/// no characters Windows forbids, no reserved device name, no trailing dot or space, and
/// short enough for every file system (at most 120 characters before the extension).
pub fn export_file_name(label: &str, extension: &str) -> String {
    let safe: String = clean_label(label)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .take(120)
        .collect();
    let mut safe = safe.trim_end_matches(['.', ' ']).trim_start_matches(['.', ' ']).to_owned();
    if safe.is_empty() {
        safe = FALLBACK_NAME.to_owned();
    }
    let stem = safe.split('.').next().unwrap_or_default().trim_end();
    if RESERVED.iter().any(|reserved| stem.eq_ignore_ascii_case(reserved)) {
        safe.insert(0, '_');
    }
    format!("{safe}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_of_any_platform_gives_only_its_last_part() {
        assert_eq!(label_from_file_name("../../etc/passwd"), "passwd");
        assert_eq!(label_from_file_name("/home/ivan/Паспорт.jpg"), "Паспорт");
        assert_eq!(label_from_file_name(r"C:\Users\ivan\Скан СНИЛС.PDF"), "Скан СНИЛС");
        assert_eq!(label_from_file_name(r"\\server\share\inn.png"), "inn");
        assert_eq!(label_from_file_name("archive.tar.gz"), "archive.tar");
        assert_eq!(label_from_file_name(".."), FALLBACK_NAME);
        assert_eq!(label_from_file_name(""), FALLBACK_NAME);
        assert_eq!(label_from_file_name("/"), FALLBACK_NAME);
    }

    #[test]
    fn direction_and_control_characters_are_removed() {
        assert_eq!(label_from_file_name("scan\u{202E}gpj.exe"), "scangpj");
        assert_eq!(label_from_file_name("a\u{0}b\nc\u{200F}.png"), "abc");
        assert_eq!(clean_typed("  Паспорт \t разворот  "), Some("Паспорт разворот".to_owned()));
        assert_eq!(clean_typed("\u{202E}\u{200B} "), None, "nothing visible is left");
    }

    #[test]
    fn very_long_names_are_cut_on_a_character_boundary() {
        let long = "Я".repeat(1000);
        let label = label_from_file_name(&format!("{long}.jpg"));
        assert_eq!(label.chars().count(), MAX_NAME_CHARS);
        let file = export_file_name(&long, "jpg");
        assert_eq!(file.chars().count(), 124, "120 characters and the extension");
    }

    #[test]
    fn export_names_are_safe_on_windows_too() {
        assert_eq!(export_file_name("CON", "pdf"), "_CON.pdf");
        assert_eq!(export_file_name("nul.backup", "pdf"), "_nul.backup.pdf");
        assert_eq!(export_file_name("a/b\\c:d*e?f\"g<h>i|j", "png"), "a_b_c_d_e_f_g_h_i_j.png");
        assert_eq!(export_file_name("scan. . .", "jpg"), "scan.jpg");
        assert_eq!(export_file_name("..", "jpg"), "Документ.jpg");
        assert_eq!(export_file_name("Паспорт, разворот", "jpg"), "Паспорт, разворот.jpg");
    }
}
