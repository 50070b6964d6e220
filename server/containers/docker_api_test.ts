// The Engine API client against a real HTTP server on a Unix socket that the test starts and
// that answers in the Docker API's shape for a few endpoints: version negotiation, paths and
// queries, JSON bodies, status codes with JSON error bodies, and a chunked event stream. The
// real daemon is the proof of the rest (docker_test.ts, socket_dirs_test.ts, the pool's tests).
import assert from "node:assert/strict";
import { join } from "node:path";
import { chooseVersion, DockerApi, DockerApiError } from "./docker_api.ts";

/** A request as the fake daemon received it. */
interface Seen {
  method: string;
  /** Path and query, as sent. */
  target: string;
  contentType: string | null;
  body: string;
}

/** A Unix-socket server answering as `answer` says; it records each request. */
async function fakeDaemon(
  answer: (seen: Seen) => Response | Promise<Response>,
): Promise<{ api: DockerApi; seen: Seen[] } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "docker-api-test-" });
  const path = join(dir, "docker.sock");
  const seen: Seen[] = [];
  const server = Deno.serve({ transport: "unix", path, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const entry = {
      method: request.method,
      target: `${url.pathname}${url.search}`,
      contentType: request.headers.get("content-type"),
      body: await request.text(),
    };
    seen.push(entry);
    return await answer(entry);
  });
  const api = new DockerApi(path);
  return {
    api,
    seen,
    async [Symbol.asyncDispose]() {
      api.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const json = (body: unknown, status = 200) => Response.json(body, { status });
const version = (api: string, min: string) => json({ ApiVersion: api, MinAPIVersion: min });

Deno.test("the version is negotiated once and prefixes every later path", async () => {
  await using daemon = await fakeDaemon(({ target }) => {
    if (target === "/version") return version("1.43", "1.12");
    if (target === "/_ping") return new Response("OK");
    return json({ Id: "sha256:abc", Config: { User: "executor" } });
  });
  await daemon.api.ping();
  const image = await daemon.api.inspectImage("localhost/team/python:3.11");
  await daemon.api.inspectImage("serverledge-python311");
  assert.equal(image.Id, "sha256:abc");
  assert.equal(image.Config?.User, "executor");
  assert.deepEqual(daemon.seen.map((s) => `${s.method} ${s.target}`), [
    "GET /_ping",
    "GET /version",
    "GET /v1.41/images/localhost/team/python:3.11/json",
    "GET /v1.41/images/serverledge-python311/json",
  ]);
});

Deno.test("a daemon that no longer serves 1.41 is spoken to in its oldest version", async () => {
  await using daemon = await fakeDaemon(({ target }) =>
    target === "/version" ? version("1.52", "1.44") : json([])
  );
  assert.deepEqual(await daemon.api.listContainers(["serverledge.node=n1"]), []);
  assert.equal(daemon.seen[1].target.split("?")[0], "/v1.44/containers/json");
  assert.equal(chooseVersion("1.40", "1.12"), "1.40", "an older daemon: its newest");
});

Deno.test("calls send their JSON bodies and queries, and read the answers", async () => {
  await using daemon = await fakeDaemon(({ method, target }) => {
    if (target === "/version") return version("1.41", "1.12");
    if (target === "/v1.41/containers/create") return json({ Id: "c1", Warnings: [] }, 201);
    if (target.startsWith("/v1.41/containers/json")) return json([{ Id: "c1" }, { Id: "c2" }]);
    if (target === "/v1.41/containers/c1/start") return new Response(null, { status: 304 });
    if (method === "DELETE" || target.endsWith("/update")) {
      return new Response(null, { status: 204 });
    }
    if (method === "PUT" && target.startsWith("/v1.41/containers/c1/archive?")) {
      return new Response(null, { status: 200 });
    }
    return json({ message: `unexpected ${method} ${target}` }, 500);
  });
  const { api, seen } = daemon;
  const id = await api.createContainer({ Image: "img", HostConfig: { Memory: 1024 } });
  assert.equal(id, "c1");
  await api.startContainer(id); // 304: it runs already
  await api.updateContainer(id, { Memory: 2048, MemorySwap: 2048, NanoCpus: 5e8 });
  assert.deepEqual(await api.listContainers(["serverledge.node=n1"]), ["c1", "c2"]);
  await api.putArchive(id, "/app", new TextEncoder().encode("tar bytes"));
  await api.removeContainer(id);

  const create = seen.find((s) => s.target === "/v1.41/containers/create")!;
  assert.equal(create.method, "POST");
  assert.equal(create.contentType, "application/json");
  assert.deepEqual(JSON.parse(create.body), { Image: "img", HostConfig: { Memory: 1024 } });
  const update = seen.find((s) => s.target.endsWith("/update"))!;
  assert.deepEqual(JSON.parse(update.body), { Memory: 2048, MemorySwap: 2048, NanoCpus: 5e8 });
  const list = new URL(seen.find((s) => s.target.includes("/containers/json"))!.target, "u:/");
  assert.equal(list.searchParams.get("all"), "true");
  assert.deepEqual(JSON.parse(list.searchParams.get("filters")!), {
    label: ["serverledge.node=n1"],
  });
  const remove = seen.find((s) => s.method === "DELETE")!;
  assert.equal(remove.target, "/v1.41/containers/c1?force=true&v=true", "its volumes too");
  const upload = seen.find((s) => s.method === "PUT")!;
  assert.equal(upload.target, "/v1.41/containers/c1/archive?path=%2Fapp");
  assert.equal(upload.contentType, "application/x-tar");
  assert.equal(upload.body, "tar bytes");
});

Deno.test("an error answer carries its status and the daemon's message", async () => {
  await using daemon = await fakeDaemon(({ target }) => {
    if (target === "/version") return version("1.41", "1.12");
    if (target.startsWith("/v1.41/images/")) {
      return json({ message: "No such image: ghost:latest" }, 404);
    }
    if (target === "/v1.41/networks/create") return json({ message: "network exists" }, 409);
    return new Response("plain text trouble\n", { status: 500 });
  });
  const failure = (promise: Promise<unknown>) =>
    promise.then(() => assert.fail("it should fail"), (error) => error as DockerApiError);

  const missing = await failure(daemon.api.inspectImage("ghost:latest"));
  assert.ok(missing instanceof DockerApiError);
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.message, "No such image: ghost:latest");
  assert.equal(missing.unreachable, false);
  const conflict = await failure(daemon.api.createNetwork({ Name: "n", Driver: "bridge" }));
  assert.equal(conflict.statusCode, 409);
  const broken = await failure(daemon.api.inspectNetwork("n"));
  assert.equal(broken.statusCode, 500);
  assert.equal(broken.message, "plain text trouble", "a body that is not JSON is the message");
});

Deno.test("past events arrive as a chunked stream the daemon ends; lines may split", async () => {
  const events = [
    {
      Action: "die",
      timeNano: 1_700_000_000_000_000_000,
      Actor: { Attributes: { exitCode: "137" } },
    },
    {
      Action: "die",
      timeNano: 1_700_000_001_000_000_000,
      Actor: { Attributes: { exitCode: "0" } },
    },
  ];
  const text = events.map((e) => JSON.stringify(e) + "\n").join("");
  await using daemon = await fakeDaemon(({ target }) => {
    if (target === "/version") return version("1.41", "1.12");
    const pieces = [text.slice(0, 17), text.slice(17, text.length - 9), text.slice(-9)];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const piece = pieces.shift();
        if (piece === undefined) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, 5)); // separate chunks on the wire
        controller.enqueue(new TextEncoder().encode(piece));
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const got = await daemon.api.events({
    since: 100,
    until: 200.5,
    filters: { container: ["c1"], event: ["die"] },
  });
  assert.deepEqual(got, events);
  const query = new URL(daemon.seen[1].target, "u:/").searchParams;
  assert.equal(daemon.seen[1].target.split("?")[0], "/v1.41/events");
  assert.equal(query.get("since"), "100");
  assert.equal(query.get("until"), "200.5");
  assert.deepEqual(JSON.parse(query.get("filters")!), { container: ["c1"], event: ["die"] });
});

Deno.test("a container's archive is read as bytes", async () => {
  const tar = new Uint8Array(1536).map((_, i) => i % 251);
  await using daemon = await fakeDaemon(({ target }) =>
    target === "/version"
      ? version("1.41", "1.12")
      : new Response(tar, { headers: { "content-type": "application/x-tar" } })
  );
  assert.deepEqual(await daemon.api.archive("c1", "/etc/passwd"), tar);
  assert.equal(daemon.seen[1].target, "/v1.41/containers/c1/archive?path=%2Fetc%2Fpasswd");
});

Deno.test("no daemon at the socket is a connect failure, marked unreachable", async () => {
  const api = new DockerApi("/tmp/no-docker-here-either.sock");
  try {
    const error = await api.ping().then(() => assert.fail("it should fail"), (e) => e);
    assert.ok(error instanceof DockerApiError);
    assert.equal(error.unreachable, true);
    assert.equal(error.failure, "connect");
    assert.equal(error.statusCode, undefined);
    assert.match(error.message, /no-docker-here-either\.sock/);
  } finally {
    api.close();
  }
});
