/**
 * The host directories that carry executors' Unix sockets: one per container, under a
 * directory of the node (`<root>/<node id>/`, mode 0700), bind-mounted into its container
 * alone at {@linkcode CONTAINER_SOCKET_DIR}. A new directory belongs to the image's user, so
 * the executor can create its socket there; once the socket exists the directory is handed
 * back to the node's user ({@linkcode SocketDirs.seal}), before any function code arrives, so
 * the function can neither add files to the host's filesystem through it nor replace the
 * socket.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ImageUser } from "./image_user.ts";

/** Where a container sees its socket directory. */
export const CONTAINER_SOCKET_DIR = "/run/serverledge";
/** The socket's name in its directory. */
export const SOCKET_NAME = "executor.sock";
/** Default parent of the nodes' socket directories. */
export const DEFAULT_SOCKET_ROOT = "/run/serverledge";
/** Longest path of a Unix socket (`sun_path` holds 108 bytes with its final NUL). */
const MAX_SOCKET_PATH = 107;
/** Length of a container directory's random name. */
const NAME_LENGTH = 16;

/** A container's socket directory on the host. */
export interface SocketDir {
  /** The directory, to mount at {@linkcode CONTAINER_SOCKET_DIR}. */
  dir: string;
  /** The executor's socket in it, as the node connects to it. */
  socket: string;
}

/** The socket directories of one node. */
export class SocketDirs {
  /** The node's directory, holding one directory per container. */
  readonly nodeDir: string;

  /** @param root parent of the nodes' directories @param nodeId the node's id */
  constructor(root: string, nodeId: string) {
    this.nodeDir = join(root, nodeDirName(root, nodeId));
    if (join(this.nodeDir, "x".repeat(NAME_LENGTH), SOCKET_NAME).length > MAX_SOCKET_PATH) {
      throw new Error(`Socket directory "${root}" is too long for socket paths`);
    }
  }

  /**
   * A new, empty directory owned by `user`; `undefined` when it cannot be sealed from `user`
   * (the node runs as that very user) or the node may not hand it over (it is not root): the
   * container then gets a TCP port instead.
   */
  async create(user: ImageUser): Promise<SocketDir | undefined> {
    if (user.uid === Deno.uid()) return undefined;
    const dir = join(this.nodeDir, crypto.randomUUID().replaceAll("-", "").slice(0, NAME_LENGTH));
    try {
      await Deno.mkdir(this.nodeDir, { recursive: true, mode: 0o700 });
      await Deno.mkdir(dir, { mode: 0o700 });
      await Deno.chown(dir, user.uid, user.gid ?? null);
    } catch (error) {
      await this.remove(dir);
      if (error instanceof Deno.errors.PermissionDenied) return undefined;
      throw error;
    }
    return { dir, socket: join(dir, SOCKET_NAME) };
  }

  /**
   * Resolves once the executor created its socket in `dir`, then gives the directory to the
   * node's user; false when no socket appeared within `timeoutMs`. The directory is watched
   * (inotify) rather than polled, so a start costs no CPU while its executor boots.
   */
  async seal({ dir, socket }: SocketDir, timeoutMs: number): Promise<boolean> {
    if (!await socketAppears(dir, socket, timeoutMs)) return false;
    await Deno.chown(dir, Deno.uid(), Deno.gid());
    await Deno.chmod(dir, 0o755);
    return true;
  }

  /** Removes a container's directory; resolves when it is already gone. */
  async remove(dir: string): Promise<void> {
    await Deno.remove(dir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }

  /** Removes the directories of every container of the node (also those of an earlier run). */
  async removeAll(): Promise<void> {
    await this.remove(this.nodeDir);
  }
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSocket === true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Milliseconds between two looks at a socket besides its directory's watch. */
const SOCKET_POLL_MS = 250;

/** Watches a directory (`Deno.watchFs`; replaceable for tests). */
export type DirectoryWatch = (dir: string) => Deno.FsWatcher;

/**
 * Whether `socket` (in `dir`) is a Unix socket within `timeoutMs`: checked once the watch of
 * `dir` is in place (it may exist already), then again on each change in `dir`, and every
 * {@linkcode SOCKET_POLL_MS} besides, in case a change is not reported (inotify drops events
 * when its queue overflows). When no watch can be made (the host's inotify instances used up),
 * the socket is polled alone.
 */
export async function socketAppears(
  dir: string,
  socket: string,
  timeoutMs: number,
  watch: DirectoryWatch = (path) => Deno.watchFs(path, { recursive: false }),
): Promise<boolean> {
  let watcher: Deno.FsWatcher | undefined;
  try {
    watcher = watch(dir);
  } catch {
    // polled alone
  }
  const deadline = Date.now() + timeoutMs;
  let changed = false;
  let wake = () => {};
  const changes = (async () => {
    if (!watcher) return;
    for await (const _change of watcher) {
      changed = true;
      wake();
    }
  })().catch(() => {});
  try {
    while (true) {
      changed = false;
      if (await isSocket(socket)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (changed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, SOCKET_POLL_MS));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    try {
      watcher?.close();
    } catch {
      // closed already
    }
    await changes;
  }
}

/**
 * The node's directory name: its id when that is a plain name short enough for the sockets'
 * paths to fit, else `node-` and a digest of the id.
 */
function nodeDirName(root: string, nodeId: string): string {
  const fixed = root.length + 1 + 1 + NAME_LENGTH + 1 + SOCKET_NAME.length;
  if (/^[A-Za-z0-9._-]+$/.test(nodeId) && !/^\.+$/.test(nodeId)) {
    if (fixed + nodeId.length <= MAX_SOCKET_PATH) return nodeId;
  }
  return `node-${createHash("sha256").update(nodeId).digest("hex").slice(0, 16)}`;
}
