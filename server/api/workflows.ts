/**
 * Workflow routes: `POST /workflow/create`, `POST /workflow/invoke/:name` (sync or async,
 * polled with `GET /poll/:reqId`), `POST /workflow/delete`, `GET /workflow/list` and
 * `GET /workflow/get/:name`.
 *
 * @module
 */
import { Hono } from "hono";
import type { AsyncAnswer } from "../../protocol/invocation.ts";
import type {
  WorkflowCreateAnswer,
  WorkflowDeleteAnswer,
  WorkflowRecord,
} from "../../protocol/workflow.ts";
import { decodeFields } from "../validation/wire_fields.ts";
import { jsonResponse } from "../http/response.ts";
import { checkWorkflowName, parseWorkflowCreate } from "../workflows/definition.ts";
import { parseWorkflowInvocation } from "../workflows/request.ts";
import { jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";

/**
 * Routes that create, run, delete, list and show workflows. A create is checked by `asl/`
 * (the state and field at fault in a 400) and each Task's `Resource` must name a function.
 */
export function workflowRoutes(services: NodeServices): Hono {
  const { workflows, workflowRunner, store } = services;
  const app = new Hono();

  app.post("/workflow/create", async (c) => {
    const checked = parseWorkflowCreate(await jsonBody(c), (name) => store.get(name) !== undefined);
    const record = await workflows.create(checked);
    return c.json<WorkflowCreateAnswer>({ Created: record.Name });
  });

  app.post("/workflow/invoke/:name", async (c) => {
    const workflow = workflows.require(checkWorkflowName(c.req.param("name")));
    const request = parseWorkflowInvocation(await jsonBody(c));
    if (request.Async) {
      const reqId = await workflowRunner.submit(workflow, request);
      return jsonResponse({ ReqId: reqId } satisfies AsyncAnswer, 200);
    }
    const report = await workflowRunner.invoke(workflow, request);
    return jsonResponse(report, report.Success ? 200 : 500);
  });

  app.post("/workflow/delete", async (c) => {
    const name = checkWorkflowName(decodeFields(await jsonBody(c), "Request body", ["Name"]).Name);
    await workflows.delete(name);
    return c.json<WorkflowDeleteAnswer>({ Deleted: name });
  });

  app.get("/workflow/list", (c) => c.json<WorkflowRecord[]>(workflows.list()));

  app.get(
    "/workflow/get/:name",
    (c) => c.json<WorkflowRecord>(workflows.require(checkWorkflowName(c.req.param("name"))).record),
  );

  return app;
}
