// The step-by-step story of one query: which stage comes when, with which numbers,
// explained in one sentence and announced in words. Pure module: no DOM access.
//
// For a query with K keys the timeline has 2K + 5 steps:
//   K × score (q·k_j, key by key) · scale · mask · exp · normalise (softmax)
//   · K × weigh (w_ij · v_j, key by key) · output.

import { formatNumber, formatWeight, quoteToken } from './format.js';
import { frac, mi, mn, mo, mtext, operand, row, signedSum, sqrt, sub, under, vector } from './math.js';

/** @typedef {import('./types').Breakdown} QueryBreakdown */
/** @typedef {import('./types').Token} TokenInfo */
/** @typedef {import('./types').ScoreKind} ScoreName */
/** @typedef {import('./math.js').MathNode} MathNode */

/** @typedef {'score' | 'scale' | 'mask' | 'exp' | 'normalise' | 'weigh' | 'output'} StageKind */

/** One step of the player at speed 1×, in milliseconds. */
export const STEP_MS = 650;

/** The stages in the order they happen; the per-key ones walk over every key. */
export const STAGES = /** @type {const} */ (['score', 'scale', 'mask', 'exp', 'normalise', 'weigh', 'output']);

/** Short names for the stage picker and the player's rows. */
export const STAGE_LABELS = {
  score: 'Score',
  scale: 'Scale',
  mask: 'Mask',
  exp: 'Exp',
  normalise: 'Softmax',
  weigh: 'Weigh values',
  output: 'Output',
};

/** @typedef {{ kind: StageKind, key: number | null }} Step */

/** @param {number} keys */
export function stepCount(keys) {
  return 2 * keys + 5;
}

/**
 * @param {number} keys  how many keys the query attends over (≥ 1)
 * @param {number} index  0 ≤ index < stepCount(keys); clamped otherwise
 * @returns {Step}
 */
export function stepAt(keys, index) {
  const i = clampStep(keys, index);
  if (i < keys) return { kind: 'score', key: i };
  const rowWide = /** @type {const} */ (['scale', 'mask', 'exp', 'normalise']);
  if (i < keys + rowWide.length) return { kind: rowWide[i - keys], key: null };
  const weighStart = keys + rowWide.length;
  if (i < weighStart + keys) return { kind: 'weigh', key: i - weighStart };
  return { kind: 'output', key: null };
}

/**
 * The first step of a stage.
 * @param {number} keys
 * @param {StageKind} kind
 */
export function stageStart(keys, kind) {
  const starts = { score: 0, scale: keys, mask: keys + 1, exp: keys + 2, normalise: keys + 3, weigh: keys + 4, output: 2 * keys + 4 };
  return starts[kind];
}

/**
 * @param {number} keys
 * @param {number} index
 */
export function clampStep(keys, index) {
  const last = stepCount(keys) - 1;
  if (!Number.isFinite(index)) return 0;
  return Math.min(last, Math.max(0, Math.trunc(index)));
}

/**
 * Where the player goes from (query, step) when stepping by `direction`; runs across queries,
 * so playing fills the attention matrix row by row. Null past either end.
 * @param {{ query: number, step: number }} at
 * @param {1 | -1} direction
 * @param {number} queries
 * @param {number} keys
 * @returns {{ query: number, step: number } | null}
 */
export function advance(at, direction, queries, keys) {
  const step = clampStep(keys, at.step) + direction;
  if (step >= 0 && step < stepCount(keys)) return { query: at.query, step };
  const query = at.query + direction;
  if (query < 0 || query >= queries) return null;
  return { query, step: direction === 1 ? 0 : stepCount(keys) - 1 };
}

/**
 * Which stage of the query's row has been computed at a step, key by key: the player's table
 * reveals a cell once this is true.
 * @param {number} keys
 * @param {number} stepIndex
 * @param {StageKind} kind
 * @param {number} key
 */
