//! A vision transformer's two configuration files: `config.json` (ViT and DeiT name their sizes
//! alike) and `preprocessor_config.json` (how a picture becomes the model's input: resize, centre
//! crop, rescale, normalise). Every size is checked as a 64-bit number before it becomes a `usize`.

use serde_json::{Map, Value};

use crate::model::config::{activation_or, epsilon_or, size_at_most, Activation};
use crate::model::error::{ModelError, ModelResult};
use crate::model::kind::{parse_object, ModelKind};

/// The two layouts of the Hugging Face image encoders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VitFamily {
    /// ViT (`vit`): `[CLS]`, then the patches.
    Vit,
    /// DeiT (`deit`): `[CLS]`, a distillation token, then the patches.
    Deit,
}

impl VitFamily {
    /// The `model_type` of `config.json`.
    pub fn name(self) -> &'static str {
        match self {
            VitFamily::Vit => "vit",
            VitFamily::Deit => "deit",
        }
    }

    /// The prefix tokens before the patches, as the run names them.
    pub fn prefix_tokens(self) -> &'static [&'static str] {
        match self {
            VitFamily::Vit => &["[CLS]"],
            VitFamily::Deit => &["[CLS]", "[DIST]"],
        }
    }
}

/// The sizes of a vision transformer.
#[derive(Debug, Clone, PartialEq)]
pub struct VitConfig {
    pub family: VitFamily,
    /// The side of the square picture the model reads, in pixels.
    pub image_size: usize,
    /// The side of one square patch, in pixels.
    pub patch_size: usize,
    pub num_channels: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    pub num_heads: usize,
    pub intermediate_size: usize,
    pub layer_norm_eps: f32,
    pub activation: Activation,
    /// The query, key and value maps have biases (`qkv_bias`, on by default).
    pub qkv_bias: bool,
    /// The classifier's class names by index (`id2label`); empty without one.
    pub labels: Vec<String>,
}

/// Limits of single sizes, refused before anything is reserved for them.
const MAX_WIDTH: u32 = 1 << 14;
const MAX_COUNT: u32 = 1 << 8;
const MAX_IMAGE: u32 = 1 << 12;
/// Most patches of one picture: 4096 is a 1024-pixel picture in 16-pixel patches.
const MAX_PATCHES: usize = 1 << 12;

impl VitConfig {
    /// Parses `config.json`; refuses anything that is not a ViT or DeiT image encoder.
    pub fn from_json(text: &str) -> ModelResult<Self> {
        let map = &parse_object(text)?;
        let family = match ModelKind::of_config(map)? {
            ModelKind::Vit => VitFamily::Vit,
            ModelKind::Deit => VitFamily::Deit,
            other => return Err(ModelError::Config(format!("model_type '{}' is not a vision transformer (vit, deit)", other.name()))),
        };
        let config = VitConfig {
            family,
            image_size: size_at_most(map, "image_size", MAX_IMAGE)?,
            patch_size: size_at_most(map, "patch_size", MAX_IMAGE)?,
            num_channels: size_at_most(map, "num_channels", 4)?,
            hidden_size: size_at_most(map, "hidden_size", MAX_WIDTH)?,
            num_layers: size_at_most(map, "num_hidden_layers", MAX_COUNT)?,
            num_heads: size_at_most(map, "num_attention_heads", MAX_COUNT)?,
            intermediate_size: size_at_most(map, "intermediate_size", MAX_WIDTH << 2)?,
            layer_norm_eps: epsilon_or(map, "layer_norm_eps", 1e-12)?,
            activation: activation_or(map, "hidden_act", Activation::Gelu)?,
            qkv_bias: map.get("qkv_bias").and_then(Value::as_bool).unwrap_or(true),
            labels: labels(map)?,
        };
        if config.num_channels != 3 {
            return Err(ModelError::Config(format!("num_channels is {}: only RGB models (3 channels) are supported", config.num_channels)));
        }
        if config.hidden_size % config.num_heads != 0 {
            return Err(ModelError::Config(format!(
                "the hidden size {} is not a multiple of the {} attention heads",
                config.hidden_size, config.num_heads
            )));
        }
        let side = config.grid();
        if side == 0 || side * side > MAX_PATCHES {
            return Err(ModelError::Config(format!(
                "image_size {} in patches of {} gives {side} × {side} patches: from 1 to {MAX_PATCHES} are supported",
                config.image_size, config.patch_size
            )));
        }
        Ok(config)
    }

