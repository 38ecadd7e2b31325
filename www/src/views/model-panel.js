// The Model settings: which model computes (the toy, a shipped model by name, the reader's own
// files, or an address), what the loaded model is (a model trained here: what its named heads
// do), and whether the toy borrows an encoder's word embeddings. Files can be picked or dropped
// here (the playground also takes drops anywhere).

import { el } from '../dom.js';
import { formatBytes, formatWeight } from '../format.js';
import { SERVED_MODEL, isLocalSource } from '../model/address.js';
import { TASKS, shippedAt, shippedBehind, shippedLabel, taskOf } from '../model/catalog.js';
import { headTag } from '../model/heads.js';
import { TOY_SOURCE } from '../state.js';

/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('../model/loader.js').ModelStatus} ModelStatus */
/** @typedef {import('../model/files.js').LocalFiles} LocalFiles */
/** @typedef {import('../model/catalog.js').ShippedModel} ShippedModel */

/** 'toy', 'files', 'url', 'served' (the pretrained encoder the toy borrows from) or 'catalog:<name>'. */
/** @typedef {string} ModelChoice */

/**
 * @typedef {Object} ModelPanelCallbacks
 * @property {() => void} onToy
 * @property {(address: string) => void} onAddress
 * @property {(local: LocalFiles) => void} onFiles
 * @property {(on: boolean) => void} onVectors
 * @property {(layer: number, head: number) => void} onHead  show a named head
 */

/**
 * @typedef {Object} ModelPanelInput
 * @property {PlaygroundState} state
 * @property {ModelStatus} status
 * @property {boolean} computing  the pretrained model computes what is on screen
 * @property {string} served      the served encoder's address, relative to the page
 * @property {ShippedModel[]} shipped  the shipped models the page runs, at their addresses
 */

/** Family names by `model_type`. */
const FAMILIES = /** @type {Record<string, string>} */ ({ bert: 'BERT', distilbert: 'DistilBERT', gpt2: 'GPT-2', llama: 'Llama' });

/**
 * The loaded model in one line.
 * @param {import('../types').ModelInfo} info
 */
export function describeModel(info) {
  const parameters = info.parameters >= 1e6 ? `${(info.parameters / 1e6).toFixed(1)} M` : info.parameters.toLocaleString('en');
  if (info.kind === 'encoder-decoder') {
    const shape = info.architecture === 'transformer'
      ? `Transformer encoder–decoder · ${info.layers} decoder layers × ${info.heads} heads · d_model ${info.hidden}, d_k ${info.dK}`
      : `GRU encoder–decoder ${info.heads === 0 ? 'without attention' : 'with additive attention'} · decoder state ${info.hidden}`;
    return `${shape} · ${parameters} parameters · ${info.dtype} weights, computed in f32 · source vocabulary of ${info.vocabSize.toLocaleString('en')} · up to ${info.maxPositions} source tokens`;
  }
  if (info.kind === 'captioner') {
    return `Vision encoder–decoder (captioner) · a ViT reads ${info.maxPositions} tokens (the class token, then the patches) · Transformer decoder of ${info.layers} layer${info.layers === 1 ? '' : 's'} × ${info.heads} heads · d_model ${info.hidden}, d_k ${info.dK} · ${parameters} parameters · ${info.dtype} weights, computed in f32 · writes from ${info.vocabSize} words`;
  }
  if (info.kind === 'vision') {
    return `${info.architecture === 'deit' ? 'DeiT' : 'ViT'} image classifier · ${info.layers} layers × ${info.heads} heads · d_model ${info.hidden}, d_k ${info.dK} · ${parameters} parameters · ${info.dtype} weights, computed in f32 · ${info.vocabSize} classes · ${info.maxPositions} tokens (the class token, then the patches)`;
  }
  if (info.kind === 'decoder') {
    const family = FAMILIES[info.architecture] ?? info.architecture;
    const grouped = info.kvHeads < info.heads ? ` (sharing ${info.kvHeads} key/value heads)` : '';
    return `${family} decoder · ${info.layers} layers × ${info.heads} heads${grouped} · d_model ${info.hidden}, d_k ${info.dK} · ${parameters} parameters · ${info.dtype} weights, computed in f32 · vocabulary of ${info.vocabSize.toLocaleString('en')} · context of ${info.maxPositions} tokens`;
  }
  const kind = info.architecture === 'distilbert' ? 'DistilBERT' : 'BERT';
  return `${kind} encoder · ${info.layers} layers × ${info.heads} heads · d_model ${info.hidden}, d_k ${info.dK} · ${parameters} parameters · ${info.dtype} weights, computed in f32 · up to ${info.maxPositions} tokens`;
}

