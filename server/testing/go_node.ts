/**
 * Test fixture: a simulated Go Serverledge node (Go Serverledge cannot be built here). A real
 * HTTP server on 127.0.0.1 speaking Go's formats — `GET /status` with Go's
 * `StatusInformation`, `POST /invoke/<function>` taking Go's `InvocationRequest` and answering
 * Go's `Response`, 404 on `GET /load` (Go has no such route) — and registered in a real etcd
 * in Go's layout, under a lease it keeps alive, as Go's `registration` package does:
 * - grussorusso/serverledge: `registry/<area>/<id>` (edge) or `registry/cloud/<area>/<id>`
 *   (cloud), the value the node's URL;
 * - serverledge-faas/serverledge: `registry/<area>/<id>`, the value `ip;apiPort;udpPort`.
 *
 * It records every request it gets, for tests to check what our nodes sent it.
 * {@linkcode goUdpStatusRequest} polls a neighbour over UDP as a Go edge does.
 *
 * @example
 * ```ts
 * import { startEtcd } from "./etcd.ts";
 * import { startGoNode } from "./go_node.ts";
 *
 * await using etcd = await startEtcd();
 * await using goCloud = await startGoNode({
 *   etcdAddress: etcd.address,
 *   area: "ROME",
 *   cloud: true,
 *   functions: { hello: (params) => `Hello ${params.name}` },
 * });
 * console.log(goCloud.key); // registry/cloud/ROME/<id>
 * ```
 *
 * @module
 */
import { Etcd3, type Lease } from "etcd3";
import type { GoNodeStatus } from "../../protocol/status.ts";
import { sleep } from "../timing/sleep.ts";
import { goResponseJson } from "./go_formats.ts";

/** Which Go Serverledge the node behaves as (its record and its `/status`). */
export type GoRelease = "grussorusso" | "faas";

/** A function the simulated node runs: its params in, its result out (sent as JSON text). */
export type GoFunction = (params: Record<string, unknown>) => unknown;

/** Options of {@linkcode startGoNode}. */
export interface GoNodeOptions {
  /** The etcd it registers in, `host:port` (plain, no user). */
  etcdAddress: string;
  /** Its `registry.area`. @default "ROME" */
  area?: string;
  /** Whether it is a cloud node (grussorusso only: serverledge-faas has no cloud folder). @default false */
  cloud?: boolean;
  /** The release it behaves as. @default "grussorusso" */
  release?: GoRelease;
  /** The functions it runs, by name; any other is unknown (404, as Go answers). @default {} */
  functions?: Record<string, GoFunction>;
  /** Seconds of its registration lease (Go's `registry.ttl`). @default 20 */
  ttlSeconds?: number;
  /** The last part of its key. @default a random id, as Go's short UUID and time */
  id?: string;
}

/** A request the simulated node received. */
export interface GoNodeRequest {
  /** HTTP method. */
  method: string;
  /** Path, e.g. `/invoke/hello`. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** Body text (empty for none). */
  body: string;
}

/** A running simulated Go node. */
export interface GoNode extends AsyncDisposable {
  /** The last part of its key. */
  readonly id: string;
  /** Base URL of its API, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its key in etcd. */
  readonly key: string;
  /** The value of its key. */
  readonly record: string;
  /** Its figures, as `/status` answers them; change them to change its load. */
  readonly status: GoNodeStatus;
  /** Every request received, in order. */
  readonly requests: readonly GoNodeRequest[];
  /** Milliseconds it waits before answering each request (a slow node); 0 at start. */
  delayMs: number;
  /** How many requests it received for `path`. */
  count(path: string): number;
  /** Revokes its lease, so its key is gone at once (Go's deregistration); it keeps serving. */
  deregister(): Promise<void>;
}

/**
 * Starts a simulated Go node and registers it; resolves once its key is in etcd. Disposing it
 * deregisters it, closes its etcd client and stops its server.
 *
 * @throws {TypeError} for a cloud node of the `faas` release
 */
