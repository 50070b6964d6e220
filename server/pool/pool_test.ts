// Unit tests of the pool's accounting with an in-memory backend; the real Docker path is
// covered by server/api/api_test.ts.
import assert from "node:assert/strict";
import type { ContainerBackend, ContainerSpec } from "../containers/backend.ts";
import { encodeExecutorCode, type Executor } from "../containers/executor.ts";
import { OverloadedError } from "../errors.ts";
import { ContainerPool, type PoolFunction } from "./pool.ts";
import { sleep } from "../timing/sleep.ts";

/** An executor that is ready at once and takes any code (the pool never invokes it). */
function readyExecutor(url: string): Executor {
  return {
    url,
    waitUntilReady: () => Promise.resolve(),
    init: () => Promise.resolve(),
    invoke: () => Promise.reject(new Error("not used by the pool")),
  };
}

class MemoryBackend implements ContainerBackend {
  started: ContainerSpec[] = [];
  removed: string[] = [];
  #next = 0;
  start(spec: ContainerSpec) {
    this.started.push(spec);
    const id = `c${this.#next++}`;
    return Promise.resolve({ id, executor: readyExecutor(`http://127.0.0.1:1/${id}`) });
  }
  resized: [string, number][] = [];
  resize(id: string, limits: { memoryMB: number }) {
    this.resized.push([id, limits.memoryMB]);
    return Promise.resolve();
  }
  remove(id: string) {
    this.removed.push(id);
    return Promise.resolve();
  }
  inspect() {
    const state = { exists: true, running: true, paused: false, oomKilled: false, exitCode: 0 };
    return Promise.resolve(state);
  }
  removeAll() {
    return Promise.resolve(0);
  }
  hasImage() {
    return Promise.resolve(true);
  }
  ping() {
    return Promise.resolve();
  }
}

function definition(name: string, changes: Partial<PoolFunction> = {}): PoolFunction {
  return {
    name,
    version: "v1",
    image: "serverledge-python311",
    memoryMB: 100,
    cpus: 0,
    maxConcurrency: 1,
    code: encodeExecutorCode([]),
    ...changes,
  };
}

function setup(memoryMB = 300, cpus = 2, blankPerImage = 0) {
  let clock = 1000;
  const backend = new MemoryBackend();
  const pool = new ContainerPool({
    backend,
    readyTimeoutMs: 1000,
    memoryMB,
    cpus,
    expirationSeconds: 60,
    now: () => clock,
    blankPerImage,
    blankImages: ["serverledge-python311"],
  });
  return { backend, pool, tick: (ms: number) => (clock += ms) };
}

Deno.test("pool reuses a released container warm and starts one per concurrent request", async () => {
  const { pool, backend } = setup();
  const f = definition("f");
  const first = await pool.acquire(f);
  assert.equal(first.warm, false);
  const second = await pool.acquire(f);
  assert.equal(second.warm, false, "a busy container is not shared at MaxConcurrency 1");
  await pool.release(first);
  const third = await pool.acquire(f);
  assert.equal(third.warm, true);
  assert.equal(third.container.id, first.container.id);
  assert.equal(backend.started.length, 2);
  assert.deepEqual(pool.stats().Functions.f, { Idle: 0, Busy: 2, Starting: 0, MemoryMB: 200 });
});

Deno.test("pool shares a container up to MaxConcurrency", async () => {
  const { pool, backend } = setup();
  const f = definition("f", { maxConcurrency: 3 });
  const leases = await Promise.all([1, 2, 3].map(() => pool.acquire(f)));
  assert.equal(backend.started.length >= 1, true);
  await pool.release(leases[0]);
  const again = await pool.acquire(f);
  assert.equal(again.warm, true);
});

Deno.test("pool evicts least recently used idle containers, else answers 429", async () => {
  const { pool, backend, tick } = setup(300);
  const a = await pool.acquire(definition("a"));
  tick(10);
  const b = await pool.acquire(definition("b"));
  tick(10);
  await pool.release(b);
  tick(10);
  await pool.release(a);
  const c = await pool.acquire(definition("c", { memoryMB: 200 }));
  assert.equal(c.warm, false);
  assert.deepEqual(backend.removed, [b.container.id], "only the oldest idle one goes");
  const d = await pool.acquire(definition("d"));
  assert.deepEqual(backend.removed, [b.container.id, a.container.id]);
  await assert.rejects(
    pool.acquire(definition("e")),
    (e) => e instanceof OverloadedError && /no memory for function "e"/.test(e.message),
  );
  assert.equal(pool.stats().UsedMemoryMB, 300);
  await pool.release(d);
});

