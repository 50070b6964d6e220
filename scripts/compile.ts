/**
 * `deno task compile`: writes `bin/serverledge` (the node), `bin/serverledge-cli` and
 * `bin/serverledge-lb` with `deno compile`. `deno compile` builds on a runtime base (denort)
 * that it downloads; where that download is impossible, set `DENORT_BIN` to a denort binary of
 * the same Deno version. When the download fails this script says so, with the URL to fetch it
 * from elsewhere.
 *
 * @module
 */
import { join } from "node:path";
import { BINARIES, type Binary, PROJECT_ROOT } from "./binaries.ts";

/** Folder the binaries are written to, relative to the project root. */
export const OUT_DIR = "bin";

/**
 * The `deno compile` arguments for `binary`, given the folders of `binary.include` that exist
 * and the test files inside them (left out of the binary).
 */
export function compileArgs(
  binary: Binary,
  existing: { include: readonly string[]; exclude: readonly string[] },
): string[] {
  return [
    "compile",
    "--exclude-unused-npm",
    ...binary.runFlags,
    ...existing.include.flatMap((path) => ["--include", path]),
    ...existing.exclude.flatMap((path) => ["--exclude", path]),
    "--output",
    join(OUT_DIR, binary.name),
    binary.entry,
  ];
}

/**
 * Explains a failed `deno compile` from its stderr: a failed download of the runtime base gets
 * its own message (with the URL and what to do); anything else is shown as Deno printed it.
 */
export function explainFailure(binary: Binary, stderr: string): string {
  const head = `Cannot compile ${join(OUT_DIR, binary.name)}`;
  if (
    /base binary|denort/i.test(stderr) && /error sending request|dns error|connect/i.test(stderr)
  ) {
    const url = /for url \(([^)\s]+)\)/.exec(stderr)?.[1];
    const cause = /dns error[^\n]*|connection refused[^\n]*|timed out[^\n]*/i.exec(stderr)?.[0];
    return [
      `${head}: deno compile could not download its runtime base (denort)` +
      (url ? ` from ${url}` : "") + (cause ? ` (${cause.trim()})` : ""),
      "Fetch that zip where the network allows (or copy denort from a machine that has it), " +
      "unzip it, and run again with DENORT_BIN=/path/to/denort",
    ].join("\n");
  }
  return `${head}: deno compile failed:\n${stderr.trim()}`;
}

/** Checks `DENORT_BIN` when it is set; answers a message when it names no file. */
export async function checkDenortBin(value: string | undefined): Promise<string | undefined> {
  if (value === undefined || value === "") return undefined;
  try {
    if ((await Deno.stat(value)).isFile) return undefined;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return `DENORT_BIN is set to "${value}", which is not a file: point it at a denort binary ` +
    `of Deno ${Deno.version.deno}, or unset it to let deno compile download one`;
}

/** The folders and files of `binary.include` that exist, and the test files in the folders. */
export async function existingIncludes(
  binary: Binary,
  root: string,
): Promise<{ include: string[]; exclude: string[] }> {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const path of binary.include) {
    const kind = await kindOf(join(root, path));
    if (kind === undefined) continue;
    include.push(path);
    if (kind === "folder") exclude.push(...await testFiles(root, path));
  }
  return { include, exclude };
}

async function testFiles(root: string, folder: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(join(root, folder))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) found.push(...await testFiles(root, path));
    else if (entry.isFile && /_test\.[jt]sx?$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

async function kindOf(path: string): Promise<"folder" | "file" | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.isDirectory ? "folder" : info.isFile ? "file" : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function compile(binary: Binary): Promise<boolean> {
  const args = compileArgs(binary, await existingIncludes(binary, PROJECT_ROOT));
  console.log(`deno ${args.join(" ")}`);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: PROJECT_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    console.error(explainFailure(binary, new TextDecoder().decode(stderr)));
    return false;
  }
  const path = join(PROJECT_ROOT, OUT_DIR, binary.name);
  if (!await runsAsItself(binary, path)) {
    console.error(
      `${join(OUT_DIR, binary.name)} was written but does not run as ${binary.name}: ` +
        "DENORT_BIN must name a denort binary (Deno's runtime base), not the deno command",
    );
    return false;
  }
  const { size } = await Deno.stat(path);
  console.log(`Wrote ${join(OUT_DIR, binary.name)} (${Math.round(size / 1e6)} MB)`);
  return true;
}

/** Runs the compiled binary's smoke test: its output must contain the expected text. */
async function runsAsItself(binary: Binary, path: string): Promise<boolean> {
  const { stdout, stderr } = await new Deno.Command(path, {
    args: [...binary.smoke.args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return (decoder.decode(stdout) + decoder.decode(stderr)).includes(binary.smoke.expect);
}

if (import.meta.main) {
  const problem = await checkDenortBin(Deno.env.get("DENORT_BIN"));
  if (problem) {
    console.error(problem);
    Deno.exit(1);
  }
  for (const binary of BINARIES) {
    if (!await compile(binary)) Deno.exit(1);
  }
}
