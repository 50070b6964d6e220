/**
 * The workflow commands of `serverledge-cli`, named as Serverledge's upstream names them:
 * `create-workflow` (`POST /workflow/create` with the ASL definition of a file),
 * `invoke-workflow` (`POST /workflow/invoke/<name>`, parameters and QoS as `invoke` takes them),
 * `list-workflows` (`GET /workflow/list`) and `delete-workflow` (`POST /workflow/delete`).
 *
 * @module
 */
import { encodeBase64 } from "../protocol/base64.ts";
import type { AsyncAnswer } from "../protocol/invocation.ts";
import type {
  WorkflowCreateRequest,
  WorkflowInvocationRequest,
  WorkflowReport,
} from "../protocol/workflow.ts";
import { apiError } from "./client.ts";
import { type Command, FUNCTION_FLAG } from "./command.ts";
import { CliError } from "./errors.ts";
import { readUserTextFile } from "./fs_error.ts";
import { INVOCATION_FLAGS, invocationInputs } from "./invoke.ts";
import type { FlagSpec } from "./args.ts";

/** `-function`, naming a workflow. */
const WORKFLOW_FLAG: FlagSpec = { ...FUNCTION_FLAG, help: "name of the workflow" };

/** The `create-workflow` command. */
export const createWorkflowCommand: Command = {
  name: "create-workflow",
  summary: "Registers a workflow from its Amazon States Language definition",
  usage: "-function <name> -src <definition.json> [-overwrite]",
  flags: [
    WORKFLOW_FLAG,
    {
      name: "src",
      aliases: ["s"],
      kind: "string",
      value: "definition.json",
      help: "file holding the workflow's ASL definition (JSON)",
      required: true,
      complete: "files",
    },
    {
      name: "overwrite",
      kind: "boolean",
      help: "replace a workflow of the same name instead of failing",
    },
  ],
  async run({ flags, client, output, cwd }) {
    // Sent as it is: the node validates the definition.
    const definition = await readUserTextFile(flags.string("src")!, cwd, "definition file");
    const body: WorkflowCreateRequest = {
      Name: flags.string("function")!,
      ASLSrc: encodeBase64(new TextEncoder().encode(definition)),
      OverwriteIfExists: flags.boolean("overwrite"),
    };
    output.answer(await client.post("/workflow/create", body));
  },
};

/** The `invoke-workflow` command. */
export const invokeWorkflowCommand: Command = {
  name: "invoke-workflow",
  summary: "Invokes a workflow",
  usage: "-function <name> [-param <name:value>]... [options]",
  flags: [WORKFLOW_FLAG, ...INVOCATION_FLAGS],
  async run({ flags, client, output, cwd }) {
    const name = flags.string("function")!;
    const inputs = await invocationInputs(flags, cwd);
    const body: WorkflowInvocationRequest = {
      Params: inputs.params,
      QoS: { Class: inputs.qosClass, MaxRespT: Math.max(0, inputs.maxRespT) },
      CanDoOffloading: true,
      Async: inputs.async,
    };
    const answer = await client.request(
      "POST",
      `/workflow/invoke/${encodeURIComponent(name)}`,
      body,
    );
    const report = answer.body as Partial<WorkflowReport & AsyncAnswer> | undefined;
    if (answer.status === 200 && report) {
      output.answer(report);
      if (report.ReqId) {
        output.hint(`Get the report with: serverledge-cli poll -request ${report.ReqId}`);
      }
      return;
    }
    if (report?.Success === false) {
      output.answer(report);
      const why = [report.Error, report.Cause].filter(Boolean).join(": ") || "no reason given";
      throw new CliError(`Workflow "${name}" failed: ${why}`);
    }
    throw apiError(answer);
  },
};

/** The `list-workflows` command. */
export const listWorkflowsCommand: Command = {
  name: "list-workflows",
  summary: "Lists registered workflows",
  usage: "",
  flags: [],
  async run({ client, output }) {
    output.answer(await client.get("/workflow/list"));
  },
};

/** The `delete-workflow` command. */
export const deleteWorkflowCommand: Command = {
  name: "delete-workflow",
  summary: "Deletes a workflow",
  usage: "-function <name>",
  flags: [WORKFLOW_FLAG],
  async run({ flags, client, output }) {
    output.answer(await client.post("/workflow/delete", { Name: flags.string("function") }));
  },
};