    /// Patches per row and per column (the right and bottom pixels that do not fill a patch are
    /// left out, as the patch embedding's strided convolution leaves them).
    pub fn grid(&self) -> usize {
        self.image_size / self.patch_size
    }

    /// Width of one head's queries, keys and values.
    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_heads
    }

    /// Tokens in the sequence: the prefix tokens, then the patches.
    pub fn tokens(&self) -> usize {
        self.family.prefix_tokens().len() + self.grid() * self.grid()
    }
}

/// `id2label`'s names in index order; every index from 0 must be there once.
fn labels(map: &Map<String, Value>) -> ModelResult<Vec<String>> {
    let Some(Value::Object(table)) = map.get("id2label") else { return Ok(Vec::new()) };
    if table.len() > MAX_WIDTH as usize {
        return Err(ModelError::Config(format!("id2label has {} classes, more than {MAX_WIDTH}", table.len())));
    }
    let mut names = vec![None; table.len()];
    for (key, name) in table {
        let index = key.parse::<usize>().ok().filter(|&i| i < names.len());
        let (Some(i), Some(name)) = (index, name.as_str()) else {
            return Err(ModelError::Config(format!("id2label: {key:?} → {name} is not a class index from 0 and a name")));
        };
        names[i] = Some(name.to_owned());
    }
    names.into_iter().enumerate().map(|(i, n)| n.ok_or_else(|| ModelError::Config(format!("id2label has no class {i}")))).collect()
}

/// How PIL resamples when the picture is resized (`resample`: 2 bilinear, 3 bicubic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resample {
    Bilinear,
    Bicubic,
}

/// What `preprocessor_config.json` asks for, in order: composite any transparency onto white,
/// resize to `resize` (height, width), crop the centre to `crop`, multiply by `rescale`,
/// subtract `mean` and divide by `std` per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Preprocessor {
    pub resize: Option<(usize, usize)>,
    pub resample: Resample,
    pub crop: Option<(usize, usize)>,
    pub rescale: Option<f32>,
    pub normalize: Option<([f32; 3], [f32; 3])>,
}

impl Preprocessor {
    /// Parses `preprocessor_config.json`, with the image processors' defaults for what it leaves
    /// out (resize to 224 × 224 bilinear, rescale by 1/255, normalise with mean and std 0.5).
    pub fn from_json(text: &str) -> ModelResult<Self> {
        let map = parse_object(text).map_err(|e| renamed(&e))?;
        let flag = |key: &str, default: bool| map.get(key).and_then(Value::as_bool).unwrap_or(default);
        let resample = match map.get("resample").and_then(Value::as_u64) {
            None | Some(2) => Resample::Bilinear,
            Some(3) => Resample::Bicubic,
            Some(other) => {
                return Err(ModelError::Preprocessor(format!("resample {other} is not supported: 2 (bilinear) and 3 (bicubic) are")))
            }
        };
        let resize = if flag("do_resize", true) { Some(side_pair(&map, "size", 224)?) } else { None };
        let crop = if flag("do_center_crop", false) { Some(side_pair(&map, "crop_size", 224)?) } else { None };
        let rescale = if flag("do_rescale", true) {
            Some(match map.get("rescale_factor") {
                None => 1.0 / 255.0,
                Some(v) => v
                    .as_f64()
                    .filter(|f| f.is_finite() && *f > 0.0)
                    .ok_or_else(|| ModelError::Preprocessor(format!("rescale_factor must be a positive number, found {v}")))?
                    as f32,
            })
        } else {
            None
        };
        let normalize =
            if flag("do_normalize", true) { Some((triple(&map, "image_mean", false)?, triple(&map, "image_std", true)?)) } else { None };
        Ok(Preprocessor { resize, resample, crop, rescale, normalize })
    }

    /// The side of the picture this preprocessing gives, when it always gives one square size.
    pub fn output(&self) -> Option<(usize, usize)> {
        self.crop.or(self.resize)
    }
}

