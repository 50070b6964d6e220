/**
 * `serverledge-cli delete`: deletes a function and its containers (`POST /delete`).
 *
 * @module
 */
import { type Command, FUNCTION_FLAG } from "./command.ts";

/** The `delete` command. */
export const deleteCommand: Command = {
  name: "delete",
  summary: "Deletes a function",
  usage: "-function <name>",
  flags: [FUNCTION_FLAG],
  async run({ flags, client, output }) {
    output.answer(await client.post("/delete", { Name: flags.string("function") }));
  },
};
