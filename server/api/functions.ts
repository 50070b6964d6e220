/**
 * Function routes: `POST /create`, `POST /update`, `POST /delete`, `GET /function`.
 *
 * @module
 */
import { Hono } from "hono";
import type {
  CreatedAnswer,
  DeletedAnswer,
  FunctionInfo,
  UpdatedAnswer,
} from "../../protocol/function.ts";
import { checkFunctionName } from "../functions/parse_definition.ts";
import { findRuntime } from "../runtimes/catalog.ts";
import { decodeFields } from "../validation/wire_fields.ts";
import { checkedBody, jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";

/**
 * Routes that create, replace, delete and list functions. A create or update body is parsed and
 * its code checked by the code checker, off the main thread. Containers of replaced or deleted
 * functions are retired by the node's store listener, whichever node made the change.
 */
export function functionRoutes(services: NodeServices): Hono {
  const { store } = services;
  const app = new Hono();

  app.post("/create", async (c) => {
    const checked = await checkedBody(c, services);
    await store.create(checked);
    const { Name } = checked.definition;
    return c.json<CreatedAnswer>({ Created: Name, Runtime: runningRuntime(checked.definition) });
  });

  app.post("/update", async (c) => {
    const checked = await checkedBody(c, services);
    await store.update(checked);
    const { Name } = checked.definition;
    return c.json<UpdatedAnswer>({ Updated: Name, Runtime: runningRuntime(checked.definition) });
  });

  app.post("/delete", async (c) => {
    const body = decodeFields(await jsonBody(c), "Request body", ["Name"]);
    const name = checkFunctionName(body.Name);
    await store.delete(name);
    return c.json<DeletedAnswer>({ Deleted: name });
  });

  app.get("/function", (c) => {
    const definitions = store.list();
    if (c.req.query("details") !== "true") return c.json(definitions.map((d) => d.Name));
    return c.json<FunctionInfo[]>(definitions);
  });

  return app;
}

/** The canonical name of the runtime that runs a checked definition (stored maybe as an alias). */
function runningRuntime(definition: { Runtime: string }): string {
  return findRuntime(definition.Runtime)?.name ?? definition.Runtime;
}
