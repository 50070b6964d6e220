/**
 * The fast lane of `POST /invoke/<name>` (see `FastLane` in `server/http/`): the node's HTTP
 * front offers it every request whose body came whole with its head, before making a `Request`
 * for the Hono app. It takes a plain invocation — no query, a name without escapes, a JSON
 * Content-Type, a `Host` naming the node, no `Origin`, tracing off — checks it with the app's
 * own checks (access, the body's JSON and fields, the function) and runs it with the route's
 * own code, without the `Request`, routing, middleware and `Response` (about a sixth of the CPU
 * of a warm invocation on the node). It leaves every other request to the app, and so any
 * request a check refuses (before anything ran): the app then answers it, refusal included, as
 * ever.
 *
 * @module
 */
import { OFFLOADED_FROM_HEADER } from "../../protocol/invocation.ts";
import type { Gatekeeper } from "../auth/gatekeeper.ts";
import { answerToError, HttpError } from "../errors.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import type { FastLane } from "../http/server.ts";
import { headerValue } from "../http/head.ts";
import { type EncodedJson, encodedJson } from "../http/response.ts";
import type { Invocation } from "../invoke/invocation.ts";
import { tracingActive } from "../tracing/tracing.ts";
import { parseJsonBody } from "../validation/json.ts";
import { authorizeInvocation } from "./access.ts";
import { isJsonContentType } from "./content_type.ts";
import { type AllowedHosts, namesAllowedHost } from "./host_check.ts";
import { prepareInvocation, runInvocation } from "./invoke.ts";
import type { NodeServices } from "./services.ts";

/** What the lane checks requests against: the app's own rules (see `AppOptions`). */
export interface InvokeLaneOptions {
  /** Who may do what. */
  gatekeeper: Gatekeeper;
  /** Host names requests may name in `Host`. */
  hosts: AllowedHosts;
}

const PREFIX = "/invoke/";
/** A path segment Hono hands on as it is (nothing to decode, nothing after it). */
const PLAIN_SEGMENT = /^[^/?#%]+$/;
const decoder = new TextDecoder();

/** The fast lane of invocations on a node of `services` (see the module's description). */
export function invokeLane(services: NodeServices, options: InvokeLaneOptions): FastLane {
  return ({ head, body }) => {
    if (head.method !== "POST" || !head.target.startsWith(PREFIX) || tracingActive()) {
      return undefined;
    }
    const name = head.target.slice(PREFIX.length);
    const header = (field: string) => headerValue(head, field);
    const plain = PLAIN_SEGMENT.test(name) && header("origin") === undefined &&
      isJsonContentType(header("content-type")) &&
      namesAllowedHost(options.hosts, header("host"));
    return plain
      ? invoke(services, options.gatekeeper, { route: `POST ${head.target}`, name, header, body })
      : undefined;
  };
}

/** A plain invocation: its route, the function's name, its headers and its body. */
interface PlainInvocation {
  route: string;
  name: string;
  header: (field: string) => string | undefined;
  body: Uint8Array;
}

/** Checks and runs a plain invocation; `undefined` when a check refuses it. */
async function invoke(
  services: NodeServices,
  gatekeeper: Gatekeeper,
  { route, name, header, body }: PlainInvocation,
): Promise<Response | EncodedJson | undefined> {
  const arrival = performance.now();
  let invocation: Invocation;
  try {
    checkFunctionName(name);
    await authorizeInvocation(gatekeeper, header, name);
    const parsed = parseJsonBody(decoder.decode(body));
    invocation = prepareInvocation(services, name, parsed, arrival, header(OFFLOADED_FROM_HEADER));
  } catch (error) {
    if (error instanceof HttpError) return undefined;
    throw error;
  }
  try {
    const { value, status } = await runInvocation(services, invocation);
    return encodedJson(value, status);
  } catch (error) {
    return answerToError(error, route);
  }
}
