//! Normalising photos: upright, without metadata, under the portal's limit, still legible.

use kabinet_api::{MAX_DOCUMENT_SIZE, MediaType};
use kabinet_vault::picture::MIN_LONG_SIDE;
use kabinet_vault::{Import, Variant};

use crate::support::{CAMERA, Scratch, contains, detailed_photo, jpeg, vault, with_exif};

#[test]
fn a_phone_photo_is_turned_upright_and_loses_its_exif_and_gps() {
    let dir = Scratch::new("exif");
    let vault = vault(&dir.0, 1);
    // Left half red, right half blue, stored sideways: orientation 6 says "rotate 90° clockwise
    // to show", as phones write when held upright.
    let sideways = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(80, 40, |x, _| {
        if x < 40 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) }
    }));
    let photo = with_exif(&jpeg(&sideways, 95), 6);
    assert!(contains(&photo, b"Exif\0\0") && contains(&photo, CAMERA.as_bytes()));

    let Import::Added(scan) = vault.import("IMG_2041.JPG", &photo, 1).unwrap() else {
        panic!("a photo with EXIF is accepted");
    };
    let normalised = scan.normalised.expect("images are normalised");
    assert!(normalised.rotated, "the orientation was applied");
    assert_eq!(normalised.original_pixels, [80, 40]);
    assert_eq!(scan.pixels, Some([40, 80]), "now upright: taller than wide");

    let (_, stored) = vault.bytes(&scan.id, Variant::Content).unwrap();
    assert!(!contains(&stored, b"Exif"), "no EXIF block is left");
    assert!(!contains(&stored, CAMERA.as_bytes()), "nor the camera's name");
    let upright = image::load_from_memory(&stored).unwrap().to_rgb8();
    let top = upright.get_pixel(20, 10).0;
    let bottom = upright.get_pixel(20, 70).0;
    assert!(top[0] > 150 && top[2] < 100, "the left (red) half is now on top: {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "the right (blue) half below: {bottom:?}");
}

#[test]
fn a_photo_over_5_mb_is_brought_under_it_and_stays_legible() {
    let dir = Scratch::new("limit");
    let vault = vault(&dir.0, 1);
    let photo = jpeg(&detailed_photo(4032, 3024), 97);
    assert!(photo.len() as u64 > MAX_DOCUMENT_SIZE, "the input is over: {} bytes", photo.len());

    let Import::Added(scan) = vault.import("photo.jpg", &photo, 1).unwrap() else {
        panic!("a large photo is normalised, not refused");
    };
    assert_eq!(scan.media, MediaType::Jpeg);
    assert!(scan.size <= MAX_DOCUMENT_SIZE, "under the portal's limit: {}", scan.size);
    let normalised = scan.normalised.unwrap();
    assert!(normalised.recompressed || normalised.downscaled);
    assert_eq!(normalised.original_size, photo.len() as u64);
    let [width, height] = scan.pixels.unwrap();
    assert!(width.max(height) >= MIN_LONG_SIDE, "never below the legible size: {width}x{height}");
}
