//! `attn render`: SVG that parses and holds one cell per weight, PNG that decodes at the size
//! asked for, hostile token text escaped, the toy's and a model's options, and the messages
//! for figures that cannot be made.
#![cfg(feature = "cli")]

mod cli_common;

use std::path::{Path, PathBuf};

use cli_common::{attn, fails, ok, repo, stderr, temp_path, usage_error};

fn tiny() -> String {
    repo("tests/fixtures/model/tiny-bert").display().to_string()
}

/// Renders with `args` plus `--svg FILE` and returns the SVG text.
fn svg(args: &[&str]) -> String {
    let path = temp_path("svg");
    let out = ok(&[args, &["--svg", path.to_str().unwrap()]].concat());
    assert!(out.starts_with(&format!("wrote {}", path.display())), "{out}");
    std::fs::read_to_string(&path).unwrap()
}

/// The `<rect>`s of the weight matrix (the group drawn with crisp edges).
fn cells<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.attribute("shape-rendering") == Some("crispEdges"))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("rect")))
        .collect()
}

fn texts<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<&'a str> {
    doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect()
}

fn size(doc: &roxmltree::Document<'_>) -> (u32, u32) {
    let root = doc.root_element();
    (root.attribute("width").unwrap().parse().unwrap(), root.attribute("height").unwrap().parse().unwrap())
}

fn decode(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).expect("the PNG decodes");
    assert!(pixels.iter().any(|&b| b < 200), "something is drawn");
    (info.width, info.height)
}

#[test]
fn toy_heatmap_svg_has_a_cell_per_weight_and_the_labels() {
    let text =
        svg(&["render", "--view", "heatmap", "--text", "The cat sat on the mat.", "--mask", "causal", "--head", "2", "--query", "1"]);
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(doc.root_element().tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(cells(&doc).len(), 7 * 7);
    let grey = cells(&doc).iter().filter(|c| c.attribute("fill") == Some("#d9d9d3")).count();
    assert_eq!(grey, 21, "the causal mask hides 21 pairs");
    let labels = texts(&doc);
    for expected in ["Attention weights · head 2", "The", "mat", "masked", "queries ↓ / keys →", "1.000"] {
        assert!(labels.contains(&expected), "{expected} in {labels:?}");
    }
    assert!(labels.iter().any(|t| t.starts_with("7 queries × 7 keys · scaled dot-product scores · masks causal")), "{labels:?}");
    let title = doc.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text());
    assert_eq!(title, Some("Attention weights · head 2"));
    assert!(!text.contains("<script") && !text.contains("<style") && !text.contains("href"), "self-contained, nothing to load or run");
    assert!(text.contains("font-family=\"system-ui, sans-serif\""));
}

#[test]
fn hostile_token_text_is_escaped() {
    let hostile = r#"<script>alert("x")</script> Tom & 'Jerry' ]]> <!--"#;
    for tokenizer in ["words", "chars"] {
        let text =
            svg(&["render", "--view", "heatmap", "--text", hostile, "--tokenizer", tokenizer, "--max-tokens", "64", "--title", "<b>&\"'"]);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{tokenizer}: {e}\n{text}"));
        let labels = texts(&doc);
        for token in ["<", "&", "'", "\"", ">"] {
            assert!(labels.contains(&token), "{tokenizer}: the token {token} is drawn as text: {labels:?}");
        }
        assert!(labels.contains(&"<b>&\"'"), "the title is text, not markup");
        assert!(!text.contains("<script") && !text.contains("<b>") && !text.contains("<!--"), "{text}");
    }
    let lines = svg(&["render", "--view", "lines", "--text", hostile]);
    assert!(roxmltree::Document::parse(&lines).is_ok());
}

#[test]
fn model_figures_as_svg_and_png() {
    let text =
        svg(&["render", "--view", "heatmap", "--model", &tiny(), "--text", "the cat sat on the mat.", "--layer", "1", "--head", "3"]);
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(cells(&doc).len(), 9 * 9);
    let labels = texts(&doc);
    assert!(labels.contains(&"Attention weights · layer 1 · head 3") && labels.contains(&"[CLS]"), "{labels:?}");
    assert!(labels.iter().any(|t| t.starts_with("tiny-bert · 9 tokens · scaled dot-product scores · each row sums to 1")), "{labels:?}");
    let (w, h) = size(&doc);

    let hidden =
        svg(&["render", "--view", "heatmap", "--model", &tiny(), "--text", "the cat sat on the mat.", "--hide-special", "--query", "2"]);
    let doc = roxmltree::Document::parse(&hidden).unwrap();
    assert_eq!(cells(&doc).len(), 7 * 7);
    assert!(!texts(&doc).contains(&"[CLS]"));
    assert!(hidden.contains("The outlined row is the query ‘cat’."), "--query counts tokens with [CLS] = 0");

    let png = temp_path("png");
    let out = ok(&[
        "render",
        "--view",
        "heatmap",
        "--model",
        &tiny(),
        "--text",
        "the cat sat on the mat.",
        "--layer",
        "1",
        "--head",
        "3",
        "--png",
        png.to_str().unwrap(),
        "--scale",
        "2",
    ]);
    assert_eq!(decode(&png), (2 * w, 2 * h), "{out}");
    assert!(out.contains(&format!("({} × {} pixels)", 2 * w, 2 * h)), "{out}");
}