/**
 * Why the toy's settings do not apply to a loaded model, in one sentence.
 * @param {import('../types').ModelInfo} info
 */
export function modelNote(info) {
  if (info.kind === 'encoder-decoder') {
    const how = info.architecture === 'transformer'
      ? `its encoder’s self-attention, its decoder’s causal self-attention and cross-attention score with dot products scaled by 1/√${info.dK}`
      : info.heads === 0 ? 'its decoder never looks back at the source' : 'its cross-attention scores each encoder state with a small network (additive attention)';
    return `The toy’s settings do not apply: the model reads the source with its own vocabulary, writes the target greedily, and ${how}.`;
  }
  if (info.kind === 'captioner') {
    return `The toy’s settings do not apply: the model cuts the picture into patches (tokens r0c0, r0c1 … after the class token), encodes them with self-attention, then writes the caption greedily: the decoder’s causal self-attention over the words so far and its cross-attention over the patches score with dot products scaled by 1/√${info.dK}.`;
  }
  if (info.kind === 'vision') {
    return `The toy’s settings do not apply: the model cuts the picture into patches (tokens r0c0, r0c1 … by row and column, after the class token), scores with dot products scaled by 1/√${info.dK}, masks nothing and learned its own positions.`;
  }
  if (info.kind === 'decoder') {
    const positions = info.architecture === 'llama' ? 'rotates queries and keys by position (RoPE)' : 'learned its own positions';
    return `The toy’s settings do not apply: the model reads byte-level BPE tokens (␣ marks a leading space), scores with dot products scaled by 1/√${info.dK}, masks every later token (causal) and ${positions}.`;
  }
  return `The toy’s settings do not apply: the model tokenizes with WordPiece (## marks a piece inside a word), scores with dot products scaled by 1/√${info.dK}, masks nothing and learned its own positions.`;
}

/**
 * How the files were got, in one sentence.
 * @param {import('../model/loader.js').LoadReport} report
 */
export function describeLoad(report) {
  const seconds = `${(report.milliseconds / 1000).toFixed(1)} s`;
  const how = report.readLocally > 0
    ? `from your files (${formatBytes(report.readLocally)} of weights)`
    : report.downloaded === 0
      ? 'from the browser’s cache'
      : report.fromCache > 0
        ? `${formatBytes(report.downloaded)} downloaded, the rest from the browser’s cache`
        : `${formatBytes(report.downloaded)} downloaded and kept in the browser’s cache`;
  const ignored = report.ignored.length > 0 ? ` Not used: ${report.ignored.join(', ')}.` : '';
  return `Loaded ${report.weightsName} in ${seconds}, ${how}.${ignored}`;
}

/**
 * @param {HTMLElement} root
 * @param {ModelPanelCallbacks} callbacks
 */
