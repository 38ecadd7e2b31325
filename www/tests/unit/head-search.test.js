// Finding heads: the ranking of every head by the weight one query gives one key, checked against
// a direct reading of the weights, and each pattern type on a hand-made head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BROAD_ENTROPY, classify, headPattern, searchHeads } from '../../src/head-search.js';
import { atLayer, headWeights, layerHeadWeights, runData } from '../../src/run-data.js';
import { makeDecoderRun, makeRun } from './fixtures.js';

const WORDS = ['[CLS]', 'the', 'cat', 'sat', 'on', 'mat', '[SEP]'];

/**
 * A head's pattern over WORDS from a weight rule (rows normalised), with the special tokens marked.
 * @param {(q: number, k: number) => number} weight
 * @param {(q: number, k: number) => boolean} [allowed]
 * @param {boolean} [specials]
 */
function patternOf(weight, allowed = () => true, specials = true) {
  const n = WORDS.length;
  const mask = new Uint8Array(n * n);
  const weights = new Float32Array(n * n);
  for (let q = 0; q < n; q += 1) {
    let sum = 0;
    for (let k = 0; k < n; k += 1) if (allowed(q, k)) sum += weight(q, k);
    for (let k = 0; k < n; k += 1) {
      mask[q * n + k] = allowed(q, k) ? 1 : 0;
      weights[q * n + k] = allowed(q, k) ? weight(q, k) / sum : 0;
    }
  }
  const keyTokens = WORDS.map((text, i) => ({ text, special: specials && (i === 0 || i === n - 1) }));
  return classify(weights, mask, n, { keyTokens, oneSequence: true });
}

test('each pattern type on a head made to have it', () => {
  assert.equal(patternOf((q, k) => (q === k ? 10 : 1)).kind, 'diagonal');
  assert.equal(patternOf((q, k) => (k === q - 1 || (q === 0 && k === 0) ? 10 : 1)).kind, 'previous');
  const special = patternOf((q, k) => (k === 0 || k === WORDS.length - 1 ? 10 : 1));
  assert.deepEqual([special.kind, special.label], ['special', '[CLS] / [SEP]']);
  assert.equal(patternOf((q, k) => (k === 0 ? 10 : 1), () => true, false).label, 'first token');
  assert.deepEqual(patternOf((q, k) => (k === 2 ? 10 : 1)), { kind: 'column', label: 'column on ‘cat’' });
  assert.equal(patternOf(() => 1).kind, 'broad');
  assert.equal(patternOf(() => 1, (q, k) => k <= q).kind, 'broad', 'a causal uniform head: each row as even as its keys allow');
  // Every row split between 'cat' and 'mat', a little left for the rest: no rule holds.
  assert.equal(patternOf((q, k) => (k === 2 || k === 5 ? 0.45 : 0.02)).kind, 'mixed');
});

test('the thresholds decide: a head just under the diagonal share is not diagonal', () => {
  const n = WORDS.length;
  // Self weight 0.49 everywhere, the rest even: not diagonal, not broad enough either.
  const under = patternOf((q, k) => (q === k ? 0.49 : 0.51 / (n - 1)));
  assert.notEqual(under.kind, 'diagonal');
  const over = patternOf((q, k) => (q === k ? 0.51 : 0.49 / (n - 1)));
  assert.equal(over.kind, 'diagonal');
  assert.ok(BROAD_ENTROPY < 1);
});

test('every head ranked by the weight A gives B, with B’s rank in A’s row, matching the weights', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 6 }), (a, b, heads) => {
    const run = makeRun(['a', 'b', 'c', 'd', 'e', 'f'], heads, (h, q, k) => 1 + ((7 * h + 3 * q + 5 * k) % 11));
    const { found, heads: searched, masked } = searchHeads(run, a, b);
    assert.equal(searched, heads);
    assert.equal(masked, 0);
    assert.equal(found.length, heads);
    for (let i = 1; i < found.length; i += 1) assert.ok(found[i - 1].weight >= found[i].weight, 'sorted, strongest first');
    for (const hit of found) {
      const row = [...headWeights(run, hit.head).subarray(a * 6, a * 6 + 6)];
      assert.equal(hit.weight, row[b]);
      assert.equal(hit.rank, 1 + row.filter((w) => w > row[b]).length);
      assert.equal(hit.keys, 6);
    }
    assert.deepEqual(new Set(found.map((hit) => hit.head)).size, heads, 'each head once');
  }));
});

