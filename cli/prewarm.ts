/**
 * `serverledge-cli prewarm`: starts warm containers of a function ahead of its invocations
 * (`POST /prewarm`). On a terminal, the node's status is polled meanwhile to show how many
 * have started.
 *
 * @module
 */
import type { NodeClient } from "./client.ts";
import { type Command, FUNCTION_FLAG } from "./command.ts";
import { UsageError } from "./errors.ts";
import type { Output } from "./output.ts";

const PROGRESS_INTERVAL_MS = 250;

/** The `prewarm` command. */
export const prewarmCommand: Command = {
  name: "prewarm",
  summary: "Starts warm containers of a function",
  usage: "-function <name> [-count <n>]",
  flags: [
    FUNCTION_FLAG,
    {
      name: "count",
      aliases: ["c", "instances"],
      kind: "integer",
      value: "n",
      help: "number of containers to start",
      default: 1,
    },
  ],
  async run({ flags, client, output }) {
    const name = flags.string("function")!;
    const count = flags.number("count")!;
    if (count < 0) throw new UsageError(`Option "-count" must be 0 or more, got ${count}`);
    const request = client.post("/prewarm", { Function: name, Instances: count });
    const answer = await showProgress(request, client, name, count, output) as {
      Prewarmed?: number;
    };
    output.answer(answer);
    if (typeof answer.Prewarmed === "number" && answer.Prewarmed < count) {
      output.warn(
        `Started ${answer.Prewarmed} of the ${count} containers asked: the node had no room for more`,
      );
    }
  },
};

/** Resolves `request`, showing `started/count` warm containers meanwhile (on a terminal only). */
async function showProgress<T>(
  request: Promise<T>,
  client: NodeClient,
  name: string,
  count: number,
  output: Output,
): Promise<T> {
  if (!output.interactive || count === 0) return await request;
  let done = false;
  const finished = request.finally(() => done = true);
  finished.catch(() => {}); // Its failure is awaited below, after the progress loop.
  const before = await warmCount(client, name);
  const started = performance.now();
  while (!done) {
    const now = await warmCount(client, name);
    const ready = Math.min(Math.max(now - before, 0), count);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    output.progress(`Prewarming "${name}": ${ready} of ${count} containers ready (${seconds} s)`);
    await pause(PROGRESS_INTERVAL_MS, finished);
  }
  output.endProgress();
  return await finished;
}

async function warmCount(client: NodeClient, name: string): Promise<number> {
  const status = await client.get("/status").catch(() => undefined) as {
    AvailableWarmContainers?: Record<string, number>;
  } | undefined;
  return status?.AvailableWarmContainers?.[name] ?? 0;
}

/** Waits `ms`, or less if `until` settles first. */
function pause(ms: number, until: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    until.then(stop, stop);
  });
}
