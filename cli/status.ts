/**
 * `serverledge-cli status`: the node's status (`GET /status`) as a readable summary on a
 * terminal; as JSON when standard output is not a terminal (tab-indented, as Serverledge's CLI
 * prints it, for scripts that read it) or with `-json` (one line).
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
    if (output.json || !output.stdoutTerminal) output.answer(status);
    else output.text(formatStatus(status as StatusAnswer));
  },
};
