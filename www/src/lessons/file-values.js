// Numbers a lesson quotes from files its models' evaluation scripts wrote, the pure part: a value
// at a dotted path of a JSON document (eval.json, heads.json) and a translation model's exact
// match from its evaluation as the generated catalog holds it.

/** @typedef {import('../types').Evaluation} Evaluation */

/**
 * The value at a dotted path of a JSON document ("heads.4.name": arrays by position), or an
 * error naming the part of the path that is missing.
 * @param {unknown} doc
 * @param {string} path
 * @returns {number | string}
 */
export function valueAt(doc, path) {
  let here = doc;
  const walked = [];
  for (const part of path.split('.')) {
    walked.push(part);
    if (here === null || typeof here !== 'object' || !(part in here)) throw new Error(`the file has no ${walked.join('.')}`);
    here = /** @type {Record<string, unknown>} */ (here)[part];
  }
  if (typeof here === 'number' && Number.isFinite(here)) return here;
  if (typeof here === 'string') return here;
  throw new Error(`${path} is not a number or a name in the file`);
}

/**
 * A model's exact match over its whole test set, or over one group of it.
 * @param {Evaluation[]} evaluations
 * @param {string} model
 * @param {string | null} bucket
 */
export function exactMatch(evaluations, model, bucket) {
  const evaluation = evaluations.find((e) => e.name === model);
  if (!evaluation) throw new Error(`model="${model}" is not one of ${evaluations.map((e) => e.name).join(', ')}`);
  if (bucket === null) return evaluation.exactMatch;
  const found = evaluation.buckets.find((b) => b.label === bucket);
  if (!found) throw new Error(`bucket="${bucket}" is not one of ${evaluation.buckets.map((b) => b.label).join(', ')}`);
  return found.exactMatch;
}
