//! Normalising images: every JPEG and PNG is decoded and encoded again, which turns it the
//! right way up (EXIF orientation) and leaves every piece of metadata (EXIF, GPS, comments,
//! colour profiles) behind, and then made to fit the portal's limit if it does not: harder
//! compression first, smaller size only if needed, never below [`MIN_LONG_SIDE`].
//!
//! Decoding is bounded before it starts: the header's dimensions are checked against
//! [`MAX_SIDE`] and [`MAX_PIXELS`], and the decoder gets an allocation limit, so an image
//! that claims 100,000 × 100,000 pixels is refused without allocating anything.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError, ImageFormat,
    ImageReader, Limits,
};
use kabinet_api::MediaType;

use crate::check::{Refusal, RefusalCode};

/// The widest or tallest image decoded, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// The most pixels decoded: a 50-megapixel camera's photo.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The most memory a decoder may allocate.
pub const MAX_DECODER_ALLOC: u64 = 256 * 1024 * 1024;
/// The long side below which an image is never shrunk: an A4 page at 200 dpi, where
/// ordinary print (10 pt and up) stays legible.
pub const MIN_LONG_SIDE: u32 = 2_400;
/// The long side of thumbnails.
pub const THUMBNAIL_SIDE: u32 = 320;

/// JPEG qualities tried in turn until the image fits.
const QUALITIES: [u8; 5] = [90, 82, 75, 68, 60];

/// An image as the vault keeps it.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Its type (a PNG that does not fit becomes a JPEG).
    pub media: MediaType,
    /// Its width and height.
    pub pixels: [u32; 2],
    /// The width and height as imported.
    pub original_pixels: [u32; 2],
    /// Whether it was turned upright.
    pub rotated: bool,
    /// Whether it was compressed harder than the first try to fit.
    pub recompressed: bool,
    /// Whether it was made smaller to fit.
    pub downscaled: bool,
    /// The image as encoded, for a thumbnail without decoding it again.
    pub picture: DynamicImage,
}

fn broken(err: &ImageError) -> Refusal {
    match err {
        ImageError::Limits(_) => Refusal::new(
            RefusalCode::ImageTooLarge,
            format!("the image needs more memory to decode than allowed: {err}"),
        ),
        _ => Refusal::new(RefusalCode::ImageBroken, format!("the image cannot be decoded: {err}")),
    }
}

fn format_of(media: MediaType) -> ImageFormat {
    match media {
        MediaType::Png => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    }
}

/// An image as decoded: upright, with what it was before.
#[derive(Debug)]
pub struct Decoded {
    /// The image, upright.
    pub picture: DynamicImage,
    /// Whether it had to be turned.
    pub rotated: bool,
    /// Its width and height as stored, before turning.
    pub stored_pixels: [u32; 2],
}

/// Decodes an image within the limits, upright.
///
/// # Errors
/// [`RefusalCode::ImageTooLarge`] for too many pixels, [`RefusalCode::ImageBroken`] for
/// anything that does not decode.
pub fn decode(bytes: &[u8], media: MediaType) -> Result<Decoded, Refusal> {
    let reader = ImageReader::with_format(Cursor::new(bytes), format_of(media));
    let (width, height) = reader.into_dimensions().map_err(|err| broken(&err))?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refusal {
            pixels: Some([width, height]),
            ..Refusal::new(
                RefusalCode::ImageTooLarge,
                format!("the image is {width} x {height} pixels; at most {MAX_PIXELS} are read"),
            )
        });
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(media));
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|err| broken(&err))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|err| broken(&err))?;
    let rotated = orientation != image::metadata::Orientation::NoTransforms;
    picture.apply_orientation(orientation);
    Ok(Decoded { picture, rotated, stored_pixels: [width, height] })
}

