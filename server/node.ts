/**
 * Builds a node from its configuration: Docker backend, registry, function store, pool,
 * invoker, async requests and the HTTP app; and takes it down again.
 *
 * @module
 */
import type { Hono } from "hono";
import { nodeHostNames } from "./api/host_check.ts";
import type { NodeServices } from "./api/services.ts";
import { createApp } from "./app.ts";
import type { Config } from "./config/mod.ts";
import type { ContainerBackend } from "./containers/backend.ts";
import { DockerBackend } from "./containers/docker.ts";
import { UnavailableError } from "./errors.ts";
import { type HttpServer, serveHttp } from "./http/server.ts";
import { CodeChecker } from "./functions/code_checker.ts";
import { FunctionStore } from "./functions/store.ts";
import { AsyncRequests } from "./invoke/async_requests.ts";
import { ClusterView } from "./cluster/cluster_view.ts";
import { Dispatcher } from "./invoke/dispatcher.ts";
import { Invoker } from "./invoke/invoker.ts";
import { Telemetry } from "./metrics/telemetry.ts";
import { CapacityQueue } from "./scheduling/capacity_queue.ts";
import { DurationEstimates } from "./scheduling/estimates.ts";
import { startJanitor } from "./pool/janitor.ts";
import { ContainerPool } from "./pool/pool.ts";
import { openRegistry } from "./registry/open.ts";
import { builtInImages } from "./runtimes/catalog.ts";
import { sleep } from "./timing/sleep.ts";

/** A running node (without its listener: {@linkcode serveNode} serves {@linkcode Node.app}). */
export interface Node extends AsyncDisposable {
  /** The HTTP API. */
  app: Hono;
  /** The services behind it. */
  services: NodeServices;
  /** Ends live event streams (so that a graceful server shutdown does not wait on them). */
  endStreams(): void;
  /** Removes the node's containers and closes the registry. */
  close(): Promise<void>;
}

/** Options of {@linkcode startNode}. */
export interface StartNodeOptions {
  /** Container backend. @default a `DockerBackend` labelled with the node id */
  backend?: ContainerBackend;
  /** URL other nodes and clients reach this node at. @default from `api.ip` and `api.port` */
  url?: string;
  /** Called with progress lines. @default console.log */
  log?: (line: string) => void;
}

const EXECUTOR_READY_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Starts a node: checks Docker and the runtime images (failing with the command that fixes
 * them), removes containers the node left behind, opens the registry and loads functions.
 */
