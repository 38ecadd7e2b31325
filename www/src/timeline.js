// The step-by-step story of one query: which stage comes when, with which numbers,
// explained in one sentence and announced in words. Pure module: no DOM access.
//
// For a query with K keys the timeline has 2K + 8 steps:
//   query · key · value (q = x·W_Q, k = x·W_K, v = x·W_V) · K × score (q·k_j, key by key) · scale
//   · mask · exp · normalise (softmax) · K × weigh (w_ij · v_j, key by key) · output.
// A block with several heads adds one: combine (the heads' outputs side by side, times W_O). A
// decoder's decoding step adds one more: predict (the softmax over the vocabulary and the token
// chosen), and its new query walks only the keys that exist yet (the cached ones and its own).
// The row-wide stages show their formula for one key: the one the reader picked, else the key the
// story is at (the first before the scores, the last one allowed after them).

import { formatNumber, formatWeight, quoteToken } from './format.js';
import { frac, mi, mn, mo, mtext, operand, row, signedSum, sqrt, sub, sup, under, vector } from './math.js';

/** @typedef {import('./types').Breakdown} QueryBreakdown */
/** @typedef {import('./types').Token} TokenInfo */
/** @typedef {import('./types').ScoreKind} ScoreName */
/** @typedef {import('./math.js').MathNode} MathNode */

/** @typedef {'query' | 'key' | 'value' | 'score' | 'scale' | 'mask' | 'exp' | 'normalise' | 'weigh' | 'output' | 'combine' | 'predict'} StageKind */

/**
 * The shape of one query's story: how many keys it walks, whether its block has several heads
 * whose outputs are combined by W_O, and whether it ends by choosing the next token (a decoding
 * step).
 * @typedef {{ keys: number, predict: boolean, combine?: boolean }} Row
 */

/** One step of the player at speed 1×, in milliseconds. */
export const STEP_MS = 650;

/** The stages every query's story has, in the order they happen; score and weigh walk every key. */
export const STAGES = /** @type {const} */ (['query', 'key', 'value', 'score', 'scale', 'mask', 'exp', 'normalise', 'weigh', 'output']);

/** Every stage a story can have: a multi-head block's combination, a decoding step's choice. */
export const DECODING_STAGES = /** @type {const} */ ([...STAGES, 'combine', 'predict']);

/** The stages that take one step per key. */
const PER_KEY = new Set(['score', 'weigh']);

/** The most steps a story has (for links): 2K + 10 at the largest K. */
export const maxSteps = (/** @type {number} */ keys) => 2 * keys + 10;

/**
 * The stages of a query's story.
 * @param {Row} at
 * @returns {readonly StageKind[]}
 */
export function stagesOf(at) {
  return DECODING_STAGES.filter((kind) => (kind === 'combine' ? at.combine === true : kind === 'predict' ? at.predict : true));
}

/** Short names for the stage picker and the player's rows. */
export const STAGE_LABELS = {
  query: 'Query q',
  key: 'Key k',
  value: 'Value v',
  score: 'Score',
  scale: 'Scale',
  mask: 'Mask',
  exp: 'Exp',
  normalise: 'Softmax',
  weigh: 'Weigh values',
  output: 'Output',
  combine: 'Heads · W_O',
  predict: 'Next token',
};

/** @typedef {{ kind: StageKind, key: number | null }} Step */

/**
 * Where each stage of a row starts and how many steps it takes.
 * @param {Row} at
 */
function spans(at) {
  let start = 0;
  return stagesOf(at).map((kind) => {
    const length = PER_KEY.has(kind) ? at.keys : 1;
    const span = { kind, start, length };
    start += length;
    return span;
  });
}

/** @param {Row} at */
export function stepCount(at) {
  const last = spans(at).at(-1);
  return last ? last.start + last.length : 1;
}

/**
 * @param {Row} at
 * @param {number} index  0 ≤ index < stepCount(at); clamped otherwise
 * @returns {Step}
 */
export function stepAt(at, index) {
  const i = clampStep(at, index);
  const span = spans(at).find((s) => i < s.start + s.length) ?? { kind: 'output', start: i, length: 1 };
  return { kind: span.kind, key: PER_KEY.has(span.kind) ? i - span.start : null };
}

/**
 * The first step of a stage (a stage the row does not have: its output).
 * @param {Row} at
 * @param {StageKind} kind
 */
export function stageStart(at, kind) {
  const all = spans(at);
  return (all.find((s) => s.kind === kind) ?? all.find((s) => s.kind === 'output'))?.start ?? 0;
}