/// Encodes as JPEG at `quality`, flattening transparency onto white and keeping greyscale
/// as greyscale.
pub fn encode_jpeg(picture: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, quality);
    let result = if picture.color().has_color() {
        let rgb = flatten(picture).into_rgb8();
        encoder.write_image(rgb.as_raw(), rgb.width(), rgb.height(), ExtendedColorType::Rgb8)
    } else {
        let grey = flatten(picture).into_luma8();
        encoder.write_image(grey.as_raw(), grey.width(), grey.height(), ExtendedColorType::L8)
    };
    result.expect("encoding an in-memory image to memory cannot fail");
    out
}

fn flatten(picture: &DynamicImage) -> DynamicImage {
    if !picture.color().has_alpha() {
        return picture.clone();
    }
    let mut rgba = picture.to_rgba8();
    for pixel in rgba.pixels_mut() {
        let alpha = u16::from(pixel[3]);
        for channel in 0..3 {
            let value = u16::from(pixel[channel]);
            pixel[channel] = ((value * alpha + 255 * (255 - alpha)) / 255) as u8;
        }
        pixel[3] = 255;
    }
    DynamicImage::ImageRgba8(rgba)
}

fn encode_png(picture: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    picture
        .write_with_encoder(PngEncoder::new(&mut out))
        .expect("encoding an in-memory image to memory cannot fail");
    out
}

/// Normalises an image and fits it under `limit` bytes.
///
/// # Errors
/// The refusals of [`decode`], and [`RefusalCode::CannotFit`] when even the smallest legible
/// size at the lowest quality is over the limit.
pub fn normalise(bytes: &[u8], media: MediaType, limit: u64) -> Result<Normalised, Refusal> {
    let Decoded { picture, rotated, stored_pixels: original_pixels } = decode(bytes, media)?;
    let done = |bytes: Vec<u8>, media, picture: &DynamicImage, recompressed, downscaled| {
        Ok(Normalised {
            bytes,
            media,
            pixels: [picture.width(), picture.height()],
            original_pixels,
            rotated,
            recompressed,
            downscaled,
            picture: picture.clone(),
        })
    };

    // A PNG (a screenshot, a scanner's output) stays lossless when it fits.
    if media == MediaType::Png {
        let png = encode_png(&picture);
        if png.len() as u64 <= limit {
            return done(png, MediaType::Png, &picture, false, false);
        }
    }

    // Each encode of a photo costs a good fraction of a second, so the quality and the size
    // are estimated from the last result rather than stepped through one by one.
    let first = encode_jpeg(&picture, QUALITIES[0]);
    if first.len() as u64 <= limit {
        return done(first, MediaType::Jpeg, &picture, media == MediaType::Png, false);
    }
    let ratio = limit as f64 / first.len() as f64;
    let mut qualities: Vec<u8> = QUALITIES[1..]
        .iter()
        .copied()
        .filter(|quality| match *quality {
            82 => ratio > 0.75,
            75 => ratio > 0.55,
            68 => ratio > 0.45,
            _ => true,
        })
        .collect();
    qualities.dedup();
    let mut last = first.len() as u64;
    for quality in qualities {
        let jpeg = encode_jpeg(&picture, quality);
        if jpeg.len() as u64 <= limit {
            return done(jpeg, MediaType::Jpeg, &picture, true, false);
        }
        last = jpeg.len() as u64;
    }

    let lowest = QUALITIES[QUALITIES.len() - 1];
    let mut current = picture;
    loop {
        let long_side = current.width().max(current.height());
        if long_side <= MIN_LONG_SIDE {
            return Err(Refusal::new(
                RefusalCode::CannotFit,
                format!("the image does not fit {limit} bytes even at {long_side} pixels"),
            ));
        }
        // The size of a JPEG grows with its area, so the side shrinks with the square root.
        let factor = ((limit as f64 / last as f64).sqrt() * 0.92).min(0.9);
        let next = ((f64::from(long_side) * factor) as u32).max(MIN_LONG_SIDE);
        let scale = f64::from(next) / f64::from(long_side);
        let width = ((f64::from(current.width()) * scale).round() as u32).max(1);
        let height = ((f64::from(current.height()) * scale).round() as u32).max(1);
        current = current.resize_exact(width, height, FilterType::Triangle);
        let jpeg = encode_jpeg(&current, lowest);
        if jpeg.len() as u64 <= limit {
            return done(jpeg, MediaType::Jpeg, &current, true, true);
        }
        last = jpeg.len() as u64;
    }
}

