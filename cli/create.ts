/**
 * `serverledge-cli create`: registers a new function (`POST /create`).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { DEFINITION_FLAGS, definitionBody } from "./definition.ts";

/** The `create` command. */
export const createCommand: Command = {
  name: "create",
  summary: "Registers a new function",
  usage: "-function <name> -runtime <runtime> -handler <handler> -src <path> [options]",
  flags: DEFINITION_FLAGS,
  async run({ flags, client, output, cwd }) {
    output.answer(await client.post("/create", await definitionBody(flags, cwd)));
  },
};