Deno.test("pool accounts CPU demand per running invocation", async () => {
  const { pool } = setup(1000, 1);
  const f = definition("f", { cpus: 0.6 });
  const first = await pool.acquire(f);
  await assert.rejects(pool.acquire(f), /no CPU for function "f"/);
  await pool.release(first);
  const second = await pool.acquire(f);
  assert.equal(second.warm, true);
});

Deno.test("pool retires old versions and removes broken containers", async () => {
  const { pool, backend } = setup();
  const v1 = definition("f");
  const busy = await pool.acquire(v1);
  const idle = await pool.acquire(v1);
  await pool.release(idle);
  await pool.retire("f", "v2");
  assert.deepEqual(backend.removed, [idle.container.id]);
  await pool.release(busy);
  assert.deepEqual(backend.removed, [idle.container.id, busy.container.id]);
  const fresh = await pool.acquire(definition("f", { version: "v2" }));
  await pool.release(fresh, true);
  assert.equal(backend.removed.length, 3);
  assert.equal(pool.stats().UsedMemoryMB, 0);
});

Deno.test("pool expires idle containers after the expiration", async () => {
  const { pool, tick } = setup();
  const lease = await pool.acquire(definition("f"));
  await pool.release(lease);
  tick(59_000);
  assert.equal(await pool.expireIdle(), 0);
  tick(2_000);
  assert.equal(await pool.expireIdle(), 1);
  assert.deepEqual(pool.stats().Functions, {});
});

Deno.test("pool prewarms as many containers as fit, without evicting", async () => {
  const { pool } = setup(300);
  const other = await pool.acquire(definition("other"));
  await pool.release(other);
  assert.equal(await pool.prewarm(definition("f"), 5), 2);
  assert.deepEqual(pool.warmCounts(), { other: 1, f: 2 });
  const warm = await pool.acquire(definition("f"));
  assert.equal(warm.warm, true);
});

Deno.test("pool gives memory back when a container cannot start", async () => {
  const { pool, backend } = setup();
  backend.start = () => Promise.reject(new Error("no image"));
  await assert.rejects(pool.acquire(definition("f")), /no image/);
  assert.equal(pool.stats().UsedMemoryMB, 0);
  assert.equal(pool.stats().UsedCpus, 0);
});

const settle = () => sleep(0);

Deno.test("a cold start takes a blank container, resizes it and starts a replacement", async () => {
  const { pool, backend } = setup(300, 2, 1);
  pool.fillBlanks();
  await settle();
  assert.equal(pool.stats().Blank, 1);
  assert.equal(pool.stats().UsedMemoryMB, 32);
  const blankId = `c0`;
  const lease = await pool.acquire(definition("f"));
  assert.equal(lease.warm, false);
  assert.equal(lease.container.id, blankId, "the blank container serves the function");
  assert.deepEqual(backend.resized, [[blankId, 100]]);
  await settle();
  assert.equal(pool.stats().Blank, 1, "a replacement was started");
  assert.equal(pool.stats().UsedMemoryMB, 132);
  assert.equal(backend.started.length, 2);
});

Deno.test("a blank container that died meanwhile is removed and a new one serves", async () => {
  const { pool, backend } = setup(300, 2, 1);
  pool.fillBlanks();
  await settle();
  backend.resize = (id) => Promise.reject(new Error(`No such container: ${id}`));
  const lease = await pool.acquire(definition("f"));
  assert.equal(lease.warm, false);
  assert.equal(lease.container.id, "c1", "a new container serves the function");
  assert.deepEqual(backend.removed, ["c0"], "the dead blank container was removed");
  assert.equal(backend.started[1].memoryMB, 100);
  await settle();
  assert.equal(pool.stats().UsedMemoryMB, 132, "the function's 100 MB and a new blank's 32 MB");
});

Deno.test("blank containers are evicted before warm ones", async () => {
  const { pool, backend } = setup(164, 2, 1);
  pool.fillBlanks();
  await settle();
  const other = await pool.acquire(definition("other", { image: "serverledge-nodejs18" }));
  await pool.release(other);
  assert.equal(pool.stats().UsedMemoryMB, 132);
  // A 64 MB Node.js cold start needs 32 MB more than is free: the blank goes, the warm one stays.
  const next = await pool.acquire(
    definition("next", { image: "serverledge-nodejs18", memoryMB: 64 }),
  );
  assert.equal(next.warm, false);
  assert.deepEqual(backend.removed, ["c0"], "the blank container was evicted");
  assert.deepEqual(pool.warmCounts(), { other: 1 });
  assert.equal(pool.stats().Blank, 0);
});

Deno.test("closing the pool removes blank containers", async () => {
  const { pool, backend } = setup(300, 2, 2);
  pool.fillBlanks();
  await settle();
  assert.equal(pool.stats().Blank, 2);
  await pool.close();
  assert.deepEqual(backend.removed.sort(), ["c0", "c1"]);
  assert.equal(pool.stats().UsedMemoryMB, 0);
});