/// A small JPEG of the image for lists.
pub fn thumbnail(picture: &DynamicImage) -> Vec<u8> {
    let small = picture.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    encode_jpeg(&small, 75)
}

#[cfg(test)]
mod tests {
    use image::{Rgb, RgbImage};

    use super::*;

    /// A photographed page: lines of "words" on paper, with a little sensor noise.
    fn page(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            let in_line = (y % 48) >= 14 && (y % 48) < 34;
            let in_word = (x / 14) % 4 != 3 && (x / 90 + y / 48) % 6 != 0;
            let noise = ((x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)) % 9) as u8;
            if in_line && in_word {
                Rgb([30 + noise, 30 + noise, 40 + noise])
            } else {
                Rgb([235 + noise, 232 + noise, 225 + noise])
            }
        }))
    }

    #[test]
    fn a_small_png_stays_a_lossless_png() {
        let png = encode_png(&page(300, 200));
        let normalised = normalise(&png, MediaType::Png, 5 * 1024 * 1024).unwrap();
        assert_eq!(normalised.media, MediaType::Png);
        assert_eq!(normalised.pixels, [300, 200]);
        assert!(!normalised.recompressed && !normalised.downscaled && !normalised.rotated);
    }

    #[test]
    fn transparency_is_flattened_onto_white() {
        let clear =
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(4, 4, [0, 0, 0, 0].into()));
        let jpeg = encode_jpeg(&clear, 90);
        let decoded = decode(&jpeg, MediaType::Jpeg).unwrap().picture;
        let pixel = decoded.to_rgb8().get_pixel(1, 1).0;
        assert!(pixel.iter().all(|c| *c > 240), "a transparent pixel becomes white: {pixel:?}");
    }

    #[test]
    fn a_tight_limit_is_met_by_compression_then_by_size_but_not_below_the_minimum() {
        let big = page(3600, 2700);
        let jpeg = encode_jpeg(&big, 98);
        let limit = (jpeg.len() / 4) as u64;
        let normalised = normalise(&jpeg, MediaType::Jpeg, limit).unwrap();
        assert!(normalised.bytes.len() as u64 <= limit, "fits the limit");
        assert!(normalised.recompressed || normalised.downscaled);
        let long_side = normalised.pixels[0].max(normalised.pixels[1]);
        assert!(long_side >= MIN_LONG_SIDE, "never below the legible size: {long_side}");

        let refused = normalise(&jpeg, MediaType::Jpeg, 1000).unwrap_err();
        assert_eq!(refused.code, RefusalCode::CannotFit, "1000 bytes is not enough for a page");
    }

    /// CRC-32 as PNG chunks use it, so a forged header still passes the decoder's check.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn a_claimed_size_over_the_limits_is_refused_before_decoding() {
        let png = encode_png(&page(8, 8));
        let mut forged = png.clone();
        // IHDR's width and height sit right after the chunk's length and type.
        forged[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        forged[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&forged[12..29]);
        forged[29..33].copy_from_slice(&crc.to_be_bytes());
        let refused = decode(&forged, MediaType::Png).unwrap_err();
        assert_eq!(refused.code, RefusalCode::ImageTooLarge);
        assert_eq!(refused.pixels, Some([100_000, 100_000]));
    }

    #[test]
    fn garbage_after_a_signature_is_a_broken_image() {
        let refused = decode(b"\xFF\xD8\xFF\xE0 not really a jpeg", MediaType::Jpeg).unwrap_err();
        assert_eq!(refused.code, RefusalCode::ImageBroken);
    }

    #[test]
    fn thumbnails_are_small() {
        let small = thumbnail(&page(3000, 2000));
        let decoded = decode(&small, MediaType::Jpeg).unwrap().picture;
        assert_eq!(decoded.width().max(decoded.height()), THUMBNAIL_SIDE);
    }
}
