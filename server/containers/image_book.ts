/**
 * What the Docker backend knows of the images it runs: each one's code folder, user, executor
 * transport, pipelining and contract, read from its inspection (users looked up once per image id), and
 * the contracts learned from the first container of images that declare none.
 *
 * @module
 */
import { posix } from "node:path";
import { UnavailableError } from "../errors.ts";
import { type DockerApi, statusOf } from "./docker_api.ts";
import {
  CONTRACT_LABEL,
  type ExecutorContract,
  imageContract,
  type KnownContract,
} from "./executor_contract.ts";
import {
  imagePipelining,
  imageTransport,
  PIPELINING_LABEL,
  TRANSPORT_LABEL,
} from "./executor_transport.ts";
import {
  type ImageUser,
  needsAccountFiles,
  readAccountFiles,
  resolveImageUser,
} from "./image_user.ts";

/** Where executors write the code when their image does not set `EXECUTOR_CODE_DIR`. */
const DEFAULT_CODE_DIR = "/app";

/** What the backend needs to know of an image to confine its containers. */
export interface ImageFacts {
  /** Its id. */
  id: string;
  /** The executor contract it speaks, as far as known (see `executor_contract.ts`). */
  contract: ExecutorContract;
  /** The folder its executor writes the code to (`EXECUTOR_CODE_DIR`, else `/app`). */
  codeDir: string;
  /** The user its processes run as, who gets the code directory. */
  user: ImageUser;
  /** Whether its executor listens on a Unix socket ({@linkcode TRANSPORT_LABEL} `unix`). */
  unixSocket: boolean;
  /** Whether its executor takes pipelined calls ({@linkcode PIPELINING_LABEL} `sequential`). */
  pipelining: boolean;
}

/** The facts of the images one backend runs. */
export class ImageBook {
  readonly #docker: DockerApi;
  readonly #labels: Record<string, string>;
  /** Users of the images seen so far, by image id (names are looked up in a container). */
  readonly #users = new Map<string, Promise<ImageUser>>();
  /** Contracts learned from the first container of images that declare none, by image id. */
  readonly #learned = new Map<string, KnownContract>();

  /** @param docker the daemon @param labels of the containers that read account files */
  constructor(docker: DockerApi, labels: Record<string, string>) {
    this.#docker = docker;
    this.#labels = labels;
  }

  /** The image's code directory, user and contract, checked. */
  async facts(image: string): Promise<ImageFacts> {
    let info;
    try {
      info = await this.#docker.inspectImage(image);
    } catch (error) {
      throw statusOf(error) === 404 ? missingImage(image, error) : error;
    }
    const set = info.Config?.Env?.find((entry) => entry.startsWith("EXECUTOR_CODE_DIR="));
    const codeDir = set?.slice("EXECUTOR_CODE_DIR=".length) || DEFAULT_CODE_DIR;
    if (!codeDir.startsWith("/") || posix.normalize(codeDir) === "/") {
      throw new UnavailableError(
        `Image "${image}" sets EXECUTOR_CODE_DIR to "${codeDir}": make it an absolute folder ` +
          `other than "/", e.g. "${DEFAULT_CODE_DIR}"`,
      );
    }
    let user = this.#users.get(info.Id);
    if (!user) {
      user = this.#user(image, info.Config?.User ?? "");
      this.#users.set(info.Id, user);
      user.catch(() => this.#users.delete(info.Id));
    }
    const labels = info.Config?.Labels ?? {};
    const unixSocket = imageTransport(image, labels[TRANSPORT_LABEL]) === "unix";
    const contract = imageContract(image, labels[CONTRACT_LABEL], unixSocket);
    const pipelining = imagePipelining(image, labels[PIPELINING_LABEL]);
    return {
      id: info.Id,
      contract: contract === "unknown" ? this.#learned.get(info.Id) ?? "unknown" : contract,
      codeDir: posix.normalize(codeDir),
      user: await user,
      unixSocket,
      pipelining,
    };
  }

  /** Records the contract the executor of image `id` (which declares none) answered in. */
  learn(id: string, contract: KnownContract): void {
    this.#learned.set(id, contract);
  }

  async #user(image: string, user: string): Promise<ImageUser> {
    const files = needsAccountFiles(user)
      ? await readAccountFiles(this.#docker, image, this.#labels)
      : { passwd: "", group: "" };
    const resolved = resolveImageUser(user, files);
    if (typeof resolved === "string") {
      throw new UnavailableError(
        `Image "${image}" runs as "${user}" but ${resolved}: give its USER as numbers, e.g. ` +
          `"USER 1000:1000"`,
      );
    }
    return resolved;
  }
}

/** The error for an image the daemon does not have. */
export function missingImage(image: string, cause: unknown): UnavailableError {
  return new UnavailableError(
    `Image "${image}" is not available locally: build it (runtime images: run ` +
      `"scripts/build-runtimes.sh") or load it with "docker load"`,
    { cause },
  );
}
