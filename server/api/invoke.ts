/**
 * Invocation routes: `POST /invoke/:fn` (sync or async) and `GET /poll/:reqId`.
 *
 * @module
 */
import { Hono } from "hono";
import { type AsyncAnswer, OFFLOADED_FROM_HEADER } from "../../protocol/invocation.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import { newInvocation } from "../invoke/invocation.ts";
import { parseInvocationRequest } from "../invoke/request.ts";
import { jsonResponse } from "../http/response.ts";
import { jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";
import { traceRoute } from "./traced.ts";

/** Routes that run functions and return async reports. */
export function invokeRoutes(services: NodeServices): Hono {
  const { store, dispatcher, asyncRequests } = services;
  const app = new Hono();

  traceRoute(app, "/invoke/:fn", (c) => `invoke ${c.req.param("fn")}`);
  app.post("/invoke/:fn", async (c) => {
    const arrival = performance.now();
    const name = checkFunctionName(c.req.param("fn"));
    const request = parseInvocationRequest(await jsonBody(c));
    const fn = store.require(name);
    const invocation = newInvocation(fn, request, arrival, c.req.header(OFFLOADED_FROM_HEADER));
    if (request.Async) {
      await asyncRequests.submit(invocation.id, name, () => dispatcher.dispatch(invocation));
      return jsonResponse({ ReqId: invocation.id } satisfies AsyncAnswer, 200);
    }
    const report = await dispatcher.dispatch(invocation);
    return jsonResponse(report, report.Success ? 200 : 500);
  });

  app.get("/poll/:reqId", async (c) => c.json(await asyncRequests.poll(c.req.param("reqId"))));

  return app;
}
