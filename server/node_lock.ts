/**
 * The node's exclusive locks, taken at start before Docker or the registry is touched: one on
 * its data dir (where the embedded registry's file lives; a node whose registry is etcd keeps
 * nothing there and takes none) and one on its node id (which labels its containers, and which
 * a node removes the leftovers of at start). A second node with the same data dir or id refuses
 * to start and touches nothing. They are file locks (`flock`): the
 * OS releases them when the process dies, so no stale lock survives a crash.
 *
 * @module
 */
import { join } from "node:path";
import { ConflictError, UnavailableError } from "./errors.ts";

/** Name of the lock file inside the data dir. */
export const DATA_DIR_LOCK_FILE = "node.lock";

/** Directory of the node id locks, shared by every node of the machine. */
export const NODE_ID_LOCK_DIR = "/tmp/serverledge-locks";

/** Attempts to lock a lock file that its holder keeps removing as it releases it. */
const MAX_ATTEMPTS = 5;

/** Options of {@linkcode lockNode}. */
export interface NodeLockOptions {
  /** The node's id (`node.id`). */
  nodeId: string;
  /**
   * The node's data dir (`data.dir`), created when missing; absent for a node that keeps
   * nothing there (its registry is etcd): then only the node id is locked.
   */
  dataDir?: string;
  /** Where the node id locks live. @default {@linkcode NODE_ID_LOCK_DIR} */
  idLockDir?: string;
}

/** Locks a node holds while it runs; release them when it stops. */
export interface NodeLock extends Disposable {
  /** Releases both locks and removes their files (once; later calls do nothing). */
  release(): void;
}

/** Who holds a lock, as its holder wrote it into the lock file. */
interface _Holder {
  Node: string;
  Pid: number;
  DataDir: string;
}

/**
 * Takes the data dir lock, then the node id lock, or throws a `ConflictError` that names the
 * node holding one and what to change.
 *
 * @example
 * ```ts
 * import { lockNode } from "./node_lock.ts";
 *
 * const dataDir = await Deno.makeTempDir();
 * using _lock = await lockNode({ nodeId: "edge-1", dataDir, idLockDir: dataDir });
 * const second = await lockNode({ nodeId: "edge-2", dataDir, idLockDir: dataDir })
 *   .catch((error) => error);
 * console.log(second.message); // Data dir "/tmp/…" is in use by node "edge-1" (pid …): …
 * ```
 */
export async function lockNode(options: NodeLockOptions): Promise<NodeLock> {
  const { nodeId, dataDir } = options;
  const idLockDir = options.idLockDir ?? NODE_ID_LOCK_DIR;
  const self: _Holder = { Node: nodeId, Pid: Deno.pid, DataDir: dataDir ?? "" };
  const dirLock = dataDir === undefined ? NOTHING_HELD : await _lockDataDir(dataDir, self);
  let idLock: _HeldFile;
  try {
    await _makeSharedDir(idLockDir);
    idLock = await _lockFile(
      join(idLockDir, `${nodeId}.lock`),
      self,
      (holder) =>
        `Node id "${nodeId}" is in use by another node on this machine${
          holder ? ` (pid ${holder.Pid}${holder.DataDir && `, data dir "${holder.DataDir}"`})` : ""
        }: stop that node first, or give this one another node.id`,
    );
  } catch (error) {
    dirLock.release();
    throw error;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    idLock.release();
    dirLock.release();
  };
  return { release, [Symbol.dispose]: release };
}

/** A locked lock file; releasing removes it, then unlocks it (closing the file). */
interface _HeldFile {
  release(): void;
}

/** What a lock not taken releases: nothing. */
const NOTHING_HELD: _HeldFile = { release() {} };

/** Creates the data dir when missing and locks it. */
async function _lockDataDir(dataDir: string, self: _Holder): Promise<_HeldFile> {
  await Deno.mkdir(dataDir, { recursive: true }).catch((error) => {
    throw new UnavailableError(`Cannot create data dir "${dataDir}": ${error.message}`, {
      cause: error,
    });
  });
  return await _lockFile(
    join(dataDir, DATA_DIR_LOCK_FILE),
    self,
    (holder) =>
      `Data dir "${dataDir}" is in use by ${
        holder ? `node "${holder.Node}" (pid ${holder.Pid})` : "another node"
      }: stop that node first, or give this one another data.dir`,
  );
}

/**
 * Locks the file at `path` (created when missing) and writes `self` into it. Throws a
 * `ConflictError` with `message(holder)` when another open file holds the lock.
 */
async function _lockFile(
  path: string,
  self: _Holder,
  message: (holder: _Holder | undefined) => string,
): Promise<_HeldFile> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const file = await _open(path);
    if (!await file.tryLock(true)) {
      file.close();
      throw new ConflictError(message(await _readHolder(path)));
    }
    // A holder releasing its lock removes the file before unlocking it: the lock just taken
    // may be on that removed file rather than on the one `path` names now.
    if (await _isFileAt(file, path)) {
      await file.truncate(0);
      await file.write(new TextEncoder().encode(JSON.stringify(self) + "\n"));
      return {
        release() {
          try {
            Deno.removeSync(path);
          } catch {
            // removed by hand meanwhile: nothing left to remove
          }
          file.close();
        },
      };
    }
    file.close();
  }
  throw new ConflictError(message(undefined));
}

async function _open(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { read: true, write: true, create: true });
  } catch (error) {
    throw new UnavailableError(`Cannot open the lock file "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function _isFileAt(file: Deno.FsFile, path: string): Promise<boolean> {
  const [opened, named] = await Promise.all([file.stat(), Deno.stat(path).catch(() => undefined)]);
  return named !== undefined && opened.ino === named.ino && opened.dev === named.dev;
}

async function _readHolder(path: string): Promise<_Holder | undefined> {
  try {
    const holder = JSON.parse(await Deno.readTextFile(path)) as Partial<_Holder>;
    return typeof holder.Node === "string" && typeof holder.Pid === "number"
      ? { Node: holder.Node, Pid: holder.Pid, DataDir: String(holder.DataDir ?? "") }
      : undefined;
  } catch {
    return undefined; // not written yet, or not by a node
  }
}

/** Creates `dir` when missing, writable by every user and sticky like `/tmp`. */
async function _makeSharedDir(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir);
    await Deno.chmod(dir, 0o1777);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return;
    throw new UnavailableError(`Cannot create the lock dir "${dir}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}