/**
 * @param {Row} at
 * @param {number} index
 */
export function clampStep(at, index) {
  const last = stepCount(at) - 1;
  if (!Number.isFinite(index)) return 0;
  return Math.min(last, Math.max(0, Math.trunc(index)));
}

/**
 * The same moment of the story in another row: the same stage (and key, where it still
 * exists); a stage the other row does not have becomes its output.
 * @param {Row} from
 * @param {Row} to
 * @param {number} step
 */
export function sameMoment(from, to, step) {
  const at = stepAt(from, step);
  const kind = stagesOf(to).includes(at.kind) ? at.kind : 'output';
  return stageStart(to, kind) + (at.key === null ? 0 : Math.min(at.key, to.keys - 1));
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
  const step = clampStep(here, at.step) + direction;
  if (step >= 0 && step < stepCount(here)) return { query: at.query, step };
  const query = at.query + direction;
  if (query < 0 || query >= queries) return null;
  return { query, step: direction === 1 ? 0 : stepCount(rowOf(query)) - 1 };
}

/**
 * Which stage of the query's row has been computed at a step, key by key: the player's table
 * reveals a cell once this is true.
 * @param {Row} at
 * @param {number} stepIndex
 * @param {StageKind} kind
 * @param {number} key
 */
export function isRevealed(at, stepIndex, kind, key) {
  const step = clampStep(at, stepIndex);
  const start = stageStart(at, kind);
  if (PER_KEY.has(kind)) return step >= start + key;
  return step >= start;
}

/**
 * The key a step shows its formula with: a per-key step's own; for a row-wide stage the key the
 * reader picked, else the key the story is at: the first before the scores are walked, the first
 * masked one at the mask (when there is one), and after the walk the last key the query may
 * attend to.
 * @param {QueryBreakdown} b
 * @param {Step} step
 * @param {number | null} [picked]
 */
export function exampleKey(b, step, picked = null) {
  if (step.key !== null) return step.key;
  if (picked !== null && Number.isInteger(picked) && picked >= 0) return Math.min(picked, b.keys - 1);
  if (step.kind === 'query' || step.kind === 'key' || step.kind === 'value') return 0;
  if (step.kind === 'mask') {
    const masked = b.allowed.indexOf(0);
    if (masked >= 0) return masked;
  }
  const allowed = b.allowed.lastIndexOf(1);
  return allowed >= 0 ? allowed : b.keys - 1;
}

/**
 * A vector the step shows in full, with a name: the input x, q, k, v, the product q∘k…
 * @typedef {Object} StoryVector
 * @property {MathNode} label
 * @property {ArrayLike<number>} values
 * @property {[number, number]} [highlight]  entries [from, to) to mark (this head's part)
 */

/**
 * @typedef {Object} StepStory
 * @property {Step} step
 * @property {number} key          the key whose numbers the formula shows
 * @property {string} title
 * @property {string} explanation  one sentence
 * @property {MathNode} formula    with the live numbers of this step
 * @property {StoryVector[]} vectors  the vectors of the formula in full
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
 * What a trained model's first layer receives, in words: a text's token and position embeddings,
 * or a picture's patch embeddings ([CLS] a learned vector) with their positions.
 * @param {boolean} patches
 */
function firstInput(patches) {
  return patches
    ? 'its patch embedding (the patch\'s pixels through a learned linear map; for [CLS] a learned vector) plus its position embedding, normalised'
    : 'its token and position embeddings, normalised';
}

/**
 * @param {QueryBreakdown} b
 * @param {number} stepIndex
 * @param {{ query: TokenInfo, keys: TokenInfo[], score: ScoreName, decoding?: Decoding | null, cross?: boolean, cache?: boolean, picked?: number | null, combine?: boolean, toy?: boolean, patches?: boolean }} context
 *   `picked`: the key the reader chose for the row-wide stages' formulas; `combine`: the block has
 *   several heads, combined by W_O at the end; `toy`: the inputs are the toy's (token vectors and
 *   positions), not a trained layer's; `patches`: the tokens are a picture's patches (and [CLS]); `cross`: a translation's cross-attention, whose query is the decoder's state s and whose keys
 *   and values are the encoder's states h of the source tokens; `cache: false`: a decoding step
 *   shown on its whole row (a translation's), whose keys are not told as the key/value cache's
 * @returns {StepStory}
 */
