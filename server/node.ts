/**
 * Builds a node from its configuration: Docker backend, registry, function store, pool,
 * invoker, async requests and the HTTP app; and takes it down again.
 *
 * @module
 */
import type { Hono } from "hono";
import { CLUSTER_SECRET_HEADER } from "../protocol/auth.ts";
import { invokeLane } from "./api/invoke_lane.ts";
import { configuredHosts, serveConfigured } from "./api/listen.ts";
import type { NodeServices } from "./api/services.ts";
import { nodeLoad } from "./api/status.ts";
import { createApp } from "./app.ts";
import { type Access, openAccess } from "./auth/open.ts";
import type { Config } from "./config/mod.ts";
import { requireTracing } from "./config/tracing_required.ts";
import { unsharedRegistryNotice } from "./config/unshared_registry.ts";
import type { ContainerBackend } from "./containers/backend.ts";
import { DockerBackend, type SandboxOptions } from "./containers/docker.ts";
import { UnavailableError } from "./errors.ts";
import { DEFAULT_MAX_ENTRIES } from "./functions/code_archive.ts";
import { lockNode, type NodeLock } from "./node_lock.ts";
import type { FastLane, HttpServer } from "./http/server.ts";
import { CodeChecker } from "./functions/code_checker.ts";
import { FunctionStore } from "./functions/store.ts";
import { AsyncRequests } from "./invoke/async_requests.ts";
import { ClusterView } from "./cluster/cluster_view.ts";
import { UdpSourceGate } from "./cluster/udp_gate.ts";
import { listenForStatusPolls, udpStatusPlan, UdpStatusResponder } from "./cluster/udp_status.ts";
import { Dispatcher } from "./invoke/dispatcher.ts";
import { Invoker } from "./invoke/invoker.ts";
import { Telemetry } from "./metrics/telemetry.ts";
import { DurationEstimates } from "./scheduling/estimates.ts";
import { startJanitor } from "./pool/janitor.ts";
import { ContainerPool } from "./pool/pool.ts";
import { openRegistry } from "./registry/open.ts";
import { WorkflowRunner } from "./workflows/runner.ts";
import { WorkflowStore } from "./workflows/store.ts";
import { builtInImages } from "./runtimes/catalog.ts";

