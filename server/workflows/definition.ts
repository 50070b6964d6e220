/**
 * Checking a workflow definition at create: the ASL document parsed and validated by `asl/`,
 * and every Task's `Resource` naming a function that exists.
 *
 * @module
 */
import { AslDefinitionError, parseStateMachine, taskStates } from "../../asl/mod.ts";
import type { StateMachine } from "../../asl/mod.ts";
import type { WorkflowCreateRequest } from "../../protocol/workflow.ts";
import { decodeBase64 } from "../../protocol/base64.ts";
import { BadRequestError } from "../errors.ts";
import { checkName } from "../functions/parse_definition.ts";
import { type JsonObject, optionalBoolean, requiredString } from "../validation/fields.ts";
import { decodeFields } from "../validation/wire_fields.ts";

/**
 * `name` when it is a valid workflow name (as a function name: it starts its request ids).
 *
 * @throws {BadRequestError} when it is not
 */
export function checkWorkflowName(name: unknown): string {
  return checkName(name, "Workflow");
}

/** A parsed, checked create body. */
export interface CheckedWorkflow {
  /** The workflow's name. */
  readonly name: string;
  /** The ASL document as text. */
  readonly definition: string;
  /** The parsed machine. */
  readonly machine: StateMachine;
  /** Whether it replaces a workflow of the same name. */
  readonly overwrite: boolean;
}

/**
 * Parses the body of `POST /workflow/create` and checks its definition; `functionExists` tells
 * whether a Task's `Resource` names a function.
 *
 * @throws {BadRequestError} naming the field, state or function at fault
 */
export function parseWorkflowCreate(
  input: unknown,
  functionExists: (name: string) => boolean,
): CheckedWorkflow {
  const { name, definition, machine, body } = parseWorkflowSource(input);
  const missing = taskStates(machine).find(({ resource }) => !functionExists(resource));
  if (missing) {
    throw new BadRequestError(
      `Workflow "${name}": state "${missing.state}": "Resource" names no function ` +
        `("${missing.resource}")`,
    );
  }
  const overwrite = optionalBoolean(body, "OverwriteIfExists", false);
  return { name, definition, machine, overwrite };
}

/**
 * The name, definition text and machine of a create body (the functions its tasks name are not
 * checked here), and the body.
 *
 * @throws {BadRequestError} naming the field or state at fault
 */
export function parseWorkflowSource(
  input: unknown,
): { name: string; definition: string; machine: StateMachine; body: JsonObject } {
  const body = decodeFields(input, "Request body", ["Name", "ASLSrc", "OverwriteIfExists"]);
  const name = checkWorkflowName(body.Name);
  const source = requiredString(body, "ASLSrc" satisfies keyof WorkflowCreateRequest);
  const bytes = decodeBase64(source);
  if (!bytes) throw new BadRequestError('Field "ASLSrc" is not valid base64');
  const definition = new TextDecoder().decode(bytes);
  return { name, definition, machine: parseMachine(definition), body };
}

/**
 * The machine of a stored definition.
 *
 * @throws {BadRequestError} with the reason when it is not a valid ASL document
 */
export function parseMachine(definition: string): StateMachine {
  try {
    return parseStateMachine(definition);
  } catch (error) {
    if (error instanceof AslDefinitionError) {
      throw new BadRequestError(`Invalid workflow definition: ${error.message}`);
    }
    throw error;
  }
}
