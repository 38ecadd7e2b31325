//! `--image FILE.png`: a picture read for a vision model, as RGBA bytes (what the core takes, as a
//! canvas gives them). PNG only: grey, grey with alpha, RGB, RGBA and palette pictures, 16-bit
//! samples cut to 8 bits; sides up to the core's limit, checked from the header before the pixels
//! are read.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use attention_playground::limits::format_bytes;
use attention_playground::model::vit::image::{MAX_IMAGE_FILE_BYTES, MAX_IMAGE_SIDE};
use png::{ColorType, Transformations};

use crate::error::{CliError, CliResult};

/// A picture's pixels and what they were.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    /// Row by row, four bytes a pixel.
    pub rgba: Vec<u8>,
    /// "RGB", "RGBA", "grey", "grey with alpha".
    pub kind: &'static str,
    /// Some pixel is not fully opaque.
    pub transparent: bool,
}

impl Picture {
    /// Reads a PNG file, with a message that names the file for anything else.
    pub fn read(path: &Path) -> CliResult<Picture> {
        let shown = path.display();
        let file = File::open(path).map_err(|e| CliError::new(format!("{shown}: {e}")))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        if bytes > MAX_IMAGE_FILE_BYTES {
            return Err(CliError::new(format!(
                "{shown} is {} bytes, more than the {} a picture may have",
                bytes,
                format_bytes(MAX_IMAGE_FILE_BYTES)
            )));
        }
        let mut decoder = png::Decoder::new(BufReader::new(file));
        decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
        let not_png =
            |e: png::DecodingError| CliError::new(format!("{shown} is not a PNG picture this tool can read ({e}): give a PNG file"));
        let mut reader = decoder.read_info().map_err(not_png)?;
        let (width, height) = (reader.info().width, reader.info().height);
        if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
            return Err(CliError::new(format!(
                "{shown} is {width} × {height} pixels: each side may be at most {MAX_IMAGE_SIDE}; shrink the picture first"
            )));
        }
        let size = reader.output_buffer_size().ok_or_else(|| CliError::new(format!("{shown}: the picture is too large to read")))?;
        let mut buffer = vec![0; size];
        let frame = reader.next_frame(&mut buffer).map_err(not_png)?;
        let pixels = &buffer[..frame.buffer_size()];
        let (rgba, kind): (Vec<u8>, _) = match frame.color_type {
            ColorType::Rgba => (pixels.to_vec(), "RGBA"),
            ColorType::Rgb => (pixels.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(), "RGB"),
            ColorType::GrayscaleAlpha => (pixels.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(), "grey with alpha"),
            ColorType::Grayscale => (pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(), "grey"),
            ColorType::Indexed => return Err(CliError::new(format!("{shown}: its palette could not be expanded"))),
        };
        let transparent = rgba.chunks_exact(4).any(|p| p[3] < 255);
        Ok(Picture { width, height, rgba, kind, transparent })
    }

    /// What the model will make of the picture's colours, for stderr: a grey picture is read as
    /// red, green and blue alike; transparency is composited onto white.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.kind.starts_with("grey") {
            notes.push("the picture is grey: each pixel's grey is read as red, green and blue alike".to_owned());
        }
        if self.transparent {
            notes.push("the picture has transparent pixels: they are put on white first, as transformers does".to_owned());
        }
        notes
    }
}
