// The shared error answers of the node's and the balancer's apps, on a real Hono app.
import assert from "node:assert/strict";
import { Hono } from "hono";
import { BadRequestError } from "../errors.ts";
import { answerErrors } from "./error_answers.ts";

function app(): Hono {
  const app = new Hono();
  app.get("/bad", () => {
    throw new BadRequestError("Field x is missing");
  });
  app.get("/broken", () => {
    throw new TypeError("x is undefined");
  });
  answerErrors(app);
  return app;
}

Deno.test("an unknown route, an HttpError and an unexpected error each get their answer", async () => {
  const fetch = app().fetch;
  const missing = await fetch(new Request("http://127.0.0.1/nowhere", { method: "POST" }));
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { Error: "No route for POST /nowhere" });

  const bad = await fetch(new Request("http://127.0.0.1/bad"));
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { Error: "Field x is missing" });

  const logged: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const broken = await fetch(new Request("http://127.0.0.1/broken"));
    assert.equal(broken.status, 500);
    assert.deepEqual(await broken.json(), { Error: "Internal error: x is undefined" });
  } finally {
    console.error = error;
  }
  assert.equal(logged.length, 1);
  assert.match(String(logged[0][0]), /Unexpected error on GET \/broken/);
});
