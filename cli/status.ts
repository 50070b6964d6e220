/**
 * `serverledge-cli status`: the node's status (`GET /status`) as a readable summary, or the
 * raw answer with `-json`.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { formatStatus, type StatusAnswer } from "./status_summary.ts";

/** The `status` command. */
export const statusCommand: Command = {
  name: "status",
  summary: "Prints the node's status",
  usage: "[-json]",
  flags: [],
  async run({ client, output }) {
    const status = await client.get("/status");
    if (output.json) output.answer(status);
    else output.text(formatStatus(status as StatusAnswer));
  },
};
