// The step-by-step story of one query: which stage comes when, with which numbers,
// explained in one sentence and announced in words. Pure module: no DOM access.
//
// For a query with K keys the timeline has 2K + 5 steps:
//   K × score (q·k_j, key by key) · scale · mask · exp · normalise (softmax)
//   · K × weigh (w_ij · v_j, key by key) · output.
// A decoder's decoding step adds one: predict (the softmax over the vocabulary and the token
// chosen), and its new query walks only the keys that exist yet (the cached ones and its own).

import { formatNumber, formatWeight, quoteToken } from './format.js';
import { frac, mi, mn, mo, mtext, operand, row, signedSum, sqrt, sub, under, vector } from './math.js';

/** @typedef {import('./types').Breakdown} QueryBreakdown */
/** @typedef {import('./types').Token} TokenInfo */
/** @typedef {import('./types').ScoreKind} ScoreName */
/** @typedef {import('./math.js').MathNode} MathNode */

/** @typedef {'score' | 'scale' | 'mask' | 'exp' | 'normalise' | 'weigh' | 'output' | 'predict'} StageKind */

/**
 * The shape of one query's story: how many keys it walks, and whether it ends by choosing the
 * next token (a decoding step).
 * @typedef {{ keys: number, predict: boolean }} Row
 */

/** One step of the player at speed 1×, in milliseconds. */
export const STEP_MS = 650;

/** The stages in the order they happen; the per-key ones walk over every key. */
export const STAGES = /** @type {const} */ (['score', 'scale', 'mask', 'exp', 'normalise', 'weigh', 'output']);

/** A decoding step's stages: the attention's, then the choice of the next token. */
export const DECODING_STAGES = /** @type {const} */ ([...STAGES, 'predict']);

/**
 * The stages of a query's story.
 * @param {boolean} predict
 * @returns {readonly StageKind[]}
 */
export function stagesOf(predict) {
  return predict ? DECODING_STAGES : STAGES;
}

/** Short names for the stage picker and the player's rows. */
export const STAGE_LABELS = {
  score: 'Score',
  scale: 'Scale',
  mask: 'Mask',
  exp: 'Exp',
  normalise: 'Softmax',
  weigh: 'Weigh values',
  output: 'Output',
  predict: 'Next token',
};

/** @typedef {{ kind: StageKind, key: number | null }} Step */

/**
 * @param {number} keys
 * @param {boolean} [predict]  the story ends with the choice of the next token
 */
export function stepCount(keys, predict = false) {
  return 2 * keys + 5 + (predict ? 1 : 0);
}

/**
 * @param {number} keys  how many keys the query attends over (≥ 1)
 * @param {number} index  0 ≤ index < stepCount(keys); clamped otherwise
 * @param {boolean} [predict]
 * @returns {Step}
 */
export function stepAt(keys, index, predict = false) {
  const i = clampStep(keys, index, predict);
  if (i < keys) return { kind: 'score', key: i };
  const rowWide = /** @type {const} */ (['scale', 'mask', 'exp', 'normalise']);
  if (i < keys + rowWide.length) return { kind: rowWide[i - keys], key: null };
  const weighStart = keys + rowWide.length;
  if (i < weighStart + keys) return { kind: 'weigh', key: i - weighStart };
  if (i === 2 * keys + 4) return { kind: 'output', key: null };
  return { kind: 'predict', key: null };
}

/**
 * The first step of a stage.
 * @param {number} keys
 * @param {StageKind} kind
 */
export function stageStart(keys, kind) {
  const starts = { score: 0, scale: keys, mask: keys + 1, exp: keys + 2, normalise: keys + 3, weigh: keys + 4, output: 2 * keys + 4, predict: 2 * keys + 5 };
  return starts[kind];
}

/**
 * @param {number} keys
 * @param {number} index
 * @param {boolean} [predict]
 */
export function clampStep(keys, index, predict = false) {
  const last = stepCount(keys, predict) - 1;
  if (!Number.isFinite(index)) return 0;
  return Math.min(last, Math.max(0, Math.trunc(index)));
}

