//! Formulas laid out as maths in a figure: subscripts and superscripts set smaller and shifted off
//! the baseline, fractions stacked over a bar, sums with their index below, square roots under a
//! bar. The page sends the player's formula as the small tree it renders as MathML
//! (`www/src/math.js`); here the tree becomes positioned texts and lines, so that an SVG, a PNG
//! and every frame of a clip show the same maths the page does. Long formulas wrap before an
//! `=` sign, and shrink only when one part is wider than a line.

use serde::Deserialize;

use super::colormap::Rgb;
use super::scene::{Anchor, Line, Shape, Text};

/// A formula, as `www/src/math.js` builds it: identifiers (`mi`, set in italics when they are
/// one letter), numbers (`mn`), operators (`mo`), words (`mtext`), and the layouts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Formula {
    Mi { v: String },
    Mn { v: String },
    Mo { v: String },
    Mtext { v: String },
    Sub { base: Box<Formula>, sub: Box<Formula> },
    Sup { base: Box<Formula>, sup: Box<Formula> },
    Frac { num: Box<Formula>, den: Box<Formula> },
    Sqrt { body: Box<Formula> },
    Under { base: Box<Formula>, under: Box<Formula> },
    Row { items: Vec<Formula> },
}

/// Scripts are this much smaller than their base.
const SCRIPT: f32 = 0.7;
/// Fractions' parts, relative to the text around them.
const FRACTION: f32 = 0.86;
/// Height of the fraction bar (the maths axis) above the baseline, in ems.
const AXIS: f32 = 0.3;
/// Operators with space on both sides.
const SPACED: [&str; 12] = ["=", "+", "−", "-", "·", "÷", "×", "∘", "≈", "→", "<", ">"];

impl Formula {
    /// The formula as plain text, the way a screen reader reads it (the same as the page's
    /// `mathText`): operators between spaces, scripts after `_` and `^`.
    pub fn text(&self) -> String {
        match self {
            Formula::Mi { v } | Formula::Mn { v } | Formula::Mtext { v } => v.clone(),
            Formula::Mo { v } if [",", "(", ")", "[", "]"].contains(&v.as_str()) => v.clone(),
            Formula::Mo { v } => format!(" {v} "),
            Formula::Sub { base, sub } => format!("{}_{}", base.text().trim(), sub.text().trim()),
            Formula::Sup { base, sup } => format!("{}^{}", base.text().trim(), sup.text().trim()),
            Formula::Frac { num, den } => format!("({}) / ({})", num.text(), den.text()),
            Formula::Sqrt { body } => format!("√({})", body.text()),
            Formula::Under { base, under } => format!(" {}_{} ", base.text().trim(), under.text().trim()),
            Formula::Row { items } => {
                let mut text: String = items.iter().map(Formula::text).collect();
                while text.contains("  ") {
                    text = text.replace("  ", " ");
                }
                text.replace("( ", "(").replace(" )", ")")
            }
        }
    }

    /// The formula's parts at the top level, each `=` starting a new one: where a long formula
    /// may break.
    fn parts(&self) -> Vec<Vec<&Formula>> {
        let items: Vec<&Formula> = match self {
            Formula::Row { items } => items.iter().collect(),
            other => vec![other],
        };
        let mut parts: Vec<Vec<&Formula>> = vec![Vec::new()];
        for item in items {
            let breaks = matches!(item, Formula::Mo { v } if v == "=");
            if breaks && parts.last().is_some_and(|p| !p.is_empty()) {
                parts.push(Vec::new());
            }
            parts.last_mut().expect("one part at least").push(item);
        }
        parts
    }
}

/// A laid-out piece: its width, its extent above and below the baseline, and what it draws,
/// relative to its left end on the baseline (y grows downwards).
#[derive(Debug, Clone, Default)]
struct Boxed {
    width: f32,
    ascent: f32,
    descent: f32,
    glyphs: Vec<Glyph>,
}

#[derive(Debug, Clone)]
enum Glyph {
    Text { x: f32, y: f32, text: String, size: f32, italic: bool },
    Rule { x1: f32, x2: f32, y: f32, width: f32 },
}

