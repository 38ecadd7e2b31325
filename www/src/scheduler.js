// When the core runs: a run waits for its delay (typing pauses), a newer request replaces a
// waiting one, and the run reads the state only when it starts, so what is computed is always
// the latest. Answers that a newer run made stale are dropped by the engine. Timers are given,
// so tests drive the clock. Typing waits for a pause only when runs are slow (typingDelay).

/** A run (computing and drawing) quicker than this starts on the keystroke: a pause would only add its delay. */
export const QUICK_RUN_MS = 50;

/**
 * How long a keystroke waits for the next one before the core runs, from how long the last run
 * took from its start to its views drawn: none after a quick run, otherwise as long as that run
 * (a key typed sooner replaces the waiting run instead of queueing behind it), at most `longest`;
 * `longest` before any run has been timed.
 * @param {number | null} lastRunMs
 * @param {number} longest
 */
export function typingDelay(lastRunMs, longest) {
  if (lastRunMs === null) return longest;
  return lastRunMs < QUICK_RUN_MS ? 0 : Math.min(longest, lastRunMs);
}

/**
 * @typedef {Object} Timers
 * @property {(callback: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 */

/**
 * @param {{ timers: Timers, start: () => void }} options  `start` sends the run of the state as
 *   it is when the delay is over
 */
export function createScheduler({ timers, start }) {
  /** @type {unknown} */
  let timer;
  let waiting = false;
  return {
    /**
     * Runs after `delay` ms, replacing a run still waiting.
     * @param {number} delay
     */
    schedule(delay) {
      timers.clearTimeout(timer);
      waiting = true;
      timer = timers.setTimeout(() => {
        waiting = false;
        start();
      }, delay);
    },
    /** Whether a run is waiting for its delay. */
    waiting: () => waiting,
    cancel() {
      timers.clearTimeout(timer);
      waiting = false;
    },
  };
}