/** A running node (without its listener: {@linkcode serveNode} serves {@linkcode Node.app}). */
export interface Node extends AsyncDisposable {
  /** The HTTP API. */
  app: Hono;
  /** What serves plain invocations before the app (see `api/invoke_lane.ts`). */
  fastLane: FastLane;
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
/** A file of the code takes at least one page of its container's code directory (a tmpfs). */
const PAGE_BYTES = 4096;

/**
 * How the node's containers are confined, from its config: the code directory holds the largest
 * code `code.max.size` accepts, each of its files rounded up to a page.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config/mod.ts";
 * import { containerSandbox } from "./node.ts";
 *
 * const sandbox = containerSandbox(parseConfig("container.disk.mb: 32\n", "yaml", "example"));
 * console.log(sandbox.diskMB, sandbox.codeDirMB); // 32 104
 * ```
 */
export function containerSandbox(config: Config): SandboxOptions {
  return {
    diskMB: config.container.diskMB,
    codeDirMB: Math.ceil(
      (config.limits.codeBytes + DEFAULT_MAX_ENTRIES * PAGE_BYTES) / (1024 * 1024),
    ),
    defaultCpus: config.container.defaultCpus,
    isolateHost: config.container.hostIsolation,
  };
}

/**
 * Starts a node: refuses `tracing.enabled` without `OTEL_DENO=true` (a `ConfigError`), reads
 * its tokens (refusing a non-loopback `api.ip` without any before touching anything), locks its data dir and node id (failing with a `ConflictError` when
 * another node holds either), opens the UDP port Go edges poll (see `cluster/udp_status.ts`),
 * checks Docker and the runtime images (failing with the command that fixes them), removes
 * containers the node left behind, opens the registry and loads functions.
 */
export async function startNode(config: Config, options: StartNodeOptions = {}): Promise<Node> {
  requireTracing(config.tracingEnabled, "the node");
  const log = options.log ?? console.log;
  const access = await openAccess(config, log);
  let lock: NodeLock | undefined;
  let statusPolls: Deno.DatagramConn | undefined;
  try {
    // With etcd the data dir holds nothing: nodes sharing a working directory need no data.dir.
    const dataDir = config.etcd.address === "" ? config.dataDir : undefined;
    lock = await lockNode({ nodeId: config.nodeId, dataDir });
    const plan = udpStatusPlan(config, !access.gatekeeper.open);
    if ("skipped" in plan && plan.skipped) log(plan.skipped);
    if ("port" in plan) statusPolls = listenForStatusPolls(plan, log);
    return await assembleNode(config, options, log, { access, lock, statusPolls });
  } catch (error) {
    statusPolls?.close();
    lock?.release();
    access.close();
    throw error;
  }
}

/** What a node holds from its start until it is closed. */
interface NodeHolds {
  /** Its tokens and gatekeeper. */
  access: Access;
  /** Its locks on the data dir and the node id. */
  lock: NodeLock;
  /** The socket Go edges poll its status on, if it answers them. */
  statusPolls?: Deno.DatagramConn;
}

/** The node's parts, started in order; `holds` are let go once the node is closed. */
async function assembleNode(
  config: Config,
  options: StartNodeOptions,
  log: (line: string) => void,
  { access, lock, statusPolls }: NodeHolds,
): Promise<Node> {
  const backend = options.backend ??
    new DockerBackend({ nodeId: config.nodeId, sandbox: containerSandbox(config) });
  await backend.ping();
  if (!config.container.hostIsolation) {
    log(
      "Warning: function containers can reach every service of this host, the node's API " +
        'included ("container.host.isolation" is false)',
    );
  }
  const unshared = unsharedRegistryNotice(config);
  if (unshared) log(unshared);
  await checkImages(backend);
  const leftovers = await backend.removeAll();
  if (leftovers > 0) log(`Removed ${leftovers} container(s) left by an earlier run`);

  const registry = await openRegistry({
    etcdAddress: config.etcd.address,
    etcdSecurity: config.etcd,
    dataDir: config.dataDir,
  });
  const checker = new CodeChecker();
  const store = await FunctionStore.open(registry, {
    limits: { codeBytes: config.limits.codeBytes, defaultTimeout: config.container.timeout },
    checker,
    log,
  }).catch((error) => {
    checker.close(); // a live worker would keep the process from exiting
    throw error;
  });
  const pool = new ContainerPool({
    maxBlankPerImage: config.pool.maxBlankPerRuntime,
    blankImages: builtInImages(),
    queueCapacity: config.scheduler.queueCapacity,
    floor: config.pool.floor,
    startParallel: config.pool.startParallel,
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
  const workflows = await WorkflowStore.open(registry, log);
  const stopJanitor = startJanitor(pool, config.janitor.interval);
  pool.fillBlanks();

  // What this node sends the nodes it polls and offloads to: its cluster credential.
  const peerHeaders: Record<string, string> = config.clusterSecret
    ? { [CLUSTER_SECRET_HEADER]: config.clusterSecret }
    : {};
  const host = config.api.ip === "0.0.0.0" ? "127.0.0.1" : config.api.ip;
  const url = options.url ?? `http://${host}:${config.api.port}`;
  const cluster = new ClusterView({
    registry,
    self: { Id: config.nodeId, Url: url, Area: config.registry.area, Cloud: config.cloud },
    ttlSeconds: config.registry.ttl,
    nearbyIntervalSeconds: config.registry.nearbyInterval,
    monitoringIntervalSeconds: config.registry.monitoringInterval,
    staticCloudUrl: config.cloudServerUrl,
    peerHeaders,
  });
  await cluster.start();
  const dispatcher = new Dispatcher({
    nodeId: config.nodeId,
    isCloud: config.cloud,
    policy: config.scheduler.policy,
    invoker: new Invoker({ nodeId: config.nodeId, pool, backend }),
    pool,
    cluster,
    telemetry,
    estimates: new DurationEstimates(),
    maxWaitSeconds: config.scheduler.queueMaxWait,
    peerHeaders,
  });
  const workflowRunner = new WorkflowRunner({
    nodeId: config.nodeId,
    registry,
    dispatcher,
    functions: store,
    asyncRequests,
    telemetry,
    ttlSeconds: config.async.ttl,
  });
  const resumed = await workflowRunner.resumeOwned(log);
  const settled = await asyncRequests.settleLeftovers(resumed);
  if (settled > 0) log(`Marked ${settled} async request(s) cut short by a restart as failed`);
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
    dispatcher,
    cluster,
    asyncRequests,
    workflows,
    workflowRunner,
    telemetry,
    limits: {
      codeBytes: config.limits.codeBytes,
      defaultTimeout: config.container.timeout,
    },
  };
  const goPolls = statusPolls && new UdpStatusResponder(statusPolls, {
    figures: () => ({ ...nodeLoad(services), DropCount: telemetry.counters.dropped }),
    gate: new UdpSourceGate({ peers: () => cluster.peers(), area: config.registry.area }),
  });
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      telemetry.events.close();
      stopJanitor();
      await goPolls?.close();
      await cluster.close();
      store.close();
      workflows.close();
      checker.close();
      const cut = await asyncRequests.stop(DRAIN_TIMEOUT_MS);
      if (cut > 0) log(`Reported ${cut} async request(s) cut short by the shutdown`);
      await pool.close();
      await backend.removeAll().catch(() => 0);
      await registry.close();
      access.close();
      lock.release();
    })();
  const appOptions = {
    metricsEnabled: config.metricsEnabled,
    gatekeeper: access.gatekeeper,
    hosts: configuredHosts(config, url),
    corsOrigins: config.http.corsOrigins,
  };
  return {
    app: createApp(services, appOptions),
    fastLane: invokeLane(services, appOptions),
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
  return serveConfigured(config, node.app.fetch, node.fastLane);
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