/// The width of a character in ems, roughly as the figures' sans-serif family draws it: a
/// formula's narrow letters and wide symbols would otherwise collide or drift apart.
fn char_em(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | '·' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | ' ' => 0.4,
        'm' | 'M' | 'W' => 0.98,
        'w' => 0.82,
        '⋯' | '…' | '∑' => 1.0,
        '−' | '+' | '=' | '÷' | '×' | '<' | '>' | '∈' => 0.84,
        '∘' | '√' => 0.64,
        '0'..='9' => 0.64,
        'A'..='Z' | 'ℝ' => 0.72,
        _ => 0.6,
    }
}

/// The estimated width of a text set at `size`.
fn glyph_width(text: &str, size: f32) -> f32 {
    text.chars().map(char_em).sum::<f32>() * size
}

impl Boxed {
    fn text(text: &str, size: f32, italic: bool, pad: f32) -> Boxed {
        let width = glyph_width(text, size);
        Boxed {
            width: width + 2.0 * pad,
            ascent: 0.75 * size,
            descent: 0.25 * size,
            glyphs: vec![Glyph::Text { x: pad + width / 2.0, y: 0.0, text: text.to_owned(), size, italic }],
        }
    }

    /// `other` drawn at (dx, dy) from this box's origin, the box grown to hold it.
    fn place(&mut self, other: Boxed, dx: f32, dy: f32) {
        self.ascent = self.ascent.max(other.ascent - dy);
        self.descent = self.descent.max(other.descent + dy);
        self.width = self.width.max(dx + other.width);
        self.glyphs.extend(other.glyphs.into_iter().map(|g| match g {
            Glyph::Text { x, y, text, size, italic } => Glyph::Text { x: x + dx, y: y + dy, text, size, italic },
            Glyph::Rule { x1, x2, y, width } => Glyph::Rule { x1: x1 + dx, x2: x2 + dx, y: y + dy, width },
        }));
    }

    fn then(mut self, other: Boxed) -> Boxed {
        let at = self.width;
        self.place(other, at, 0.0);
        self
    }
}

fn lay(node: &Formula, size: f32) -> Boxed {
    match node {
        Formula::Mi { v } => Boxed::text(v, size, v.chars().count() == 1, 0.0),
        Formula::Mn { v } | Formula::Mtext { v } => Boxed::text(v, size, false, 0.0),
        Formula::Mo { v } if SPACED.contains(&v.as_str()) => Boxed::text(v, size, false, 0.24 * size),
        Formula::Mo { v } if v == "," => Boxed::text(v, size, false, 0.0).then(Boxed { width: 0.2 * size, ..Boxed::default() }),
        Formula::Mo { v } if v == "∑" => Boxed::text(v, 1.3 * size, false, 0.08 * size),
        Formula::Mo { v } => Boxed::text(v, size, false, 0.04 * size),
        Formula::Row { items } => items.iter().fold(Boxed::default(), |row, item| row.then(lay(item, size))),
        Formula::Sub { base, sub } => script(lay(base, size), lay(sub, SCRIPT * size), 0.28 * size),
        Formula::Sup { base, sup } => script(lay(base, size), lay(sup, SCRIPT * size), -0.42 * size),
        Formula::Frac { num, den } => {
            let (num, den) = (lay(num, FRACTION * size), lay(den, FRACTION * size));
            let pad = 0.15 * size;
            let width = num.width.max(den.width) + 2.0 * pad;
            let axis = -AXIS * size;
            let gap = 0.18 * size;
            let mut out = Boxed { width, ascent: 0.0, descent: 0.0, glyphs: Vec::new() };
            let (num_dx, den_dx) = ((width - num.width) / 2.0, (width - den.width) / 2.0);
            let num_dy = axis - gap - num.descent;
            let den_dy = axis + gap + den.ascent;
            out.place(num, num_dx, num_dy);
            out.place(den, den_dx, den_dy);
            out.glyphs.push(Glyph::Rule { x1: pad * 0.5, x2: width - pad * 0.5, y: axis, width: (0.06 * size).max(1.0) });
            Boxed { width: width + 0.1 * size, ..out }
        }
        Formula::Sqrt { body } => {
            let body = lay(body, size);
            let radical = Boxed::text("√", size, false, 0.0);
            let top = -body.ascent - 0.12 * size;
            let start = radical.width;
            let mut out = radical;
            let end = start + body.width;
            out.place(body, start, 0.0);
            out.glyphs.push(Glyph::Rule { x1: start - 0.05 * size, x2: end + 0.05 * size, y: top, width: (0.06 * size).max(1.0) });
            out.ascent = out.ascent.max(-top + 0.06 * size);
            out.width = end + 0.1 * size;
            out
        }
        Formula::Under { base, under } => {
            let (base, under) = (lay(base, size), lay(under, SCRIPT * size));
            let width = base.width.max(under.width);
            let mut out = Boxed { width, ..Boxed::default() };
            // A little room after an operator with its index below (∑_k, max_k) before what follows.
            let room = 0.12 * size;
            let under_dy = base.descent + under.ascent * 0.9;
            let (base_dx, under_dx) = ((width - base.width) / 2.0, (width - under.width) / 2.0);
            out.place(base, base_dx, 0.0);
            out.place(under, under_dx, under_dy);
            Boxed { width: width + room, ..out }
        }
    }
}

