/**
 * THE table of what each route needs, and the middleware that checks every request against it
 * before any route runs. Function routes need `deploy` for the function named in the body,
 * `/invoke/<name>` needs `invoke` for that function, `/poll/<ReqId>` `invoke` for the function
 * the id belongs to (checked before the id is looked up, so a foreign token learns nothing), the
 * node's figures need `read`; `/load` and `/invoke` also take the cluster credential of another
 * node. Workflow create and delete need `deploy` and invoking one `invoke`, for the workflow's
 * name (a token limited to a name pattern is matched against it, and at create against every
 * function the workflow's tasks name); listing and reading them `read`. The dashboard's page and
 * bundle hold no data and stay public. A route missing from the table needs an `admin` token.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { CLUSTER_SECRET_HEADER } from "../../protocol/auth.ts";
import { OFFLOADED_FROM_HEADER } from "../../protocol/invocation.ts";
import type { Credentials, Gatekeeper, Need } from "../auth/gatekeeper.ts";
import { BadRequestError } from "../errors.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import { functionsOfRequest } from "../invoke/invocation.ts";
import { decodeFields } from "../validation/wire_fields.ts";
import { taskResources } from "../../asl/mod.ts";
import { checkWorkflowName, parseWorkflowSource } from "../workflows/definition.ts";
import { jsonBody } from "./json_body.ts";

/**
 * The name of the function a request is about, from its context, its path's parameter and the
 * request's checked create or update body.
 */
type FunctionOf = (
  c: Context,
  param: string,
  definition: DefinitionOf,
) => Promise<string | readonly string[]>;

/** The checked create or update body of a request (read once, off the main thread). */
export type DefinitionOf = (c: Context) => Promise<{ definition: { Name: string } }>;

/** One route and what it needs; `need` absent: public. */
interface RouteAccess {
  readonly method: "GET" | "POST";
  /** The path; a `:name` segment is the parameter handed to `functionOf`. */
  readonly path: string;
  readonly need?: Need;
  /** The function the request is about, for tokens limited to a pattern. */
  readonly functionOf?: FunctionOf;
}

/** The function named by the body field `field`. */
const bodyField = (field: string): FunctionOf => async (c) =>
  checkFunctionName(decodeFields(await jsonBody(c), "Request body", [field])[field]);
/** The function a create or update body defines (checked by the code checker). */
const definedFunction: FunctionOf = async (c, _param, definitionOf) =>
  (await definitionOf(c)).definition.Name;
/** The function a path parameter names. */
const namedFunction = (param: string) => Promise.resolve(checkFunctionName(param));
/** The function named by the path. */
const pathFunction: FunctionOf = (_c, param) => namedFunction(param);
/** The function of the request id in the path (every function a Go node's id may name). */
const requestFunction: FunctionOf = (_c, param) => Promise.resolve(functionsOfRequest(param));

/** A route that changes the function or workflow its body names (`deploy`). */
const deploy = (path: string, action: string, functionOf: FunctionOf): RouteAccess => ({
  method: "POST",
  path,
  need: { role: "deploy", action },
  functionOf,
});
/** The workflow named by the body field `Name`. */
const bodyWorkflow: FunctionOf = async (c) =>
  checkWorkflowName(decodeFields(await jsonBody(c), "Request body", ["Name"]).Name);
/** The workflow a create body defines and every function its tasks name. */
const definedWorkflow: FunctionOf = async (c) => {
  const { name, machine } = parseWorkflowSource(await jsonBody(c));
  return [name, ...taskResources(machine)];
};
/** The workflow named by the path. */
const pathWorkflow: FunctionOf = (_c, param) => Promise.resolve(checkWorkflowName(param));
/** A route that shows the node's figures (`read`). */
const read = (path: string, action: string, nodes = false): RouteAccess => ({
  method: "GET",
  path,
  need: { role: "read", action, nodes },
});
/** A route of the dashboard's page and bundle, which hold no data. */
const publicRoute = (path: string): RouteAccess => ({ method: "GET", path });

