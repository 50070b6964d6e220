/**
 * What the pool measures to decide scale-ups and predict waits: per function, how long an
 * invocation holds its slot, how long its handler runs (as its executors say) and how fast
 * requests arrive; per image, how long a new container takes to serve, from a blank container or
 * from scratch. Starting from assumptions until something is measured.
 *
 * The hold and work times are averages over the last {@linkcode RECENT_S} of calls ({@linkcode
 * RecentAverage}): a function called thousands of times a second is judged by its last second,
 * not by its last few calls, so that one slow call (a pause of the executor's process, its
 * first call) does not make it look many times heavier; a function called rarely by its last
 * calls. Cold starts, rarer still, are exponentially weighted over their last few.
 *
 * @module
 */

const COLD_START_WEIGHT = 0.2;
/** Assumed cold starts before one is measured, seconds. */
const ASSUMED_COLD_START_S = { blank: 0.05, scratch: 0.5 };
/** Arrivals are counted over windows of this many milliseconds. */
const ARRIVAL_WINDOW_MS = 1000;
/** Seconds of recent calls the hold and work times average over. */
export const RECENT_S = 1;

/** One function's arrivals: the current window's count and the rate of the last full one. */
interface _Arrivals {
  windowStart: number;
  count: number;
  rate: number;
}

/**
 * An average of samples over about the last {@linkcode RECENT_S}: each sample weighs by the
 * time since the previous one (`1 − e^(−Δt / RECENT_S)`), and at least `1/n` for the n-th, so
 * that the first samples are averaged alike instead of the first one lingering.
 */
export class RecentAverage {
  #value = 0;
  #samples = 0;
  #at = 0;

  /** The average; `undefined` before the first sample. */
  get value(): number | undefined {
    return this.#samples === 0 ? undefined : this.#value;
  }

  /** Adds `sample` taken at `now` (ms). */
  add(sample: number, now: number): void {
    this.#samples++;
    const elapsed = Math.max(0, now - this.#at) / 1000;
    const weight = Math.max(1 / this.#samples, 1 - Math.exp(-elapsed / RECENT_S));
    this.#value += weight * (sample - this.#value);
    this.#at = now;
  }
}

/** Running figures of the pool's functions and images. */
export class PoolEstimates {
  readonly #hold = new Map<string, RecentAverage>();
  readonly #work = new Map<string, RecentAverage>();
  /** Cold starts per image, from a blank container and from scratch. */
  readonly #coldStart = { blank: new Map<string, number>(), scratch: new Map<string, number>() };
  readonly #arrivals = new Map<string, _Arrivals>();

  /** Records that an invocation of `fn` ending at `now` (ms) held its slot for `seconds`. */
  recordHold(fn: string, seconds: number, now: number): void {
    averageOf(this.#hold, fn).add(seconds, now);
  }

  /**
   * Expected seconds an invocation of `fn` holds its slot: the measured average, or at least
   * `runningFor` (how long the oldest running invocation has run), 0 when nothing is known.
   */
  serviceTime(fn: string, runningFor = 0): number {
    return Math.max(this.#hold.get(fn)?.value ?? 0, runningFor);
  }

  /** Records that the handler of `fn`, ending at `now` (ms), ran `seconds` as its executor measured. */
  recordWork(fn: string, seconds: number, now: number): void {
    averageOf(this.#work, fn).add(seconds, now);
  }

  /**
   * Expected seconds the handler of `fn` runs, as its executors measure; `undefined` when they
   * never said (a custom executor that does not report it).
   */
  workTime(fn: string): number | undefined {
    return this.#work.get(fn)?.value;
  }

  /** Records that a new container of `image` took `seconds` to serve. */
  recordColdStart(image: string, fromBlank: boolean, seconds: number): void {
    const starts = this.#coldStart[fromBlank ? "blank" : "scratch"];
    starts.set(image, smooth(starts.get(image), seconds));
  }

  /** Expected seconds until a new container of `image` serves. */
  coldStart(image: string, fromBlank: boolean): number {
    const kind = fromBlank ? "blank" : "scratch";
    return this.#coldStart[kind].get(image) ?? ASSUMED_COLD_START_S[kind];
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

function smooth(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + COLD_START_WEIGHT * (sample - previous);
}

function averageOf(averages: Map<string, RecentAverage>, fn: string): RecentAverage {
  let average = averages.get(fn);
  if (!average) averages.set(fn, average = new RecentAverage());
  return average;
}