/**
 * The same moment of the story in another row: the same stage (and key, where it still
 * exists); a row without the choice of the next token ends at its output.
 * @param {Row} from
 * @param {Row} to
 * @param {number} step
 */
export function sameMoment(from, to, step) {
  const at = stepAt(from.keys, step, from.predict);
  const kind = at.kind === 'predict' && !to.predict ? 'output' : at.kind;
  return stageStart(to.keys, kind) + (at.key === null ? 0 : Math.min(at.key, to.keys - 1));
}

/**
 * Where the player goes from (query, step) when stepping by `direction`; runs across queries,
 * so playing fills the attention matrix row by row. Null past either end.
 * @param {{ query: number, step: number }} at
 * @param {1 | -1} direction
 * @param {number} queries
 * @param {number | ((query: number) => Row)} keys  every query's key count, or each query's row
 * @returns {{ query: number, step: number } | null}
 */
export function advance(at, direction, queries, keys) {
  const rowOf = typeof keys === 'number' ? () => ({ keys, predict: false }) : keys;
  const here = rowOf(at.query);
  const step = clampStep(here.keys, at.step, here.predict) + direction;
  if (step >= 0 && step < stepCount(here.keys, here.predict)) return { query: at.query, step };
  const query = at.query + direction;
  if (query < 0 || query >= queries) return null;
  const next = rowOf(query);
  return { query, step: direction === 1 ? 0 : stepCount(next.keys, next.predict) - 1 };
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
  const step = clampStep(keys, stepIndex, true);
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
 * A candidate for the next token, its text readable.
 * @typedef {{ id: number, text: string, probability: number }} NextToken
 */

/**
 * What a decoding step adds to its story: the keys and values of the earlier tokens come from
 * the cache, and the story ends with the choice of the next token.
 * @typedef {Object} Decoding
 * @property {number} index      the step, from 0
 * @property {number} count      how many tokens were generated
 * @property {NextToken[]} top   the most probable next tokens, most probable first
 * @property {NextToken} chosen
 * @property {number} vocabSize
 * @property {string} how        how the token was chosen, ending a sentence: "greedy decoding
 *   takes the most probable"
 */

/**
 * @param {QueryBreakdown} b
 * @param {number} stepIndex
 * @param {{ query: TokenInfo, keys: TokenInfo[], score: ScoreName, decoding?: Decoding | null, cross?: boolean, cache?: boolean }} context
 *   `cross`: a translation's cross-attention, whose query is the decoder's state s and whose keys
 *   and values are the encoder's states h of the source tokens; `cache: false`: a decoding step
 *   shown on its whole row (a translation's), whose keys are not told as the key/value cache's
 * @returns {StepStory}
 */
export function describeStep(b, stepIndex, context) {
  const decoding = context.decoding ?? null;
  const cross = context.cross ?? false;
  const step = stepAt(b.keys, stepIndex, decoding !== null);
  const key = step.key ?? exampleKey(b, step.kind);
  const q = cross ? `the decoder state s (writing ${quoteToken(context.query.text)})` : quoteToken(context.query.text);
  const k = cross ? `the encoder state h of ${quoteToken(context.keys[key]?.text ?? `#${key}`)}` : quoteToken(context.keys[key]?.text ?? `#${key}`);
  const ij = row(mi('i'), mi('j'));
  const s = sub('s', ij);
  const scaled = sub('ŝ', ij);
  const m = sub('m', ij);
  const e = sub('e', ij);
  const w = sub('w', ij);
  const sumK = under(mo('∑'), mi('k'));
  const title = `${STAGE_LABELS[step.kind]}${step.key === null ? '' : ` · key ${key + 1} of ${b.keys}`}`;
  const gives = `${q} gives ${formatWeight(b.weights[key])} of its attention to ${k}.`;
  const newest = b.keys - 1;
  /** Where a decoding step's key or value vector comes from. */
  const cached = (/** @type {'key' | 'value'} */ what) => (!decoding || cross || context.cache === false ? ''
    : key === newest ? ` ${q} is the new token: its ${what} is computed now and joins the key/value cache.`
      : ` The ${what} of ${k} is not computed again: it comes from the key/value cache, kept since ${k} was new.`);

  switch (step.kind) {
    case 'score': {
      const terms = b.terms.subarray(key * b.termLen, (key + 1) * b.termLen);
      return {
        step,
        key,
        title,
        explanation: `${cross && context.score === 'additive' ? additiveCrossSentence(q, k) : scoreSentence(context.score, q, k)}${cached('key')}`,
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
        explanation: `The value vector of ${k} is scaled by its weight ${formatWeight(b.weights[key])} and added to the output.${cached('value')}`,
        formula: row(w, sub('v', 'j'), mo('='), mn(b.weights[key]), mo('·'), vector(values), mo('='), vector(weighted)),
        announcement: gives,
      };
    }
    case 'output': {
      if (cross) {
        return {
          step,
          key,
          title,
          explanation: `Adding up the weighted values gives the context vector: what the decoder reads from the source at this step${decoding ? `, before it writes ${quoteToken(decoding.chosen.text)}` : ''}.`,
          formula: row(sub('c', 'i'), mo('='), under(mo('∑'), mi('j')), w, sub('v', 'j'), mo('='), vector(b.output)),
          announcement: `The context vector is the weighted sum of the ${b.keys} encoder states' values.`,
        };
      }
      return {
        step,
        key,
        title,
        explanation: `Adding up the weighted values gives the output: a new vector for ${q} that mixes in what it attended to.`,
        formula: row(sub('o', 'i'), mo('='), under(mo('∑'), mi('j')), w, sub('v', 'j'), mo('='), vector(b.output)),
        announcement: `The output for ${q} is the weighted sum of ${b.keys} value vectors.`,
      };
    }
    case 'predict': {
      const next = decoding ?? { index: 0, count: 1, top: [], chosen: { id: 0, text: '', probability: 0 }, vocabSize: 0, how: '' };
      const chosen = quoteToken(next.chosen.text);
      const z = (/** @type {string} */ t) => sub('z', t);
      return {
        step,
        key,
        title: `${STAGE_LABELS.predict} · step ${next.index + 1} of ${next.count}`,
        explanation: `${cross
          ? `The decoder combines its state with the context vector and scores every entry of the target vocabulary: ${next.vocabSize.toLocaleString('en')} scores (logits)`
          : `After the last layer, the vector of ${q} is compared with every entry of the vocabulary: ${next.vocabSize.toLocaleString('en')} scores (logits)`}, whose softmax is the distribution of the next token. ${capitalisedFirst(next.how)}: ${chosen}, with probability ${formatWeight(next.chosen.probability)}.`,
        formula: row(mi('P'), mo('('), mtext(chosen), mo(')'), mo('='), frac(row(mi('exp'), mo('('), z('t'), mo(')')), row(under(mo('∑'), mi('u')), mi('exp'), mo('('), z('u'), mo(')'))), mo('='), mn(next.chosen.probability)),
        announcement: `Decoding step ${next.index + 1}: the next token is ${chosen}, probability ${formatWeight(next.chosen.probability)}.`,
      };
    }
  }
}

/** @param {string} text */
function capitalisedFirst(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The additive (Bahdanau) score of a translation's cross-attention, stage by stage.
 * @param {string} q  the decoder state
 * @param {string} k  the encoder state
 */
function additiveCrossSentence(q, k) {
  return `How well does ${q} match ${k}? The additive score: W s (the decoder state through W) and U h (the encoder state through U) are added with the bias b, tanh squashes each unit to −1…1, and the dot with v weighs the units: the terms of v ∘ tanh(W s + U h + b) add up to the score.`;
}

/**
 * What a translation's decoding step is, told above the player: its query and where its keys
 * and values come from.
 * @param {'cross' | 'causal' | 'self'} kind  the block's
 * @param {Decoding} decoding
 * @param {string} written  the token the step writes, quoted
 */
export function translationStepNote(kind, decoding, written) {
  const at = `Step ${decoding.index + 1} writes ${written}.`;
  if (kind === 'causal') {
    return `${at} The decoder's self-attention is causal: its query, at the newest target position, sees the target tokens written so far and none after.`;
  }
  return `${at} Its query is the decoder's state s after the tokens written so far; the keys and values come from the encoder's states h, one per source token, computed once for the whole source.`;
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
