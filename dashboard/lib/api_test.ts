import assert from "node:assert/strict";
import { ApiError } from "../../protocol/error.ts";
import { NodeApi } from "./api.ts";

function api(answer: (url: string, init: RequestInit) => Response) {
  const seen: { url: string; init: RequestInit }[] = [];
  const client = new NodeApi({
    baseUrl: "http://node",
    fetch: ((url: string, init: RequestInit) => {
      seen.push({ url, init });
      return Promise.resolve(answer(url, init));
    }) as typeof fetch,
  });
  return { client, seen };
}

const report = {
  Success: false,
  Result: "",
  ResponseTime: 0.1,
  IsWarmStart: true,
  InitTime: 0,
  OffloadLatency: 0,
  Duration: 0.1,
  SchedAction: "",
  Output: "",
  Error: "ZeroDivisionError",
};

Deno.test("NodeApi sends JSON and returns the parsed answer", async () => {
  const { client, seen } = api(() => Response.json({ Created: "f", Runtime: "python311" }));
  const answer = await client.create({
    Name: "f",
    Runtime: "python310",
    MemoryMB: 128,
    Handler: "f.handler",
    TarFunctionCode: "",
  });
  assert.deepEqual(answer, { Created: "f", Runtime: "python311" });
  assert.equal(seen[0].url, "http://node/create");
  assert.equal(seen[0].init.method, "POST");
  assert.equal(
    (seen[0].init.headers as Record<string, string>)["content-type"],
    "application/json",
  );
  assert.equal(JSON.parse(seen[0].init.body as string).Name, "f");
});

Deno.test("NodeApi turns error answers into ApiError with the node's message", async () => {
  const { client } = api(() => Response.json({ Error: 'Function "f" exists' }, { status: 409 }));
  await assert.rejects(() => client.delete("f"), (error: ApiError) => {
    assert.equal(error.status, 409);
    assert.equal(error.message, 'Function "f" exists');
    assert.equal(error.unauthorized, false);
    return true;
  });
  const plain = api(() => new Response("gateway down", { status: 502, statusText: "Bad Gateway" }));
  await assert.rejects(() => plain.client.status(), /HTTP 502 Bad Gateway: gateway down/);
  const unreachable = new NodeApi({ fetch: () => Promise.reject(new TypeError("refused")) });
  await assert.rejects(() => unreachable.status(), (error: ApiError) => error.status === 0);
  const locked = api(() => Response.json({ Error: "Token needed" }, { status: 401 }));
  await assert.rejects(() => locked.client.functions(), (error: ApiError) => error.unauthorized);
});

Deno.test("invoke answers a failed function's report; poll answers undefined while pending", async () => {
  const failed = api(() => Response.json(report, { status: 500 }));
  assert.deepEqual(
    await failed.client.invoke("f", {
      Params: {},
      CanDoOffloading: true,
      Async: false,
      QoSClass: 0,
      QoSMaxRespT: -1,
      ReturnOutput: true,
    }),
    report,
  );
  assert.equal(failed.seen[0].url, "http://node/invoke/f");
  const pending = api(() => Response.json({ Error: "No report" }, { status: 404 }));
  assert.equal(await pending.client.poll("f-1"), undefined);
  const done = api(() => Response.json(report, { status: 500 }));
  assert.deepEqual(await done.client.poll("f-1"), report);
});

Deno.test("functions are sorted by name and a token is sent as a bearer", async () => {
  const seen: RequestInit[] = [];
  const client = new NodeApi({
    token: () => "t0k",
    fetch: ((_url: string, init: RequestInit) => {
      seen.push(init);
      return Promise.resolve(Response.json([{ Name: "b" }, { Name: "a" }]));
    }) as typeof fetch,
  });
  assert.deepEqual((await client.functions()).map((f) => f.Name), ["a", "b"]);
  assert.equal((seen[0].headers as Record<string, string>).authorization, "Bearer t0k");
});
