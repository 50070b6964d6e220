/**
 * Measured run and cold-start times per function (exponentially weighted moving averages),
 * which the QoS-aware policy uses to predict response times.
 *
 * @module
 */

const WEIGHT = 0.2;
/** Assumed before anything was measured: a short function, a typical cold start here. */
const DEFAULT_DURATION_S = 0.05;
const DEFAULT_COLD_START_S = 0.5;

/** Running estimates of each function's durations, in seconds. */
export class DurationEstimates {
  readonly #duration = new Map<string, number>();
  #coldStart = DEFAULT_COLD_START_S;
  #measuredColdStart = false;

  /** Records one local run (and its cold start, when there was one). */
  record(fn: string, durationS: number, initTimeS: number): void {
    this.#duration.set(fn, smooth(this.#duration.get(fn), durationS));
    if (initTimeS > 0) {
      this.#coldStart = this.#measuredColdStart ? smooth(this.#coldStart, initTimeS) : initTimeS;
      this.#measuredColdStart = true;
    }
  }

  /** Expected run time and cold start of `fn`. */
  of(fn: string): { duration: number; coldStart: number } {
    return { duration: this.#duration.get(fn) ?? DEFAULT_DURATION_S, coldStart: this.#coldStart };
  }
}

function smooth(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + WEIGHT * (sample - previous);
}
