//! A small, defensive reader and writer of the safetensors format.
//!
//! Layout: 8 bytes little-endian `N`, then `N` bytes of a JSON object mapping each tensor name to
//! `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data that follows
//! the header), plus an optional `"__metadata__"` object of strings. Everything is checked before
//! use: the declared header length against the file, each tensor's byte range against the data,
//! the byte count against shape × element size, and that no two tensors overlap. Any failure is a
//! [`ModelError::Weights`] naming the problem; no input makes the reader panic.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::{ModelError, ModelResult};

/// The format's own limit on the JSON header (100 MB); larger declared headers are refused
/// before anything is read.
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Element type of a stored tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    Bool,
    U8,
    I8,
    F8E5M2,
    F8E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}

const DTYPES: [(Dtype, &str, usize); 15] = [
    (Dtype::Bool, "BOOL", 1),
    (Dtype::U8, "U8", 1),
    (Dtype::I8, "I8", 1),
    (Dtype::F8E5M2, "F8_E5M2", 1),
    (Dtype::F8E4M3, "F8_E4M3", 1),
    (Dtype::I16, "I16", 2),
    (Dtype::U16, "U16", 2),
    (Dtype::F16, "F16", 2),
    (Dtype::BF16, "BF16", 2),
    (Dtype::I32, "I32", 4),
    (Dtype::U32, "U32", 4),
    (Dtype::F32, "F32", 4),
    (Dtype::F64, "F64", 8),
    (Dtype::I64, "I64", 8),
    (Dtype::U64, "U64", 8),
];

impl Dtype {
    /// The dtype named as in a safetensors header (`"F32"`, `"BF16"`, …).
    pub fn from_name(name: &str) -> Option<Dtype> {
        DTYPES.iter().find(|(_, n, _)| *n == name).map(|(d, _, _)| *d)
    }

    /// The name written in a safetensors header.
    pub fn name(self) -> &'static str {
        DTYPES.iter().find(|(d, _, _)| *d == self).map_or("?", |(_, n, _)| n)
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        DTYPES.iter().find(|(d, _, _)| *d == self).map_or(1, |(_, _, s)| *s)
    }
}

/// One tensor: its type, shape and raw little-endian bytes, borrowed from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorView<'a> {
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub data: &'a [u8],
}

impl TensorView<'_> {
    /// Number of elements (the product of the shape; 1 for a scalar).
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the tensor has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements as f32, converting F16 and BF16 exactly; other types are refused.
    pub fn to_f32(&self, name: &str) -> ModelResult<Vec<f32>> {
        let values: Vec<f32> = match self.dtype {
            Dtype::F32 => self.data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
            Dtype::F16 => {
                let table = f16_table();
                self.data.chunks_exact(2).map(|b| table[u16::from_le_bytes([b[0], b[1]]) as usize]).collect()
            }
            Dtype::BF16 => self.data.chunks_exact(2).map(|b| f32::from_bits((u16::from_le_bytes([b[0], b[1]]) as u32) << 16)).collect(),
            other => return Err(ModelError::UnsupportedDtype { name: name.to_string(), dtype: other.name().to_string() }),
        };
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFiniteWeight { name: name.to_string(), index });
        }
        Ok(values)
    }
}

/// Every F16 bit pattern's f32 value (256 KB, built once): a table lookup is several times
/// faster than converting in software where the CPU has no half-float instructions (WebAssembly).
fn f16_table() -> &'static [f32] {
    static TABLE: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| (0..=u16::MAX).map(|bits| half::f16::from_bits(bits).to_f32()).collect())
}

/// A parsed safetensors file whose tensors borrow the caller's bytes.
#[derive(Debug, Clone)]
pub struct SafeTensors<'a> {
    tensors: BTreeMap<String, TensorView<'a>>,
    metadata: BTreeMap<String, String>,
}

fn bad(message: impl Into<String>) -> ModelError {
    ModelError::Weights(message.into())
}

