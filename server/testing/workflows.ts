/**
 * Test fixture: workflow create bodies and the example functions workflow tests use.
 *
 * @module
 */
import { encodeBase64 } from "../../protocol/base64.ts";
import type { WorkflowCreateRequest } from "../../protocol/workflow.ts";
import { exampleFunction } from "./functions.ts";

/** The create body of workflow `name` with the ASL `definition`. */
export function workflowBody(
  name: string,
  definition: unknown,
  overwrite?: boolean,
): WorkflowCreateRequest {
  return {
    Name: name,
    ASLSrc: encodeBase64(new TextEncoder().encode(JSON.stringify(definition))),
    ...(overwrite === undefined ? {} : { OverwriteIfExists: overwrite }),
  };
}

/**
 * Creates the workflow tests' functions on the node at `post`: `double` (Python), `increment`
 * (Node.js) and `fail` (Python, always fails); throws when a create is refused.
 */
export async function createWorkflowFunctions(
  post: (path: string, body: unknown) => Promise<{ status: number; body: unknown }>,
): Promise<void> {
  const files = [["double", "double.py"], ["increment", "increment.js"], ["fail", "fail.py"]];
  for (const [name, file] of files) {
    const created = await post("/create", await exampleFunction(name, file));
    if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  }
}
