/**
 * Every `serverledge-cli` command, in the order the help lists them.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { completionCommand } from "./completion.ts";
import { createCommand } from "./create.ts";
import { deleteCommand } from "./delete.ts";
import { invokeCommand } from "./invoke.ts";
import { listCommand } from "./list.ts";
import { pollCommand } from "./poll.ts";
import { prewarmCommand } from "./prewarm.ts";
import { statusCommand } from "./status.ts";
import { tokenCommand } from "./token.ts";
import { updateCommand } from "./update.ts";
import {
  createWorkflowCommand,
  deleteWorkflowCommand,
  invokeWorkflowCommand,
  listWorkflowsCommand,
} from "./workflow.ts";

/** The commands, by the order of the help. */
export const COMMANDS: readonly Command[] = [
  createCommand,
  updateCommand,
  deleteCommand,
  listCommand,
  invokeCommand,
  pollCommand,
  prewarmCommand,
  createWorkflowCommand,
  invokeWorkflowCommand,
  listWorkflowsCommand,
  deleteWorkflowCommand,
  statusCommand,
  tokenCommand,
  completionCommand,
];

/** The command named `name`, if there is one. */
export function findCommandByName(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
