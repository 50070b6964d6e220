/**
 * How a front's Hono app answers what no route handled: an unknown route with a 404 naming it,
 * an {@linkcode HttpError} with its own status and message, anything else with a logged 500.
 * Shared by the node's app and `serverledge-lb`'s.
 *
 * @module
 */
import type { Env, Hono } from "hono";
import type { ErrorBody } from "../../protocol/error.ts";
import { answerToError } from "../errors.ts";

/** Sets the not-found and error handlers of `app` (see the module's description). */
export function answerErrors<E extends Env>(app: Hono<E>): void {
  app.notFound((c) =>
    c.json<ErrorBody>({ Error: `No route for ${c.req.method} ${c.req.path}` }, 404)
  );
  app.onError((error, c) => answerToError(error, `${c.req.method} ${c.req.path}`));
}
