/**
 * The numeric user an image's processes run as, from its `USER` (`name`, `uid`, `name:group`,
 * `uid:gid`) and, for names, its `/etc/passwd` and `/etc/group`. The Docker backend needs it to
 * hand the code directory (a tmpfs, owned by root otherwise) to the executor's user.
 *
 * @module
 */
import { type DockerApi, statusOf } from "./docker_api.ts";

/** Numeric ids of an image's user; `gid` is absent when the image leaves it to Docker. */
export interface ImageUser {
  /** User id. */
  uid: number;
  /** Group id, when `USER` or the user's passwd entry gives one. */
  gid?: number;
}

/** The files of an image that names in `USER` are looked up in. */
export interface AccountFiles {
  /** Text of `/etc/passwd` (empty when the image has none). */
  passwd: string;
  /** Text of `/etc/group` (empty when the image has none). */
  group: string;
}

const NUMBER = /^\d+$/;
const TAR_BLOCK = 512;

/**
 * Reads `/etc/passwd` and `/etc/group` of `image` through a container created for that and
 * removed at once (never started); `labels` mark it as the caller's. Only needed when `USER`
 * names a user or a group.
 */
export async function readAccountFiles(
  docker: DockerApi,
  image: string,
  labels: Record<string, string>,
): Promise<AccountFiles> {
  const container = await docker.createContainer({
    Image: image,
    Labels: labels,
    NetworkDisabled: true,
    HostConfig: { NetworkMode: "none" },
  });
  try {
    const [passwd, group] = await Promise.all(
      ["/etc/passwd", "/etc/group"].map((path) => readFile(docker, container, path)),
    );
    return { passwd, group };
  } finally {
    await docker.removeContainer(container).catch(() => {});
  }
}

/** A regular file of a container, as text; empty when it does not exist. */
async function readFile(docker: DockerApi, container: string, path: string): Promise<string> {
  let tar: Uint8Array;
  try {
    tar = await docker.archive(container, path);
  } catch (error) {
    if (statusOf(error) === 404) return "";
    throw error;
  }
  // The archive holds the one file: a header block, then its data.
  const type = String.fromCharCode(tar[156]);
  if (tar.length < TAR_BLOCK || (type !== "0" && type !== "\0")) return "";
  const size = parseInt(new TextDecoder().decode(tar.subarray(124, 136)).replace(/\0/g, ""), 8);
  return new TextDecoder().decode(tar.subarray(TAR_BLOCK, TAR_BLOCK + size));
}

/** Whether resolving `user` needs the image's account files (it names a user or group). */
export function needsAccountFiles(user: string): boolean {
  return user.split(":").some((part) => part !== "" && !NUMBER.test(part));
}

/**
 * Resolves Docker's `USER` value; an empty one is root.
 *
 * @returns the ids, or a sentence saying which name the files do not list
 *
 * @example
 * ```ts
 * import { resolveImageUser } from "./image_user.ts";
 *
 * const files = { passwd: "executor:x:1000:1000::/app:/usr/sbin/nologin\n", group: "" };
 * console.log(resolveImageUser("executor", files)); // { uid: 1000, gid: 1000 }
 * console.log(resolveImageUser("1000:5", files)); // { uid: 1000, gid: 5 }
 * ```
 */
export function resolveImageUser(user: string, files: AccountFiles): ImageUser | string {
  const [name, group] = user.split(":", 2);
  if (name === "") return { uid: 0, gid: 0 };
  // passwd lines: name:password:uid:gid:…; group lines: name:password:gid:members
  const account = findLine(files.passwd, (fields) => fields[NUMBER.test(name) ? 2 : 0] === name);
  if (!account && !NUMBER.test(name)) return `its /etc/passwd does not list the user "${name}"`;
  const uid = Number(account?.[2] ?? name);
  if (group === undefined || group === "") {
    return account && NUMBER.test(account[3]) ? { uid, gid: Number(account[3]) } : { uid };
  }
  if (NUMBER.test(group)) return { uid, gid: Number(group) };
  const groupLine = findLine(files.group, (fields) => fields[0] === group);
  if (!groupLine) return `its /etc/group does not list the group "${group}"`;
  return { uid, gid: Number(groupLine[2]) };
}

/** The fields of the first line that has numeric ids and matches. */
function findLine(text: string, matches: (fields: string[]) => boolean): string[] | undefined {
  return text.split("\n").map((line) => line.split(":")).find((fields) =>
    fields.length >= 4 && NUMBER.test(fields[2]) && matches(fields)
  );
}
