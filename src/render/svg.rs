//! A scene as a self-contained SVG file: every colour, font and stroke is a presentation
//! attribute (no stylesheet, no script), every text is escaped, sizes are CSS pixels.
//!
//! Text is placed by its alphabetic baseline (`y` + 0.35 × size for a text centred on `y`)
//! rather than with `dominant-baseline`, which some slide and drawing programs ignore.

use std::borrow::Cow;
use std::fmt::Write;

use super::scene::{paper, Anchor, Cells, Line, Rect, Scene, Shape, Text, FONT_FAMILY, MONO_FAMILY, REGULAR};

/// Where the baseline of a text lies below its middle, as a fraction of the font size.
const BASELINE: f32 = 0.35;

/// `text` with `&`, `<`, `>`, `"` and `'` written as entities and the characters XML 1.0
/// forbids (control codes other than tab and line breaks, U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn escape(text: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || forbidden(c);
    if !text.contains(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if forbidden(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
}

/// The shortest text of a coordinate, to two decimals.
fn num(value: f32) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        rounded.to_string()
    }
}

/// The whole figure: title, description, white background and every shape.
pub fn to_svg(scene: &Scene) -> String {
    let mut out = open(scene);
    let _ = writeln!(out, "<title>{}</title>", escape(&scene.title));
    let _ = writeln!(out, "<desc>{}</desc>", escape(&scene.description));
    let _ = writeln!(out, r#"<rect width="{}" height="{}" fill="{}"/>"#, scene.width, scene.height, paper::BACKGROUND);
    write_shapes(&mut out, &scene.shapes);
    out.push_str("</svg>\n");
    out
}

/// Some of a figure's shapes on a transparent page of the figure's size (the PNG painter draws
/// a figure in layers).
#[cfg(feature = "cli")]
pub(super) fn layer(scene: &Scene, shapes: &[Shape]) -> String {
    let mut out = open(scene);
    write_shapes(&mut out, shapes);
    out.push_str("</svg>\n");
    out
}

fn open(scene: &Scene) -> String {
    let (w, h) = (scene.width, scene.height);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">\n"
    )
}

fn write_shapes(out: &mut String, shapes: &[Shape]) {
    for shape in shapes {
        match shape {
            Shape::Rect(r) => rect(out, r),
            Shape::Line(l) => line(out, l),
            Shape::Text(t) => text(out, t),
            Shape::Cells(c) => cells(out, c),
        }
    }
}

fn rect(out: &mut String, r: &Rect) {
    let _ = write!(out, r#"<rect x="{}" y="{}" width="{}" height="{}""#, num(r.x), num(r.y), num(r.w), num(r.h));
    if r.rx > 0.0 {
        let _ = write!(out, r#" rx="{}""#, num(r.rx));
    }
    match r.fill {
        Some(fill) => {
            let _ = write!(out, r#" fill="{fill}""#);
            if r.opacity < 1.0 {
                let _ = write!(out, r#" fill-opacity="{}""#, num(r.opacity.max(0.0)));
            }
        }
        None => out.push_str(r#" fill="none""#),
    }
    if let Some(stroke) = r.stroke {
        let _ = write!(out, r#" stroke="{stroke}" stroke-width="{}""#, num(r.stroke_width));
    }
    out.push_str("/>\n");
}

fn line(out: &mut String, l: &Line) {
    let _ = write!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-linecap="round""#,
        num(l.x1),
        num(l.y1),
        num(l.x2),
        num(l.y2),
        l.stroke,
        num(l.width)
    );
    if l.opacity < 1.0 {
        let _ = write!(out, r#" stroke-opacity="{}""#, num(l.opacity.max(0.0)));
    }
    out.push_str("/>\n");
}

fn text(out: &mut String, t: &Text) {
    let _ = write!(out, r#"<text x="{}" y="{}" font-size="{}" fill="{}""#, num(t.x), num(t.y + BASELINE * t.size), num(t.size), t.fill);
    match t.anchor {
        Anchor::Start => {}
        Anchor::Middle => out.push_str(r#" text-anchor="middle""#),
        Anchor::End => out.push_str(r#" text-anchor="end""#),
    }
    if t.weight != REGULAR {
        let _ = write!(out, r#" font-weight="{}""#, t.weight);
    }
    if t.italic {
        out.push_str(r#" font-style="italic""#);
    }
    if t.mono {
        let _ = write!(out, r#" font-family="{MONO_FAMILY}""#);
    }
    if t.rotate != 0.0 {
        let _ = write!(out, r#" transform="rotate({} {} {})""#, num(t.rotate), num(t.x), num(t.y));
    }
    let _ = writeln!(out, ">{}</text>", escape(&t.text));
}

fn cells(out: &mut String, c: &Cells) {
    let translate = format!("translate({} {})", num(c.x), num(c.y));
    let size = num(c.cell);
    let _ = writeln!(out, r#"<g shape-rendering="crispEdges" transform="{translate}">"#);
    let mut marks = String::new();
    for cell in c.cells() {
        let _ = writeln!(out, r#"<rect x="{}" y="{}" width="{size}" height="{size}" fill="{}"/>"#, num(cell.x), num(cell.y), cell.fill);
        if let Some([x1, y1, x2, y2]) = cell.mark {
            let _ = writeln!(marks, r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#, num(x1), num(y1), num(x2), num(y2));
        }
    }
    out.push_str("</g>\n");
    if !marks.is_empty() {
        let _ = writeln!(out, r#"<g transform="{translate}" stroke="{}" stroke-width="1">"#, paper::MASKED_MARK);
        out.push_str(&marks);
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::colormap::Rgb;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape(r#"<script>&"'"#), "&lt;script&gt;&amp;&quot;&apos;");
        assert_eq!(escape("a\u{1}b\u{ffff}"), "a\u{fffd}b\u{fffd}");
        assert_eq!(escape("tab\there"), "tab\there");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!([num(1.0), num(0.125), num(-0.001), num(12.3456)], ["1", "0.13", "0", "12.35"]);
    }

    #[test]
    fn a_scene_becomes_one_document() {
        let scene = Scene {
            width: 100,
            height: 50,
            title: "A & B".into(),
            description: "<desc>".into(),
            shapes: vec![Shape::Text(Text::new(10.0, 20.0, "x<y", 12.0, Rgb(0, 0, 0)).anchor(Anchor::End).rotate(-45.0))],
        };
        let svg = to_svg(&scene);
        assert!(svg.contains("<title>A &amp; B</title>") && svg.contains("<desc>&lt;desc&gt;</desc>"), "{svg}");
        assert!(
            svg.contains(
                r##"<text x="10" y="24.2" font-size="12" fill="#000000" text-anchor="end" transform="rotate(-45 10 20)">x&lt;y</text>"##
            ),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>\n"));
    }
}
