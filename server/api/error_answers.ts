/**
 * How a front's Hono app answers what no route handled: an unknown route with a 404 naming it,
 * an {@linkcode HttpError} with its own status and message, anything else with a logged 500.
 * Shared by the node's app, its invoke fast lane and `serverledge-lb`'s app.
 *
 * @module
 */
import type { Env, Hono } from "hono";
import type { ErrorBody } from "../../protocol/error.ts";
import { errorResponse, HttpError } from "../errors.ts";

/** Sets the not-found and error handlers of `app` (see the module's description). */
export function answerErrors<E extends Env>(app: Hono<E>): void {
  app.notFound((c) =>
    c.json<ErrorBody>({ Error: `No route for ${c.req.method} ${c.req.path}` }, 404)
  );
  app.onError((error, c) => errorAnswer(error, `${c.req.method} ${c.req.path}`));
}

/**
 * The answer to `error` thrown while serving `route` (method and path): an
 * {@linkcode HttpError}'s own, else a 500, logged.
 */
export function errorAnswer(error: unknown, route: string): Response {
  if (error instanceof HttpError) return errorResponse(error);
  console.error(`Unexpected error on ${route}:`, error);
  return errorResponse(new HttpError(500, `Internal error: ${(error as Error).message}`));
}
