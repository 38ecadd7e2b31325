// A decoder's tokens as a reader can read them. Byte-level BPE (GPT-2, Llama's tokenizer.json)
// writes every byte of the text as one printable character: a space is "Ġ", a newline "Ċ",
// "é" is the two characters "Ã©". The views show the bytes decoded again ("Ġthe" → " the",
// drawn "␣the"); a byte that is only part of a character (a token may end in the middle of
// an emoji) is shown as <0xE7>. Pure module.

/** @typedef {import('./types').Token} Token */

/**
 * A token as the views show it: `text` readable, `piece` the vocabulary entry it came from
 * (set only when the two differ).
 * @typedef {Token & { piece?: string }} ShownToken
 */

/** The byte each character of the byte-level alphabet stands for. */
const BYTE_OF = (() => {
  /** @type {Map<string, number>} */
  const map = new Map();
  let shifted = 0;
  for (let byte = 0; byte < 256; byte += 1) {
    const printable = (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
    map.set(String.fromCodePoint(printable ? byte : 256 + shifted), byte);
    if (!printable) shifted += 1;
  }
  return map;
})();

/** SentencePiece's word-start mark, which some tokenizers use instead of a byte for the space. */
const METASPACE = '\u2581';

/**
 * The bytes a byte-level vocabulary entry stands for, or null when it is not one.
 * @param {string} piece
 * @returns {number[] | null}
 */
export function pieceBytes(piece) {
  /** @type {number[]} */
  const bytes = [];
  for (const char of piece) {
    const byte = BYTE_OF.get(char);
    if (byte === undefined) return null;
    bytes.push(byte);
  }
  return bytes;
}

/**
 * UTF-8 bytes as text; a byte that does not belong to a whole character becomes <0xHH>.
 * @param {number[]} bytes
 */
export function bytesText(bytes) {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    let code = length === 1 ? lead : length === 2 ? lead & 0x1f : length === 3 ? lead & 0x0f : lead & 0x07;
    let whole = length > 0 && i + length <= bytes.length;
    for (let k = 1; whole && k < length; k += 1) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) whole = false;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not characters either.
    const smallest = [0, 0, 0x80, 0x800, 0x10000][length];
    if (whole && code >= smallest && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
      text += String.fromCodePoint(code);
      i += length;
    } else {
      text += `<0x${lead.toString(16).toUpperCase().padStart(2, '0')}>`;
      i += 1;
    }
  }
  return text;
}

/**
 * A vocabulary entry as text: the bytes of a byte-level entry decoded, SentencePiece's ▁ as a
 * space, anything else as it is.
 * @param {string} piece
 */
export function readablePiece(piece) {
  const bytes = pieceBytes(piece);
  if (bytes === null) return piece.replaceAll(METASPACE, ' ');
  return bytesText(bytes);
}

/**
 * A decoder's token as the views show it. Special tokens (<|endoftext|>) keep their name.
 * @param {Token} token
 * @returns {ShownToken}
 */
export function readableToken(token) {
  if (token.special) return token;
  const text = readablePiece(token.text);
  return text === token.text ? token : { ...token, text, piece: token.text };
}

/**
 * The bytes of a run of decoder tokens decoded together, token by token: each token's share of
 * the text (a character split over several tokens goes to the token that completes it, the
 * tokens before it get ''). Special tokens give their name in brackets.
 * @param {Array<{ text: string, special: boolean }>} pieces  vocabulary entries
 * @returns {string[]}
 */
export function decodedShares(pieces) {
  /** @type {string[]} */
  const shares = [];
  /** @type {number[]} */
  let pending = [];
  /** @type {number[]} indices of the tokens whose bytes are pending */
  let waiting = [];
  const flush = () => {
    if (waiting.length === 0) return;
    const text = bytesText(pending);
    for (const index of waiting) shares[index] = '';
    shares[/** @type {number} */ (waiting.at(-1))] = text;
    pending = [];
    waiting = [];
  };
  pieces.forEach((piece, index) => {
    const bytes = piece.special ? null : pieceBytes(piece.text);
    if (bytes === null) {
      flush();
      shares[index] = piece.special ? piece.text : piece.text.replaceAll(METASPACE, ' ');
      return;
    }
    pending.push(...bytes);
    waiting.push(index);
    if (endsWhole(pending)) flush();
  });
  flush();
  return shares;
}

/**
 * Whether UTF-8 bytes end at the end of a character (so nothing waits for the next token).
 * @param {number[]} bytes
 */
function endsWhole(bytes) {
  // Walk back over continuation bytes to the last lead byte.
  let i = bytes.length - 1;
  let continuations = 0;
  while (i >= 0 && (bytes[i] & 0xc0) === 0x80 && continuations < 3) {
    i -= 1;
    continuations += 1;
  }
  if (i < 0) return true;
  const lead = bytes[i];
  const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 1;
  return continuations + 1 >= length;
}