export function createModelPanel(root, callbacks) {
  const doc = root.ownerDocument;
  /** @type {ModelChoice | null} a choice that waits for files or an address */
  let pending = null;
  /** @type {ModelPanelInput | null} */
  let input = null;

  const toyOption = el(doc, 'option', { text: 'Toy (random projections)', attrs: { value: 'toy' } });
  // The shipped encoders and decoders, then the translation models grouped by task.
  const shippedGroup = el(doc, 'optgroup', { attrs: { label: 'Shipped models' } });
  const taskGroups = Object.values(TASKS).map((task) => el(doc, 'optgroup', { attrs: { label: `Translation: ${task.title}` } }));
  const select = el(doc, 'select', { attrs: { 'aria-label': 'Computed by' } }, [
    toyOption,
    shippedGroup,
    ...taskGroups,
    el(doc, 'option', { text: 'Your files…', attrs: { value: 'files' } }),
    el(doc, 'option', { text: 'From an address…', attrs: { value: 'url' } }),
  ]);
  const hint = el(doc, 'span', { class: 'field-hint' });
  let shippedKey = '';
  /** The value of a shipped model's option: the served encoder keeps the name links and tests know. */
  const valueOf = (/** @type {ShippedModel} */ model) => (model.entry.folder === SERVED_MODEL.folder ? 'served' : `catalog:${model.entry.name}`);
  select.addEventListener('change', () => {
    const choice = /** @type {ModelChoice} */ (select.value);
    pending = null;
    const shipped = input?.shipped.find((model) => valueOf(model) === choice);
    if (choice === 'toy') callbacks.onToy();
    else if (shipped) callbacks.onAddress(shipped.address);
    else {
      pending = choice;
      render();
      (choice === 'url' ? address : pick).focus();
    }
  });

  const fileInput = el(doc, 'input', {
    class: 'sr-only',
    attrs: { type: 'file', multiple: true, accept: '.json,.txt,.safetensors', tabindex: -1, 'aria-hidden': 'true' },
  });
  fileInput.addEventListener('change', () => {
    if (fileInput.files && fileInput.files.length > 0) callbacks.onFiles({ files: [...fileInput.files], folder: null });
    fileInput.value = '';
  });
  const pick = el(doc, 'button', {
    class: 'small-button',
    text: 'Choose files…',
    attrs: { type: 'button' },
    on: { click: () => fileInput.click() },
  });
  const drop = el(doc, 'div', { class: 'model-drop' }, [
    pick,
    fileInput,
    el(doc, 'span', { class: 'field-hint', text: 'or drop them here: config.json, tokenizer.json or vocab.txt, and the .safetensors weights (or the folder holding them). They stay on your computer.' }),
  ]);

  const address = el(doc, 'input', {
    attrs: { type: 'text', inputmode: 'url', 'aria-label': 'Model address', placeholder: 'https://…/model-folder/', spellcheck: 'false', autocomplete: 'off' },
  });
  const form = el(doc, 'form', { class: 'model-address' }, [
    address,
    el(doc, 'button', { class: 'small-button', text: 'Load', attrs: { type: 'submit' } }),
    el(doc, 'span', { class: 'field-hint', text: 'A folder holding config.json, tokenizer.json or vocab.txt, and model.safetensors (a model hub’s repository page works too), or a link to one .safetensors file. The other site must allow this page to fetch it.' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = address.value.trim();
    if (value) callbacks.onAddress(value);
  });

  const info = el(doc, 'p', { class: 'field-hint model-info' });
  const loadInfo = el(doc, 'p', { class: 'field-hint model-info' });
  const trained = el(doc, 'div', { class: 'model-trained' });
  const toyNote = el(doc, 'p', { class: 'field-hint model-toy-note' });
  const vectorsBox = el(doc, 'input', { attrs: { type: 'checkbox' } });
  vectorsBox.addEventListener('change', () => callbacks.onVectors(vectorsBox.checked));
  const vectorsLabel = el(doc, 'span', { class: 'field-label' });
  const vectorsHint = el(doc, 'span', { class: 'field-hint' });
  const vectors = el(doc, 'label', { class: 'field field-check' }, [vectorsBox, vectorsLabel, vectorsHint]);

  root.replaceChildren(el(doc, 'fieldset', { class: 'control-group model-group' }, [
    el(doc, 'legend', { text: 'Model' }),
    el(doc, 'label', { class: 'field field-wide' }, [el(doc, 'span', { class: 'field-label', text: 'Computed by' }), select, hint]),
    drop,
    form,
    info,
    trained,
    loadInfo,
    toyNote,
    vectors,
  ]));

  /** The choice the state's source stands for. */
  function chosen() {
    if (!input) return 'toy';
    const { source } = input.state;
    if (source === TOY_SOURCE) return 'toy';
    const shipped = shippedAt(input.shipped, source);
    if (shipped) return valueOf(shipped);
    return isLocalSource(source) ? 'files' : 'url';
  }

  function render() {
    if (!input) return;
    const { state, status, computing } = input;
    const key = input.shipped.map((model) => `${model.entry.name}@${model.address}`).join('|');
    if (key !== shippedKey) {
      shippedKey = key;
      const option = (/** @type {ShippedModel} */ model) => el(doc, 'option', {
        text: `${model.entry.name} (${shippedLabel(model.entry)})`,
        attrs: { value: valueOf(model), title: model.entry.description },
      });
      const tasks = Object.keys(TASKS);
      const { shipped } = input;
      shippedGroup.replaceChildren(...shipped.filter((model) => taskOf(model.entry.name) === null).map(option));
      taskGroups.forEach((group, i) => {
        group.replaceChildren(...shipped.filter((model) => taskOf(model.entry.name) === tasks[i]).map(option));
        group.hidden = group.children.length === 0;
      });
    }
    const choice = pending ?? chosen();
    select.value = choice;
    drop.hidden = choice !== 'files';
    form.hidden = choice !== 'url';
    if (choice === 'url' && !pending && doc.activeElement !== address) address.value = state.source;
    const ready = status.phase === 'ready' && status.info && status.report;
    const about = ready && (status.source === state.source || status.source === state.vectors);
    info.hidden = !about;
    loadInfo.hidden = !about;
    if (about && status.info && status.report) {
      info.textContent = `${status.name} — ${describeModel(status.info)}.`;
      loadInfo.textContent = describeLoad(status.report);
    }
    // The shipped model behind the source, by its folder or a link to one of its files, so the
    // hint and the caption above the views agree on what computed the weights.
    const shipped = shippedBehind(input.shipped, state.source, doc.baseURI);
    hint.textContent = choice === 'toy'
      ? 'Random, seeded projections: every setting below is yours to change.'
      : shipped
        ? shipped.entry.description
        : status.info?.kind === 'decoder' && about
          ? 'A decoder the project does not ship: causal self-attention with its weights as they are (trained or random, the page cannot tell), in every layer and head; type a prompt and generate.'
          : 'A model the project does not ship: attention with its weights as they are (trained or random, the page cannot tell), in every layer and head.';
    renderTrained(trained, about ? { here: shipped?.entry.origin === 'trained', heads: status.heads, translation: status.info?.kind === 'encoder-decoder' } : null);
    toyNote.hidden = !computing;
    toyNote.textContent = computing && status.info ? modelNote(status.info) : '';
    const toy = state.source === TOY_SOURCE;
    vectors.hidden = !toy;
    const vectorsName = status.phase === 'ready' && status.source === state.vectors ? status.name : SERVED_MODEL.name;
    vectorsBox.checked = state.vectors !== null;
    vectorsLabel.textContent = `Token vectors from ${state.vectors !== null ? vectorsName : `a model (${SERVED_MODEL.name})`}`;
    vectorsHint.textContent = state.vectors !== null
      ? `The toy works on the model’s WordPiece tokens and their word embeddings; d_model is the model’s width${status.info && status.source === state.vectors ? ` (${status.info.hidden})` : ''}.`
      : 'Instead of hashed random vectors, the toy takes each WordPiece token’s word embedding from the model (loading it first).';
  }

  /**
   * A model trained by the project says so; a model whose heads.json names heads says what they do.
   * @param {HTMLElement} host
   * @param {{ here: boolean, heads: import('../model/heads.js').NamedHead[], translation: boolean } | null} loaded  the loaded model
   *   (a translation model names no heads: its measurements are the accuracy chart)
   */
  function renderTrained(host, loaded) {
    host.hidden = loaded === null || (!loaded.here && loaded.heads.length === 0);
    if (!loaded || host.hidden) {
      host.replaceChildren();
      return;
    }
    const { heads } = loaded;
    host.replaceChildren(
      loaded.here
        ? el(doc, 'p', { class: 'model-trained-title' }, [
          el(doc, 'span', { class: 'trained-badge', text: 'Trained here' }),
          ' by the project’s own scripts (training/), with its measurements beside the weights.',
        ])
        : '',
      heads.length === 0
        ? (loaded.translation ? '' : el(doc, 'p', { class: 'field-hint', text: 'No head’s pattern was clear enough to be named (heads.json).' }))
        : el(doc, 'ul', { class: 'named-heads', attrs: { 'aria-label': 'Named heads' } }, namedGroups(heads).map((group) => el(doc, 'li', {}, [
          el(doc, 'strong', { text: group.name }),
          ': ',
          ...group.heads.flatMap((named, i) => [
            i > 0 ? ', ' : '',
            el(doc, 'button', {
              class: 'named-head',
              text: headTag(named).split(' · ')[0],
              attrs: { type: 'button', title: `Show ${headTag(named)}${named.score === null ? '' : ` (score ${formatWeight(named.score)})`}` },
              on: { click: () => callbacks.onHead(named.layer, named.head) },
            }),
            named.score === null ? '' : el(doc, 'span', { class: 'named-score', text: ` ${formatWeight(named.score)}` }),
          ]),
          group.description ? el(doc, 'span', { class: 'named-description', text: group.description }) : '',
        ]))),
    );
  }

  return {
    /** @param {ModelPanelInput} next */
    update(next) {
      if (input && (input.state.source !== next.state.source || input.status.source !== next.status.source)) pending = null;
      input = next;
      render();
    },
  };
}

/**
 * Named heads grouped by name, in the order of their first head; each group says what its
 * best-scored head does.
 * @param {import('../model/heads.js').NamedHead[]} heads
 */
export function namedGroups(heads) {
  /** @type {Map<string, import('../model/heads.js').NamedHead[]>} */
  const groups = new Map();
  for (const named of heads) groups.set(named.name, [...(groups.get(named.name) ?? []), named]);
  return [...groups].map(([name, members]) => {
    const best = members.reduce((a, b) => ((b.score ?? -Infinity) > (a.score ?? -Infinity) ? b : a));
    return { name, heads: members, description: best.description };
  });
}
