/**
 * `serverledge-cli list`: the functions the node knows (`GET /function`).
 *
 * @module
 */
import type { Command } from "./command.ts";

/** The `list` command. */
export const listCommand: Command = {
  name: "list",
  summary: "Lists registered functions",
  usage: "[-details]",
  flags: [{
    name: "details",
    kind: "boolean",
    help: "print each function's definition (without its code), not only its name",
  }],
  async run({ flags, client, output }) {
    const path = flags.boolean("details") ? "/function?details=true" : "/function";
    output.answer(await client.get(path));
  },
};
