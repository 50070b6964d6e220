/**
 * What a failed executor call means for the request: the container was lost before it could
 * serve it (stopped, removed or frozen from outside: safe to run the request on another
 * container), or the function failed (timed out, ran out of memory, crashed its process, broke
 * its executor: reported to the caller). The backend's view of the container decides.
 *
 * @module
 */
import type { FunctionInfo } from "../../protocol/function.ts";
import type { ContainerBackend, ContainerState } from "../containers/backend.ts";
import type { ExecutorError } from "../containers/executor.ts";
import { sleep } from "../timing/sleep.ts";

/** The verdict on a failed executor call. */
export type ContainerFault =
  | {
    /** The container never served the request: run it on another one. */
    kind: "lost";
    /** What happened to the container, e.g. `container 3f2a… was paused`. */
    reason: string;
  }
  | {
    /** The function failed, or the request may have run: report it. */
    kind: "failed";
    /** The report's `Error`. */
    error: string;
  };

/** What {@linkcode diagnose} needs to know of the call. */
export interface FailedCall {
  /** The error the executor call ended with. */
  error: ExecutorError;
  /** The function that was called. */
  definition: Readonly<FunctionInfo>;
  /** Backend id of the container. */
  containerId: string;
  /** `Date.now()` when the request was sent. */
  sentAt: number;
  /** Whether a `FreezeWatch` found the container paused (and aborted the call). */
  frozen: boolean;
}

/** Milliseconds a container that broke the connection gets to be seen as stopped. */
const EXIT_SETTLE_MS = 1000;
const EXIT_POLL_MS = 50;

/**
 * Tells a container lost before the request reached it from a failure of the function.
 * Lost: the container is paused (frozen, as `frozen` or the backend says), or it had stopped
 * or been removed before the request was sent (`stoppedAt` earlier than `sentAt`). Anything
 * else that happened during the request (out of memory, the process exited, the connection
 * broke) is the function's failure, since the function may have run.
 */
export async function diagnose(
  backend: ContainerBackend,
  call: FailedCall,
): Promise<ContainerFault> {
  const { error, definition, containerId, sentAt } = call;
  const name = `Function "${definition.Name}"`;
  const failed = (text: string): ContainerFault => ({ kind: "failed", error: `${name} ${text}` });
  const paused: ContainerFault = {
    kind: "lost",
    reason: `container ${short(containerId)} was paused`,
  };
  if (call.frozen) return paused;
  if (error.failure === "protocol") return failed(`broke its executor: ${error.message}`);
  const state = error.failure === "timeout"
    ? await backend.inspect(containerId).catch(() => undefined)
    : await settledState(backend, containerId);
  if (state?.paused) return paused;
  if (error.failure === "timeout") {
    return failed(`timed out after ${definition.Timeout} s and was stopped`);
  }
  if (state && state.stoppedAt !== undefined && state.stoppedAt < sentAt) {
    const what = state.exists ? `had stopped (exit code ${state.exitCode})` : "had been removed";
    return { kind: "lost", reason: `container ${short(containerId)} ${what} before the request` };
  }
  if (state?.oomKilled) {
    return failed(`exceeded its memory limit of ${definition.MemoryMB} MB and was killed`);
  }
  if (state && !state.exists) return failed("could not finish: its container was removed");
  if (state && !state.running) {
    return failed(`crashed: its container exited with code ${state.exitCode}`);
  }
  return failed("could not be reached: its container stopped answering");
}

/** The container's state once it stopped running, or after {@linkcode EXIT_SETTLE_MS}. */
async function settledState(
  backend: ContainerBackend,
  id: string,
): Promise<ContainerState | undefined> {
  const deadline = Date.now() + EXIT_SETTLE_MS;
  let state = await backend.inspect(id).catch(() => undefined);
  while (state?.running && !state.paused && Date.now() < deadline) {
    await sleep(EXIT_POLL_MS);
    state = await backend.inspect(id).catch(() => undefined);
  }
  return state;
}

function short(id: string): string {
  return id.slice(0, 12);
}