export async function startGoNode(options: GoNodeOptions): Promise<GoNode> {
  const release = options.release ?? "grussorusso";
  const cloud = options.cloud ?? false;
  if (release === "faas" && cloud) {
    throw new TypeError("serverledge-faas registers no cloud nodes: give their area instead");
  }
  const area = options.area ?? "ROME";
  const id = options.id ?? `${crypto.randomUUID().replaceAll("-", "").slice(0, 22)}${Date.now()}`;
  const requests: GoNodeRequest[] = [];
  let delayMs = 0;
  const functions = options.functions ?? {};
  const status: GoNodeStatus = {
    AvailableWarmContainers: {},
    AvailableMemMB: 4096,
    AvailableCPUs: 4,
    Coordinates: { Vec: [0, 0, 0], Error: 1.5, Adjustment: 0, Height: 1e-5 },
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      const body = await request.text();
      requests.push({
        method: request.method,
        path,
        headers: Object.fromEntries(request.headers),
        body,
      });
      if (delayMs > 0) await sleep(delayMs);
      return _answer(request.method, path, body, status, functions);
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  if (release === "grussorusso") Object.assign(status, { Url: url, DropCount: 0 });
  else Object.assign(status, { UsedMemMB: 0, LoadAvg: [0.25, 0.5, 0.5] });

  const key = cloud ? `registry/cloud/${area}/${id}` : `registry/${area}/${id}`;
  const record = release === "grussorusso" ? url : `127.0.0.1;${server.addr.port};9876`;
  const client = new Etcd3({ hosts: `http://${options.etcdAddress}` });
  let lease: Lease | undefined = client.lease(options.ttlSeconds ?? 20);
  try {
    await lease.put(key).value(record).exec();
  } catch (error) {
    client.close();
    await server.shutdown();
    throw error;
  }
  const deregister = async () => {
    const registered = lease;
    lease = undefined;
    await registered?.revoke();
  };
  return {
    id,
    url,
    key,
    record,
    status,
    requests,
    get delayMs() {
      return delayMs;
    },
    set delayMs(ms: number) {
      delayMs = ms;
    },
    count: (path) => requests.filter((r) => r.path === path).length,
    deregister,
    async [Symbol.asyncDispose]() {
      await deregister().catch(() => {});
      client.close();
      await server.shutdown();
    },
  };
}

/** Go's answer to one request. */
function _answer(
  method: string,
  path: string,
  body: string,
  status: GoNodeStatus,
  functions: Record<string, GoFunction>,
): Response {
  if (method === "GET" && path === "/status") return Response.json(status);
  const invoked = method === "POST" && path.match(/^\/invoke\/([^/]+)$/);
  if (!invoked) return Response.json({ message: "Not Found" }, { status: 404 });
  const run = functions[decodeURIComponent(invoked[1])];
  if (!run) return Response.json("", { status: 404 }); // Go: c.JSON(http.StatusNotFound, "")
  let request: { Params?: Record<string, unknown> };
  try {
    request = body === "" ? {} : JSON.parse(body);
  } catch {
    return Response.json({ message: "Internal Server Error" }, { status: 500 });
  }
  const started = performance.now();
  const result = run(request.Params ?? {});
  const seconds = (performance.now() - started) / 1000;
  const response = goResponseJson({
    Success: true,
    Result: JSON.stringify(result),
    ResponseTime: seconds,
    Duration: seconds,
  });
  return new Response(response, { headers: { "content-type": "application/json" } });
}

/**
 * The nodes a Go edge of `area` finds as Go's code looks them up: the values under
 * `registry/cloud/<area>/` (its cloud nodes) or `registry/<area>/` (its neighbours), by key.
 */
export async function goLookup(
  etcdAddress: string,
  area: string,
  kind: "cloud" | "edge",
): Promise<Record<string, string>> {
  const client = new Etcd3({ hosts: `http://${etcdAddress}` });
  try {
    const prefix = kind === "cloud" ? `registry/cloud/${area}/` : `registry/${area}/`;
    return await client.getAll().prefix(prefix).strings();
  } finally {
    client.close();
  }
}

/** Options of {@linkcode goUdpStatusRequest}. */
export interface GoUdpStatusRequestOptions {
  /** The neighbour's host, as Go takes it from the neighbour's registry URL. */
  hostname: string;
  /** Its `registry.udp.port`. */
  port: number;
  /** The address the poll is sent from. @default "127.0.0.1" */
  from?: string;
  /** Milliseconds to wait for the reply (Go waits without a deadline). @default 1000 */
  timeoutMs?: number;
}

/**
 * Polls a neighbour's status as a Go edge does: sends the 1-byte datagram `A` from a socket of
 * its own, reads one reply into a 1024-byte buffer, trims the NULs of the buffer and decodes
 * the JSON. `undefined` when no reply came within the timeout; throws when the reply is not
 * JSON (Go then drops the neighbour).
 */
export async function goUdpStatusRequest(
  options: GoUdpStatusRequestOptions,
): Promise<GoNodeStatus | undefined> {
  const socket = Deno.listenDatagram({
    transport: "udp",
    hostname: options.from ?? "127.0.0.1",
    port: 0,
  });
  const timer = setTimeout(() => socket.close(), options.timeoutMs ?? 1000);
  try {
    await socket.send(new TextEncoder().encode("A"), {
      transport: "udp",
      hostname: options.hostname,
      port: options.port,
    });
    const buffer = new Uint8Array(1024);
    const received = await socket.receive(buffer).then(([datagram]) => datagram, () => undefined);
    if (!received) return undefined;
    buffer.set(received); // Go reads into its buffer and trims the zero bytes left at its end
    const text = new TextDecoder().decode(buffer).replace(/^\0+|\0+$/g, "");
    return JSON.parse(text);
  } finally {
    clearTimeout(timer);
    try {
      socket.close();
    } catch {
      // closed by the timeout
    }
  }
}