export function isRevealed(keys, stepIndex, kind, key) {
  const step = clampStep(keys, stepIndex);
  const start = stageStart(keys, kind);
  if (kind === 'score' || kind === 'weigh') return step >= start + key;
  return step >= start;
}

/**
 * The key a row-wide stage uses to show its formula with real numbers: the first masked key for
 * the mask stage (when there is one), otherwise the key with the largest weight.
 * @param {QueryBreakdown} b
 * @param {StageKind} kind
 */
export function exampleKey(b, kind) {
  if (kind === 'mask') {
    const masked = b.allowed.indexOf(0);
    if (masked >= 0) return masked;
  }
  let best = 0;
  for (let j = 1; j < b.keys; j += 1) if (b.weights[j] > b.weights[best]) best = j;
  return best;
}

/**
 * @typedef {Object} StepStory
 * @property {Step} step
 * @property {number} key          the key whose numbers the formula shows
 * @property {string} title
 * @property {string} explanation  one sentence
 * @property {MathNode} formula    with the live numbers of this step
 * @property {string} announcement what a screen reader hears
 */

/**
 * @param {QueryBreakdown} b
 * @param {number} stepIndex
 * @param {{ query: TokenInfo, keys: TokenInfo[], score: ScoreName }} context
 * @returns {StepStory}
 */