export async function startNode(config: Config, options: StartNodeOptions = {}): Promise<Node> {
  const log = options.log ?? console.log;
  const backend = options.backend ?? new DockerBackend({ nodeId: config.nodeId });
  await backend.ping();
  await checkImages(backend);
  const leftovers = await backend.removeAll();
  if (leftovers > 0) log(`Removed ${leftovers} container(s) left by an earlier run`);

  const registry = await openRegistry({
    etcdAddress: config.etcd.address,
    dataDir: config.dataDir,
  });
  const checker = new CodeChecker();
  const store = await FunctionStore.open(registry, {
    codeBytes: config.limits.codeBytes,
    checker,
    log,
  }).catch((error) => {
    checker.close(); // a live worker would keep the process from exiting
    throw error;
  });
  const queue = new CapacityQueue(config.scheduler.queueCapacity);
  const pool = new ContainerPool({
    onCapacityFreed: () => queue.notify(),
    blankPerImage: config.pool.blankPerRuntime,
    blankImages: builtInImages(),
    readyTimeoutMs: EXECUTOR_READY_TIMEOUT_MS,
    backend,
    memoryMB: config.pool.memoryMB,
    cpus: config.pool.cpus,
    expirationSeconds: config.container.expiration,
  });
  const telemetry = new Telemetry();
  store.onChange((name, current) => {
    telemetry.events.emit("functions", store.list().map((d) => d.Name));
    pool.retire(name, current?.definition.Version).catch((error) =>
      console.error(`Could not retire containers of function "${name}":`, error)
    );
  });
  const asyncRequests = new AsyncRequests({
    registry,
    nodeId: config.nodeId,
    ttlSeconds: config.async.ttl,
  });
  const settled = await asyncRequests.settleLeftovers();
  if (settled > 0) log(`Marked ${settled} async request(s) cut short by a restart as failed`);
  const stopJanitor = startJanitor(pool, config.janitor.interval);
  pool.fillBlanks();

  const host = config.api.ip === "0.0.0.0" ? "127.0.0.1" : config.api.ip;
  const url = options.url ?? `http://${host}:${config.api.port}`;
  const cluster = new ClusterView({
    registry,
    self: { Id: config.nodeId, Url: url, Area: config.registry.area, Cloud: config.cloud },
    ttlSeconds: config.registry.ttl,
    nearbyIntervalSeconds: config.registry.nearbyInterval,
    monitoringIntervalSeconds: config.registry.monitoringInterval,
    staticCloudUrl: config.cloudServerUrl,
  });
  await cluster.start();
  const services: NodeServices = {
    identity: {
      id: config.nodeId,
      area: config.registry.area,
      cloud: config.cloud,
      url,
      policy: config.scheduler.policy,
      registry: registry.kind,
      startedAt: Date.now(),
    },
    store,
    checker,
    pool,
    dispatcher: new Dispatcher({
      nodeId: config.nodeId,
      isCloud: config.cloud,
      policy: config.scheduler.policy,
      invoker: new Invoker({ nodeId: config.nodeId, pool, backend }),
      pool,
      cluster,
      telemetry,
      estimates: new DurationEstimates(),
      queue,
    }),
    cluster,
    asyncRequests,
    telemetry,
    limits: {
      poolMemoryMB: config.pool.memoryMB,
      poolCpus: config.pool.cpus,
      codeBytes: config.limits.codeBytes,
      defaultTimeout: config.container.timeout,
    },
  };
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      telemetry.events.close();
      stopJanitor();
      await cluster.close();
      store.close();
      checker.close();
      await Promise.race([
        asyncRequests.drain(),
        sleep(DRAIN_TIMEOUT_MS),
      ]);
      await pool.close();
      await backend.removeAll().catch(() => 0);
      await registry.close();
    })();
  return {
    app: createApp(services, {
      metricsEnabled: config.metricsEnabled,
      hosts: nodeHostNames({
        apiIp: config.api.ip,
        url,
        hostname: machineHostname(),
        interfaceAddresses: machineAddresses(config.api.ip),
        extra: config.http.hosts,
      }),
      corsOrigins: config.http.corsOrigins,
    }),
    services,
    endStreams: () => telemetry.events.close(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Serves `node`'s API on `api.ip`:`api.port` through the node's HTTP front, with the body
 * limit, body budget and timeouts of `config`.
 *
 * @throws {UnavailableError} when the address is in use
 */
export function serveNode(node: Node, config: Config): HttpServer {
  try {
    return listen(node, config);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new UnavailableError(
      `${config.api.ip}:${config.api.port} is in use: stop what listens there, or set api.port`,
      { cause: error },
    );
  }
}

function listen(node: Node, config: Config): HttpServer {
  return serveHttp({
    hostname: config.api.ip,
    port: config.api.port,
    limitBytes: config.limits.bodyBytes,
    budgetBytes: config.http.bodyBudgetBytes,
    headerTimeoutMs: config.http.headerTimeout * 1000,
    idleTimeoutMs: config.http.idleTimeout * 1000,
    bodyTimeoutMs: config.http.bodyTimeout * 1000,
  }, node.app.fetch);
}

/** The machine's host name, or `undefined` when it cannot be read. */
function machineHostname(): string | undefined {
  try {
    return Deno.hostname();
  } catch {
    return undefined;
  }
}

/** The machine's interface addresses when the API listens on all of them (`api.ip` wildcard). */
function machineAddresses(apiIp: string): string[] {
  if (apiIp !== "0.0.0.0" && apiIp !== "::") return [];
  return Deno.networkInterfaces().map((i) => i.address);
}

async function checkImages(backend: ContainerBackend): Promise<void> {
  const missing: string[] = [];
  for (const image of builtInImages()) {
    if (!await backend.hasImage(image)) missing.push(image);
  }
  if (missing.length > 0) {
    throw new UnavailableError(
      `Runtime image(s) ${missing.map((i) => `"${i}"`).join(", ")} missing: ` +
        `run "scripts/build-runtimes.sh" to build them from Debian packages`,
    );
  }
}