/// A base with a script to its right, `shift` below the baseline (negative: above).
fn script(base: Boxed, script: Boxed, shift: f32) -> Boxed {
    let mut out = base;
    let at = out.width;
    out.place(script, at, shift);
    out
}

/// A formula laid out to fit `width`: its lines, how tall each is, and the size it was set at.
#[derive(Debug, Clone)]
pub struct Laid {
    lines: Vec<Boxed>,
    pub size: f32,
}

impl Laid {
    /// The width of the widest line.
    pub fn width(&self) -> f32 {
        self.lines.iter().map(|l| l.width).fold(0.0, f32::max)
    }

    /// The height of all lines with `gap` between them.
    pub fn height(&self, gap: f32) -> f32 {
        self.lines.iter().map(|l| l.ascent + l.descent).sum::<f32>() + gap * self.lines.len().saturating_sub(1) as f32
    }

    /// The shapes that draw the formula with its top-left corner at (x, y), lines after the first
    /// indented by `indent`.
    pub fn shapes(&self, x: f32, y: f32, gap: f32, indent: f32, ink: Rgb) -> Vec<Shape> {
        let mut out = Vec::new();
        let mut top = y;
        for (n, line) in self.lines.iter().enumerate() {
            let left = x + if n == 0 { 0.0 } else { indent };
            let baseline = top + line.ascent;
            for glyph in &line.glyphs {
                match glyph {
                    Glyph::Text { x: gx, y: gy, text, size, italic } => {
                        // A text's y is its middle: about a third of its size above the baseline.
                        let middle = baseline + gy - 0.35 * size;
                        // Centred in the box its width was estimated for, so an estimate's error
                        // falls on both sides.
                        let glyph = Text::new(left + gx, middle, text.clone(), *size, ink).anchor(Anchor::Middle);
                        out.push(Shape::Text(glyph.italic(*italic)));
                    }
                    Glyph::Rule { x1, x2, y: gy, width } => out.push(Shape::Line(Line {
                        x1: left + x1,
                        y1: baseline + gy,
                        x2: left + x2,
                        y2: baseline + gy,
                        stroke: ink,
                        width: *width,
                        opacity: 1.0,
                    })),
                }
            }
            top = baseline + line.descent + gap;
        }
        out
    }
}

