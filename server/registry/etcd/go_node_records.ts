/**
 * Node records in Go Serverledge's layout, so that Go nodes and ours find each other: a Go
 * node registers under `registry/<area>/<id>` (edge) or `registry/cloud/<area>/<id>` (cloud),
 * the value saying where its API is. This node writes its own record there too (the value a
 * plain URL, as grussorusso/serverledge writes it) and reads the Go nodes' records.
 *
 * Three values are understood, one per generation of Go Serverledge:
 * - a plain URL, `http://10.0.0.5:1323` (grussorusso/serverledge);
 * - `ip;apiPort;udpPort`, e.g. `10.0.0.5;1323;9876` (serverledge-faas/serverledge);
 * - JSON `{"NodeAddress": "http://10.0.0.5:1323", "RegistryAddress": …}` (older releases).
 *
 * Load balancers of serverledge-faas (`registry/<area>/__lb/<id>`) are no nodes: skipped.
 *
 * @module
 */
import type { NodeRecord } from "../../../protocol/registry.ts";
import { GO_NODE_PREFIX } from "./key_prefixes.ts";
import { parseJsonObject } from "./json_object.ts";

/** The folder of cloud nodes in Go's layout: `registry/cloud/<area>/<id>`. */
const CLOUD_FOLDER = "cloud";
/** The folder of serverledge-faas's load balancers: `registry/<area>/__lb/<id>`. */
const BALANCER_FOLDER = "__lb";

/**
 * The key of `node` in Go's layout.
 *
 * @example
 * ```ts
 * import { goNodeKey } from "./go_node_records.ts";
 *
 * goNodeKey({ Id: "n1", Url: "http://10.0.0.5:1323", Area: "ROME", Cloud: true });
 * // "registry/cloud/ROME/n1"
 * ```
 */
export function goNodeKey(node: NodeRecord): string {
  const area = node.Cloud ? `${CLOUD_FOLDER}/${node.Area}` : node.Area;
  return `${GO_NODE_PREFIX}${area}/${node.Id}`;
}

/** Where a key of Go's layout puts a node: its id, area and kind. */
export interface GoNodePlace {
  /** The last part of the key. */
  Id: string;
  /** The area in the key. */
  Area: string;
  /** Whether the key is under `registry/cloud/`. */
  Cloud: boolean;
}

/**
 * The place a key of Go's layout gives a node, or `undefined` for any other key (a load
 * balancer's, or one with empty or extra parts).
 *
 * @example
 * ```ts
 * import { goNodePlace } from "./go_node_records.ts";
 *
 * goNodePlace("registry/ROME/abc"); // { Id: "abc", Area: "ROME", Cloud: false }
 * goNodePlace("registry/ROME/__lb/lb1"); // undefined
 * ```
 */
export function goNodePlace(key: string): GoNodePlace | undefined {
  if (!key.startsWith(GO_NODE_PREFIX)) return undefined;
  const parts = key.slice(GO_NODE_PREFIX.length).split("/");
  if (parts.some((part) => part === "")) return undefined;
  if (parts.length === 2) return { Id: parts[1], Area: parts[0], Cloud: false };
  if (parts.length === 3 && parts[0] === CLOUD_FOLDER && parts[1] !== BALANCER_FOLDER) {
    return { Id: parts[2], Area: parts[1], Cloud: true };
  }
  return undefined;
}

/**
 * The base URL of a node's API in a value of Go's layout (any of the three formats), or
 * `undefined` when the value is none of them.
 *
 * @example
 * ```ts
 * import { goNodeUrl } from "./go_node_records.ts";
 *
 * goNodeUrl("http://10.0.0.5:1323"); // "http://10.0.0.5:1323"
 * goNodeUrl("10.0.0.5;1323;9876"); // "http://10.0.0.5:1323"
 * ```
 */
export function goNodeUrl(value: string): string | undefined {
  const text = value.trim();
  if (text.startsWith("{")) {
    const address = parseJsonObject(text)?.NodeAddress;
    return typeof address === "string" ? _httpUrl(address) : undefined;
  }
  if (text.includes(";")) {
    const [ip, port] = text.split(";");
    if (!/^[1-9][0-9]{0,4}$/.test(port ?? "") || Number(port) > 65_535) return undefined;
    const host = ip.includes(":") && !ip.startsWith("[") ? `[${ip}]` : ip;
    return _httpUrl(`http://${host}:${port}`);
  }
  return _httpUrl(text);
}

/**
 * The node a key and value of Go's layout describe, or `undefined` when either is not one.
 *
 * @example
 * ```ts
 * import { parseGoNode } from "./go_node_records.ts";
 *
 * parseGoNode("registry/cloud/ROME/abc", "http://10.0.0.5:1323");
 * // { Id: "abc", Url: "http://10.0.0.5:1323", Area: "ROME", Cloud: true }
 * ```
 */
export function parseGoNode(key: string, value: string): NodeRecord | undefined {
  const place = goNodePlace(key);
  const url = place && goNodeUrl(value);
  return place && url
    ? { Id: place.Id, Url: url, Area: place.Area, Cloud: place.Cloud }
    : undefined;
}

/** `text` as a base URL (no trailing slash) if it is an `http:` or `https:` URL with a host. */
function _httpUrl(text: string): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return undefined;
  }
  return text.replace(/\/+$/, "");
}
