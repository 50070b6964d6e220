// A TypeScript function for the deno2 runtime: its default export gets the parameters and the
// context, and may return a promise, which the executor awaits.

/** What the function reads of its parameters. */
interface Params {
  name?: string;
}

/** What the node passes as the context. */
interface Context {
  FunctionName?: string;
  RequestId?: string;
}

/** Greets `params.name` (or the world). */
export default async function hello(params: Params, _context: Context): Promise<string> {
  const name = params.name ?? "World";
  await new Promise((resolve) => setTimeout(resolve, 1));
  console.log(`Saying hello to ${name}`);
  return `Hello, ${name}!`;
}
