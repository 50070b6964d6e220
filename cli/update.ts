/**
 * `serverledge-cli update`: replaces a function's code and limits (`POST /update`); its warm
 * containers of the old version are retired by the node.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { DEFINITION_FLAGS, definitionBody } from "./definition.ts";

/** The `update` command. */
export const updateCommand: Command = {
  name: "update",
  summary: "Replaces a function's code and settings",
  usage: "-function <name> -runtime <runtime> -handler <handler> -src <path> [options]",
  flags: DEFINITION_FLAGS,
  async run({ flags, client, output, cwd }) {
    output.answer(await client.post("/update", await definitionBody(flags, cwd)));
  },
};
