/**
 * The runtime catalog: which runtimes a node offers, their images, their Serverledge aliases
 * and how their handlers are written.
 *
 * @module
 */

/** A runtime a function can be created with. */
export interface Runtime {
  /** Canonical name (a definition stores the name its creator gave, canonical or alias). */
  name: string;
  /** Docker image running the executor; empty for `custom` (the function names its image). */
  image: string;
  /** Other names accepted at create time (Serverledge's). */
  aliases: string[];
  /** Human-readable language and version. */
  language: string;
  /** Whether one container may serve several invocations at once. */
  concurrent: boolean;
  /** How a handler is written, for error messages and the dashboard. */
  handlerFormat: string;
  /** Checks a handler; returns the code file it needs, or throws a `TypeError` explaining why. */
  handlerFile(handler: string): string | undefined;
}

const PYTHON_HANDLER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const NODE_HANDLER = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*\.(js|cjs)$/;
const DENO_HANDLER = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*\.(ts|tsx|mts|js|jsx|mjs)$/;

/** Checks a handler that names its code file (relative, matching `pattern`); returns the file. */
function fileHandler(runtime: Runtime, language: string, pattern: RegExp, handler: string) {
  if (!pattern.test(handler) || handler.split("/").includes("..")) {
    throw new TypeError(
      `${language} handler "${handler}" must be written as ${runtime.handlerFormat}`,
    );
  }
  return handler;
}

/** Python 3.11 (Debian 12), also accepted as Serverledge's `python310`. */
const python: Runtime = {
  name: "python311",
  image: "serverledge-python311",
  aliases: ["python310", "python3", "python"],
  language: "Python 3.11",
  concurrent: true,
  handlerFormat: "<module>.<function>, e.g. hello.handler",
  handlerFile(handler) {
    if (!PYTHON_HANDLER.test(handler)) {
      throw new TypeError(`Python handler "${handler}" must be written as ${this.handlerFormat}`);
    }
    return handler.split(".").slice(0, -1).join("/") + ".py";
  },
};

/** Node.js 18 (Debian 12), also accepted as Serverledge's `nodejs17`. */
const node: Runtime = {
  name: "nodejs18",
  image: "serverledge-nodejs18",
  aliases: ["nodejs17", "nodejs17ng", "nodejs", "node"],
  language: "Node.js 18",
  concurrent: true,
  handlerFormat: "<file>.js, e.g. sieve.js",
  handlerFile(handler) {
    return fileHandler(this, "Node.js", NODE_HANDLER, handler);
  },
};

/**
 * Deno 2: TypeScript and JavaScript ES modules whose default export is the function (see
 * `runtimes/deno2/`), also accepted as `typescript` and `deno`.
 */
const deno: Runtime = {
  name: "deno2",
  image: "serverledge-deno2",
  aliases: ["typescript", "deno"],
  language: "Deno 2 (TypeScript, JavaScript)",
  concurrent: true,
  handlerFormat: "<file>.ts (or .tsx, .mts, .js, .jsx, .mjs), e.g. hello.ts",
  handlerFile(handler) {
    return fileHandler(this, "Deno", DENO_HANDLER, handler);
  },
};

/** A user image whose executor honours the executor contract. */
const custom: Runtime = {
  name: "custom",
  image: "",
  aliases: [],
  language: "Custom image",
  concurrent: true,
  handlerFormat: "any text, passed to the image's executor",
  handlerFile() {
    return undefined;
  },
};

/** Every runtime of the catalog, canonical names first. */
export const RUNTIMES: readonly Runtime[] = [python, node, deno, custom];

/** The runtime named `name` (canonical or alias), or `undefined`. */
export function findRuntime(name: string): Runtime | undefined {
  return RUNTIMES.find((r) => r.name === name || r.aliases.includes(name));
}

/** Images the node needs for its built-in runtimes. */
export function builtInImages(): string[] {
  return RUNTIMES.map((r) => r.image).filter((image) => image !== "");
}

/**
 * The image a function's containers run: its runtime's (the name it was stored with resolved,
 * alias or canonical), or its own for `custom`.
 */
export function imageFor(definition: { Runtime: string; CustomImage: string }): string {
  const runtime = findRuntime(definition.Runtime);
  if (!runtime) throw new TypeError(`Runtime "${definition.Runtime}" is unknown`);
  return runtime.name === "custom" ? definition.CustomImage : runtime.image;
}
