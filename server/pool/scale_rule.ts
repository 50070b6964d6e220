/**
 * When a function's queue asks for another container, and how long a new request would wait:
 * pure arithmetic on the queue's figures, no clock and no I/O of its own.
 *
 * A container is started from demand, never as a side effect of one request:
 *
 * - nothing runs or starts for the function and requests wait: start one;
 * - the backlog would take longer to drain on the slots there are (and are starting) than a
 *   new container takes to start: start one (`backlog × work time / slots > cold start`).
 *   The backlog counts the waiting requests and, when requests arrive faster than the slots
 *   serve them, those that will pile up meanwhile (`(arrival rate − slots / work time) ×
 *   cold start`): an overload is met before its queue has grown. The work time is how long
 *   the handler runs, as its executor measures: when a busy node, not its containers, holds
 *   the slots longer (its own event loop lagging), more containers would not drain anything
 *   faster, and none is started;
 * - the host has too little CPU idle for another container to serve more (`cpuBound`): none
 *   is started, whatever the backlog;
 * - with no waiting allowed (`scheduler.queue.capacity: 0`), every waiting request beyond the
 *   slots already starting gets a container of its own.
 *
 * Never more slots are started than requests wait for them.
 *
 * @module
 */

/** What a function's queue looks like now. */
export interface QueueFigures {
  /** Requests waiting for a slot. */
  waiting: number;
  /** Slots of the function's ready containers (busy or free). */
  readySlots: number;
  /** Slots of its containers being started. */
  startingSlots: number;
  /** Slots one container adds (the function's `MaxConcurrency`). */
  slotsPerContainer: number;
  /** Expected seconds one invocation holds a slot; 0 when nothing is known yet. */
  serviceTime: number;
  /**
   * Expected seconds the handler runs in its container (as its executor says, else the
   * service time); 0 when nothing is known yet.
   */
  workTime: number;
  /** Expected seconds until a new container serves. */
  coldStart: number;
  /** Requests per second arriving for the function lately. */
  arrivalRate: number;
  /** Whether requests may wait for busy slots at all (`scheduler.queue.capacity` > 0). */
  mayWait: boolean;
  /**
   * CPUs of the host idle lately, less what the function's containers that do not show in that
   * figure yet (starting, just started) will use; `Infinity` when unknown.
   */
  idleCpus: number;
  /** CPUs one ready container of the function used lately, on average; 0 when unknown. */
  cpusPerContainer: number;
}

/**
 * Share of the CPU one of a function's containers uses that the host must have idle for
 * another container to be worth starting.
 */
const CPU_SHARE_FOR_A_START = 0.5;
/**
 * CPUs below which a container counts as light: its handler mostly waits (I/O, sleep), and
 * another one is served by the kernel's fair share of even a busy host.
 */
const LIGHT_CONTAINER_CPUS = 0.1;

/**
 * Whether another container would find too little CPU to serve more: the function has a
 * container running or starting, one of its containers keeps a tenth of a CPU busy or more,
 * and the host has less CPU idle than half of what one of them uses. Its waiting requests then
 * wait (or are refused, or offloaded, when they would be late) instead of starting containers
 * that would only share the busy CPUs. Not when requests may not wait: then each gets a
 * container of its own.
 */
export function cpuBound(q: QueueFigures): boolean {
  return q.mayWait && q.readySlots + q.startingSlots > 0 &&
    q.cpusPerContainer >= LIGHT_CONTAINER_CPUS &&
    q.idleCpus < CPU_SHARE_FOR_A_START * q.cpusPerContainer;
}

/**
 * Whether the queue needs one more container now.
 *
 * @example
 * ```ts
 * import { wantsAnotherContainer } from "./scale_rule.ts";
 *
 * const burst = {
 *   waiting: 32, readySlots: 1, startingSlots: 0, slotsPerContainer: 1,
 *   serviceTime: 0.0005, workTime: 0.0005, coldStart: 0.03, arrivalRate: 0, mayWait: true,
 *   idleCpus: 1, cpusPerContainer: 0.9,
 * };
 * console.log(wantsAnotherContainer(burst)); // false: 32 × 0.5 ms drain before a start helps
 * ```
 */
export function wantsAnotherContainer(q: QueueFigures): boolean {
  if (q.waiting <= q.startingSlots) return false;
  const slots = q.readySlots + q.startingSlots;
  if (slots === 0 || !q.mayWait) return true;
  if (cpuBound(q)) return false;
  const servedPerSecond = q.workTime > 0 ? slots / q.workTime : Infinity;
  const pileUp = Math.max(0, (q.arrivalRate - servedPerSecond) * q.coldStart);
  return ((q.waiting + pileUp) * q.workTime) / slots > q.coldStart;
}

/**
 * Expected seconds until a request at `position` in the queue (1 = next) gets a slot, given
 * that a container will be started for it when none runs or starts.
 */
export function expectedWait(q: QueueFigures, position: number): number {
  const starting = q.readySlots + q.startingSlots === 0 ? q.slotsPerContainer : q.startingSlots;
  const viaStart = q.coldStart +
    Math.max(0, position - starting) * q.serviceTime / (q.readySlots + starting);
  if (q.readySlots === 0) return viaStart;
  const viaReady = (position * q.serviceTime) / q.readySlots;
  return starting > 0 ? Math.min(viaReady, viaStart) : viaReady;
}