export function describeStep(b, stepIndex, context) {
  const decoding = context.decoding ?? null;
  const cross = context.cross ?? false;
  const shape = { keys: b.keys, predict: decoding !== null, combine: context.combine ?? false };
  const step = stepAt(shape, stepIndex);
  const key = exampleKey(b, step, context.picked ?? null);
  const q = cross ? `the decoder state s (writing ${quoteToken(context.query.text)})` : quoteToken(context.query.text);
  const k = cross ? `the encoder state h of ${quoteToken(context.keys[key]?.text ?? `#${key}`)}` : quoteToken(context.keys[key]?.text ?? `#${key}`);
  const ij = row(mi('i'), mi('j'));
  const s = sub('s', ij);
  const scaled = sub('ŝ', ij);
  const m = sub('m', ij);
  const e = sub('e', ij);
  const w = sub('w', ij);
  const sumK = under(mo('∑'), mi('k'));
  const keyName = quoteToken(context.keys[key]?.text ?? `#${key}`);
  const forKey = ['key', 'value', 'scale', 'mask', 'exp', 'normalise'].includes(step.kind) ? ` · for ${keyName} (key ${key + 1})` : '';
  const title = `${STAGE_LABELS[step.kind]}${step.key === null ? forKey : ` · key ${key + 1} of ${b.keys}`}`;
  const gives = `${q} gives ${formatWeight(b.weights[key])} of its attention to ${k}.`;
  const newest = b.keys - 1;
  /** Where a decoding step's key or value vector comes from. */
  const cached = (/** @type {'key' | 'value'} */ what) => (!decoding || cross || context.cache === false ? ''
    : key === newest ? ` ${q} is the new token: its ${what} is computed now and joins the key/value cache.`
      : ` The ${what} of ${k} is not computed again: it comes from the key/value cache, kept since ${k} was new.`);
  const keyVector = b.keyVectors.subarray(key * b.dK, (key + 1) * b.dK);
  const valueVector = b.values.subarray(key * b.dV, (key + 1) * b.dV);
  const p = b.projection;
  const keyInput = p ? p.keyInputs.subarray(key * p.dModel, (key + 1) * p.dModel) : null;

  /** @returns {Omit<StepStory, 'vectors'> & { vectors?: StoryVector[] }} */
  const told = () => {
  switch (step.kind) {
    case 'query':
    case 'key':
    case 'value': {
      const letter = step.kind === 'query' ? 'q' : step.kind === 'key' ? 'k' : 'v';
      const index = step.kind === 'query' ? 'i' : 'j';
      if (cross && context.score === 'additive') return gruVectors(step, key, title, letter, index, { q, k, keyVector, valueVector, query: b.q });
      const matrix = sub('W', letter.toUpperCase());
      const result = step.kind === 'query' ? b.q : step.kind === 'key' ? keyVector : valueVector;
      const input = step.kind === 'query' ? p?.input ?? null : keyInput;
      const x = sub('x', index);
      const bias = p?.bias ? [mo('+'), sub('b', letter.toUpperCase())] : [];
      const rotated = p?.rotary && step.kind !== 'value';
      const product = row(x, mo('·'), matrix, ...bias);
      const whose = step.kind === 'query' ? q : k;
      const size = p ? `${p.dModel} × ${result.length}` : `to ${result.length} numbers`;
      const what = {
        query: `${capitalisedFirst(q)} asks a question: its query vector q is its input vector x times the learned matrix W_Q (${size})`,
        key: `Each key advertises what its token offers: the key vector of ${k} is its input x times another learned matrix, W_K (${size}), so the same token's q and k differ`,
        value: `The value vector of ${k} is what it hands over when attended to: its input x times a third matrix, W_V (${size})`,
      }[step.kind];
      const source = !p ? ' This run keeps q, k and v but not the vectors they were projected from.'
        : context.toy ? ` x is the toy's vector of ${whose}: its token vector, with its position added when positions are sinusoidal.`
          : ` x is what layer ${b.layer + 1} receives for ${whose}: ${b.layer === 0 ? firstInput(context.patches ?? false) : `the output of layer ${b.layer}`}.`;
      const rope = rotated ? ' The result is then rotated by the token\'s position (RoPE), so q·k depends on how far apart the tokens are.' : '';
      const lhs = sub(letter, index);
      // A decoding step computes only the new token's vectors; the earlier ones are cached.
      const newQuery = !decoding || cross || context.cache === false ? ''
        : ` Only ${q} is new at this step: its query, key and value are computed now, and the keys and values of the tokens before it come from the key/value cache.`;
      const formula = !p || !input
        ? row(lhs, mo('='), product, mo('='), vector(result))
        : rotated
          ? row(lhs, mo('='), mtext('RoPE'), mo('('), product, mo(')'), mo('='), mtext('RoPE'), mo('('), vector(input), mo('·'), matrix, ...bias, mo(')'), mo('='), vector(result))
          : row(lhs, mo('='), product, mo('='), vector(input), mo('·'), matrix, ...bias, mo('='), vector(result));
      return {
        step,
        key,
        title,
        explanation: `${what}${p?.bias ? ', plus a bias' : ''}.${source}${rope}${step.kind === 'query' ? newQuery : cached(step.kind)}`,
        formula,
        vectors: [...(input ? [{ label: x, values: input }] : []), { label: lhs, values: result }],
        announcement: `The ${step.kind} vector of ${whose} has ${result.length} numbers, from ${p ? `an input of ${p.dModel}` : 'its input'}.`,
      };
    }
    case 'score': {
      const terms = b.terms.subarray(key * b.termLen, (key + 1) * b.termLen);
      const [product, sum, termName] = scoreNotation(context.score);
      return {
        step,
        key,
        title,
        explanation: `${cross && context.score === 'additive' ? additiveCrossSentence(q, k) : scoreSentence(context.score, q, k)}${cached('key')}`,
        formula: row(s, mo('='), product, mo('='), sum, mo('='), signedSum(terms), mo('='), mn(b.scores[key])),
        vectors: [{ label: sub('q', 'i'), values: b.q }, { label: sub('k', 'j'), values: keyVector }, { label: termName, values: terms }],
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
      const top = b.masked.reduce((best, value, j) => (value > b.masked[best] ? j : best), 0);
      const topName = quoteToken(context.keys[top]?.text ?? `#${top}`);
      const which = b.allowed[key] === 0 ? ` ${k} is masked, so its exponential is exp(−∞) = 0.`
        : key === top ? ` ${k} has the largest score, so its exponential is exactly exp(0) = 1.`
          : ` ${k} scores ${formatNumber(b.max - b.masked[key])} below the top, so its exponential is ${formatNumber(b.exp[key])}.`;
      return {
        step,
        key,
        title,
        explanation: b.fullyMasked
          ? 'Every key is masked, so every exponential is 0.'
          : `exp turns every score into a positive number, a larger score into a much larger one. The row's largest score, ${formatNumber(b.max)} (${topName}), is subtracted first: no exponential can overflow, each is at most exp(0) = 1, and the weights stay the same, because the common factor exp(−max) cancels in the next step's division.${which}`,
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
        vectors: [{ label: sub('v', 'j'), values }, { label: row(w, sub('v', 'j')), values: weighted }],
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
          vectors: [{ label: sub('c', 'i'), values: b.output }],
          announcement: `The context vector is the weighted sum of the ${b.keys} encoder states' values.`,
        };
      }
      return {
        step,
        key,
        title,
        explanation: `Adding up the weighted values gives the output: a new vector for ${q} that mixes in what it attended to.`,
        formula: row(sub('o', 'i'), mo('='), under(mo('∑'), mi('j')), w, sub('v', 'j'), mo('='), vector(b.output)),
        vectors: [{ label: sub('o', 'i'), values: b.output }],
        announcement: `The output for ${q} is the weighted sum of ${b.keys} value vectors.`,
      };
    }
    case 'combine': {
      const c = b.combined;
      const heads = c?.heads ?? 1;
      const concat = c?.concat ?? b.output;
      const out = c?.output ?? b.output;
      const mine = /** @type {[number, number]} */ ([b.head * b.dV, (b.head + 1) * b.dV]);
      const bias = c?.bias ? [mo('+'), sub('b', 'O')] : [];
      const head = (/** @type {MathNode} */ h) => sup(sub('o', 'i'), h);
      const concatenated = row(mtext('Concat'), mo('('), head(mn(1, 0)), mo(','), mtext('…'), mo(','), head(mi('H')), mo(')'));
      return {
        step,
        key,
        title,
        explanation: `This head is one of ${heads}, and each computed its own output for ${q} (${b.dV} numbers). Side by side they make one vector of ${concat.length} numbers (this head's part marked), which the learned matrix W_O (${concat.length} × ${out.length}) turns into the block's output for ${q}${c?.bias ? ', plus a bias' : ''}: W_O mixes what the heads found.${context.toy ? '' : ' The residual connection and the layer norm follow.'}`,
        formula: row(sub('a', 'i'), mo('='), concatenated, mo('·'), sub('W', 'O'), ...bias, mo('='), vector(concat), mo('·'), sub('W', 'O'), ...bias, mo('='), vector(out)),
        vectors: [{ label: row(mtext('Concat'), mo('('), sub('o', 'i'), mo(')')), values: concat, highlight: mine }, { label: sub('a', 'i'), values: out }],
        announcement: `The ${heads} heads' outputs for ${q}, side by side, times W_O: the block's output of ${out.length} numbers.`,
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
          ? `${context.score === 'additive' ? 'The decoder combines its state with the context vector and scores' : 'After the decoder’s last layer, the vector of the newest target position is compared with'} every entry of the target vocabulary: ${next.vocabSize.toLocaleString('en')} scores (logits)`
          : `After the last layer, the vector of ${q} is compared with every entry of the vocabulary: ${next.vocabSize.toLocaleString('en')} scores (logits)`}, whose softmax is the distribution of the next token. ${capitalisedFirst(next.how)}: ${chosen}, with probability ${formatWeight(next.chosen.probability)}.`,
        formula: row(mi('P'), mo('('), mtext(chosen), mo(')'), mo('='), frac(row(mi('exp'), mo('('), z('t'), mo(')')), row(under(mo('∑'), mi('u')), mi('exp'), mo('('), z('u'), mo(')'))), mo('='), mn(next.chosen.probability)),
        announcement: `Decoding step ${next.index + 1}: the next token is ${chosen}, probability ${formatWeight(next.chosen.probability)}.`,
      };
    }
  }
  };
  return { vectors: [], ...told() };
}

/**
 * A score function in standard notation: the product, its sum over the coordinates c, and the
 * name of the vector of terms.
 * @param {ScoreName} score
 * @returns {[MathNode, MathNode, MathNode]}
 */
function scoreNotation(score) {
  const c = (/** @type {MathNode} */ node) => sub(node, 'c');
  const sumC = under(mo('∑'), mi('c'));
  const hat = (/** @type {string} */ letter) => mi(`${letter}\u0302`);
  switch (score) {
    case 'dot':
      return [row(mi('q'), mo('·'), mi('k')), row(sumC, c(mi('q')), c(mi('k'))), row(mi('q'), mo('∘'), mi('k'))];
    case 'cosine':
      return [row(hat('q'), mo('·'), hat('k')), row(sumC, c(hat('q')), c(hat('k'))), row(hat('q'), mo('∘'), hat('k'))];
    case 'general':
      return [row(mi('q'), mo('·'), mo('('), mi('W'), mi('k'), mo(')')), row(sumC, c(mi('q')), c(row(mo('('), mi('W'), mi('k'), mo(')')))), row(mi('q'), mo('∘'), mi('W'), mi('k'))];
    case 'additive': {
      const inside = row(mi('tanh'), mo('('), sub('W', mn(1, 0)), mi('q'), mo('+'), sub('W', mn(2, 0)), mi('k'), mo(')'));
      return [row(sub('v', 'a'), mo('·'), inside), row(sumC, c(sub('v', 'a')), c(inside)), row(sub('v', 'a'), mo('∘'), inside)];
    }
  }
}

/** @param {string} text */
function capitalisedFirst(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A GRU translation's query, key and value: no projection, the states themselves (the decoder's
 * state s is the query; the encoder's states h are the keys and the values), the additive score
 * applying its own matrices W and U.
 * @param {Step} step
 * @param {number} key
 * @param {string} title
 * @param {string} letter  q, k or v
 * @param {string} index   i or j
 * @param {{ q: string, k: string, keyVector: Float32Array, valueVector: Float32Array, query: Float32Array }} of
 * @returns {StepStory}
 */
function gruVectors(step, key, title, letter, index, of) {
  const values = step.kind === 'query' ? of.query : step.kind === 'key' ? of.keyVector : of.valueVector;
  const lhs = sub(letter, index);
  const state = step.kind === 'query' ? sub('s', 'i') : sub('h', 'j');
  const explanation = {
    query: `In this GRU the query is ${of.q} itself, ${values.length} numbers, with no W_Q: the additive score applies its own matrix W to it.`,
    key: `The key is ${of.k} itself, ${values.length} numbers (the encoder's two directions side by side), with no W_K: the additive score applies its own matrix U to it.`,
    value: `The value is ${of.k} itself too: the context vector adds up the encoder states, weighted.`,
  }[/** @type {'query' | 'key' | 'value'} */ (step.kind)];
  return {
    step,
    key,
    title,
    explanation,
    formula: row(lhs, mo('='), state, mo('='), vector(values)),
    vectors: [{ label: lhs, values }],
    announcement: `The ${step.kind} of ${step.kind === 'query' ? of.q : of.k} is the state itself, ${values.length} numbers.`,
  };
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
