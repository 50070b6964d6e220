/**
 * What the pool measures to decide scale-ups and predict waits: per function, how long an
 * invocation holds its slot, how long its handler runs (as its executors say) and how fast
 * requests arrive; per image, how long a new container
 * takes to serve, from a blank container or from scratch. Exponentially weighted averages,
 * starting from assumptions until something is measured.
 *
 * @module
 */

const WEIGHT = 0.2;
/** Assumed cold starts before one is measured, seconds. */
const ASSUMED_COLD_START_S = { blank: 0.05, scratch: 0.5 };
/** Arrivals are counted over windows of this many milliseconds. */
const ARRIVAL_WINDOW_MS = 1000;

/** One function's arrivals: the current window's count and the rate of the last full one. */
interface _Arrivals {
  windowStart: number;
  count: number;
  rate: number;
}

/** Running figures of the pool's functions and images. */
export class PoolEstimates {
  readonly #hold = new Map<string, number>();
  readonly #work = new Map<string, number>();
  readonly #coldStart = new Map<string, number>();
  readonly #arrivals = new Map<string, _Arrivals>();

  /** Records that invocation of `fn` held its slot for `seconds`. */
  recordHold(fn: string, seconds: number): void {
    this.#hold.set(fn, smooth(this.#hold.get(fn), seconds));
  }

  /**
   * Expected seconds an invocation of `fn` holds its slot: the measured average, or at least
   * `runningFor` (how long the oldest running invocation has run), 0 when nothing is known.
   */
  serviceTime(fn: string, runningFor = 0): number {
    return Math.max(this.#hold.get(fn) ?? 0, runningFor);
  }

  /** Records that the handler of `fn` ran `seconds`, as its executor measured. */
  recordWork(fn: string, seconds: number): void {
    this.#work.set(fn, smooth(this.#work.get(fn), seconds));
  }

  /**
   * Expected seconds the handler of `fn` runs, as its executors measure; `undefined` when they
   * never said (a custom executor that does not report it).
   */
  workTime(fn: string): number | undefined {
    return this.#work.get(fn);
  }

  /** Records that a new container of `image` took `seconds` to serve. */
  recordColdStart(image: string, fromBlank: boolean, seconds: number): void {
    const key = coldStartKey(image, fromBlank);
    this.#coldStart.set(key, smooth(this.#coldStart.get(key), seconds));
  }

  /** Expected seconds until a new container of `image` serves. */
  coldStart(image: string, fromBlank: boolean): number {
    return this.#coldStart.get(coldStartKey(image, fromBlank)) ??
      ASSUMED_COLD_START_S[fromBlank ? "blank" : "scratch"];
  }

  /** Counts one request for `fn` arriving at `now` (ms). */
  recordArrival(fn: string, now: number): void {
    const arrivals = this.#arrivals.get(fn);
    if (!arrivals) {
      this.#arrivals.set(fn, { windowStart: now, count: 1, rate: 0 });
      return;
    }
    this.#roll(arrivals, now);
    arrivals.count++;
  }

  /** Requests per second that arrived for `fn` in the last full window before `now` (ms). */
  arrivalRate(fn: string, now: number): number {
    const arrivals = this.#arrivals.get(fn);
    if (!arrivals) return 0;
    this.#roll(arrivals, now);
    return arrivals.rate;
  }

  /** Forgets `fn` (deleted). */
  forget(fn: string): void {
    this.#hold.delete(fn);
    this.#work.delete(fn);
    this.#arrivals.delete(fn);
  }

  #roll(arrivals: _Arrivals, now: number): void {
    const elapsed = now - arrivals.windowStart;
    if (elapsed < ARRIVAL_WINDOW_MS) return;
    // A window with no arrivals since the last one counts as a rate of zero.
    arrivals.rate = elapsed < 2 * ARRIVAL_WINDOW_MS ? arrivals.count / (elapsed / 1000) : 0;
    arrivals.windowStart = now;
    arrivals.count = 0;
  }
}

function coldStartKey(image: string, fromBlank: boolean): string {
  return `${fromBlank ? "blank" : "scratch"} ${image}`;
}

function smooth(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + WEIGHT * (sample - previous);
}
