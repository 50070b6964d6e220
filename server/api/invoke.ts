/**
 * Invocation routes: `POST /invoke/:fn` (sync or async) and `GET /poll/:reqId`.
 *
 * @module
 */
import { Hono } from "hono";
import {
  type AsyncAnswer,
  type ExecutionReport,
  OFFLOADED_FROM_HEADER,
} from "../../protocol/invocation.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import { type Invocation, newInvocation } from "../invoke/invocation.ts";
import { parseInvocationRequest } from "../invoke/request.ts";
import { jsonResponse } from "../http/response.ts";
import { jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";
import { traceRoute } from "./traced.ts";

/** Routes that run functions and return async reports. */
export function invokeRoutes(services: NodeServices): Hono {
  const { asyncRequests } = services;
  const app = new Hono();

  traceRoute(app, "/invoke/:fn", (c) => `invoke ${c.req.param("fn")}`);
  app.post("/invoke/:fn", async (c) => {
    const arrival = performance.now();
    const name = checkFunctionName(c.req.param("fn"));
    const body = await jsonBody(c);
    const origin = c.req.header(OFFLOADED_FROM_HEADER);
    const invocation = prepareInvocation(services, name, body, arrival, origin);
    const { value, status } = await runInvocation(services, invocation);
    return jsonResponse(value, status);
  });

  app.get("/poll/:reqId", async (c) => c.json(await asyncRequests.poll(c.req.param("reqId"))));

  return app;
}

/**
 * The invocation of function `name` (checked already) that a parsed invoke `body` asks for,
 * arrived at `arrival` (`performance.now()`), offloaded from node `origin` if it was.
 *
 * @throws {HttpError} when the body's fields are invalid (400) or the function does not exist
 * (404); nothing has run then
 */
export function prepareInvocation(
  { store }: NodeServices,
  name: string,
  body: unknown,
  arrival: number,
  origin: string | undefined,
): Invocation {
  const request = parseInvocationRequest(body);
  return newInvocation(store.require(name), request, arrival, origin);
}

/** The answer to an invocation: the JSON value and its status. */
export interface InvocationAnswer {
  /** A sync invocation's report, or an async one's request id. */
  readonly value: ExecutionReport | AsyncAnswer;
  /** 200, or 500 for a report of a failed invocation. */
  readonly status: number;
}

/** Runs `invocation` (sync: its report; async: its request id, once it is queued). */
export async function runInvocation(
  { dispatcher, asyncRequests }: NodeServices,
  invocation: Invocation,
): Promise<InvocationAnswer> {
  if (invocation.request.Async) {
    const { id, fn } = invocation;
    await asyncRequests.submit(id, fn.definition.Name, () => dispatcher.dispatch(invocation));
    return { value: { ReqId: id }, status: 200 };
  }
  const report = await dispatcher.dispatch(invocation);
  return { value: report, status: report.Success ? 200 : 500 };
}
