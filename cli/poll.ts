/**
 * `serverledge-cli poll`: the report of an asynchronous invocation (`GET /poll/<id>`); with
 * `-wait`, polls until the report exists.
 *
 * @module
 */
import { type ApiAnswer, apiError, type NodeClient } from "./client.ts";
import type { Command } from "./command.ts";
import { CliError, UsageError } from "./errors.ts";
import type { Output } from "./output.ts";
import { backoffDelay } from "../server/timing/backoff.ts";
import { sleep } from "../server/timing/sleep.ts";

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1000;

/** The `poll` command. */
export const pollCommand: Command = {
  name: "poll",
  summary: "Gets the result of an asynchronous invocation",
  usage: "-request <id> [-wait [-timeout <seconds>]]",
  flags: [
    {
      name: "request",
      kind: "string",
      value: "id",
      help: "request id printed by invoke -async",
      required: true,
    },
    { name: "wait", kind: "boolean", help: "wait until the result exists" },
    {
      name: "timeout",
      kind: "number",
      value: "seconds",
      help: "with -wait, give up after this many seconds (default: wait as long as it runs)",
    },
  ],
  async run({ flags, client, output }) {
    const id = flags.string("request")!;
    const timeout = flags.number("timeout");
    if (timeout !== undefined && (!flags.boolean("wait") || timeout <= 0)) {
      throw new UsageError('Option "-timeout" needs -wait and a number of seconds above 0');
    }
    const path = `/poll/${encodeURIComponent(id)}`;
    const answer = flags.boolean("wait")
      ? await waitForReport(client, path, id, output, timeout)
      : await client.request("GET", path);
    if (answer.status !== 200) throw apiError(answer);
    output.answer(answer.body);
  },
};

async function waitForReport(
  client: NodeClient,
  path: string,
  id: string,
  output: Output,
  timeoutSeconds: number | undefined,
): Promise<ApiAnswer> {
  const started = Date.now();
  for (let retry = 0;; retry++) {
    const answer = await client.request("GET", path);
    if (!isPending(answer)) return answer;
    const elapsed = (Date.now() - started) / 1000;
    if (timeoutSeconds !== undefined && elapsed >= timeoutSeconds) {
      output.endProgress();
      throw new CliError(`Request "${id}" is still running after ${timeoutSeconds} s`);
    }
    output.progress(`Waiting for request "${id}" (${Math.floor(elapsed)} s)`);
    await sleep(backoffDelay(retry, { firstMs: FIRST_DELAY_MS, maxMs: MAX_DELAY_MS }));
  }
}

/** A 404 whose message says the request is still running (the node's answer while it runs). */
function isPending(answer: ApiAnswer): boolean {
  const error = (answer.body as { Error?: unknown } | undefined)?.Error;
  return answer.status === 404 && typeof error === "string" && /still running/i.test(error);
}
