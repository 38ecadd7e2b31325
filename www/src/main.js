// The playground page's script (index.html): mounts a playground, kept in the URL, into every
// element marked data-attention-playground (the page has one), and the Train mode (?mode=train,
// the header's tabs). Loaded in a worker, the same script serves the wasm core instead, or
// training in the worker the Train panel names TRAINER_WORKER.

import { mountPlayground } from './app.js';
import { mountTrainPanel } from './train/panel.js';
import { TRAINER_WORKER, serveTrainer } from './train/worker.js';
import { decodeState, encodeState } from './url-state.js';
import { isWorkerScope, serveCore } from './worker.js';

if (!isWorkerScope()) startPage();
else if (/** @type {DedicatedWorkerGlobalScope} */ (/** @type {unknown} */ (globalThis)).name === TRAINER_WORKER) serveTrainer();
else serveCore();

function startPage() {
  const here = new URL(import.meta.url);
  const page = new URL(window.location.pathname, window.location.href);
  const root = document.documentElement;

  // In an iframe embed (embed=1 in the link) the page drops its header and footer.
  const showEmbedded = () => root.classList.toggle('embedded', decodeState(window.location.hash).presentation.embed);
  showEmbedded();
  window.addEventListener('hashchange', showEmbedded);

  // "Open in a new tab" from an embed: the same state, as a full page.
  for (const link of document.querySelectorAll('a[data-open-full]')) {
    link.addEventListener('click', () => {
      const { state, presentation } = decodeState(window.location.hash);
      /** @type {HTMLAnchorElement} */ (link).href = `${page.href}#${encodeState(state, { ...presentation, embed: false })}`;
    });
  }

  /** @type {ReturnType<typeof mountPlayground>[]} */
  const playgrounds = [];
  for (const container of document.querySelectorAll('[data-attention-playground]')) {
    playgrounds.push(mountPlayground(/** @type {HTMLElement} */ (container), {
      workerUrl: here,
      syncUrl: true,
      // An empty link opens on a trained model; the toy is one click away.
      trainedFirst: true,
      share: {
        pageUrl: page,
        moduleUrl: new URL('./attention-playground.js', here),
        docsUrl: new URL('../docs/', here),
      },
    }));
  }
  trainMode(here, playgrounds[0]);
}

/**
 * The header's two modes: exploring attention (the playground) and training a model (the Train
 * panel above the playground, which then runs the model in training). The mode is the link's
 * `?mode=train` (with `&task=…`, the task trained); the playground keeps its state in the
 * fragment either way.
 * @param {URL} workerUrl
 * @param {ReturnType<typeof mountPlayground> | undefined} playground
 */
function trainMode(workerUrl, playground) {
  const host = /** @type {HTMLElement | null} */ (document.querySelector('[data-train-panel]'));
  const tabs = [...document.querySelectorAll('a[data-mode]')].map((a) => /** @type {HTMLAnchorElement} */ (a));
  if (!host || !playground) return;
  const explore = /** @type {HTMLElement | null} */ (document.querySelector('[data-attention-playground]'));
  /** @type {ReturnType<typeof mountTrainPanel> | null} */
  let panel = null;
  // In the Train mode the playground shows only a model being trained: it stays out of sight
  // (instead of showing an unrelated model under the panel) until Try it hands it one.
  let tried = false;
  const apply = () => {
    const training = new URLSearchParams(window.location.search).get('mode') === 'train';
    document.documentElement.classList.toggle('training', training);
    host.hidden = !training;
    if (explore) explore.hidden = training && !tried;
    for (const tab of tabs) tab.setAttribute('aria-current', String((tab.dataset.mode === 'train') === training));
    if (training) {
      panel ??= mountTrainPanel(host, {
        workerUrl,
        task: new URLSearchParams(window.location.search).get('task'),
        // The link names the task trained, so it opens on it again.
        onTask: (task) => {
          const url = new URL(window.location.href);
          if (url.searchParams.get('mode') !== 'train') return;
          url.searchParams.set('task', task);
          window.history.replaceState(window.history.state, '', url);
        },
        openInPlayground: (files, folder, change) => {
          tried = true;
          if (explore) explore.hidden = false;
          playground.openFiles({ files, folder }, change);
          explore?.scrollIntoView({ behavior: 'smooth', block: 'start' });
        },
      });
    } else {
      panel?.pause();
    }
  };
  for (const tab of tabs) {
    tab.addEventListener('click', (event) => {
      event.preventDefault();
      const url = new URL(window.location.href);
      if (tab.dataset.mode === 'train') url.searchParams.set('mode', 'train');
      else {
        url.searchParams.delete('mode');
        url.searchParams.delete('task');
      }
      window.history.pushState(window.history.state, '', url);
      apply();
    });
  }
  window.addEventListener('popstate', apply);
  apply();
}