/** Every route of the API and what it needs. */
export const ROUTE_ACCESS: readonly RouteAccess[] = [
  deploy("/create", "create functions", definedFunction),
  deploy("/update", "update functions", definedFunction),
  deploy("/delete", "delete functions", bodyField("Name")),
  deploy("/prewarm", "prewarm functions", bodyField("Function")),
  {
    method: "POST",
    path: "/invoke/:fn",
    need: { role: "invoke", action: "invoke functions", nodes: true },
    functionOf: pathFunction,
  },
  {
    method: "GET",
    path: "/poll/:reqId",
    need: { role: "invoke", action: "poll the requests of functions" },
    functionOf: requestFunction,
  },
  deploy("/workflow/create", "create workflows", definedWorkflow),
  deploy("/workflow/delete", "delete workflows", bodyWorkflow),
  {
    method: "POST",
    path: "/workflow/invoke/:name",
    need: { role: "invoke", action: "invoke workflows" },
    functionOf: pathWorkflow,
  },
  read("/workflow/list", "list workflows"),
  read("/workflow/get/:name", "read workflows"),
  read("/function", "list functions"),
  read("/status", "read the node's status"),
  read("/load", "read the node's load", true),
  read("/events", "follow the node's events"),
  read("/metrics", "read the node's metrics"),
  read("/runtimes", "list the runtimes"),
  publicRoute("/"),
  publicRoute("/dashboard"),
  publicRoute("/dashboard/app.js"),
  publicRoute("/dashboard/app.css"),
];

interface CompiledRoute {
  readonly route: RouteAccess;
  readonly pattern: RegExp;
}

const COMPILED: readonly CompiledRoute[] = ROUTE_ACCESS.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:\w+/, "([^/]+)")}$`),
}));

/** What the route matched by `method` and `path` needs, and its path parameter. */
function routeOf(method: string, path: string): { route: RouteAccess; param: string } {
  const asked = method === "HEAD" ? "GET" : method;
  for (const { route, pattern } of COMPILED) {
    const match = route.method === asked ? pattern.exec(path) : null;
    if (match) return { route, param: match[1] ?? "" };
  }
  return {
    route: { method: "GET", path, need: { role: "admin", action: `use ${method} ${path}` } },
    param: "",
  };
}

function decodeParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    throw new BadRequestError(`The path segment "${param.slice(0, 80)}" is not valid URL encoding`);
  }
}

/**
 * The middleware that lets a request through only when its route's needs are met;
 * `definitionOf` reads a create or update body, for tokens limited to function names.
 */
export function accessControl(
  gatekeeper: Gatekeeper,
  definitionOf: DefinitionOf,
): MiddlewareHandler {
  return (c, next) => {
    const { route, param } = routeOf(c.req.method, c.req.path);
    if (!route.need || gatekeeper.open) return next();
    const { functionOf } = route;
    return gatekeeper.authorize(
      credentialsOf((name) => c.req.header(name)),
      route.need,
      functionOf && (() => functionOf(c, decodeParam(param), definitionOf)),
    ).then(next);
  };
}

/** What `POST /invoke/:fn` needs, from the table (its function is the path's: `pathFunction`). */
const INVOKE_ACCESS = ROUTE_ACCESS.find((r) => r.method === "POST" && r.path === "/invoke/:fn")!;

/**
 * Checks, as {@linkcode accessControl} does, that a request whose headers `header` reads may
 * invoke function `name` (the invoke fast lane's check; it needs no `Context`).
 *
 * @throws {UnauthorizedError | ForbiddenError} as the middleware would
 */
export function authorizeInvocation(
  gatekeeper: Gatekeeper,
  header: (name: string) => string | undefined,
  name: string,
): Promise<void> {
  if (!INVOKE_ACCESS.need || gatekeeper.open) return Promise.resolve();
  return gatekeeper.authorize(
    credentialsOf(header),
    INVOKE_ACCESS.need,
    () => namedFunction(name),
  );
}

/** The credentials a request carries, from its headers. */
function credentialsOf(header: (name: string) => string | undefined): Credentials {
  return {
    authorization: header("authorization"),
    clusterSecret: header(CLUSTER_SECRET_HEADER),
    offloadedFrom: header(OFFLOADED_FROM_HEADER),
  };
}