impl<'a> SafeTensors<'a> {
    /// Parses and validates the whole file held in `bytes`.
    pub fn parse(bytes: &'a [u8]) -> ModelResult<Self> {
        if bytes.len() < 8 {
            return Err(bad(format!("the file is {} bytes long: too short to be safetensors (truncated download?)", bytes.len())));
        }
        let mut length = [0u8; 8];
        length.copy_from_slice(&bytes[..8]);
        let declared = u64::from_le_bytes(length);
        let available = (bytes.len() - 8) as u64;
        if declared > MAX_HEADER_BYTES {
            return Err(bad(format!(
                "the header declares {declared} bytes, more than the format's limit of \
                 {MAX_HEADER_BYTES}: this is not a safetensors file"
            )));
        }
        if declared > available {
            return Err(bad(format!("the header declares {declared} bytes but only {available} follow: the file is truncated")));
        }
        let header_end = 8 + declared as usize;
        let header: Map<String, Value> =
            serde_json::from_slice(&bytes[8..header_end]).map_err(|e| bad(format!("the header is not a JSON object ({e})")))?;
        let data = &bytes[header_end..];
        let mut tensors = BTreeMap::new();
        let mut metadata = BTreeMap::new();
        for (name, entry) in header {
            if name == "__metadata__" {
                metadata = parse_metadata(&entry)?;
                continue;
            }
            let view = parse_entry(&name, &entry, data)?;
            tensors.insert(name, view);
        }
        check_no_overlap(&tensors, data)?;
        Ok(SafeTensors { tensors, metadata })
    }

    /// The tensor called `name`, if the file has it.
    pub fn get(&self, name: &str) -> Option<&TensorView<'a>> {
        self.tensors.get(name)
    }

    /// All tensors, sorted by name.
    pub fn tensors(&self) -> impl Iterator<Item = (&str, &TensorView<'a>)> {
        self.tensors.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// The free-form `__metadata__` strings.
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }
}

fn parse_metadata(entry: &Value) -> ModelResult<BTreeMap<String, String>> {
    let map = entry.as_object().ok_or_else(|| bad("__metadata__ must be an object of strings"))?;
    map.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_string())),
            None => Err(bad(format!("__metadata__ entry {k:?} is not a string"))),
        })
        .collect()
}

fn parse_entry<'a>(name: &str, entry: &Value, data: &'a [u8]) -> ModelResult<TensorView<'a>> {
    let fields = entry.as_object().ok_or_else(|| bad(format!("the entry of tensor {name} is not an object")))?;
    let dtype_name = fields.get("dtype").and_then(Value::as_str).ok_or_else(|| bad(format!("tensor {name} has no dtype")))?;
    let dtype = Dtype::from_name(dtype_name).ok_or_else(|| bad(format!("tensor {name} has the unknown dtype {dtype_name:?}")))?;
    let shape = fields
        .get("shape")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("tensor {name} has no shape list")))?
        .iter()
        .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| bad(format!("tensor {name} has a shape that is not a list of sizes")))?;
    let offsets = fields
        .get("data_offsets")
        .and_then(Value::as_array)
        .filter(|list| list.len() == 2)
        .and_then(|list| Some((list[0].as_u64()?, list[1].as_u64()?)))
        .ok_or_else(|| bad(format!("tensor {name} needs data_offsets [begin, end]")))?;
    let (begin, end) = offsets;
    if begin > end || end > data.len() as u64 {
        return Err(bad(format!(
            "tensor {name} spans bytes {begin}..{end} but the data holds {} bytes: the file is \
             truncated or corrupt",
            data.len()
        )));
    }
    let expected = shape
        .iter()
        .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| bad(format!("tensor {name} has an impossibly large shape {shape:?}")))?;
    let (begin, end) = (begin as usize, end as usize);
    if end - begin != expected {
        return Err(bad(format!(
            "tensor {name} of shape {shape:?} and dtype {dtype_name} needs {expected} bytes, \
             but its offsets span {}",
            end - begin
        )));
    }
    Ok(TensorView { dtype, shape, data: &data[begin..end] })
}