/// Lays out `formula` at `size` in lines at most `width` wide: it breaks before an `=` (the
/// lines after the first indented by `indent`), and only when a part is wider than a line on its
/// own is the whole set smaller, down to `min_size`.
pub fn layout(formula: &Formula, size: f32, min_size: f32, width: f32, indent: f32) -> Laid {
    let mut size = size;
    loop {
        let parts: Vec<Boxed> = formula
            .parts()
            .into_iter()
            .map(|part| part.into_iter().fold(Boxed::default(), |row, item| row.then(lay(item, size))))
            .collect();
        let widest = parts.iter().map(|p| p.width).fold(0.0, f32::max);
        if widest > width - indent && size > min_size {
            size = (size * (width - indent) / widest).max(min_size).min(size - 0.5);
            continue;
        }
        let mut lines: Vec<Boxed> = Vec::new();
        for part in parts {
            let room = if lines.is_empty() { width } else { width - indent };
            match lines.last_mut() {
                Some(line) if line.width + part.width <= room => {
                    let at = line.width;
                    line.place(part, at, 0.0);
                }
                _ => lines.push(part),
            }
        }
        return Laid { lines, size };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Formula {
        serde_json::from_value(json).unwrap()
    }

    fn mi(v: &str) -> serde_json::Value {
        serde_json::json!({ "t": "mi", "v": v })
    }

    fn mo(v: &str) -> serde_json::Value {
        serde_json::json!({ "t": "mo", "v": v })
    }

    fn mn(v: &str) -> serde_json::Value {
        serde_json::json!({ "t": "mn", "v": v })
    }

    fn sub(base: &str, s: &str) -> serde_json::Value {
        serde_json::json!({ "t": "sub", "base": mi(base), "sub": mi(s) })
    }

    /// w_ij = e_ij / Σ_k e_ik = 0.5 / 2 = 0.25, as the page sends it.
    fn softmax() -> Formula {
        let sum = serde_json::json!({ "t": "row", "items": [{ "t": "under", "base": mo("∑"), "under": mi("k") }, sub("e", "k")] });
        parse(serde_json::json!({ "t": "row", "items": [
            sub("w", "j"), mo("="), { "t": "frac", "num": sub("e", "j"), "den": sum }, mo("="),
            { "t": "frac", "num": mn("0.500"), "den": mn("2.000") }, mo("="), mn("0.250"),
        ] }))
    }

    fn texts(shapes: &[Shape]) -> Vec<&Text> {
        shapes.iter().filter_map(|s| if let Shape::Text(t) = s { Some(t) } else { None }).collect()
    }

    #[test]
    fn scripts_are_smaller_and_off_the_baseline_and_fractions_stack_over_a_bar() {
        let laid = layout(&softmax(), 16.0, 9.0, 2000.0, 20.0);
        assert_eq!(laid.size, 16.0);
        let shapes = laid.shapes(0.0, 0.0, 6.0, 20.0, Rgb(0, 0, 0));
        let texts = texts(&shapes);
        let find = |s: &str| texts.iter().copied().filter(|t| t.text == s).collect::<Vec<_>>();
        let w = find("w")[0];
        let j = find("j");
        assert!(w.italic && (j[0].size - 16.0 * SCRIPT).abs() < 1e-4 && j[0].y > w.y, "a subscript is smaller and lower");
        let e = find("e");
        let sum = find("∑")[0];
        assert!(e[0].y < sum.y, "the numerator above the denominator");
        assert!(find("k").iter().any(|k| k.y > sum.y), "the sum's index below it");
        let bars: Vec<&Line> = shapes.iter().filter_map(|s| if let Shape::Line(l) = s { Some(l) } else { None }).collect();
        assert_eq!(bars.len(), 2, "a bar per fraction");
        let (num, den) = (find("0.500")[0], find("2.000")[0]);
        assert!(num.y < bars[1].y1 && den.y > bars[1].y1, "{num:?} {den:?} {:?}", bars[1]);
        assert!(texts.iter().all(|t| !t.text.contains('(') && !t.text.contains('_')), "no plain-text fallback");
        assert_eq!(softmax().text(), "w_j = (e_j) / (∑_k e_k) = (0.500) / (2.000) = 0.250");
    }

    #[test]
    fn long_formulas_wrap_before_an_equals_sign_and_shrink_only_when_a_part_cannot_fit() {
        let one = layout(&softmax(), 16.0, 9.0, 2000.0, 20.0);
        let narrow = layout(&softmax(), 16.0, 9.0, 150.0, 20.0);
        assert_eq!(one.lines.len(), 1);
        assert!(narrow.lines.len() > 1 && narrow.height(6.0) > one.height(6.0));
        assert!(narrow.lines.iter().all(|l| l.width <= 150.0 + 1e-3), "{:?}", narrow.lines.iter().map(|l| l.width).collect::<Vec<_>>());
        let shapes = narrow.shapes(10.0, 0.0, 6.0, 20.0, Rgb(0, 0, 0));
        let equals: Vec<&Text> = texts(&shapes).into_iter().filter(|t| t.text == "=").collect();
        // Each glyph is centred in its box: the = sign's box starts after its space.
        let starts = equals.iter().filter(|t| (t.x - (10.0 + 20.0 + 0.24 * 16.0 + glyph_width("=", 16.0) / 2.0)).abs() < 1e-3).count();
        assert_eq!(starts, narrow.lines.len() - 1, "each later line starts with an = sign, indented");
        let tiny = layout(&softmax(), 16.0, 9.0, 40.0, 0.0);
        assert!(tiny.size < 16.0 && tiny.size >= 9.0);
    }

    #[test]
    fn malformed_formulas_are_refused_by_the_reader() {
        let bad: Result<Formula, _> = serde_json::from_value(serde_json::json!({ "t": "frac", "num": mi("a") }));
        assert!(bad.unwrap_err().to_string().contains("den"));
    }
}
