// Unit tests of the pool's accounting with an in-memory backend; the real Docker path is
// covered by server/api/api_test.ts.
import assert from "node:assert/strict";
import type { ContainerBackend, ContainerSpec } from "../containers/backend.ts";
import { encodeExecutorCode, type Executor } from "../containers/executor.ts";
import { OverloadedError, UnavailableError } from "../errors.ts";
import { BLANK_RETRY_MS } from "./blank_containers.ts";
import { ContainerPool, type PoolFunction, type PoolOptions } from "./pool.ts";
import { sleep } from "../timing/sleep.ts";

/** An executor that is ready at once and takes any code (the pool never invokes it). */
function readyExecutor(url: string, pipelining: boolean): Executor {
  return {
    url,
    pipelining,
    waitUntilReady: () => Promise.resolve(),
    init: () => Promise.resolve(),
    invoke: () => Promise.reject(new Error("not used by the pool")),
  };
}

class MemoryBackend implements ContainerBackend {
  started: ContainerSpec[] = [];
  removed: string[] = [];
  /** When set, starts wait for it (the test decides when containers come up). */
  startsWaitFor: Promise<void> | undefined;
  /** Called as a start begins (the test's clock moves on by a cold start). */
  onStart = () => {};
  /** Whether the executors of containers started from now on take pipelined calls. */
  pipelining = false;
  #next = 0;
  async start(spec: ContainerSpec) {
    this.started.push(spec);
    const id = `c${this.#next++}`;
    this.cpuSeconds.set(id, 0);
    this.onStart();
    await this.startsWaitFor;
    return { id, executor: readyExecutor(`http://127.0.0.1:1/${id}`, this.pipelining) };
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
  /** CPU seconds of each container, as the test sets them; `cpuReading` reads them. */
  cpuSeconds = new Map<string, number>();
  /** When the test's clock read them (ms). */
  cpuReadAt = 0;
  cpuReading(id: string) {
    const seconds = this.cpuSeconds.get(id);
    return Promise.resolve(seconds === undefined ? undefined : { seconds, at: this.cpuReadAt });
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

/** How long a container start takes on the test's clock. */
const COLD_START_MS = 50;

function setup(memoryMB = 300, cpus = 2, options: Partial<PoolOptions> = {}) {
  let clock = 1000;
  const backend = new MemoryBackend();
  const pool = new ContainerPool({
    backend,
    readyTimeoutMs: 1000,
    memoryMB,
    cpus,
    expirationSeconds: 60,
    queueCapacity: 100,
    floor: 1,
    now: () => clock,
    blankImages: ["serverledge-python311"],
    ...options,
  });
  backend.onStart = () => (clock += COLD_START_MS);
  return { backend, pool, tick: (ms: number) => (clock += ms) };
}

/** A promise the test resolves when it chooses. */
function later() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => sleep(0);
/** Lets the pool's tick (every 10 ms) run. */
const nextTick = () => sleep(25);

/**
 * Makes the pool measure `seconds` of service time for `fn`, after opening its container with a
 * first call when it has none idle (the pool does not count a container's first call).
 */
async function measure(
  pool: ContainerPool,
  tick: (ms: number) => void,
  fn: PoolFunction,
  seconds: number,
) {
  if (!pool.warmCounts()[fn.name]) await pool.release(await pool.acquire(fn));
  const lease = await pool.acquire(fn);
  tick(seconds * 1000);
  await pool.release(lease);
}

Deno.test("a request waits for a busy container that frees first instead of a cold start", async () => {
  const { pool, backend, tick } = setup();
  const f = definition("f");
  await measure(pool, tick, f, 0.001);
  const busy = await pool.acquire(f);
  assert.equal(busy.warm, true);
  const waiting = pool.acquire(f, { maxWaitS: 5 });
  await settle();
  assert.equal(backend.started.length, 1, "a 1 ms backlog starts no container");
  assert.equal(pool.stats().Functions.f.Waiting, 1);
  await pool.release(busy);
  const lease = await waiting;
  assert.equal(lease.container.id, busy.container.id);
  assert.equal(lease.warm, true);
  assert.equal(pool.stats().Functions.f.Waiting, 0);
});

Deno.test("a waiting request takes the first slot that frees, even when a start was for it", async () => {
  const { pool, backend, tick } = setup();
  const f = definition("f");
  await measure(pool, tick, f, 1);
  const busy = await pool.acquire(f);
  const start = later();
  backend.startsWaitFor = start.promise;
  const waiting = pool.acquire(f, { maxWaitS: 60 });
  await settle();
  assert.equal(backend.started.length, 2, "a 1 s backlog starts a container");
  await pool.release(busy);
  const lease = await waiting;
  assert.equal(lease.container.id, busy.container.id, "the freed slot came first");
  assert.equal(lease.warm, true);
  start.resolve();
  await settle();
  assert.deepEqual(pool.stats().Functions.f, {
    Idle: 1,
    Busy: 1,
    Starting: 0,
    Waiting: 0,
    MemoryMB: 200,
  });
});

Deno.test("slots held long by a busy node while handlers run briefly start no container", async () => {
  const { pool, backend, tick } = setup();
  const f = definition("f");
  await pool.release(await pool.acquire(f)); // the container's first call, not counted
  const first = await pool.acquire(f);
  first.workSeconds = 0.0002;
  tick(1000);
  await pool.release(first);
  const busy = await pool.acquire(f);
  busy.workSeconds = 0.0002;
  const waiting = [1, 2, 3].map(() => pool.acquire(f, { maxWaitS: 60 }));
  await settle();
  assert.equal(backend.started.length, 1, "3 × 0.2 ms of handler work: no second container");
  await pool.release(busy);
  for (const lease of waiting) await pool.release(await lease);
});

Deno.test("a fresh container's first call, served cold, is not counted as the function's time", async () => {
  const { pool, backend, tick } = setup();
  const f = definition("f");
  const first = await pool.acquire(f);
  first.workSeconds = 0.02; // imports, a cold interpreter: far slower than the next calls
  tick(20);
  await pool.release(first);
  const busy = await pool.acquire(f);
  const waiting = Array.from({ length: 10 }, () => pool.acquire(f, { maxWaitS: 60 }));
  await settle();
  assert.equal(backend.started.length, 1, "10 × 20 ms would be a backlog of 4 cold starts");
  busy.workSeconds = 0.0002;
  await pool.release(busy);
  for (const lease of waiting) await pool.release(await lease);
  assert.equal(backend.started.length, 1);
});

Deno.test("a function that turns slow gets another container although its handlers were quick", async () => {
  const { pool, backend, tick } = setup();
  const f = definition("f");
  await pool.release(await pool.acquire(f)); // the container's first call, not counted
  const first = await pool.acquire(f);
  first.workSeconds = 0.0002;
  await pool.release(first);
  const stuck = await pool.acquire(f);
  const waiting = [1, 2, 3].map(() => pool.acquire(f, { maxWaitS: 60 }));
  await settle();
  assert.equal(backend.started.length, 1);
  tick(2000);
  await nextTick();
  assert.ok(backend.started.length > 1, "a run held 2 s, far beyond its usual hold and a start");
  await pool.release(stuck);
  for (const lease of waiting) await pool.release(await lease);
});

Deno.test("a burst starts containers from its demand, at most start.parallel at once, served in order", async () => {
  const { pool, backend, tick } = setup(1000, 2, { startParallel: 2 });
  const f = definition("f");
  await measure(pool, tick, f, 2);
  const start = later();
  backend.startsWaitFor = start.promise;
  const served: number[] = [];
  const leases = Array.from(
    { length: 6 },
    (_, i) =>
      pool.acquire(f, { maxWaitS: 60 }).then((lease) => {
        served.push(i);
        return lease;
      }),
  );
  await settle();
  assert.deepEqual(served, [0], "the idle container serves the first at once");
  assert.equal(backend.started.length, 1 + 2, "two starts run, the others wait their turn");
  assert.equal(pool.stats().Functions.f.Starting, 5, "a 2 s function's backlog wants 5 more");
  start.resolve();
  const all = await Promise.all(leases);
  assert.deepEqual(served, [0, 1, 2, 3, 4, 5], "first come, first served");
  assert.equal(new Set(all.map((l) => l.container.id)).size, 6);
  assert.deepEqual(all.map((l) => l.warm), [true, false, false, false, false, false]);
});

Deno.test("a request whose wait runs out is refused", async () => {
  const { pool, tick } = setup(100);
  const f = definition("f");
  const busy = await pool.acquire(f);
  const refused = assert.rejects(
    pool.acquire(f, { maxWaitS: 0.5 }),
    (e) => e instanceof OverloadedError && /^Function "f" waited 0.6 s/.test(e.message),
  );
  tick(600);
  await nextTick();
  await refused;
  await pool.release(busy);
  assert.equal(pool.stats().Functions.f.Waiting, 0);
});

Deno.test("waiting requests that a longer run than expected would make late are refused early", async () => {
  const { pool, tick } = setup(100);
  const f = definition("f");
  const busy = await pool.acquire(f);
  const first = pool.acquire(f, { maxWaitS: 2 });
  const late = [2, 3].map(() =>
    assert.rejects(
      pool.acquire(f, { maxWaitS: 2 }),
      (e) => e instanceof OverloadedError && /would wait about [23] s/.test(e.message),
    )
  );
  await settle();
  assert.equal(pool.stats().Functions.f.Waiting, 3, "nothing was known of f: all may wait");
  tick(1000);
  await nextTick();
  await Promise.all(late);
  assert.equal(pool.stats().Functions.f.Waiting, 1, "a 1 s run: only the first is in time");
  await pool.release(busy);
  assert.equal((await first).warm, true);
});

Deno.test("requests that would wait too long on the slots there are get containers started", async () => {
  const { pool, backend, tick } = setup(1000);
  const f = definition("f");
  await pool.release(await pool.acquire(f)); // the container's first call, not counted
  const first = await pool.acquire(f);
  first.workSeconds = 0.001; // the handler said 1 ms, but the request held its slot 1 s
  tick(1000);
  await pool.release(first);
  const busy = await pool.acquire(f);
  busy.workSeconds = 0.001;
  // On one slot of 1 s the fifth would wait 5 s; it may wait 2.5 s: starts make it in time.
  const waiting = [1, 2, 3, 4, 5].map(() =>
    pool.acquire(f, { maxWaitS: 2.5 }).then((lease) => pool.release(lease))
  );
  await settle();
  assert.ok(backend.started.length >= 2, "containers started for the deadlines");
  await pool.release(busy);
  const answers = await Promise.allSettled(waiting);
  assert.deepEqual(answers.map((a) => a.status), Array(5).fill("fulfilled"), "none refused");
});

Deno.test("a request expected to wait longer than it may is refused at once", async () => {
  const { pool, tick } = setup(100);
  const f = definition("f");
  await measure(pool, tick, f, 2);
  const busy = await pool.acquire(f);
  await assert.rejects(
    pool.acquire(f, { maxWaitS: 1 }),
    (e) =>
      e instanceof OverloadedError && /would wait about 2 s .* 1 s it may wait/.test(e.message),
  );
  const patient = pool.acquire(f, { maxWaitS: 3 });
  await pool.release(busy);
  assert.equal((await patient).warm, true);
});

Deno.test("a request may always wait for the container started for it", async () => {
  const { pool } = setup();
  const lease = await pool.acquire(definition("f"), { maxWaitS: 0.001 });
  assert.equal(lease.warm, false, "a cold start of 50 ms although it may wait 1 ms");
});

Deno.test("a function with a container here may wait only its own limit, however slow a start", async () => {
  const { pool, backend, tick } = setup(100);
  backend.onStart = () => tick(5000);
  const f = definition("f");
  await measure(pool, tick, f, 1);
  const busy = await pool.acquire(f);
  await assert.rejects(pool.acquire(f, { maxWaitS: 0.5 }), /would wait about 1 s/);
  await pool.release(busy);
});

Deno.test("a request may wait for memory that a starting container of another function frees", async () => {
  const { pool, backend } = setup(200);
  const start = later();
  backend.startsWaitFor = start.promise;
  const a = pool.acquire(definition("a"));
  await settle();
  const b = pool.acquire(definition("b", { memoryMB: 150 }), { maxWaitS: 60 });
  await settle();
  assert.equal(pool.stats().Functions.b.Waiting, 1, "a's container will serve and go idle");
  start.resolve();
  await pool.release(await a);
  const lease = await b;
  assert.equal(lease.warm, false);
  assert.deepEqual(pool.warmCounts(), {}, "a's idle container made room for b");
});

Deno.test("a full queue refuses", async () => {
  const { pool } = setup(100, 2, { queueCapacity: 2 });
  const f = definition("f");
  const busy = await pool.acquire(f);
  const waiting = [pool.acquire(f), pool.acquire(f)];
  await assert.rejects(pool.acquire(f), /"f" has 2 waiting requests already/);
  await pool.release(busy);
  await pool.release(await waiting[0]);
  await pool.release(await waiting[1]);
});

Deno.test("with no queue, each request gets a container of its own or is refused", async () => {
  const { pool, backend, tick } = setup(300, 2, { queueCapacity: 0 });
  const f = definition("f");
  await measure(pool, tick, f, 0.001);
  const leases = await Promise.all([1, 2, 3].map(() => pool.acquire(f)));
  assert.equal(backend.started.length, 3);
  await assert.rejects(pool.acquire(f), /no memory for function "f"/);
  await pool.release(leases[0]);
  assert.equal((await pool.acquire(f)).warm, true);
});

Deno.test("pool shares a container up to MaxConcurrency", async () => {
  const { pool, backend } = setup();
  const f = definition("f", { maxConcurrency: 3 });
  const leases = await Promise.all([1, 2, 3].map(() => pool.acquire(f)));
  assert.equal(backend.started.length, 1);
  assert.equal(new Set(leases.map((l) => l.container.id)).size, 1);
  await pool.release(leases[0]);
  const again = await pool.acquire(f);
  assert.equal(again.warm, true);
});

/** Whether `promise` has settled (after the microtasks queued now ran). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  await settle();
  return done;
}

Deno.test("a request for a function of very short calls gets a lease behind the call under way", async () => {
  const { pool, backend, tick } = setup();
  backend.pipelining = true;
  const f = definition("f");
  await measure(pool, tick, f, 0.001);
  const ahead = await pool.acquire(f);
  assert.equal(ahead.behind, undefined);
  const behind = await pool.acquire(f, { maxWaitS: 5 });
  assert.equal(behind.container, ahead.container, "on the busy container, at once");
  assert.ok(behind.behind);
  assert.equal(await settled(behind.behind), false, "its turn comes later");
  const third = pool.acquire(f, { maxWaitS: 5 });
  await settle();
  assert.equal(pool.stats().Functions.f.Waiting, 1, "one lease at most waits behind a call");
  assert.equal(backend.started.length, 1, "and no container is started for them");
  tick(2);
  await pool.release(ahead);
  assert.equal(await settled(behind.behind), true, "its turn came with the release ahead");
  assert.equal(behind.grantedAt, 1000 + COLD_START_MS + 1 + 2, "its time counts from its turn");
  const next = await third;
  assert.equal(next.container, ahead.container, "the third goes behind the second");
  assert.ok(next.behind);
  await pool.release(behind);
  await pool.release(next);
  assert.deepEqual([pool.stats().Functions.f.Idle, pool.stats().Functions.f.Busy], [1, 0]);
});

Deno.test("no lease behind a call for slower calls, MaxConcurrency above 1, executors that do not pipeline, or when not asked", async (t) => {
  const cases: [string, PoolFunction, boolean, boolean, number][] = [
    ["calls of 10 ms", definition("slow"), true, true, 0.01],
    ["MaxConcurrency 2", definition("wide", { maxConcurrency: 2 }), true, true, 0.001],
    ["an executor that does not pipeline", definition("plain"), false, true, 0.001],
    ["a request that may not", definition("asked"), true, false, 0.001],
  ];
  for (const [what, fn, pipelines, pipelining, seconds] of cases) {
    await t.step(what, async () => {
      const { pool, backend, tick } = setup();
      backend.pipelining = pipelines;
      await measure(pool, tick, fn, seconds);
      const busy = await Promise.all(
        Array.from({ length: fn.maxConcurrency }, () => pool.acquire(fn)),
      );
      const waiting = pool.acquire(fn, { maxWaitS: 5, pipelining });
      await settle();
      assert.equal(pool.stats().Functions[fn.name].Waiting, 1);
      for (const lease of busy) await pool.release(lease);
      const lease = await waiting;
      assert.equal(lease.behind, undefined);
      await pool.release(lease);
      await pool.close();
    });
  }
});

Deno.test("a lease behind released before its turn leaves the container to the call ahead", async () => {
  const { pool, backend, tick } = setup();
  backend.pipelining = true;
  const f = definition("f");
  await measure(pool, tick, f, 0.001);
  const ahead = await pool.acquire(f);
  const behind = await pool.acquire(f);
  await pool.release(behind); // its call was displaced, say
  assert.equal(pool.stats().Functions.f.Busy, 1);
  await pool.release(ahead);
  assert.equal(await settled(behind.behind!), false, "a released lease gets no turn");
  assert.deepEqual([pool.stats().Functions.f.Idle, pool.stats().Functions.f.Busy], [1, 0]);
  const again = await pool.acquire(f);
  assert.equal(again.behind, undefined, "the idle container serves the next call at once");
});

Deno.test("a new function evicts least recently used idle containers, else it is refused", async () => {
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
  tick(1000);
  await assert.rejects(
    pool.acquire(definition("e"), { maxWaitS: 0.01 }),
    (e) =>
      e instanceof OverloadedError &&
      /no memory for function "e".*expected to free up in about 1.05 s/.test(e.message),
  );
  assert.equal(pool.stats().UsedMemoryMB, 300);
  await pool.release(d);
});

Deno.test("a burst of one function keeps the other functions' floor containers", async () => {
  const { pool, backend, tick } = setup(300);
  await measure(pool, tick, definition("a"), 0.01);
  tick(10);
  await measure(pool, tick, definition("b"), 0.01);
  const burst = definition("burst");
  await measure(pool, tick, burst, 1);
  const leases = [pool.acquire(burst), pool.acquire(burst), pool.acquire(burst)];
  await settle();
  assert.equal(pool.stats().Functions.burst.Waiting, 2, "1 s × 2 wants more containers");
  assert.deepEqual(backend.removed, [], "but a and b keep their only container");
  assert.deepEqual(pool.warmCounts(), { a: 1, b: 1 });
  for (const lease of leases) await pool.release(await lease);
  const c = await pool.acquire(definition("c"));
  assert.equal(c.warm, false);
  assert.equal(backend.removed.length, 1, "a function with no container may take a floor one");
  assert.deepEqual(pool.warmCounts(), { b: 1, burst: 1 }, "the least recently used went");
});

Deno.test("a backlog starts no container while the host has no CPU idle for it", async () => {
  const host = { idle: 0, total: 0, cpus: 2 }; // milliseconds
  const { pool, backend, tick } = setup(1000, 2, { hostCpu: () => ({ ...host }) });
  const f = definition("f");
  await measure(pool, tick, f, 0.01);
  let busy = await pool.acquire(f);
  busy.workSeconds = 0.01;
  const more = (n: number) => Array.from({ length: n }, () => pool.acquire(f, { maxWaitS: 60 }));
  const waiting = more(4); // 40 ms of backlog: less than a cold start, none is started
  /**
   * 300 ms pass with each container busy on 0.9 CPU, `otherCpus` used besides (the node, its
   * clients) and the rest of the host's 2 idle; then the next request is served.
   */
  const after300ms = async (otherCpus: number) => {
    backend.cpuReadAt = tick(300);
    const containers = backend.started.map((_, i) => `c${i}`);
    for (const id of containers) {
      backend.cpuSeconds.set(id, (backend.cpuSeconds.get(id) ?? 0) + 0.27);
    }
    host.total += 600;
    host.idle += Math.max(0, 2 - otherCpus - 0.9 * containers.length) * 300;
    const next = waiting.shift()!;
    await pool.release(busy);
    busy = await next;
    busy.workSeconds = 0.01;
    await nextTick();
  };
  for (let i = 0; i < 3; i++) await after300ms(1); // the watch reads the CPU times
  assert.equal(backend.started.length, 1);
  waiting.push(...more(20)); // 200 ms of backlog: four cold starts
  await after300ms(1);
  assert.equal(backend.started.length, 1, "0.1 CPU idle, less than half what one container uses");
  for (let i = 0; i < 4; i++) await after300ms(0);
  assert.equal(backend.started.length, 2, "1.1 CPUs idle: room for one more container, not two");
  await pool.release(busy);
  for (const lease of waiting) await pool.release(await lease);
});

Deno.test("a request waits for CPU that a running invocation holds", async () => {
  const { pool } = setup(1000, 1);
  const f = definition("f", { cpus: 0.6 });
  const first = await pool.acquire(f);
  const second = pool.acquire(f, { maxWaitS: 5 });
  await settle();
  assert.equal(pool.stats().UsedCpus, 0.6);
  await pool.release(first);
  assert.equal((await second).warm, true);
  await assert.rejects(
    pool.acquire(definition("big", { cpus: 2 })),
    /needs 2 CPUs, more than this node's pool \(1\)/,
  );
});

Deno.test("pool retires old versions and removes broken containers", async () => {
  const { pool, backend } = setup();
  const v1 = definition("f");
  assert.equal(await pool.prewarm(v1, 2), 2);
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

Deno.test("requests waiting for an old version are refused when it is retired", async () => {
  const { pool } = setup(100);
  const busy = await pool.acquire(definition("f"));
  const waiting = pool.acquire(definition("f"), { maxWaitS: 60 });
  await settle();
  await pool.retire("f", "v2");
  await assert.rejects(
    waiting,
    (e) =>
      e instanceof UnavailableError &&
      /updated or deleted while the request waited/.test(e.message),
  );
  await pool.release(busy);
});

Deno.test("closing the pool refuses waiting requests", async () => {
  const { pool } = setup(100);
  await pool.acquire(definition("f"));
  const waiting = pool.acquire(definition("f"));
  await settle();
  await pool.close();
  await assert.rejects(waiting, /shutting down/);
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

Deno.test("a failed start refuses the requests that had nothing else to wait for", async () => {
  const { pool, backend } = setup();
  backend.start = () => Promise.reject(new Error("no image"));
  const waiting = [pool.acquire(definition("f")), pool.acquire(definition("f"))];
  for (const request of waiting) await assert.rejects(request, /no image/);
  assert.equal(pool.stats().UsedMemoryMB, 0);
  assert.equal(pool.stats().UsedCpus, 0);
  assert.deepEqual(pool.stats().Functions, {});
});

Deno.test("a cold start takes a blank container, resizes it and starts a replacement", async () => {
  const { pool, backend } = setup(300, 2, { maxBlankPerImage: 1 });
  pool.fillBlanks();
  await settle();
  assert.equal(pool.stats().Blank, 1);
  assert.equal(pool.stats().UsedMemoryMB, 32);
  const blankId = `c0`;
  const lease = await pool.acquire(definition("f"));
  assert.equal(lease.warm, false);
  assert.equal(lease.container.id, blankId, "the blank container serves the function");
  await settle();
  assert.deepEqual(
    backend.resized,
    [[blankId, 32], [blankId, 100], ["c1", 32]],
    "the blank ready at 32 MB, then the function's 100; its replacement ready at 32",
  );
  assert.equal(pool.stats().Blank, 1, "a replacement was started");
  assert.equal(pool.stats().UsedMemoryMB, 132);
  assert.equal(backend.started.length, 2);
});

Deno.test("a blank container starts with 128 MB booked and keeps 32 MB once its executor answers", async () => {
  const { pool, backend } = setup(300, 2, { maxBlankPerImage: 1 });
  const start = later();
  backend.startsWaitFor = start.promise;
  pool.fillBlanks();
  await settle();
  assert.equal(backend.started[0].memoryMB, 128, "its limit while its runtime loads");
  assert.equal(pool.stats().UsedMemoryMB, 128);
  assert.equal(pool.stats().Blank, 0, "not ready yet");
  start.resolve();
  await settle();
  assert.deepEqual(backend.resized, [["c0", 32]]);
  assert.equal(pool.stats().UsedMemoryMB, 32);
  assert.equal(pool.stats().Blank, 1);
});

Deno.test("a pool with room to start one blank container at a time starts the next once one is ready", async () => {
  const images = ["serverledge-python311", "serverledge-nodejs18"];
  const { pool, backend } = setup(200, 2, { maxBlankPerImage: 1, blankImages: images });
  pool.fillBlanks();
  assert.equal(backend.started.length, 1, "128 MB for one start; 256 do not fit");
  await settle();
  assert.deepEqual(backend.started.map((spec) => spec.image), images);
  assert.equal(pool.stats().Blank, 2);
  assert.equal(pool.stats().UsedMemoryMB, 64);
});

Deno.test("a pool without 128 MB to spare starts no blank container; one that cannot shrink goes", async () => {
  const small = setup(100, 2, { maxBlankPerImage: 1 });
  small.pool.fillBlanks();
  await settle();
  assert.equal(small.backend.started.length, 0, "32 MB would fit, 128 do not");
  const { pool, backend } = setup(300, 2, { maxBlankPerImage: 1 });
  backend.resize = () => Promise.reject(new Error("cannot set the limit"));
  pool.fillBlanks();
  await settle();
  assert.deepEqual(backend.removed, ["c0"], "the container that kept 128 MB was removed");
  assert.equal(pool.stats().Blank, 0);
  assert.equal(pool.stats().UsedMemoryMB, 0, "its 128 MB given back");
  await pool.close();
});

Deno.test("blank containers follow the cold starts of the last minute", async () => {
  const { pool, tick } = setup(1000, 2, { maxBlankPerImage: 3 });
  pool.fillBlanks();
  await settle();
  assert.equal(pool.stats().Blank, 1, "one before any demand");
  for (const name of ["f", "g", "h", "i"]) await pool.acquire(definition(name));
  await settle();
  assert.equal(pool.stats().Blank, 3, "four cold starts, at most three");
  tick(61_000);
  await pool.expireIdle();
  await settle();
  assert.equal(pool.stats().Blank, 1, "demand went away");
});

Deno.test("a blank container that failed to start is started again after a while", async () => {
  const { pool, backend } = setup(300, 2, { maxBlankPerImage: 1 });
  const start = backend.start.bind(backend);
  backend.start = () => Promise.reject(new Error("the engine said no"));
  pool.fillBlanks();
  await settle();
  assert.equal(pool.stats().Blank, 0);
  assert.equal(pool.stats().UsedMemoryMB, 0, "its memory given back");
  backend.start = start;
  await sleep(BLANK_RETRY_MS.first + 100);
  assert.equal(pool.stats().Blank, 1, "started again without a cold start asking");
  await pool.close();
});

Deno.test("a blank container that died meanwhile is removed and a new one serves", async () => {
  const { pool, backend } = setup(300, 2, { maxBlankPerImage: 1 });
  pool.fillBlanks();
  await settle();
  const resize = backend.resize.bind(backend);
  backend.resize = (id, limits) =>
    id === "c0" ? Promise.reject(new Error(`No such container: ${id}`)) : resize(id, limits);
  const lease = await pool.acquire(definition("f"));
  assert.equal(lease.warm, false);
  assert.equal(lease.container.id, "c1", "a new container serves the function");
  assert.deepEqual(backend.removed, ["c0"], "the dead blank container was removed");
  assert.equal(backend.started[1].memoryMB, 100);
  await settle();
  assert.equal(pool.stats().UsedMemoryMB, 132, "the function's 100 MB and a new blank's 32 MB");
});

Deno.test("blank containers are evicted before warm ones", async () => {
  const { pool, backend } = setup(164, 2, { maxBlankPerImage: 1 });
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
  const { pool, backend } = setup(300, 2, { maxBlankPerImage: 2 });
  pool.fillBlanks();
  await settle();
  assert.equal(pool.stats().Blank, 1);
  await pool.close();
  assert.deepEqual(backend.removed, ["c0"]);
  assert.equal(pool.stats().UsedMemoryMB, 0);
});
