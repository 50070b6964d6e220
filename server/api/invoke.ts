/**
 * Invocation routes: `POST /invoke/:fn` (sync or async) and `GET /poll/:reqId`.
 *
 * @module
 */
import { Hono } from "hono";
import { NotFoundError, OverloadedError } from "../errors.ts";
import { AsyncRequests } from "../invoke/async_requests.ts";
import { parseInvocationRequest } from "../invoke/request.ts";
import type { ExecutionReport } from "../invoke/report.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import { jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";

/** Routes that run functions and return async reports. */
export function invokeRoutes(services: NodeServices): Hono {
  const { store, invoker, asyncRequests, counters } = services;
  const app = new Hono();

  const run = async (
    name: string,
    body: ReturnType<typeof parseInvocationRequest>,
    id: string,
    arrival: number,
  ) => {
    const definition = store.get(name);
    if (!definition) throw new NotFoundError(`Function "${name}" does not exist`);
    let report: ExecutionReport;
    try {
      report = await invoker.invoke(definition, body, id, arrival);
    } catch (error) {
      if (error instanceof OverloadedError) counters.count("dropped");
      throw error;
    }
    counters.count(report.Success ? "success" : "failure", !report.IsWarmStart);
    return report;
  };

  app.post("/invoke/:fn", async (c) => {
    const arrival = performance.now();
    const name = checkFunctionName(c.req.param("fn"));
    const request = parseInvocationRequest(await jsonBody(c));
    if (!store.get(name)) throw new NotFoundError(`Function "${name}" does not exist`);
    const id = AsyncRequests.newRequestId(name);
    if (request.Async) {
      await asyncRequests.submit(id, name, () => run(name, request, id, arrival));
      return c.json({ ReqId: id });
    }
    const report = await run(name, request, id, arrival);
    return c.json(report, report.Success ? 200 : 500);
  });

  app.get("/poll/:reqId", async (c) => c.json(await asyncRequests.poll(c.req.param("reqId"))));

  return app;
}