fn check_no_overlap(tensors: &BTreeMap<String, TensorView<'_>>, data: &[u8]) -> ModelResult<()> {
    let base = data.as_ptr() as usize;
    let mut ranges: Vec<(usize, usize, &str)> = tensors
        .iter()
        .filter(|(_, v)| !v.data.is_empty())
        .map(|(n, v)| {
            let begin = v.data.as_ptr() as usize - base;
            (begin, begin + v.data.len(), n.as_str())
        })
        .collect();
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        let ((_, end, first), (begin, _, second)) = (pair[0], pair[1]);
        if begin < end {
            return Err(bad(format!("tensors {first} and {second} overlap: the file is corrupt")));
        }
    }
    Ok(())
}

/// Builds a safetensors file: tensors in the order added, the header padded with spaces to a
/// multiple of 8 bytes so every tensor starts aligned.
#[derive(Debug, Default, Clone)]
pub struct SafeTensorsWriter {
    entries: Vec<(String, Dtype, Vec<usize>, Vec<u8>)>,
    metadata: BTreeMap<String, String>,
}

impl SafeTensorsWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a free-form metadata string.
    pub fn metadata(&mut self, key: &str, value: &str) -> &mut Self {
        self.metadata.insert(key.to_string(), value.to_string());
        self
    }

    /// Adds a tensor of raw little-endian bytes; the byte count must match shape × element size.
    pub fn raw(&mut self, name: &str, dtype: Dtype, shape: &[usize], bytes: Vec<u8>) -> ModelResult<&mut Self> {
        let expected = shape.iter().product::<usize>() * dtype.size();
        if bytes.len() != expected {
            return Err(bad(format!("tensor {name} of shape {shape:?} needs {expected} bytes, got {}", bytes.len())));
        }
        self.entries.push((name.to_string(), dtype, shape.to_vec(), bytes));
        Ok(self)
    }

    /// Adds an f32 tensor stored as `dtype` (F32, F16 rounded to nearest even, or BF16 likewise).
    pub fn f32(&mut self, name: &str, dtype: Dtype, shape: &[usize], values: &[f32]) -> ModelResult<&mut Self> {
        let bytes = encode_f32(values, dtype).ok_or_else(|| bad(format!("tensor {name} cannot be written as {}", dtype.name())))?;
        self.raw(name, dtype, shape, bytes)
    }

    /// The complete file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut header = Map::new();
        if !self.metadata.is_empty() {
            let meta = self.metadata.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str())));
            header.insert("__metadata__".into(), Value::Object(meta.collect()));
        }
        let mut offset = 0usize;
        for (name, dtype, shape, bytes) in &self.entries {
            let mut entry = Map::new();
            entry.insert("dtype".into(), dtype.name().into());
            entry.insert("shape".into(), shape.clone().into());
            entry.insert("data_offsets".into(), vec![offset, offset + bytes.len()].into());
            header.insert(name.clone(), Value::Object(entry));
            offset += bytes.len();
        }
        let mut json = Value::Object(header).to_string().into_bytes();
        while json.len() % 8 != 0 {
            json.push(b' ');
        }
        let mut out = Vec::with_capacity(8 + json.len() + offset);
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        for (_, _, _, bytes) in &self.entries {
            out.extend_from_slice(bytes);
        }
        out
    }
}

fn encode_f32(values: &[f32], dtype: Dtype) -> Option<Vec<u8>> {
    let bytes = match dtype {
        Dtype::F32 => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        Dtype::F16 => values.iter().flat_map(|v| half::f16::from_f32(*v).to_le_bytes()).collect(),
        Dtype::BF16 => values.iter().flat_map(|v| half::bf16::from_f32(*v).to_le_bytes()).collect(),
        _ => return None,
    };
    Some(bytes)
}

