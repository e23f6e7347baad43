//! The documents screen in the real app: a phone photo of a passport page is added through
//! the native file chooser (typed into by xdotool, as a person would), shown as a thumbnail
//! and in the viewer through the scan protocol, uploaded to the sandbox, and nothing of it is
//! readable in the app's folders.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::webdriver::Session;
use crate::{Record, SCREEN, artifacts};

/// What the camera of the test photo is called in its EXIF block.
const CAMERA: &str = "KabinetE2ECamera";

/// Page `page` photographed sideways: landscape pixels with EXIF orientation 6 ("turn 90°
/// clockwise"), as phones store portrait photos, and the camera's name in EXIF. Each page has
/// its own lines of "text", so two pages are two different files.
pub fn phone_photo(page: u32) -> Vec<u8> {
    let picture = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(1600, 1200, |x, y| {
        let ink = (y / (24 + page)).is_multiple_of(3) && !(x / 11).is_multiple_of(5);
        if ink { image::Rgb([30, 30, 50]) } else { image::Rgb([236, 232, 222]) }
    }));
    let jpeg = kabinet_vault::picture::encode_jpeg(&picture, 92);

    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut bytes = tag.to_le_bytes().to_vec();
        bytes.extend(kind.to_le_bytes());
        bytes.extend(count.to_le_bytes());
        bytes.extend(value.to_le_bytes());
        bytes
    };
    let make = format!("{CAMERA}\0");
    let mut tiff = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, 6));
    tiff.extend(entry(0x010F, 2, make.len() as u32, 8 + 2 + 24 + 4));
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(make.as_bytes());
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);

    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((segment.len() + 2) as u16).to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

/// Types `path` into the native file chooser titled `title` once it appears.
fn choose_in_file_dialog(display: &str, title: &str, path: &Path) -> Result<(), String> {
    let xdotool = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("timeout")
            .arg("30")
            .arg("xdotool")
            .args(args)
            .env("DISPLAY", display)
            .output()
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "xdotool {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };

    let found = xdotool(&["search", "--sync", "--onlyvisible", "--name", title])?;
    let window = found.lines().last().ok_or("the file chooser did not appear")?.to_owned();
    xdotool(&["windowfocus", "--sync", &window])?;
    // Ctrl+L opens the chooser's location field (a save dialog has its name field focused
    // instead); Ctrl+A replaces what is there, and the path and Enter choose the file.
    xdotool(&["key", "--clearmodifiers", "ctrl+l"])?;
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&["key", "--clearmodifiers", "ctrl+a"])?;
    let path = path.to_str().ok_or("the path is not UTF-8")?;
    xdotool(&["type", "--delay", "15", path])?;
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&["key", "Return"])?;
    Ok(())
}

/// Clicks `button`, which opens the native file dialog titled `title`, and chooses `path`
/// in it as a person would.
pub async fn click_and_choose(
    app: &Session,
    button: &str,
    display: &str,
    title: &str,
    path: &Path,
) -> Result<(), String> {
    let chooser = {
        let (display, title, path) = (display.to_owned(), title.to_owned(), path.to_owned());
        std::thread::spawn(move || choose_in_file_dialog(&display, &title, &path))
    };
    app.click(button).await?;
    tokio::task::spawn_blocking(move || chooser.join())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|_| "the file dialog's thread panicked".to_owned())?
}

