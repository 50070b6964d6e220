/**
 * THE key table: every config key once, with its type, default and description, nested as the
 * {@linkcode Config} property it lands on. {@linkcode CONFIG_KEYS} (the documentation) and the
 * {@linkcode Config} type both come from it.
 *
 * @example List the keys
 * ```ts
 * import { CONFIG_KEYS } from "./keys.ts";
 *
 * for (const key of CONFIG_KEYS) console.log(key.name, key.env, key.defaultText);
 * ```
 *
 * @module
 */
import { ACCESS_KEYS } from "./access_keys.ts";
import { LB_KEYS } from "./lb_keys.ts";
import { machineCpus, machineMemoryMB } from "./machine.ts";
import {
  type ConfigKey,
  key,
  type Merged,
  type PlacedKey,
  placeKeys,
  type ValuesOf,
} from "./spec.ts";
import {
  bool,
  type ConfigValue,
  httpUrl,
  integer,
  list,
  policyName,
  positiveNumber,
  text,
  verbatimText,
} from "./values.ts";

const MIB = 1024 * 1024;

/**
 * The key table, in documentation order: the keys of the first part, depth first, then those
 * of the second, and so on. The second part adds keys to groups of the first (`pool`, `limits`)
 * where the documentation lists them later; the access keys and those of `serverledge-lb` come
 * last, each from a file of its own.
 */
