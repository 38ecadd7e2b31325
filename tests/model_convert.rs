//! `scripts/convert_f16.py` (standard-library Python, run by the setup step) writes exactly the
//! bytes of the core's `convert_to_f16`, and the converted model still loads and runs.

use std::path::PathBuf;
use std::process::Command;
use std::{env, fs};

use attention_playground::model::safetensors::{convert_to_f16, Dtype, SafeTensors};

#[test]
fn python_converter_writes_the_same_bytes_as_the_core() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source = root.join("tests/fixtures/model/tiny-bert/model.safetensors");
    let dest = env::temp_dir().join(format!("attention-playground-f16-{}.safetensors", std::process::id()));
    let status = Command::new("python3")
        .arg(root.join("scripts/convert_f16.py"))
        .arg(&source)
        .arg(&dest)
        .status()
        .expect("python3 runs (the setup step needs it too)");
    assert!(status.success());
    let from_python = fs::read(&dest).unwrap();
    fs::remove_file(&dest).unwrap();
    let from_rust = convert_to_f16(&fs::read(&source).unwrap()).unwrap();
    assert!(from_python == from_rust, "the two converters disagree");
    let file = SafeTensors::parse(&from_rust).unwrap();
    assert!(file.tensors().all(|(_, t)| t.dtype == Dtype::F16));
}