test('a causal run: a key after the query is masked in every head, one before is ranked', () => {
  const run = makeDecoderRun(['The', 'Ġcat', 'Ġsat'], []);
  assert.deepEqual(searchHeads(run, 0, 2), { found: [], heads: 2, masked: 2 });
  const { found } = searchHeads(run, 2, 0);
  assert.deepEqual(found.map((hit) => [hit.weight.toFixed(3), hit.rank, hit.keys]), [['0.333', 1, 3], ['0.333', 1, 3]]);
  assert.equal(headPattern(run, 0, 0).kind, 'broad');
});

test('a translation: from a cross block, only the cross blocks are searched, A from the target and B from the source', () => {
  const source = ['the', 'cat', 'sleeps', '<eos>'];
  const target = ['le', 'chat', 'dort'];
  const token = (/** @type {string} */ text, /** @type {number} */ i) => ({ text, start: i, end: i + 1, special: text === '<eos>', id: i });
  const sequences = [{ role: /** @type {const} */ ('source'), tokens: source.map(token) }, { role: /** @type {const} */ ('target'), tokens: target.map(token) }];
  // Encoder self (source × source), decoder causal (target × target), cross (target × source), twice.
  const kinds = /** @type {Array<['self' | 'causal' | 'cross', number, number]>} */ ([['self', 0, 0], ['causal', 1, 1], ['cross', 1, 0], ['causal', 1, 1], ['cross', 1, 0]]);
  const heads = 2;
  const parts = kinds.map(([kind, q, k], b) => {
    const [nq, nk] = [sequences[q].tokens.length, sequences[k].tokens.length];
    const mask = Uint8Array.from({ length: nq * nk }, (_, i) => (kind !== 'causal' || i % nk <= Math.floor(i / nk) ? 1 : 0));
    const weights = new Float32Array(heads * nq * nk);
    for (let h = 0; h < heads; h += 1) {
      for (let r = 0; r < nq; r += 1) {
        const raw = [...Array(nk).keys()].map((c) => (mask[r * nk + c] ? 1 + ((b * 3 + h * 5 + r + 2 * c) % 7) : 0));
        const sum = raw.reduce((x, y) => x + y, 0);
        raw.forEach((w, c) => { weights[h * nq * nk + r * nk + c] = w / sum; });
      }
    }
    return { mask, weights };
  });
  const concat = (/** @type {ArrayLike<number>[]} */ arrays, /** @type {any} */ Kind) => Kind.from(arrays.flatMap((a) => [...Array.from(a)]));
  const summary = {
    source: { name: 'tr', kind: /** @type {const} */ ('encoder-decoder'), trained: true },
    sequences,
    blocks: kinds.map(([kind, queries, keys], layer) => ({
      layer, kind, queries, keys, heads, kvHeads: heads, dK: 4, dV: 4, score: /** @type {const} */ ('dot'), scale: 0.5, temperature: 1, fullyMaskedRows: [], masked: kind === 'causal',
    })),
    dModel: 8, truncated: null, pooled: false, generation: null,
    translation: { architecture: /** @type {const} */ ('transformer'), unknown: [], noAttention: null },
  };
  const result = {
    type: /** @type {const} */ ('run'), id: 1, summary, weights: concat(parts.map((p) => p.weights), Float32Array), allowed: concat(parts.map((p) => p.mask), Uint8Array),
    withoutSpecial: null, pooled: null, breakdown: null, milliseconds: 0,
  };
  const run = runData(/** @type {any} */ (result), 1, null).full;
  const cross = atLayer(run, 2);
  const { found, heads: searched, masked } = searchHeads(cross, 1, 2);
  assert.deepEqual([searched, masked], [4, 0]);
  assert.deepEqual(found.map((hit) => hit.layer).sort(), [2, 2, 4, 4], 'both cross blocks, no other');
  for (const hit of found) assert.equal(hit.weight, layerHeadWeights(run, hit.layer, hit.head)[1 * 4 + 2], 'chat → sleeps');
  // From a causal decoder block: the target over itself, a later target token masked.
  assert.deepEqual(searchHeads(atLayer(run, 1), 0, 2), { found: [], heads: 4, masked: 4 });
  assert.notEqual(headPattern(cross, 2, 0).kind, 'diagonal', 'no diagonal across two sequences');
});
