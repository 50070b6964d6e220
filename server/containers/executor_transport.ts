/**
 * How the Docker backend reaches a container's executor: on the Unix socket in the container's
 * socket directory when its image declares {@linkcode TRANSPORT_LABEL} `unix` (see
 * `socket_dirs.ts`), else on its port 8080 published on 127.0.0.1.
 *
 * @module
 */
import { UnavailableError } from "../errors.ts";
import type { ContainerInspect } from "./docker_api.ts";
import { HttpExecutor } from "./executor.ts";
import type { ExecutorContract, KnownContract } from "./executor_contract.ts";
import type { ImageUser } from "./image_user.ts";
import {
  CONTAINER_SOCKET_DIR,
  SOCKET_NAME,
  type SocketDir,
  type SocketDirs,
} from "./socket_dirs.ts";

/** The executor's port in a container, as Docker names it. */
export const EXECUTOR_PORT = "8080/tcp";
/**
 * Image label declaring how its executor is reached: `unix` when it listens on the Unix socket
 * named by `EXECUTOR_SOCKET`; `tcp` (or no label) for port 8080.
 */
export const TRANSPORT_LABEL = "serverledge.executor.transport";
/**
 * Image label declaring that its executor answers the requests of one connection one at a
 * time, in the order they came, starting each only once the one before is answered: the value
 * `sequential`. The node may then write a call behind the one under way (HTTP/1.1
 * pipelining). Absent, empty or `none`: it never does.
 */
export const PIPELINING_LABEL = "serverledge.executor.pipelining";
/** Milliseconds a new container's executor has to create its socket. */
const SOCKET_WAIT_MS = 30_000;

/** How an image's executor is reached, from its {@linkcode TRANSPORT_LABEL}. */
export function imageTransport(image: string, label: string | undefined): "unix" | "tcp" {
  if (label === "unix") return "unix";
  if (label === undefined || label === "" || label === "tcp") return "tcp";
  throw new UnavailableError(
    `Image "${image}" sets the label ${TRANSPORT_LABEL} to "${label}": make it "unix" (its ` +
      `executor listens on the socket EXECUTOR_SOCKET names) or "tcp" (port 8080)`,
  );
}

/** Whether an image's executor takes pipelined calls, from its {@linkcode PIPELINING_LABEL}. */
export function imagePipelining(image: string, label: string | undefined): boolean {
  if (label === "sequential") return true;
  if (label === undefined || label === "" || label === "none") return false;
  throw new UnavailableError(
    `Image "${image}" sets the label ${PIPELINING_LABEL} to "${label}": make it "sequential" ` +
      `(its executor answers a connection's requests one at a time, in order) or "none"`,
  );
}

/** A new socket directory for a container of `user`, or `undefined` for a TCP port instead. */
export async function createSocketDir(
  dirs: SocketDirs,
  user: ImageUser,
): Promise<SocketDir | undefined> {
  try {
    return await dirs.create(user);
  } catch (error) {
    throw new UnavailableError(
      `Could not prepare a socket directory in "${dirs.nodeDir}": ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * The executor of started container `id` on its socket, once it created the socket (taking
 * pipelined calls when `pipelining`).
 */
export async function socketExecutor(
  dirs: SocketDirs,
  id: string,
  socket: SocketDir,
  pipelining: boolean,
): Promise<HttpExecutor> {
  if (!await dirs.seal(socket, SOCKET_WAIT_MS)) {
    throw new UnavailableError(
      `The executor of container ${id.slice(0, 12)} created no socket at ` +
        `${CONTAINER_SOCKET_DIR}/${SOCKET_NAME} within ${SOCKET_WAIT_MS} ms`,
    );
  }
  return new HttpExecutor({ transport: "unix", path: socket.socket }, { pipelining });
}

/**
 * The executor of a started container on its published port, from its inspection, speaking
 * `contract` (`learned` is told it when it was `unknown`), taking pipelined calls when
 * `pipelining`.
 */
export function portExecutor(
  info: ContainerInspect,
  contract: ExecutorContract,
  learned: (contract: KnownContract) => void,
  pipelining: boolean,
): HttpExecutor {
  const port = info.NetworkSettings.Ports?.[EXECUTOR_PORT]?.[0]?.HostPort;
  if (!port) throw new UnavailableError(`Container ${info.Id} has no published port`);
  return new HttpExecutor(
    { transport: "tcp", hostname: "127.0.0.1", port: Number(port) },
    { contract, learned, pipelining },
  );
}
