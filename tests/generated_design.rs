//! `www/src/generated/design.js` is written from `src/render/design.rs`: the colours and the
//! numbers that the page's live views share with the figures. This test regenerates it and fails
//! when the committed file differs; `UPDATE_GENERATED=1 cargo test --test generated_design`
//! rewrites it.

use std::path::Path;

use attention_playground::render::design;

const FILE: &str = "www/src/generated/design.js";

#[test]
fn the_page_design_module_matches_the_rust_definitions() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE);
    let expected = design::javascript();
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "{FILE} is out of date with src/render/design.rs: run UPDATE_GENERATED=1 cargo test --test generated_design"
    );
}
