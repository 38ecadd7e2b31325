// Generated from src/render/design.rs by tests/generated_design.rs: do not edit.
// UPDATE_GENERATED=1 cargo test --test generated_design rewrites this file.

/** Viridis at t = 0, 1/32, …, 1 as [r, g, b] bytes; colours between are interpolated linearly. */
export const VIRIDIS = Object.freeze([
  [68, 1, 84],
  [71, 13, 96],
  [72, 24, 106],
  [72, 35, 116],
  [71, 45, 123],
  [69, 55, 129],
  [66, 64, 134],
  [62, 73, 137],
  [59, 82, 139],
  [55, 91, 141],
  [51, 99, 141],
  [47, 107, 142],
  [44, 114, 142],
  [41, 122, 142],
  [38, 130, 142],
  [35, 137, 142],
  [33, 145, 140],
  [31, 151, 139],
  [31, 159, 136],
  [33, 166, 133],
  [39, 173, 129],
  [49, 181, 123],
  [61, 188, 116],
  [76, 194, 108],
  [92, 200, 99],
  [110, 206, 88],
  [129, 211, 77],
  [149, 216, 64],
  [170, 220, 50],
  [192, 223, 37],
  [213, 226, 26],
  [234, 229, 26],
  [253, 231, 37],
]);

/** The diverging scale of a difference of weights, −1 to +1 at t = −1, −0.75, …, +1, as [r, g, b] bytes: blue where B gives less than A, red where it gives more. */
export const DIVERGING = Object.freeze([
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
]);

/** Okabe & Ito's colours for heads, in order; heads beyond the last reuse them. */
export const HEAD_COLOURS = Object.freeze(['#0072b2', '#e69f00', '#009e73', '#d55e00', '#56b4e9', '#cc79a7', '#f0e442', '#999999']);

/** The colours of figures (the light theme). */
export const PAPER = Object.freeze({
  background: '#ffffff',
  ink: '#1d2330',
  ink2: '#4a5263',
  ink3: '#6b7385',
  line: '#dcdcd5',
  surface2: '#f0f0ec',
  masked: '#d9d9d3',
  maskedMark: '#9b9b92',
  accent: '#2f5bd3',
  accentInk: '#ffffff',
  accentSoft: '#e4ebfc',
  lightText: '#f3f4f8',
});

/** Generic families only: a figure must look right on any machine. */
export const FONT_FAMILY = 'system-ui, sans-serif';

/** Formulas and the numbers of the player's table. */
export const MONO_FAMILY = 'ui-monospace, monospace';

/** Text on a cell whose weight is below this fraction of the scale's top is light. */
export const LIGHT_TEXT_BELOW = 0.6;

/** Weights below this are not drawn as lines. */
export const MIN_WEIGHT = 0.01;

/** A line's opacity is this times its weight over the largest weight drawn (at most 1). */
export const LINE_OPACITY = 0.95;

/** A line's width is this many pixels… */
export const LINE_WIDTH = 1.5;

/** …plus this many times its weight over the largest weight drawn. */
export const LINE_WIDTH_GROWTH = 4;

/** Most tokens on either side of the lines view. */
export const LINES_TOKEN_LIMIT = 256;

/** Most lines drawn at once. */
export const LINES_LIMIT = 20000;

/** Height of one token's row in the lines view, in CSS pixels. */
export const ROW = 26;

/** Longest token label on a heatmap's axes, in characters. */
export const HEATMAP_LABEL = 14;

/** Longest token label in the lines view and the player's table, in characters. */
export const LINES_LABEL = 18;

/** Longest token quoted in a title or a sentence, in characters. */
export const QUOTE_LABEL = 24;

/** Steps of a colour legend's ramp. */
export const LEGEND_STEPS = 48;

/** The diagonal stroke of a masked cell stays this far inside the cell. */
export const MASK_MARK_INSET = 2;

/** More cells than this make an SVG too heavy for slides. */
export const SVG_CELL_LIMIT = 65536;
