/**
 * `serverledge-cli invoke`: runs a function (`POST /invoke/<name>`) and prints its report, or
 * the request id of an asynchronous invocation.
 *
 * @module
 */
import type {
  AsyncAnswer,
  ExecutionReport,
  InvocationRequestBody,
} from "../protocol/invocation.ts";
import type { Flags, FlagSpec } from "./args.ts";
import { apiError } from "./client.ts";
import { type Command, FUNCTION_FLAG } from "./command.ts";
import { CliError } from "./errors.ts";
import { QOS_CLASS_NAMES } from "../protocol/qos.ts";
import { commandLineParams, parseQosClass, readParamsFile } from "./params.ts";

/** The options of an invocation's inputs, shared by `invoke` and `invoke-workflow`. */
export const INVOCATION_FLAGS: readonly FlagSpec[] = [
  {
    name: "param",
    aliases: ["p"],
    kind: "list",
    value: "name:value",
    help: "a parameter, its value sent as a string (name:a,name2:b gives two)",
  },
  {
    name: "param_json",
    kind: "list",
    value: "name:json",
    help: "a parameter whose value is JSON: n:17 sends the number 17",
  },
  {
    name: "params_file",
    aliases: ["j"],
    kind: "string",
    value: "file.json",
    help: "a JSON object of parameters (-param and -param_json values override it)",
    complete: "files",
  },
  {
    name: "qosclass",
    aliases: ["class", "qosClass", "c"],
    kind: "string",
    value: "class",
    help: "QoS class: low (0), performance (1), availability or batch (2), a number, or async",
    complete: [...Object.keys(QOS_CLASS_NAMES), "async"],
  },
  {
    name: "qosrespt",
    aliases: ["resptime", "maxRespT"],
    kind: "number",
    value: "seconds",
    help: "maximum response time wanted, in seconds",
  },
  {
    name: "async",
    aliases: ["a"],
    kind: "boolean",
    help: "invoke asynchronously: print the request id at once (then use poll)",
  },
];

/** What the invocation options ask for. */
export interface InvocationInputs {
  /** The parameters: the file's, then `-param` and `-param_json` over them. */
  params: Record<string, unknown>;
  /** The QoS class number. */
  qosClass: number;
  /** The maximum response time in seconds; -1: none. */
  maxRespT: number;
  /** Whether it is asynchronous (`-async`, or `-qosclass async`). */
  async: boolean;
}

/** Reads the {@linkcode INVOCATION_FLAGS} (a relative `-params_file` from `cwd`). */
export async function invocationInputs(flags: Flags, cwd: string): Promise<InvocationInputs> {
  const file = flags.string("params_file");
  const qos = parseQosClass(flags.string("qosclass"));
  return {
    params: {
      ...(file === undefined ? {} : await readParamsFile(file, cwd)),
      ...commandLineParams(flags.list("param"), flags.list("param_json")),
    },
    qosClass: qos.qosClass,
    maxRespT: flags.number("qosrespt") ?? -1,
    async: flags.boolean("async") || qos.async,
  };
}

/** The `invoke` command. */
export const invokeCommand: Command = {
  name: "invoke",
  summary: "Invokes a function",
  usage: "-function <name> [-param <name:value>]... [options]",
  flags: [
    FUNCTION_FLAG,
    ...INVOCATION_FLAGS,
    {
      name: "return_output",
      aliases: ["ret_output", "o"],
      kind: "boolean",
      help: "return the function's printed output in the report",
    },
  ],
  async run({ flags, client, output, cwd }) {
    const name = flags.string("function")!;
    const inputs = await invocationInputs(flags, cwd);
    const body: InvocationRequestBody = {
      Params: inputs.params,
      QoSClass: inputs.qosClass,
      QoSMaxRespT: inputs.maxRespT,
      CanDoOffloading: true,
      Async: inputs.async,
      ReturnOutput: flags.boolean("return_output"),
    };
    const answer = await client.request("POST", `/invoke/${encodeURIComponent(name)}`, body);
    const report = answer.body as Partial<ExecutionReport & AsyncAnswer> | undefined;
    if (answer.status === 200 && report) {
      output.answer(report);
      if (report.ReqId) {
        output.hint(`Get the result with: serverledge-cli poll -request ${report.ReqId}`);
      }
      return;
    }
    if (report?.Success === false) {
      output.answer(report);
      throw new CliError(`Function "${name}" failed: ${report.Error ?? "no reason given"}`);
    }
    throw apiError(answer);
  },
};