fn renamed(e: &ModelError) -> ModelError {
    ModelError::Preprocessor(e.to_string().trim_start_matches("config.json: ").to_owned())
}

/// `size` as `{"height": h, "width": w}` or a single number.
fn side_pair(map: &Map<String, Value>, key: &str, default: u32) -> ModelResult<(usize, usize)> {
    let side = |v: &Value, name: &str| crate::model::config::as_size(name, v, MAX_IMAGE).map_err(|e| renamed(&e));
    match map.get(key) {
        None => Ok((default as usize, default as usize)),
        Some(Value::Object(m)) => match (m.get("height"), m.get("width")) {
            (Some(h), Some(w)) => Ok((side(h, &format!("{key}.height"))?, side(w, &format!("{key}.width"))?)),
            _ => Err(ModelError::Preprocessor(format!(
                "{key} must give height and width (a shortest_edge is not supported: the model reads one fixed size)"
            ))),
        },
        Some(v) => side(v, key).map(|s| (s, s)),
    }
}

/// Three finite numbers (one per channel), or one for all; `positive` for a divisor.
fn triple(map: &Map<String, Value>, key: &str, positive: bool) -> ModelResult<[f32; 3]> {
    let bad = |v: &Value| {
        ModelError::Preprocessor(format!("{key} must be three finite numbers{}, found {v}", if positive { " above 0" } else { "" }))
    };
    let number = |v: &Value| v.as_f64().filter(|f| f.is_finite() && (!positive || *f > 0.0)).map(|f| f as f32);
    match map.get(key) {
        None => Ok([0.5; 3]),
        Some(Value::Array(list)) if list.len() == 3 => {
            let mut out = [0.0; 3];
            for (slot, v) in out.iter_mut().zip(list) {
                *slot = number(v).ok_or_else(|| bad(v))?;
            }
            Ok(out)
        }
        Some(v) => number(v).map(|f| [f; 3]).ok_or_else(|| bad(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = r#"{"model_type":"vit","image_size":32,"patch_size":8,"num_channels":3,"hidden_size":16,
        "num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":32,"id2label":{"1":"b","0":"a"}}"#;

    #[test]
    fn reads_sizes_and_labels() {
        let c = VitConfig::from_json(TINY).unwrap();
        assert_eq!((c.grid(), c.tokens(), c.head_dim()), (4, 17, 4));
        assert_eq!(c.labels, ["a", "b"]);
        assert_eq!(c.family.prefix_tokens(), ["[CLS]"]);
    }

    #[test]
    fn refuses_sizes_out_of_range() {
        let huge = TINY.replace("\"image_size\":32", "\"image_size\":4294967304");
        assert!(VitConfig::from_json(&huge).unwrap_err().to_string().contains("image_size must be a whole number"));
        let many = TINY.replace("\"image_size\":32", "\"image_size\":4096").replace("\"patch_size\":8", "\"patch_size\":1");
        assert!(VitConfig::from_json(&many).unwrap_err().to_string().contains("patches"));
        let grey = TINY.replace("\"num_channels\":3", "\"num_channels\":1");
        assert!(VitConfig::from_json(&grey).unwrap_err().to_string().contains("RGB"));
        let gap = TINY.replace("\"1\":\"b\"", "\"2\":\"b\"");
        assert!(VitConfig::from_json(&gap).is_err());
    }

    #[test]
    fn preprocessor_defaults_and_refusals() {
        let p = Preprocessor::from_json(r#"{"size":{"height":16,"width":16},"image_mean":[0.5,0.5,0.5],"image_std":0.25}"#).unwrap();
        assert_eq!((p.output(), p.resample, p.rescale), (Some((16, 16)), Resample::Bilinear, Some(1.0 / 255.0)));
        assert_eq!(p.normalize, Some(([0.5; 3], [0.25; 3])));
        let err = Preprocessor::from_json(r#"{"resample":1}"#).unwrap_err().to_string();
        assert!(err.starts_with("preprocessor_config.json: resample 1"), "{err}");
        assert!(Preprocessor::from_json(r#"{"size":{"shortest_edge":224}}"#).unwrap_err().to_string().contains("shortest_edge"));
        assert!(Preprocessor::from_json(r#"{"image_std":[1,0,1]}"#).unwrap_err().to_string().contains("image_std"));
    }
}
