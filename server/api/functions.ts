/**
 * Function routes: `POST /create`, `POST /update`, `POST /delete`, `GET /function`.
 *
 * @module
 */
import { Hono } from "hono";
import { checkFunctionName, parseDefinition } from "../functions/parse_definition.ts";
import type { FunctionDefinition } from "../functions/function.ts";
import { requireObject } from "../validation/fields.ts";
import { jsonBody } from "./json_body.ts";
import type { NodeServices } from "./services.ts";

/**
 * Routes that create, replace, delete and list functions. Containers of replaced or deleted
 * functions are retired by the node's store listener, whichever node made the change.
 */
export function functionRoutes(services: NodeServices): Hono {
  const { store, limits } = services;
  const app = new Hono();

  app.post("/create", async (c) => {
    const definition = await parseDefinition(await jsonBody(c), limits);
    await store.create(definition);
    return c.json({ Created: definition.Name, Runtime: definition.Runtime });
  });

  app.post("/update", async (c) => {
    const definition = await parseDefinition(await jsonBody(c), limits);
    await store.update(definition);
    return c.json({ Updated: definition.Name, Runtime: definition.Runtime });
  });

  app.post("/delete", async (c) => {
    const name = checkFunctionName(requireObject(await jsonBody(c), "Request body").Name);
    await store.delete(name);
    return c.json({ Deleted: name });
  });

  app.get("/function", (c) => {
    const definitions = store.list();
    if (c.req.query("details") !== "true") return c.json(definitions.map((d) => d.Name));
    return c.json(definitions.map(withoutCode));
  });

  return app;
}

function withoutCode(definition: FunctionDefinition): Omit<FunctionDefinition, "TarFunctionCode"> {
  const { TarFunctionCode: _code, ...rest } = definition;
  return rest;
}