/// Rewrites a safetensors file with every F32 tensor stored as F16 (other tensors unchanged,
/// metadata kept): half the download, and the forward pass still computes in f32.
pub fn convert_to_f16(bytes: &[u8]) -> ModelResult<Vec<u8>> {
    let file = SafeTensors::parse(bytes)?;
    let mut writer = SafeTensorsWriter::new();
    for (key, value) in file.metadata() {
        writer.metadata(key, value);
    }
    for (name, view) in file.tensors() {
        if view.dtype == Dtype::F32 {
            let values = view.to_f32(name)?;
            if let Some(index) = values.iter().position(|v| v.abs() > f32::from(half::f16::MAX)) {
                return Err(bad(format!("tensor {name} holds {} at element {index}, beyond the F16 range", values[index])));
            }
            writer.f32(name, Dtype::F16, &view.shape, &values)?;
        } else {
            writer.raw(name, view.dtype, &view.shape, view.data.to_vec())?;
        }
    }
    Ok(writer.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = SafeTensorsWriter::new();
        w.metadata("format", "pt");
        w.f32("a", Dtype::F32, &[2, 3], &[1.0, -2.0, 3.5, 0.0, 1e-3, 7.0]).unwrap();
        w.f32("b", Dtype::F16, &[2], &[0.5, -1.25]).unwrap();
        w.f32("c", Dtype::BF16, &[1], &[3.0]).unwrap();
        w.raw("ids", Dtype::I64, &[1], 7i64.to_le_bytes().to_vec()).unwrap();
        w.to_bytes()
    }

    #[test]
    fn round_trips_every_float_dtype() {
        let bytes = sample();
        let file = SafeTensors::parse(&bytes).unwrap();
        assert_eq!(file.metadata()["format"], "pt");
        assert_eq!(file.get("a").unwrap().to_f32("a").unwrap()[2], 3.5);
        assert_eq!(file.get("b").unwrap().to_f32("b").unwrap(), vec![0.5, -1.25]);
        assert_eq!(file.get("c").unwrap().to_f32("c").unwrap(), vec![3.0]);
        let err = file.get("ids").unwrap().to_f32("ids").unwrap_err();
        assert!(err.to_string().contains("I64"), "{err}");
    }

    #[test]
    fn converts_to_f16() {
        let bytes = convert_to_f16(&sample()).unwrap();
        let file = SafeTensors::parse(&bytes).unwrap();
        let a = file.get("a").unwrap();
        assert_eq!(a.dtype, Dtype::F16);
        let values = a.to_f32("a").unwrap();
        assert!((values[4] - 1e-3).abs() < 1e-6);
        assert_eq!(file.get("ids").unwrap().dtype, Dtype::I64);
    }

    fn error_of(bytes: &[u8]) -> String {
        SafeTensors::parse(bytes).unwrap_err().to_string()
    }

    #[test]
    fn names_each_defect() {
        assert!(error_of(&[1, 2, 3]).contains("too short"));
        let mut huge = u64::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        assert!(error_of(&huge).contains("limit"));
        let bytes = sample();
        assert!(error_of(&bytes[..20]).contains("truncated"));
        assert!(error_of(&bytes[..bytes.len() - 3]).contains("truncated or corrupt"));

        let with_header = |json: &str| {
            let mut out = (json.len() as u64).to_le_bytes().to_vec();
            out.extend_from_slice(json.as_bytes());
            out.extend_from_slice(&[0u8; 16]);
            out
        };
        let overlap = r#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#;
        assert!(error_of(&with_header(overlap)).contains("overlap"));
        let wrong_size = r#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#;
        assert!(error_of(&with_header(wrong_size)).contains("needs 12 bytes"));
        let dtype = r#"{"x":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#;
        assert!(error_of(&with_header(dtype)).contains("unknown dtype"));
        assert!(error_of(&with_header("[1,2]")).contains("not a JSON object"));
        let nan = with_header(r#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#);
        let mut nan = nan;
        let at = nan.len() - 16;
        nan[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        let file = SafeTensors::parse(&nan).unwrap();
        assert!(file.get("x").unwrap().to_f32("x").unwrap_err().to_string().contains("non-finite"));
    }
}
