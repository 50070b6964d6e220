/**
 * Test fixtures of the registry backends' tests: a registry of each backend on a store of its
 * own, removed afterwards, and a way to check what watchers log.
 *
 * @example
 * ```ts
 * import { onNewEmbeddedRegistry } from "./registry_fixtures.ts";
 *
 * Deno.test("a fresh embedded registry has no functions", () =>
 *   onNewEmbeddedRegistry(async (registry) => {
 *     console.log(await registry.functions.list()); // []
 *   }));
 * ```
 *
 * @module
 */
import { EmbeddedRegistry } from "../registry/embedded.ts";
import { EtcdRegistry } from "../registry/etcd.ts";
import type { MembershipRegistry } from "../registry/membership_registry.ts";
import { startEtcd } from "./etcd.ts";

/** A temporary directory, removed with everything in it when disposed. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "registry-test-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** Runs `check` on an embedded registry of its own, in a temporary directory removed afterwards. */
export async function onNewEmbeddedRegistry(
  check: (registry: EmbeddedRegistry) => Promise<void>,
): Promise<void> {
  await using dir = await tempDir();
  await using registry = await EmbeddedRegistry.open(dir.path);
  await check(registry);
}

/** Runs `check` on an etcd registry of its own, on an etcd of its own. */
export async function onNewEtcdRegistry(
  check: (registry: EtcdRegistry) => Promise<void>,
): Promise<void> {
  await using etcd = await startEtcd();
  await using registry = await EtcdRegistry.open(etcd.address);
  await check(registry);
}

/** Whether `nodes` lists a node with id `id`. */
export async function listsNode(nodes: MembershipRegistry, id: string): Promise<boolean> {
  return (await nodes.list()).some((node) => node.Id === id);
}

/** Runs `body` with `console.error` muted; resolves the arguments of the muted calls. */
export async function mutingConsoleErrors(body: () => Promise<void>): Promise<unknown[][]> {
  const error = console.error;
  const logged: unknown[][] = [];
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    await body();
  } finally {
    console.error = error;
  }
  return logged;
}
