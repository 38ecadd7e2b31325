// What the benchmark's suites share: fetching the repository's files and texts of exact lengths.

/** The bytes or text of a file of the repository, with a message naming it when it is missing. */
export async function fetchFile(url, as, remedy) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${new URL(url, location.href).pathname}: HTTP ${response.status} (${remedy})`);
  return as === 'text' ? response.text() : new Uint8Array(await response.arrayBuffer());
}

/** Common words; the ones a model's tokenizer reads as one token each build its benchmark texts. */
const WORDS = ('the teacher asked the students to read the story about a small dog that ran across the busy '
  + 'street because it wanted to find its way back home before the rain started again').split(' ');

/**
 * A text the loaded model reads as exactly `t` tokens, the tokens its tokenizer adds included
 * (an encoder's [CLS] and [SEP]): the first word, then words that add one token each; checked.
 */
export function textOfTokens(session, t) {
  const count = (text) => session.tokenize(text).tokens.length;
  const base = count(WORDS[0]);
  const words = WORDS.filter((w) => count(`${WORDS[0]} ${w}`) === base + 1);
  const text = [WORDS[0], ...Array.from({ length: t - base }, (_, i) => words[i % words.length])].join(' ');
  const got = count(text);
  if (got !== t) throw new Error(`the benchmark text has ${got} tokens, not ${t}`);
  return text;
}

/** Median and minimum of `runs` timed calls of `fn` after `warmup` untimed ones. */
export function time(fn, runs, warmup = 3) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], minMs: samples[0], runs };
}
