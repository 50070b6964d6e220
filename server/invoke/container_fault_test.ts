// Unit tests of the verdict on a failed executor call, with the backend's answers given by hand
// (server/invoke/invoker_test.ts covers the same faults on the real Docker daemon), and of the
// bound on the containers tried for one request.
import assert from "node:assert/strict";
import type { ContainerBackend, ContainerState } from "../containers/backend.ts";
import { encodeExecutorCode, ExecutorError, type ExecutorFailure } from "../containers/executor.ts";
import { UnavailableError } from "../errors.ts";
import { deploy } from "../functions/deployed.ts";
import { ContainerPool } from "../pool/pool.ts";
import { definition } from "../testing/registry_contract.ts";
import { type ContainerFault, diagnose } from "./container_fault.ts";
import { newInvocation } from "./invocation.ts";
import { Invoker, MAX_CONTAINER_ATTEMPTS } from "./invoker.ts";
import { parseInvocationRequest } from "./request.ts";

const SENT_AT = 1_000_000;
const RUNNING: ContainerState = {
  exists: true,
  running: true,
  paused: false,
  oomKilled: false,
  exitCode: 0,
};

/** A backend that answers `state` to every inspect (nothing else is used). */
function backendSaying(state: ContainerState): ContainerBackend {
  const unused = () => Promise.reject(new Error("unused"));
  return {
    start: unused,
    resize: unused,
    remove: () => Promise.resolve(),
    inspect: () => Promise.resolve(state),
    removeAll: unused,
    hasImage: unused,
    ping: unused,
  };
}

function verdict(
  state: ContainerState,
  failure: ExecutorFailure,
  frozen = false,
): Promise<ContainerFault> {
  return diagnose(backendSaying(state), {
    error: new ExecutorError(failure, "test"),
    definition: { ...definition("f"), MemoryMB: 64, Timeout: 5 },
    containerId: "0123456789abcdef",
    sentAt: SENT_AT,
    frozen,
  });
}

Deno.test("a container stopped or removed before the request was sent is lost", async () => {
  const killed = { ...RUNNING, running: false, exitCode: 137, stoppedAt: SENT_AT - 5 };
  assert.deepEqual(await verdict(killed, "unreachable"), {
    kind: "lost",
    reason: "container 0123456789ab had stopped (exit code 137) before the request",
  });
  const removed = { ...killed, exists: false };
  assert.deepEqual(await verdict(removed, "unreachable"), {
    kind: "lost",
    reason: "container 0123456789ab had been removed before the request",
  });
});

Deno.test("a paused container is lost, whoever noticed", async () => {
  const paused = { ...RUNNING, paused: true };
  const lost = { kind: "lost", reason: "container 0123456789ab was paused" };
  assert.deepEqual(await verdict(paused, "timeout"), lost);
  assert.deepEqual(await verdict(paused, "unreachable"), lost);
  assert.deepEqual(await verdict(RUNNING, "timeout", true), lost);
});

Deno.test("a container that died during the request is the function's failure", async () => {
  const during = { ...RUNNING, running: false, stoppedAt: SENT_AT + 5 };
  const cases: [ContainerState, ExecutorFailure, string][] = [
    [{ ...during, oomKilled: true, exitCode: 137 }, "unreachable", "exceeded its memory limit"],
    [{ ...during, exitCode: 3 }, "unreachable", "crashed: its container exited with code 3"],
    [{ ...during, exists: false }, "unreachable", "could not finish: its container was removed"],
    [{ ...RUNNING, exists: false, running: false }, "unreachable", "could not finish: its"],
    [RUNNING, "unreachable", "could not be reached: its container stopped answering"],
    [RUNNING, "timeout", "timed out after 5 s and was stopped"],
    [{ ...RUNNING, paused: true }, "protocol", "broke its executor: test"],
  ];
  for (const [state, failure, error] of cases) {
    const fault = await verdict(state, failure);
    assert.equal(fault.kind, "failed", JSON.stringify(state));
    assert.match((fault as { error: string }).error, new RegExp(`^Function "f" ${error}`));
  }
});

Deno.test("a request tries a bounded number of containers, then answers 503", async () => {
  let started = 0;
  const backend: ContainerBackend = {
    ...backendSaying({ ...RUNNING, running: false, exitCode: 137, stoppedAt: 0 }),
    start: () => {
      const id = `c${started++}`;
      return Promise.resolve({
        id,
        executor: {
          url: `http://127.0.0.1:1/${id}`,
          waitUntilReady: () => Promise.resolve(),
          init: () => Promise.resolve(),
          invoke: () => Promise.reject(new ExecutorError("unreachable", "refused")),
        },
      });
    },
  };
  const pool = new ContainerPool({
    backend,
    readyTimeoutMs: 1000,
    memoryMB: 1024,
    cpus: 2,
    expirationSeconds: 60,
    queueCapacity: 10,
    floor: 1,
  });
  const invoker = new Invoker({ nodeId: "n1", pool, backend });
  const fn = deploy(definition("f"), encodeExecutorCode([]));
  await assert.rejects(
    invoker.invoke(newInvocation(fn, parseInvocationRequest({}), performance.now()), 5),
    (error) =>
      error instanceof UnavailableError &&
      /^Function "f" found no live container: container c0 had stopped/.test(error.message),
  );
  assert.equal(started, MAX_CONTAINER_ATTEMPTS);
  assert.equal(pool.stats().UsedMemoryMB, 0, "every lost container was given back");
});
