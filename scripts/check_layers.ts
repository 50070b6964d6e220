/**
 * The layer check of `deno task test`: reads the module graph of every source file
 * (`deno info --json`) and fails on an import that points up the layers of {@linkcode LAYERS},
 * across to another part of the same layer, or out of every layer. Imports only point down, so
 * there can be no cycle between two parts. Test files (`*_test.ts`) are not checked: a test
 * may use any fixture.
 *
 * Run alone: `deno run --allow-read --allow-run --allow-write --allow-env scripts/check_layers.ts`.
 *
 * @module
 */
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** One part of the code base (a folder or a file) and its layer. */
export interface Part {
  /** Path relative to the project root: a folder ending in `/`, or a file. */
  readonly path: string;
  /** Its layer: a part may import only parts of lower layers (and itself). */
  readonly layer: number;
}

/**
 * The layers of this repository, bottom first. `protocol/` (the wire types), `asl/` (the
 * Amazon States Language, pure code) and `server/timing/` (waiting and backoff) are at the
 * bottom; the clients `cli/` and `dashboard/` sit right above them, so they can use nothing
 * else of the server; beside them are `server/errors.ts` and `server/tracing/` (the spans every
 * part of the server may make); inside `server/` dependencies point `api → workflows → invoke →
 * scheduling → cluster → functions/metrics → pool/registry → containers → runtimes/auth →
 * config/http/validation/node_lock → errors`; the programs and
 * tools are on top. The executors of `runtimes/` run inside the runtime images and import
 * nothing of the project.
 */
export const LAYERS: readonly Part[] = [
  { path: "protocol/", layer: 0 },
  { path: "asl/", layer: 0 },
  { path: "server/timing/", layer: 0 },
  { path: "runtimes/", layer: 0 },
  { path: "cli/", layer: 1 },
  { path: "dashboard/", layer: 1 },
  { path: "server/errors.ts", layer: 1 },
  { path: "server/tracing/", layer: 1 },
  { path: "server/config/", layer: 2 },
  { path: "server/http/", layer: 2 },
  { path: "server/validation/", layer: 2 },
  { path: "server/node_lock.ts", layer: 2 },
  { path: "server/runtimes/", layer: 3 },
  { path: "server/auth/", layer: 3 },
  { path: "server/containers/", layer: 4 },
  { path: "server/pool/", layer: 5 },
  { path: "server/registry/", layer: 5 },
  { path: "server/functions/", layer: 6 },
  { path: "server/metrics/", layer: 6 },
  { path: "server/cluster/", layer: 7 },
  { path: "server/scheduling/", layer: 8 },
  { path: "server/invoke/", layer: 9 },
  { path: "server/workflows/", layer: 10 },
  { path: "server/api/", layer: 11 },
  { path: "server/app.ts", layer: 12 },
  { path: "server/lb/", layer: 12 },
  { path: "server/node.ts", layer: 13 },
  { path: "server/program.ts", layer: 13 },
  { path: "main.ts", layer: 14 },
  { path: "lb.ts", layer: 14 },
  { path: "scripts/", layer: 14 },
  { path: "server/testing/", layer: 15 },
  { path: "bench/", layer: 16 },
];

/** Files and folders that are not source code of a layer. */
const SKIPPED = /(^|\/)(\.git|\.data|node_modules|dist|bin)(\/|$)/;
const SOURCE = /\.(ts|tsx)$/;
const TEST = /_test\.(ts|tsx)$/;

/** An import the layers do not allow. */
export interface Violation {
  /** The importing file, relative to the root. */
  from: string;
  /** The imported file, relative to the root. */
  to: string;
  /** Why it is not allowed. */
  reason: string;
}

/** The part `path` belongs to (the longest matching entry), or `undefined`. */
export function partOf(path: string, layers: readonly Part[]): Part | undefined {
  let best: Part | undefined;
  for (const part of layers) {
    const matches = part.path.endsWith("/") ? path.startsWith(part.path) : path === part.path;
    if (matches && (!best || part.path.length > best.path.length)) best = part;
  }
  return best;
}

/** Why `from` may not import `to`, or `undefined` when it may. */
export function judge(from: string, to: string, layers: readonly Part[]): string | undefined {
  const source = partOf(from, layers);
  const target = partOf(to, layers);
  if (!source) return `"${from}" is in no layer: add its folder to the layer table`;
  if (!target) return `"${to}" is in no layer: add its folder to the layer table`;
  if (source === target || target.layer < source.layer) return undefined;
  const where = target.layer === source.layer ? "beside it in the same layer" : "in a higher layer";
  return `${source.path} (layer ${source.layer}) may not import ${target.path} ` +
    `(layer ${target.layer}), which is ${where}`;
}

/** Source files under `root` that the check covers (tests excluded), relative, sorted. */
export async function sourceFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (SKIPPED.test(path)) continue;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && SOURCE.test(path) && !TEST.test(path)) files.push(path);
    }
  };
  await walk("");
  return files.sort();
}

/** The imports between files under `root` (code and type-only), as relative paths. */
export async function importsOf(
  root: string,
  files: readonly string[],
): Promise<[string, string][]> {
  const dir = await Deno.makeTempDir({ prefix: "layers-" });
  try {
    const entry = join(dir, "all.ts");
    const lines = files.map((f) => `import ${JSON.stringify(pathToFileURL(join(root, f)).href)};`);
    await Deno.writeTextFile(entry, lines.join("\n") + "\n");
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`deno info failed: ${new TextDecoder().decode(stderr).trim()}`);
    }
    const graph = JSON.parse(new TextDecoder().decode(stdout)) as DenoInfo;
    const local = (specifier: string | undefined) => {
      if (!specifier?.startsWith("file:")) return undefined;
      const path = relative(root, fileURLToPath(specifier));
      return path.startsWith("..") ? undefined : path;
    };
    const edges: [string, string][] = [];
    for (const module of graph.modules) {
      const from = local(module.specifier);
      if (!from) continue;
      for (const dependency of module.dependencies ?? []) {
        for (const to of [local(dependency.code?.specifier), local(dependency.type?.specifier)]) {
          if (to && to !== from) edges.push([from, to]);
        }
      }
    }
    return edges;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** What `deno info --json` prints, as far as the check reads it. */
interface DenoInfo {
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[];
  }[];
}

/**
 * Every import under `root` that `layers` do not allow (none: the code is layered).
 *
 * @example
 * ```ts
 * import { checkLayers, LAYERS } from "./check_layers.ts";
 *
 * const violations = await checkLayers(Deno.cwd(), LAYERS);
 * for (const v of violations) console.log(`${v.from} -> ${v.to}: ${v.reason}`);
 * ```
 */
export async function checkLayers(root: string, layers: readonly Part[]): Promise<Violation[]> {
  const files = await sourceFiles(root);
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const [from, to] of await importsOf(root, files)) {
    const key = `${from}\n${to}`;
    if (seen.has(key) || TEST.test(from)) continue;
    seen.add(key);
    const reason = judge(from, to, layers);
    if (reason) violations.push({ from, to, reason });
  }
  return violations;
}

if (import.meta.main) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const violations = await checkLayers(root, LAYERS);
  for (const v of violations) console.log(`${v.from} imports ${v.to}: ${v.reason}`);
  console.log(
    violations.length === 0
      ? "Layers: every import points down"
      : `Layers: ${violations.length} import(s) break the layers`,
  );
  Deno.exit(violations.length === 0 ? 0 : 1);
}
