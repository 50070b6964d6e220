/**
 * `POST /prewarm {Function, Instances}`: starts warm containers ahead of invocations.
 *
 * @module
 */
import { Hono } from "hono";
import type { PrewarmedAnswer } from "../../protocol/function.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import { numberField, optionalBoolean } from "../validation/fields.ts";
import { decodeFields } from "../validation/wire_fields.ts";
import { jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";

const MAX_INSTANCES = 1000;

/** The fields of a prewarm body, as Serverledge names them. */
const PREWARM_FIELDS = ["Function", "Instances", "ForceImagePull"];

/** The prewarm route. */
export function prewarmRoutes(services: NodeServices): Hono {
  const app = new Hono();
  app.post("/prewarm", async (c) => {
    const body = decodeFields(await jsonBody(c), "Request body", PREWARM_FIELDS);
    const name = checkFunctionName(body.Function);
    const instances = numberField(body, "Instances", { min: 0, max: MAX_INSTANCES, integer: true });
    optionalBoolean(body, "ForceImagePull", false);
    const fn = services.store.require(name);
    const prewarmed = instances === 0 ? 0 : await services.pool.prewarm(fn.pool, instances);
    return c.json<PrewarmedAnswer>({ Prewarmed: prewarmed });
  });
  return app;
}
