/**
 * Test fixture: a real node (real Docker, embedded or etcd registry) served on a free
 * 127.0.0.1 port (or on the addresses a test names), torn down with `await using`.
 *
 * @module
 */
import { stringify } from "yaml";
import { parseConfig } from "../config/mod.ts";
import { type Node, serveNode, startNode } from "../node.ts";
import { postJson } from "./post_json.ts";

/** A node under test. */
export interface TestNode extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The node itself. */
  node: Node;
  /** Data directory (deleted at dispose unless it was given). */
  dataDir: string;
  /** POSTs JSON to `path` and returns status and parsed body. */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** GETs `path` and returns status and parsed body. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
}

/** Options of {@linkcode startTestNode}. */
export interface TestNodeOptions {
  /** Config keys (flat) over the test defaults. */
  config?: Record<string, unknown>;
  /** Reuse a data dir (to test restarts); it is then not deleted. */
  dataDir?: string;
  /**
   * Addresses the API listens on, all on the same port; the first one is in {@linkcode
   * TestNode.url}. @default ["127.0.0.1"]
   */
  hostnames?: readonly string[];
}

/**
 * Starts a node with a unique id, a temp data dir, a 1 GB pool and no blank containers (so
 * tests count containers and memory exactly), listening on port 0.
 */
export async function startTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "serverledge-test-" });
  const hostnames = options.hostnames ?? ["127.0.0.1"];
  const listener = Deno.listen({ hostname: hostnames[0], port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const config = parseConfig(
    stringify({
      "node.id": `test-${crypto.randomUUID().slice(0, 8)}`,
      "api.ip": hostnames[0],
      "api.port": port,
      "data.dir": dataDir,
      "container.pool.memory": 1024,
      "container.pool.blank": 0,
      ...options.config,
    }),
    "yaml",
    "test",
  );
  const node = await startNode(config, { log: () => {} });
  const servers = hostnames.map((hostname) =>
    serveNode(node, { ...config, api: { ...config.api, ip: hostname } })
  );
  const url = `http://${hostnames[0]}:${port}`;
  return {
    url,
    node,
    dataDir,
    async post(path, body, headers = {}) {
      const response = await postJson(url + path, body, headers);
      return { status: response.status, body: await response.json() };
    },
    async get(path, headers = {}) {
      const response = await fetch(url + path, { headers });
      return { status: response.status, body: await response.json() };
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(servers.map((server) => server.shutdown()));
      await node.close();
      if (ownDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
