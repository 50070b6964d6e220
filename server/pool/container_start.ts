/**
 * Starting one container for a function: from a blank container when one was taken (resized to
 * the function's limits and handed the code), else from scratch (created, started, ready,
 * handed the code). No accounting: the pool books memory and slots around it.
 *
 * @module
 */
import type { ContainerBackend, ContainerHandle } from "../containers/backend.ts";
import { FreezeWatch } from "../containers/freeze_watch.ts";
import { inSpan } from "../tracing/tracing.ts";
import type { PoolFunction } from "./pool_function.ts";
import type { SilentImages } from "./silent_images.ts";

/** What a start needs besides the function. */
export interface StartContext {
  /** Runs the containers. */
  backend: ContainerBackend;
  /** Milliseconds a new container's executor gets to answer. */
  readyTimeoutMs: number;
  /** Images whose executor did not answer lately: their starts fail at once. */
  silentImages: SilentImages;
}

/**
 * A container serving `fn`, ready and holding its code: `blank` when it could take the
 * function, else a new one (a blank that died, was removed or froze meanwhile is removed).
 */
export async function startContainer(
  context: StartContext,
  fn: PoolFunction,
  blank: ContainerHandle | undefined,
): Promise<ContainerHandle> {
  const prepared = blank && await prepareBlank(context, blank, fn);
  if (prepared) return prepared;
  const first = await startNew(context, fn);
  if (first.executor.contract !== "serverledge" || first.serverledgeLayout) return first;
  // The image's first container told the backend it speaks Serverledge's contract, which needs
  // the code in place before the start: the next one is laid out for it.
  await context.backend.remove(first.id).catch(() => {});
  return await startNew(context, fn);
}

/** A new container of `fn`, ready and holding its code. */
async function startNew(
  { backend, readyTimeoutMs, silentImages }: StartContext,
  fn: PoolFunction,
): Promise<ContainerHandle> {
  silentImages.check(fn.image);
  const handle = await inSpan("container.create", {}, () =>
    backend.start({
      image: fn.image,
      memoryMB: fn.memoryMB,
      cpus: fn.cpus,
      labels: { "serverledge.function": fn.name },
      code: fn.code,
    }));
  try {
    await inSpan("executor.ready", {}, () => handle.executor.waitUntilReady(readyTimeoutMs)).then(
      () => silentImages.record(fn.image),
      (error) => {
        silentImages.record(fn.image, error);
        throw error;
      },
    );
    await inSpan("code.init", {}, () => handle.executor.init(fn.code));
    return handle;
  } catch (error) {
    await backend.remove(handle.id).catch(() => {});
    throw error;
  }
}

/** Resizes a blank container to `fn`'s limits and gives it the code; `undefined` if it failed. */
async function prepareBlank(
  { backend }: StartContext,
  blank: ContainerHandle,
  fn: PoolFunction,
): Promise<ContainerHandle | undefined> {
  using watch = new FreezeWatch(backend, blank.id);
  try {
    if (blank.executor.contract === "serverledge") {
      throw new Error("its image speaks Serverledge's contract, which takes code only at start");
    }
    const limits = { memoryMB: fn.memoryMB, cpus: fn.cpus };
    await inSpan("container.resize", {}, () => backend.resize(blank.id, limits));
    await inSpan("code.init", {}, () => blank.executor.init(fn.code, watch.signal));
    return blank;
  } catch (error) {
    console.warn(
      `Blank container ${blank.id.slice(0, 12)} could not take function "${fn.name}" ` +
        `(${(error as Error).message}): starting a new container`,
    );
    backend.remove(blank.id).catch(() => {});
    return undefined;
  }
}
