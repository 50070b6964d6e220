// The docs stay true to the code: the config table of docs/configuration.md is the one the node
// describes, and every relative link of README.md and docs/*.md, anchors included, leads to
// something in the repository.
import assert from "node:assert/strict";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { describeConfigKeys } from "../server/config/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What the link check reads of a repository; paths are relative to its root, `/`-separated. */
interface Repository {
  /** Whether `path` is a file or a folder of the repository. */
  exists(path: string): boolean;
  /** The text of the file at `path`, or `undefined` when there is none. */
  read(path: string): string | undefined;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces turned into `-`. */
function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link or image counts by its text
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Lines outside fenced code blocks, with inline code spans blanked out unless `keepCode`. */
function proseLines(markdown: string, keepCode = false): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker[0].repeat(marker.length);
    else if (fence !== undefined && marker?.startsWith(fence)) fence = undefined;
    else if (fence === undefined) lines.push(keepCode ? line : line.replace(/(`+)[^`].*?\1/g, ""));
  }
  return lines;
}

/** The anchors of a Markdown file's headings, numbered `-1`, `-2` … when repeated, as GitHub does. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of proseLines(markdown, true)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Targets of the inline links, images and link reference definitions outside code. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+[^)]*)?\)/g)) {
      targets.push(match[1]);
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(line);
    if (definition) targets.push(definition[1]);
  }
  return targets;
}

/**
 * The relative links of the Markdown file at `path` that lead nowhere, each with the reason: the
 * file or folder does not exist in `repo`, the link leaves the repository, or the `#anchor` names
 * no heading of the Markdown file linked to.
 */
function brokenLinks(path: string, markdown: string, repo: Repository): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
    const hash = target.indexOf("#");
    const file = decodeURI(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved = file === "" ? path : posix.normalize(
      file.startsWith("/") ? file.slice(1) : posix.join(posix.dirname(path), file),
    )
      .replace(/\/$/, "");
    if (resolved === ".." || resolved.startsWith("../")) {
      broken.push(`${target}: leaves the repository`);
    } else if (!repo.exists(resolved)) {
      broken.push(`${target}: "${resolved}" does not exist`);
    } else if (anchor !== undefined && resolved.endsWith(".md")) {
      const text = resolved === path ? markdown : repo.read(resolved) ?? "";
      if (!headingAnchors(text).has(anchor)) {
        broken.push(`${target}: "${resolved}" has no heading with anchor "#${anchor}"`);
      }
    }
  }
  return broken;
}

/** The repository on disk, under {@linkcode ROOT}. */
const onDisk: Repository = {
  exists(path) {
    try {
      Deno.statSync(posix.join(ROOT, path));
      return true;
    } catch {
      return false;
    }
  },
  read(path) {
    try {
      return Deno.readTextFileSync(posix.join(ROOT, path));
    } catch {
      return undefined;
    }
  },
};

function inMemory(files: Record<string, string>): Repository {
  const folders = new Set(
    Object.keys(files).flatMap((f) =>
      f.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))
    ),
  );
  return { exists: (path) => path in files || folders.has(path), read: (path) => files[path] };
}

function tableRows(markdown: string): string[][] {
  return markdown.split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split("|").map((cell) => cell.trim()));
}

async function markdownFiles(): Promise<string[]> {
  const files = ["README.md"];
  for await (const entry of Deno.readDir(posix.join(ROOT, "docs"))) {
    if (entry.isFile && entry.name.endsWith(".md")) files.push(`docs/${entry.name}`);
  }
  return files.sort();
}

Deno.test("githubSlug makes the anchors GitHub makes", () => {
  assert.equal(
    githubSlug("Set up and run (Debian 12, as root)"),
    "set-up-and-run-debian-12-as-root",
  );
  assert.equal(githubSlug("`POST /invoke/<name>`"), "post-invokename");
  assert.equal(
    githubSlug("Command line (serverledge-cli) and binaries"),
    "command-line-serverledge-cli-and-binaries",
  );
  assert.equal(githubSlug("Edge→cloud, **fast** [offload](x.md)"), "edgecloud-fast-offload");
  assert.deepEqual([...headingAnchors("# A\n## A\n```\n# not a heading\n```\n### A ##\n")], [
    "a",
    "a-1",
    "a-2",
  ]);
});

Deno.test("brokenLinks finds missing files, broken anchors and links out of the repository", () => {
  const repo = inMemory({
    "README.md": "# Title\n\n## Set up\n",
    "docs/page.md": "",
    "src/main.ts": "",
  });
  const page = [
    "# Page",
    "A [good link](../README.md#set-up), a [folder](../src/), [code](../src/main.ts#L3),",
    "[here](#page), [the web](https://example.com/missing.md) and `[code](missing.md)`.",
    "A [missing file](missing.md), a [broken anchor](../README.md#set-down),",
    "a [way out](../../elsewhere/DESIGN.md) and a ![missing image](img.png).",
    "[reference]: #nowhere",
    "```md",
    "[fenced](missing.md)",
    "```",
  ].join("\n");
  assert.deepEqual(brokenLinks("docs/page.md", page, repo), [
    'missing.md: "docs/missing.md" does not exist',
    '../README.md#set-down: "README.md" has no heading with anchor "#set-down"',
    "../../elsewhere/DESIGN.md: leaves the repository",
    'img.png: "docs/img.png" does not exist',
    '#nowhere: "docs/page.md" has no heading with anchor "#nowhere"',
  ]);
});

Deno.test("every relative link of README.md and docs/*.md resolves", async () => {
  const files = await markdownFiles();
  assert.ok(files.length > 5, `found the docs pages: ${files}`);
  const broken = files.flatMap((path) =>
    brokenLinks(path, onDisk.read(path)!, onDisk).map((reason) => `${path}: ${reason}`)
  );
  assert.deepEqual(broken, []);
});

Deno.test("docs/configuration.md's config table is the one describeConfigKeys() makes", () => {
  const page = onDisk.read("docs/configuration.md")!;
  const start = page.indexOf("<!-- config-keys:start");
  const end = page.indexOf("<!-- config-keys:end -->");
  assert.ok(start !== -1 && end > start, "docs/configuration.md marks the generated table");
  assert.deepEqual(tableRows(page.slice(start, end)), tableRows(describeConfigKeys()));
});
