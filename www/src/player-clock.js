// The step-by-step player's clock: while it plays, one tick per step, each after the delay the
// speed (and the reader's motion preference) asks for; a tick that cannot move stops it. Timers
// are given, so tests drive the clock.

/** @typedef {import('./scheduler.js').Timers} Timers */

/**
 * @param {{ timers: Timers, delay: () => number, tick: () => boolean }} options  `tick` moves one
 *   step and says whether to go on
 */
export function createPlayerClock({ timers, delay, tick }) {
  /** @type {unknown} */
  let timer;
  let running = false;

  function next() {
    timer = timers.setTimeout(() => {
      if (!running) return;
      if (tick()) next();
      else running = false;
    }, delay());
  }

  return {
    /** @param {boolean} on */
    set(on) {
      timers.clearTimeout(timer);
      running = on;
      if (on) next();
    },
    running: () => running,
  };
}
