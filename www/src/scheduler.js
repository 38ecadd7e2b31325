// When the core runs: a run waits for its delay (typing pauses), a newer request replaces a
// waiting one, and the run reads the state only when it starts, so what is computed is always
// the latest. Answers that a newer run made stale are dropped by the engine. Timers are given,
// so tests drive the clock.

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
