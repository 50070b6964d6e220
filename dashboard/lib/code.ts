/**
 * Function code as the upload form gathers it: files picked one by one, a folder, or the
 * editor's text, packed into the base64 tar `POST /create` expects; plus the handler and file
 * name conventions of each runtime, to fill the form in.
 *
 * @module
 */
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";

/** One file of a function. */
export interface CodeFile {
  /** Path inside the function's folder, with `/` separators. */
  path: string;
  /** Content. */
  data: Uint8Array;
}

/** The language family of a runtime, which decides the handler convention. */
export type RuntimeFamily = "python" | "node" | "deno" | "custom";

/** The family of a runtime name (canonical or alias), e.g. `python310` → `python`. */
export function runtimeFamily(runtime: string): RuntimeFamily {
  if (/^python/i.test(runtime)) return "python";
  if (/^node/i.test(runtime)) return "node";
  if (/^(deno|typescript)/i.test(runtime)) return "deno";
  return "custom";
}

/** A Deno handler: a TypeScript or JavaScript module of the code. */
const DENO_MODULE = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*\.(ts|tsx|mts|js|jsx|mjs)$/;

/**
 * Paths of a picked folder without the folder's own name (`app/hello.py` → `hello.py`), as
 * Serverledge's CLI packs `-src dir`. Paths not all under one folder are kept as they are.
 */
export function stripTopFolder(paths: readonly string[]): string[] {
  const split = paths.map((p) => p.replace(/^\/+/, "").split("/"));
  const top = split[0]?.[0];
  const shared = split.length > 0 && split.every((parts) => parts.length > 1 && parts[0] === top);
  return split.map((parts) => (shared ? parts.slice(1) : parts).join("/"));
}

/** Packs `files` into the base64 tar of `TarFunctionCode` (sorted by path). */
export function packCode(files: readonly CodeFile[]): string {
  const entries = [...files].sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => ({ name: f.path, data: f.data }));
  return encodeBase64(writeTar(entries));
}

/**
 * A handler for code made of `paths`: Python `<module>.handler` of the top-level `.py` file
 * (preferring `handler.py`, `main.py`, `function.py`, `app.py`); Node.js the top-level `.js`
 * file (preferring `index.js`, `handler.js`, `main.js`); Deno the top-level TypeScript or
 * JavaScript module (preferring `main`, `index`, `handler`, `mod`). Answers `""` when nothing
 * fits.
 */
export function suggestHandler(runtime: string, paths: readonly string[]): string {
  const family = runtimeFamily(runtime);
  const top = paths.filter((p) => !p.includes("/")).sort();
  if (family === "python") {
    const file = pick(top.filter((p) => p.endsWith(".py")), ["handler", "main", "function", "app"]);
    return file ? `${file.slice(0, -3)}.handler` : "";
  }
  if (family === "node") {
    const js = top.filter((p) => /\.c?js$/.test(p));
    return pick(js, ["index", "handler", "main"]) ?? "";
  }
  if (family === "deno") {
    return pick(top.filter((p) => DENO_MODULE.test(p)), ["main", "index", "handler", "mod"]) ?? "";
  }
  return "";
}

function pick(files: string[], preferred: string[]): string | undefined {
  for (const stem of preferred) {
    const found = files.find((f) => f.replace(/\.[^.]+$/, "") === stem);
    if (found) return found;
  }
  return files[0];
}

/**
 * The file the editor's code is saved as for `handler`: `hello.handler` → `hello.py`,
 * `pkg.mod.handler` → `pkg/mod.py`, `sieve.js` → `sieve.js`, `hello.ts` → `hello.ts`; a default
 * when the handler does not say (`main.py`, `index.js`, `main.ts`, `function`).
 */
export function editorFileName(runtime: string, handler: string): string {
  const family = runtimeFamily(runtime);
  const h = handler.trim();
  if (family === "python") {
    const parts = h.split(".");
    const ok = parts.length >= 2 && parts.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p));
    return ok ? `${parts.slice(0, -1).join("/")}.py` : "main.py";
  }
  if (family === "node") return /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*\.c?js$/.test(h) ? h : "index.js";
  if (family === "deno") return DENO_MODULE.test(h) && !h.split("/").includes("..") ? h : "main.ts";
  return "function";
}

/** The handler the form proposes for code typed in the editor. */
export function defaultHandler(runtime: string): string {
  const family = runtimeFamily(runtime);
  if (family === "python") return "main.handler";
  if (family === "node") return "index.js";
  if (family === "deno") return "main.ts";
  return "";
}

/** The body of the JavaScript and TypeScript starter functions. */
const HELLO_BODY = [
  '  const name = params.name ?? "World";',
  "  console.log(`Saying hello to ${name}`);",
  "  return `Hello, ${name}!`;",
  "};",
  "",
];

/** Starter code for the editor. */
export function starterCode(runtime: string): string {
  switch (runtimeFamily(runtime)) {
    case "python":
      return [
        "def handler(params, context):",
        '    name = params.get("name", "World")',
        '    print(f"Saying hello to {name}")',
        '    return f"Hello, {name}!"',
        "",
      ].join("\n");
    case "node":
      return ["module.exports = async (params, context) => {", ...HELLO_BODY].join("\n");
    case "deno":
      return [
        "export default async (params: { name?: string }, context: unknown) => {",
        ...HELLO_BODY,
      ].join("\n");
    default:
      return "";
  }
}
