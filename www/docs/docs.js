// The guide's live examples. A paragraph marked data-follows="NAME" describes what the
// playground marked data-example="NAME" shows (from its events); buttons inside
// data-controls-for="NAME" set one of its attributes (data-set, data-value) or save one of its
// exports (data-export, data-scale).

/**
 * @typedef {{ view: string, head: number, query: number, token: string, step: number, steps: number, stage: string }} PlaygroundState
 * @typedef {HTMLElement & { state: PlaygroundState | null, export: (format: string, options?: { scale?: number }) => Promise<Blob> }} Playground
 */

/** @param {PlaygroundState} state */
function describe(state) {
  const stage = state.view === 'steps' ? ` · step ${state.step + 1} of ${state.steps} (${state.stage})` : '';
  return `Looking at ‘${state.token}’ (query ${state.query}) with head ${state.head + 1}${stage}.`;
}

const EXTENSIONS = /** @type {Record<string, string>} */ ({ svg: 'svg', png: 'png', json: 'json', csv: 'csv' });

/**
 * @param {Blob} blob
 * @param {string} name
 */
function save(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

for (const element of /** @type {NodeListOf<Playground>} */ (document.querySelectorAll('attention-playground[data-example]'))) {
  const name = element.getAttribute('data-example');
  const follow = document.querySelector(`[data-follows="${name}"]`);
  const show = (/** @type {Event} */ event) => {
    const detail = /** @type {CustomEvent<PlaygroundState>} */ (event).detail;
    if (follow) follow.textContent = `${describe(detail)} (${event.type})`;
  };
  for (const type of ['querychange', 'headchange', 'stepchange']) element.addEventListener(type, show);
  // The first numbers arrive without an event: read the element's state once it has one.
  const wait = setInterval(() => {
    if (!element.state) return;
    clearInterval(wait);
    if (follow && follow.textContent?.startsWith('Waiting')) follow.textContent = describe(element.state);
  }, 100);

  for (const button of document.querySelectorAll(`[data-controls-for="${name}"] button`)) {
    button.addEventListener('click', async () => {
      const attribute = button.getAttribute('data-set');
      const format = button.getAttribute('data-export');
      if (attribute) {
        element.setAttribute(attribute, button.getAttribute('data-value') ?? '');
        // The page's own changes fire no events: the page knows, and says so itself.
        if (follow && element.state) follow.textContent = `${describe(element.state)} (set by the page)`;
      }
      if (format) {
        const scale = Number(button.getAttribute('data-scale') ?? 1);
        try {
          save(await element.export(format, { scale }), `attention.${EXTENSIONS[format] ?? 'bin'}`);
        } catch (error) {
          if (follow) follow.textContent = error instanceof Error ? error.message : 'The export failed.';
        }
      }
    });
  }
}
