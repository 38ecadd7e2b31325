// A GPT-2-shaped decoder with random weights, written in a second or two for the browser tests
// that load a model of realistic size from files: the Hugging Face layout (config.json,
// tokenizer.json, model.safetensors in F16), the tokenizer of the tiny fixture
// (tests/fixtures/decoder/tiny-gpt2/), every weight a small finite F16 number drawn from a
// seeded generator, layer norms' scales 1. Nothing is learned: it shows a realistic size and
// shape, not meaningful attention.
import { closeSync, copyFileSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKENIZER = path.join(repo, 'tests/fixtures/decoder/tiny-gpt2/tokenizer.json');
/** The ids of that tokenizer: the embedding table has one row per id. */
const VOCAB = 1002;
/** F16 1.0. */
const ONE = 0x3c00;

/**
 * The tensors of a GPT-2 of `layers` layers of width `width`, in the safetensors order (sorted
 * names), each with its shape.
 * @returns {Array<{ name: string, shape: number[] }>}
 */
function tensors({ layers, width, positions }) {
  const d = width;
  const list = [
    { name: 'transformer.ln_f.bias', shape: [d] },
    { name: 'transformer.ln_f.weight', shape: [d] },
    { name: 'transformer.wpe.weight', shape: [positions, d] },
    { name: 'transformer.wte.weight', shape: [VOCAB, d] },
  ];
  for (let l = 0; l < layers; l += 1) {
    const at = `transformer.h.${l}.`;
    list.push(
      { name: `${at}attn.c_attn.bias`, shape: [3 * d] },
      { name: `${at}attn.c_attn.weight`, shape: [d, 3 * d] },
      { name: `${at}attn.c_proj.bias`, shape: [d] },
      { name: `${at}attn.c_proj.weight`, shape: [d, d] },
      { name: `${at}ln_1.bias`, shape: [d] },
      { name: `${at}ln_1.weight`, shape: [d] },
      { name: `${at}ln_2.bias`, shape: [d] },
      { name: `${at}ln_2.weight`, shape: [d] },
      { name: `${at}mlp.c_fc.bias`, shape: [4 * d] },
      { name: `${at}mlp.c_fc.weight`, shape: [d, 4 * d] },
      { name: `${at}mlp.c_proj.bias`, shape: [d] },
      { name: `${at}mlp.c_proj.weight`, shape: [4 * d, d] },
    );
  }
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A pool of random F16 numbers of magnitude 2⁻⁹ … 2⁻⁵ (about 0.002 to 0.03, either sign),
 * from xorshift32 with `seed`: the bits are made directly, so every number is finite.
 */
function randomHalves(count, seed) {
  const pool = new Uint16Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i += 1) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const sign = (x >>> 31) << 15;
    const exponent = 6 + ((x >>> 10) % 5);
    pool[i] = sign | (exponent << 10) | (x & 0x3ff);
  }
  return pool;
}

/**
 * Writes the model into `folder`.
 * @param {string} folder
 * @param {{ layers?: number, width?: number, heads?: number, positions?: number, seed?: number }} [shape]
 *   GPT-2 small's width, heads and context by default, with 20 layers (about 287 MB)
 * @returns {{ bytes: number, parameters: number }}  the size of model.safetensors and the count of numbers in it
 */
export function writeGpt2Shaped(folder, { layers = 20, width = 768, heads = 12, positions = 1024, seed = 7 } = {}) {
  const config = {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    n_embd: width,
    n_head: heads,
    n_layer: layers,
    n_positions: positions,
    n_inner: null,
    vocab_size: VOCAB,
    layer_norm_epsilon: 1e-5,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    tie_word_embeddings: true,
    bos_token_id: 0,
    eos_token_id: 0,
    torch_dtype: 'float16',
  };
  writeFileSync(path.join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  copyFileSync(TOKENIZER, path.join(folder, 'tokenizer.json'));

  const list = tensors({ layers, width, positions });
  /** @type {Record<string, unknown>} */
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const { name, shape } of list) {
    const bytes = 2 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));

  const pool = randomHalves(1 << 21, seed);
  const ones = new Uint16Array(width * 4).fill(ONE);
  const file = openSync(path.join(folder, 'model.safetensors'), 'w');
  try {
    writeSync(file, prefix);
    writeSync(file, Buffer.from(json, 'latin1'));
    let cursor = 0;
    for (const { name, shape } of list) {
      let count = shape.reduce((a, b) => a * b, 1);
      if (/ln_(1|2|f)\.weight$/.test(name)) {
        writeSync(file, new Uint8Array(ones.buffer, 0, 2 * count));
        continue;
      }
      // Consecutive stretches of the pool, from a moving start: no two tensors alike.
      while (count > 0) {
        const n = Math.min(count, pool.length - cursor);
        writeSync(file, new Uint8Array(pool.buffer, 2 * cursor, 2 * n));
        count -= n;
        cursor = (cursor + n + 4099) % pool.length;
      }
    }
  } finally {
    closeSync(file);
  }
  return { bytes: 8 + json.length + offset, parameters: offset / 2 };
}