/// Waits until `script` returns true in the page.
pub async fn until(app: &Session, script: &str, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + SCREEN;
    loop {
        if app.execute(script, json!([])).await? == json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let text = app.page_text().await.unwrap_or_default();
            return Err(format!("{what} did not happen within {SCREEN:?}; the page says: {text}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() { files_below(&path) } else { vec![path] }
        })
        .collect()
}

/// The folders the app writes to: its data (database, vault) and WebKit's caches.
fn app_folders() -> Vec<PathBuf> {
    ["XDG_DATA_HOME", "XDG_CACHE_HOME"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|dir| PathBuf::from(dir).join("ru.kabinet.desktop"))
        .collect()
}

/// The documents screen, from the dashboard and back to it.
pub async fn documents(app: &Session, record: &mut Record, display: &str) -> Result<(), String> {
    let photo_path = artifacts().join("passport-photo.jpg");
    std::fs::write(&photo_path, phone_photo(0)).map_err(|e| e.to_string())?;

    let link = app.wait_for("[data-testid='nav-documents']", SCREEN).await?;
    app.click(&link).await?;
    app.wait_for("[data-testid='documents-heading']", SCREEN).await?;
    app.wait_for("[data-testid='scans-empty']", SCREEN).await?;
    record.screen(app, "06-documents-empty").await?;

    // The native chooser: the window never sees the path, the app's command opens it.
    let add = app.wait_for("[data-testid='add-scans-button']", SCREEN).await?;
    click_and_choose(app, &add, display, "Добавить сканы", &photo_path).await?;

    let card = app.wait_for("[data-testid='scan-card']", SCREEN).await?;
    let item = app.wait_for("[data-testid='import-item']", SCREEN).await?;
    if app.attribute(&item, "data-outcome").await?.as_deref() != Some("imported") {
        return Err(format!("the photo was not imported: {}", app.text(&item).await?));
    }
    if app.attribute(&card, "data-kind").await?.as_deref() != Some("passport") {
        return Err("the kind was not guessed from the file's name".into());
    }
    until(
        app,
        "const img = document.querySelector(\"[data-testid='scan-thumbnail']\");\
         return !!img && img.complete && img.naturalWidth > 0;",
        "the thumbnail loading through the scan protocol",
    )
    .await?;
    record.screen(app, "07-documents-imported").await?;

    // The viewer shows the whole scan, turned upright.
    let open = app.wait_for("[data-testid='scan-open']", SCREEN).await?;
    app.click(&open).await?;
    app.wait_for("[data-testid='viewer-image']", SCREEN).await?;
    until(
        app,
        "const img = document.querySelector(\"[data-testid='viewer-image']\");\
         return !!img && img.complete && img.naturalHeight > img.naturalWidth;",
        "the upright photo in the viewer",
    )
    .await?;
    // Loaded is not yet painted: software rendering under Xvfb can lag a frame or two.
    app.execute_async(
        "const done = arguments[arguments.length - 1];\
         const img = document.querySelector(\"[data-testid='viewer-image']\");\
         const frame = (then) => requestAnimationFrame(then);\
         img.decode().then(() => frame(() => frame(() => done(true))), () => done(false));",
        json!([]),
    )
    .await?;
    record.screen(app, "08-scan-viewer").await?;
    let close = app.wait_for("[data-testid='viewer-close']", SCREEN).await?;
    app.click(&close).await?;

    // Upload to the portal; the card and the portal's list say so.
    let upload = app.wait_for("[data-testid='scan-upload']", SCREEN).await?;
    app.click(&upload).await?;
    until(
        app,
        "const card = document.querySelector(\"[data-testid='scan-card']\");\
         return !!card && card.dataset.uploaded === 'true';",
        "the upload",
    )
    .await?;
    app.wait_for("[data-testid='portal-document'][data-local='true']", SCREEN).await?;
    record.screen(app, "09-documents-uploaded").await?;

    // Nothing personal is readable in the app's folders: no EXIF, no camera, no JPEG.
    for folder in app_folders() {
        for file in files_below(&folder) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for needle in [CAMERA.as_bytes(), b"Exif\0\0", b"JFIF", b"passport-photo"] {
                if bytes.windows(needle.len()).any(|window| window == needle) {
                    return Err(format!(
                        "{} holds `{}` in clear",
                        file.display(),
                        String::from_utf8_lossy(needle)
                    ));
                }
            }
        }
    }

    let home = app.wait_for("[data-testid='home-link']", SCREEN).await?;
    app.click(&home).await?;
    app.wait_for("[data-testid='dashboard-heading']", SCREEN).await?;
    Ok(())
}