export const KEY_TABLE = [
  {
    /** HTTP API listener. */
    api: {
      /** `api.ip`: address the API binds to. */
      ip: key(
        "api.ip",
        text("a non-empty address without spaces", /^\S+$/),
        "127.0.0.1",
        "Address the HTTP API binds to; set `0.0.0.0` to expose the node beyond this machine",
      ),
      /** `api.port`: port the API listens on. */
      port: key("api.port", integer(1, 65535), 1323, "Port of the HTTP API"),
    },
    /** Size limits in bytes. */
    limits: {
      /** `api.body.limit`: largest request body. */
      bodyBytes: key(
        "api.body.limit",
        integer(1024),
        32 * MIB,
        "Largest request body the API accepts, in bytes (a `/create` body carries the base64 " +
          "code); a larger declared `Content-Length` is refused (413) before anything is read",
        "`33554432` (32 MiB)",
      ),
    },
    /** The HTTP front and the checks of every request: body budget, hosts, origins, timeouts. */
    http: {
      /** `api.body.budget`: most request body bytes held at once, over all connections. */
      bodyBudgetBytes: key(
        "api.body.budget",
        integer(1024),
        256 * MIB,
        "Most bytes of request bodies the node holds at once, over all connections; a body " +
          "arriving beyond it is refused with 503 and `Retry-After`",
        "`268435456` (256 MiB)",
      ),
      /** `api.hosts`: host names requests may name besides the node's own. */
      hosts: key(
        "api.hosts",
        list(
          "host names or addresses without port (a list, or comma-separated)",
          /^(\*|[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)$/,
        ),
        [],
        "Host names the API answers to (the `Host` of a request) besides its own: `localhost`, " +
          "the loopback addresses, `api.ip`, the machine's host name, the host of the node's URL " +
          "and, with `api.ip` `0.0.0.0`, the machine's addresses; `*` = any host",
      ),
      /** `api.cors.origins`: web origins whose pages may call the API. */
      corsOrigins: key(
        "api.cors.origins",
        list(
          "web origins such as https://app.example (a list, or comma-separated)",
          /^(\*|https?:\/\/([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?)$/,
        ),
        [],
        "Web origins (`scheme://host[:port]`) whose pages may call the API from a browser; " +
          "empty = only the node's own pages (the dashboard); `*` = any origin",
      ),
      /** `api.timeout.header`: seconds to receive a request head. */
      headerTimeout: key(
        "api.timeout.header",
        integer(1),
        10,
        "Seconds a client has to send a request's head (request line and headers), from the " +
          "opening of the connection or the end of the previous answer; then it is closed",
      ),
      /** `api.timeout.idle`: seconds a body or an answer may make no progress. */
      idleTimeout: key(
        "api.timeout.idle",
        integer(1),
        10,
        "Seconds a connection may make no progress while a request body arrives (then 408) or " +
          "an answer is written (then it is closed)",
      ),
      /** `api.timeout.body`: seconds to receive a whole request body. */
      bodyTimeout: key(
        "api.timeout.body",
        integer(1),
        120,
        "Seconds a whole request body may take to arrive; then 408",
      ),
    },
    /** etcd registry. */
    etcd: {
      /** `etcd.address`: `host:port` of etcd; empty = embedded registry (Deno KV). */
      address: key(
        "etcd.address",
        text("a host:port address without spaces (or empty)", /^\S*$/),
        "",
        "etcd endpoint, e.g. `127.0.0.1:2379`; empty = embedded single-node registry under `data.dir`",
      ),
      /** `etcd.username`: etcd user the node authenticates as; empty = none. */
      username: key(
        "etcd.username",
        text("a user name (or empty)"),
        "",
        "etcd user the node authenticates as (with `etcd.password`), for an etcd with " +
          "authentication enabled; empty = none",
      ),
      /** `etcd.password`: password of `etcd.username`, as written (not trimmed). */
      password: key(
        "etcd.password",
        verbatimText("a password (or empty)"),
        "",
        "Password of `etcd.username`, taken as written; better set in the environment " +
          "(`SERVERLEDGE_ETCD_PASSWORD`) than in a config file",
      ),
      /** Client TLS: PEM files; any of them set = TLS. */
      tls: {
        /** `etcd.tls.ca`: PEM file of the CA that signed etcd's certificate. */
        ca: key(
          "etcd.tls.ca",
          text("a file path (or empty)"),
          "",
          "PEM file of the CA that signed etcd's server certificate; empty = the default CAs; " +
            "any `etcd.tls.*` key set = TLS, also with a `host:port` or `http://` address",
        ),
        /** `etcd.tls.cert`: PEM file of the node's client certificate. */
        cert: key(
          "etcd.tls.cert",
          text("a file path (or empty)"),
          "",
          "PEM file of the node's client certificate, for an etcd that requires one " +
            "(`--client-cert-auth`); needs `etcd.tls.key`",
        ),
        /** `etcd.tls.key`: PEM file of the private key of `etcd.tls.cert`. */
        key: key(
          "etcd.tls.key",
          text("a file path (or empty)"),
          "",
          "PEM file of the unencrypted private key of `etcd.tls.cert`; make it readable by the " +
            "node's user only",
        ),
      },
    },
    /** `data.dir` resolved to an absolute path. */
    dataDir: key(
      "data.dir",
      text("a non-empty path", /^.+$/),
      ".data",
      "Directory of the node's own data (embedded registry); relative to the working directory",
    ),
    /** `node.id`, or `<hostname>-<api.port>` when it is empty. */
    nodeId: key(
      "node.id",
      text(
        'letters, digits, ".", "_" or "-" (at most 128, or empty)',
        /^$|^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
      ),
      "",
      "Id of this node in the cluster and on its containers' labels; empty = `<hostname>-<api.port>`",
    ),
    /** `cloud`: whether this node is a cloud node. */
    cloud: key("cloud", bool(), false, "Whether this node is a cloud node"),
    /** `cloud.server.url` without trailing slash; empty when not set. */
    cloudServerUrl: key(
      "cloud.server.url",
      httpUrl(),
      "",
      "URL of the cloud node that edge nodes offload to, e.g. `http://10.0.0.5:1323`",
    ),
    /** Container pool capacity. */
    pool: {
      /** `container.pool.memory`: MB the pool may give to containers. */
      memoryMB: key(
        "container.pool.memory",
        integer(1),
        (ctx) => Math.max(1, Math.floor(machineMemoryMB(ctx) / 2)),
        "Memory the container pool may give to containers, in MB",
        "half the machine's memory",
      ),
      /** `container.pool.cpus`: CPUs the pool may give to containers. */
      cpus: key(
        "container.pool.cpus",
        positiveNumber(),
        machineCpus,
        "CPUs the container pool may give to containers (1.0 = one core)",
        "the machine's CPU count",
      ),
    },
    /** Container lifetimes. */
    container: {
      /** `container.expiration`: seconds an idle warm container is kept. */
      expiration: key(
        "container.expiration",
        integer(1),
        600,
        "Seconds an idle warm container is kept before the janitor removes it",
      ),
      /** `container.timeout`: default invocation timeout in seconds. */
      timeout: key(
        "container.timeout",
        integer(1),
        60,
        "Default invocation timeout in seconds, for functions that set none",
      ),
    },
  },
  {
    pool: {
      /** `container.pool.blank`: most blank containers kept started per built-in runtime. */
      maxBlankPerRuntime: key(
        "container.pool.blank",
        integer(0),
        4,
        "Most blank containers kept started per built-in runtime (32 MB each, 128 MB while one " +
          "starts; a cold start takes " +
          "one, resizes it and hands it the function's code instead of creating a container); " +
          "each runtime keeps as many as it had cold starts in the last minute, at least 1, as " +
          "far as free memory allows; 0 keeps none",
      ),
      /** `container.pool.floor`: containers each function keeps against other functions. */
      floor: key(
        "container.pool.floor",
        integer(0),
        1,
        "Most recently used containers each function keeps when another function needs memory: " +
          "a function that has this many grows only into free memory, blank containers and " +
          "other functions' containers above their floor (a function with fewer may also take " +
          "floor containers, least recently used first)",
      ),
      /** `container.start.parallel`: containers created or initialised at once. */
      startParallel: key(
        "container.start.parallel",
        integer(1),
        (ctx) => Math.min(4, Math.max(1, Math.round(machineCpus(ctx)))),
        "Containers created or initialised at once at most (Docker slows down when many start " +
          "together); starts for waiting requests go before blank-container refills",
        "the machine's CPU count, at most 4",
      ),
    },
    limits: {
      /** `code.max.size`: largest unpacked function code. */
      codeBytes: key(
        "code.max.size",
        integer(1024),
        64 * MIB,
        "Largest function code accepted, in bytes once unpacked",
        "`67108864` (64 MiB)",
      ),
    },
    /** How function containers are confined. */
    container: {
      /** `container.disk.mb`: size of each container's `/tmp` (and `/dev/shm`), MB. */
      diskMB: key(
        "container.disk.mb",
        integer(1),
        64,
        "MB a function may write to `/tmp` (and to `/dev/shm`) of its container, whose root " +
          "filesystem is read-only; in memory, so it counts against the function's `MemoryMB`",
      ),
      /** `container.cpus.default`: CPU limit of containers of functions without `CPUDemand`. */
      defaultCpus: key(
        "container.cpus.default",
        positiveNumber(),
        1,
        "CPU limit of each container of a function whose `CPUDemand` is 0 (1.0 = one core), " +
          "at most the machine's CPU count",
      ),
      /** `container.host.isolation`: drop new connections from function containers to the host. */
      hostIsolation: key(
        "container.host.isolation",
        bool(),
        true,
        "Drop new connections from function containers to this host (iptables rules on the " +
          "function network's bridge, installed at start; needs root); `false` lets functions " +
          "reach every service of the host, the node's API included",
      ),
    },
    /** Janitor of expired containers. */
    janitor: {
      /** `janitor.interval`: seconds between two janitor runs. */
      interval: key("janitor.interval", integer(1), 60, "Seconds between two runs of the janitor"),
    },
    /** Container factory. */
    factory: {
      /** `factory.images.refresh`: accepted, no effect (images are never pulled). */
      refreshImages: key(
        "factory.images.refresh",
        bool(),
        false,
        "Accepted for Serverledge compatibility; no effect: images are built locally, never pulled",
      ),
    },
    /** Cluster registration and neighbour discovery. */
    registry: {
      /** `registry.area`: area of this node. */
      area: key(
        "registry.area",
        text("a non-empty string without spaces", /^\S+$/),
        "ROME",
        "Area of this node; neighbours are the edge nodes of the same area",
      ),
      /** `registry.ttl`: seconds of the registration lease. */
      ttl: key("registry.ttl", integer(1), 20, "Seconds of the node's registration lease"),
      /** `registry.udp.port`: port of the status answers to Go edges (0: none). */
      udpPort: key(
        "registry.udp.port",
        integer(0, 65535),
        9876,
        "UDP port (on `api.ip`) where an edge node with etcd answers Go Serverledge edges' " +
          "status polls, from the hosts of its area's registered edge nodes only; with tokens " +
          "or `cluster.secret`, only when set; `0`: never (our nodes poll each other over HTTP)",
      ),
      /** `registry.nearby.interval`: seconds between two polls of edge neighbours' load. */
      nearbyInterval: key(
        "registry.nearby.interval",
        integer(1),
        30,
        "Seconds between two polls of the load of edge neighbours (same area)",
      ),
      /** `registry.monitoring.interval`: seconds between two polls of cloud nodes' load. */
      monitoringInterval: key(
        "registry.monitoring.interval",
        integer(1),
        60,
        "Seconds between two polls of the load of cloud nodes",
      ),
    },
    /** Scheduling. */
    scheduler: {
      /** `scheduler.policy`. */
      policy: key(
        "scheduler.policy",
        policyName(),
        "default",
        "Where requests run: `default` = here if it fits, else the cloud, else refused; " +
          "`localonly`; `edgeonly` = here if it fits, else the best edge neighbour; " +
          "`cloudonly` = always the cloud; " +
          "`edgecloud` = QoS-aware edge-cloud (Serverledge's `qosaware` is read as `edgecloud`)",
      ),
      /** `scheduler.queue.capacity`: requests that may wait per function; 0 = none. */
      queueCapacity: key(
        "scheduler.queue.capacity",
        integer(0),
        1000,
        "Requests that may wait per function for a container slot (busy or starting) to free up, " +
          "first come first served; 0 = no request waits for a busy container: each gets a " +
          "container of its own or is refused (429) or offloaded",
      ),
      /** `scheduler.queue.maxwait`: seconds a request may wait for a slot at most. */
      queueMaxWait: key(
        "scheduler.queue.maxwait",
        positiveNumber(),
        10,
        "Seconds a request may wait here for a container slot at most; it waits up to its " +
          "`QoSMaxRespT` when given, else its function's timeout, capped by this; a request " +
          "expected to wait longer is refused (429) or offloaded at once",
      ),
    },
    /** `metrics.enabled`. */
    metricsEnabled: key("metrics.enabled", bool(), true, "Serve Prometheus metrics at `/metrics`"),
    /** `tracing.enabled`: whether the node (or balancer) must export traces (needs `OTEL_DENO`). */
    tracingEnabled: key(
      "tracing.enabled",
      bool(),
      false,
      "Export a trace of every invocation with OpenTelemetry (see docs/tracing.md); the node (or " +
        "serverledge-lb) then refuses to start unless Deno's `OTEL_DENO=true` is set, which alone " +
        "turns tracing on too",
    ),
    /** Asynchronous invocations. */
    async: {
      /** `async.ttl`: seconds an async report is kept. */
      ttl: key("async.ttl", integer(1), 86400, "Seconds the report of an async request is kept"),
    },
  },
  ACCESS_KEYS,
  LB_KEYS,
] as const;

/** The values of the key table, typed and placed as {@linkcode Config} holds them. */
export type TableValues = ValuesOf<Merged<typeof KEY_TABLE>>;

/** The node's configuration: every key validated, defaults filled in, deeply frozen. */
export interface Config extends TableValues {
  /** Path of the config file read, or `"defaults"` when none was found. */
  readonly source: string;
  /** Unknown keys and other things worth logging at start; empty when all is well. */
  readonly warnings: readonly string[];
  /** Every key by its dotted name, as validated (`node.id` and `data.dir` as written). */
  readonly values: Readonly<Record<string, ConfigValue>>;
  /**
   * Where each key the user set came from, by its dotted name: the quoted path of the config
   * file, or the `SERVERLEDGE_*` variable that overrode it. A key the user did not set (or left
   * empty in the file) is absent, so a value can be told from its default.
   */
  readonly setBy: Readonly<Record<string, string>>;
}

/** The keys of {@linkcode KEY_TABLE} with their {@linkcode Config} properties, in documentation order. */
export const PLACED_KEYS: readonly PlacedKey[] = Object.freeze(placeKeys(KEY_TABLE));

/** Every supported config key with its type, default and description, in documentation order. */
export const CONFIG_KEYS: readonly ConfigKey[] = Object.freeze(PLACED_KEYS.map((k) => k.spec.key));
