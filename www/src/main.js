// The playground page's script (index.html): mounts a playground, kept in the URL, into every
// element marked data-attention-playground (the page has one). Loaded in a worker, the same
// script serves the wasm core instead.

import { mountPlayground } from './app.js';
import { decodeState, encodeState } from './url-state.js';
import { isWorkerScope, serveCore } from './worker.js';

if (isWorkerScope()) serveCore();
else startPage();

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

  for (const container of document.querySelectorAll('[data-attention-playground]')) {
    mountPlayground(/** @type {HTMLElement} */ (container), {
      workerUrl: here,
      syncUrl: true,
      // An empty link opens on a trained model; the toy is one click away.
      trainedFirst: true,
      share: {
        pageUrl: page,
        moduleUrl: new URL('./attention-playground.js', here),
        docsUrl: new URL('../docs/', here),
      },
    });
  }
}
