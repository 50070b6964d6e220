/**
 * Test fixture: Docker images a test builds (without network, from a Dockerfile given as text
 * and optional context files) and removes when disposed.
 *
 * @example An image of one's own, removed at the end of the scope
 * ```ts
 * import { buildTestImage } from "./docker_image.ts";
 *
 * await using image = await buildTestImage("FROM serverledge-python311\nUSER 0\n");
 * console.log(image.name); // e.g. "serverledge-test-image-1a2b3c4d"
 * ```
 *
 * @module
 */

/** An image built by {@linkcode buildTestImage}; disposing it removes it. */
export interface TestImage extends AsyncDisposable {
  /** Image name, `serverledge-test-image-<random>`. */
  readonly name: string;
}

async function docker(...args: string[]): Promise<void> {
  const out = await new Deno.Command("docker", { args, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    const detail = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`docker ${args.join(" ")} failed: ${detail}`);
  }
}

/**
 * Builds an image from `dockerfile` and the context `files` (name → text), with no network.
 */
export async function buildTestImage(
  dockerfile: string,
  files: Record<string, string> = {},
): Promise<TestImage> {
  const name = `serverledge-test-image-${crypto.randomUUID().slice(0, 8)}`;
  const context = await Deno.makeTempDir({ prefix: "image-" });
  try {
    await Deno.writeTextFile(`${context}/Dockerfile`, dockerfile);
    for (const [file, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${context}/${file}`, text);
    }
    await docker("build", "--network", "none", "-q", "-t", name, context);
  } finally {
    await Deno.remove(context, { recursive: true });
  }
  return { name, [Symbol.asyncDispose]: () => docker("rmi", "-f", name) };
}