#[test]
fn lines_of_one_head_all_heads_or_one_query() {
    let one = svg(&["render", "--view", "lines", "--text", "a b c", "--heads", "2", "--d-model", "8"]);
    let doc = roxmltree::Document::parse(&one).unwrap();
    let strokes = |doc: &roxmltree::Document| {
        doc.descendants().filter(|n| n.has_tag_name("line")).filter_map(|n| n.attribute("stroke").map(str::to_owned)).collect::<Vec<_>>()
    };
    let colours = strokes(&doc);
    assert!(!colours.is_empty() && colours.iter().all(|c| c == "#0072b2"), "head 0 in the first colour: {colours:?}");
    let all = svg(&["render", "--view", "lines", "--text", "a b c", "--heads", "2", "--d-model", "8", "--head", "all"]);
    let doc = roxmltree::Document::parse(&all).unwrap();
    let mut colours = strokes(&doc);
    colours.sort();
    colours.dedup();
    assert_eq!(colours, ["#0072b2", "#e69f00"], "one colour per head");
    assert!(texts(&doc).contains(&"head 1"));
    let query = svg(&["render", "--view", "lines", "--text", "a b c", "--query", "1", "--head", "all"]);
    let doc = roxmltree::Document::parse(&query).unwrap();
    assert!(doc.descendants().filter(|n| n.has_tag_name("line")).count() <= 3 * 4);
    assert!(texts(&doc).contains(&"Attention lines of the query ‘b’"));
    let png = temp_path("png");
    ok(&[
        "render",
        "--view",
        "lines",
        "--model",
        &tiny(),
        "--text",
        "the cat sat",
        "--head",
        "all",
        "--png",
        png.to_str().unwrap(),
        "--scale",
        "1",
    ]);
    let (w, _) = decode(&png);
    assert!(w > 400);
    let o = attn(&["render", "--view", "lines", "--text", "a b", "--heads", "10", "--d-model", "20", "--head", "all", "--svg", "-"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "note: the lines view has 8 head colours, so heads 8–9 share the colours of heads 0–1\n");
}

#[test]
fn characters_no_font_has_are_reported() {
    let png = temp_path("png");
    let o = attn(&["render", "--view", "heatmap", "--text", "cat \u{10FFFD}", "--png", png.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("note: no font on this machine draws \u{10FFFD} (U+10FFFD)"), "{}", stderr(&o));
    decode(&png);
}

#[test]
fn figures_that_cannot_be_made_are_explained() {
    let words = "w ".repeat(300);
    let long = ["render", "--text", &words, "--max-tokens", "300"];
    fails(
        &[&long[..], &["--view", "heatmap", "--svg", "/tmp/never.svg"]].concat(),
        "",
        "this figure has 90000 cells, too many for an SVG file (at most 65536): write a PNG instead with --png OUT.png",
    );
    fails(
        &[&long[..], &["--view", "lines", "--svg", "/tmp/never.svg"]].concat(),
        "",
        "the lines view draws up to 256 tokens and this text has 300",
    );
    fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        [&["render", "--text", "a b c"][..], extra].concat()
    }
    fails(
        &with(&["--view", "heatmap", "--head", "all", "--svg", "/tmp/never.svg"]),
        "",
        "the heatmap shows one head: pick it with --head H",
    );
    fails(&with(&["--view", "heatmap", "--head", "7", "--svg", "/tmp/never.svg"]), "", "--head 7 does not exist: there are 4 heads (0–3)");
    fails(
        &with(&["--view", "heatmap", "--query", "3", "--svg", "/tmp/never.svg"]),
        "",
        "--query 3 does not exist: there are 3 queries (0–2)",
    );
    fails(&with(&["--view", "heatmap", "--svg", "/nonexistent/dir/out.svg"]), "", "cannot write '/nonexistent/dir/out.svg'");
    fails(&with(&["--view", "heatmap", "--svg", "-", "--png", "-"]), "", "cannot both go to stdout");
    let model = tiny();
    fails(
        &[
            "render",
            "--view",
            "heatmap",
            "--model",
            &model,
            "--text",
            "the cat",
            "--hide-special",
            "--query",
            "0",
            "--svg",
            "/tmp/never.svg",
        ],
        "",
        "--query 0 is [CLS], which --hide-special leaves out",
    );
    fails(
        &["render", "--view", "heatmap", "--model", &model, "--text", "the cat", "--layer", "5", "--svg", "/tmp/never.svg"],
        "",
        "--layer 5 does not exist: there are 2 layers (0–1)",
    );
    usage_error(&with(&["--view", "heatmap"]), "--svg <OUT.svg>|--png <OUT.png>");
    usage_error(&with(&["--view", "pie", "--svg", "x.svg"]), "[possible values: heatmap, lines]");
    usage_error(&with(&["--view", "heatmap", "--png", "x.png", "--scale", "3"]), "[possible values: 1, 2, 4]");
    usage_error(&with(&["--view", "heatmap", "--svg", "x.svg", "--scale", "2"]), "--png");
    usage_error(
        &with(&["--view", "heatmap", "--svg", "x.svg", "--head", "first"]),
        "'first' is neither a head number (counted from 0) nor all",
    );
    usage_error(&with(&["--view", "heatmap", "--svg", "x.svg", "--layer", "1"]), "--model");
    usage_error(&with(&["--view", "heatmap", "--svg", "x.svg", "--hide-special"]), "--model");
    usage_error(
        &with(&["--view", "heatmap", "--svg", "x.svg", "--model", "--heads", "2"]),
        "'--model [<DIR_OR_NAME>]' cannot be used with '--heads <HEADS>'",
    );
    assert!(!Path::new("x.svg").exists() && !PathBuf::from("/tmp/never.svg").exists());
}

#[test]
fn svg_can_go_to_stdout() {
    let out = ok(&["render", "--view", "heatmap", "--text", "a b", "--svg", "-"]);
    assert!(out.starts_with("<?xml") && roxmltree::Document::parse(&out).is_ok(), "{out}");
}