export function describeStep(b, stepIndex, context) {
  const step = stepAt(b.keys, stepIndex);
  const key = step.key ?? exampleKey(b, step.kind);
  const q = quoteToken(context.query.text);
  const k = quoteToken(context.keys[key]?.text ?? `#${key}`);
  const ij = row(mi('i'), mi('j'));
  const s = sub('s', ij);
  const scaled = sub('ŝ', ij);
  const m = sub('m', ij);
  const e = sub('e', ij);
  const w = sub('w', ij);
  const sumK = under(mo('∑'), mi('k'));
  const title = `${STAGE_LABELS[step.kind]}${step.key === null ? '' : ` · key ${key + 1} of ${b.keys}`}`;
  const gives = `${q} gives ${formatWeight(b.weights[key])} of its attention to ${k}.`;

  switch (step.kind) {
    case 'score': {
      const terms = b.terms.subarray(key * b.termLen, (key + 1) * b.termLen);
      return {
        step,
        key,
        title,
        explanation: `${scoreSentence(context.score, q, k)}`,
        formula: row(s, mo('='), under(mo('∑'), mtext(b.termLabel)), mo('='), signedSum(terms), mo('='), mn(b.scores[key])),
        announcement: `Score of ${q} with ${k}: ${formatNumber(b.scores[key])}.`,
      };
    }
    case 'scale': {
      const factor = b.scale === 1 ? [] : [mo('·'), frac(mn(1, 0), sqrt(row(sub('d', 'k'))))];
      const temperature = b.temperature === 1 ? [] : [mo('÷'), mi('τ')];
      const factorValue = b.scale === 1 ? [] : [mo('·'), mn(b.scale)];
      const temperatureValue = b.temperature === 1 ? [] : [mo('÷'), mn(b.temperature)];
      const scaling = b.scale === 1
        ? 'Scaling is off, so the scores stay as they are'
        : `Dividing by √d_k = √${b.dK} keeps scores from growing with the vector size, so the softmax does not saturate`;
      const heat = b.temperature === 1 ? '.' : `; dividing by the temperature ${formatNumber(b.temperature)} ${b.temperature > 1 ? 'flattens' : 'sharpens'} the weights.`;
      return {
        step,
        key,
        title,
        explanation: `${scaling}${heat}`,
        formula: row(scaled, mo('='), s, ...factor, ...temperature, mo('='), operand(b.scores[key]), ...factorValue, ...temperatureValue, mo('='), mn(b.scaled[key])),
        announcement: `Every score is scaled; for ${k}: ${formatNumber(b.scores[key])} becomes ${formatNumber(b.scaled[key])}.`,
      };
    }
    case 'mask': {
      const blocked = b.keys - b.allowed.reduce((sum, a) => sum + a, 0);
      const allowed = b.allowed[key] === 1;
      return {
        step,
        key,
        title,
        explanation: blocked === 0
          ? 'No mask applies here: every key stays visible to this query.'
          : `Masked keys get −∞, so they will receive exactly zero attention (${blocked} of ${b.keys} here).`,
        formula: allowed
          ? row(m, mo('='), scaled, mo('='), mn(b.masked[key]))
          : row(m, mo('='), mn(-Infinity), mtext(`  (${k} is masked)`)),
        announcement: blocked === 0 ? 'No key is masked.' : `${blocked} of ${b.keys} keys are masked, including ${quoteToken(context.keys[b.allowed.indexOf(0)]?.text ?? '')}.`,
      };
    }
    case 'exp': {
      const maxM = under(mi('max'), mi('k'));
      return {
        step,
        key,
        title,
        explanation: b.fullyMasked
          ? 'Every key is masked, so every exponential is 0.'
          : `exp turns scores into positive numbers; subtracting the largest score (${formatNumber(b.max)}) first avoids overflow without changing the result.`,
        formula: row(e, mo('='), mi('exp'), mo('('), m, mo('−'), maxM, sub('m', row(mi('i'), mi('k'))), mo(')'), mo('='),
          mi('exp'), mo('('), operand(b.masked[key]), mo('−'), operand(b.max), mo(')'), mo('='), mn(b.exp[key])),
        announcement: `Exponentials computed; for ${k}: ${formatNumber(b.exp[key])}.`,
      };
    }
    case 'normalise': {
      return {
        step,
        key,
        title,
        explanation: b.fullyMasked
          ? 'With every key masked there is nothing to share: all weights are 0 and the output is zero.'
          : 'Dividing by the sum makes the weights add up to 1: together with exp this is the softmax.',
        formula: row(w, mo('='), frac(e, row(sumK, sub('e', row(mi('i'), mi('k'))))), mo('='), frac(mn(b.exp[key]), mn(b.sumExp)), mo('='), mn(b.weights[key])),
        announcement: b.fullyMasked ? `${q} attends to nothing: every key is masked.` : gives,
      };
    }
    case 'weigh': {
      const values = b.values.subarray(key * b.dV, (key + 1) * b.dV);
      const weighted = b.weighted.subarray(key * b.dV, (key + 1) * b.dV);
      return {
        step,
        key,
        title,
        explanation: `The value vector of ${k} is scaled by its weight ${formatWeight(b.weights[key])} and added to the output.`,
        formula: row(w, sub('v', 'j'), mo('='), mn(b.weights[key]), mo('·'), vector(values), mo('='), vector(weighted)),
        announcement: gives,
      };
    }
    case 'output': {
      return {
        step,
        key,
        title,
        explanation: `Adding up the weighted values gives the output: a new vector for ${q} that mixes in what it attended to.`,
        formula: row(sub('o', 'i'), mo('='), under(mo('∑'), mi('j')), w, sub('v', 'j'), mo('='), vector(b.output)),
        announcement: `The output for ${q} is the weighted sum of ${b.keys} value vectors.`,
      };
    }
  }
}

/**
 * @param {ScoreName} score
 * @param {string} q
 * @param {string} k
 */
function scoreSentence(score, q, k) {
  switch (score) {
    case 'dot':
      return `How well does ${q} match ${k}? Multiply their query and key vectors coordinate by coordinate and add up.`;
    case 'general':
      return `How well does ${q} match ${k}? A learned matrix W relates them: the terms of q·W·k add up to the score.`;
    case 'cosine':
      return `How well does ${q} match ${k}? The vectors are made unit length first, so the score is the cosine of their angle.`;
    case 'additive':
      return `How well does ${q} match ${k}? A small network compares them: the terms of vₐ·tanh(W₁q + W₂k) add up to the score.`;
  }
}
