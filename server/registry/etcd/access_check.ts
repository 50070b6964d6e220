/**
 * The check, when the etcd registry opens, that etcd lets this node read and write under each
 * of the registry's key prefixes.
 *
 * @module
 */
import { GRPCDeadlineExceededError, GRPCUnavailableError } from "etcd3";
import { TimeoutError } from "../../timing/timeout.ts";
import type { EtcdConnection } from "./connection.ts";
import { FUNCTION_PREFIX, REGISTRY_PREFIXES } from "./key_prefixes.ts";

/**
 * Checks that etcd answers, then that it lets this node's user read and write under every
 * prefix of {@linkcode REGISTRY_PREFIXES}, writing nothing.
 *
 * The first call goes without credentials: when the connection itself fails (TLS), npm
 * `etcd3`'s authentication call loses the reason, while a plain call keeps it. The second is
 * one transaction that would read and write under each prefix, guarded by a comparison that
 * never holds: etcd checks the permissions of every operation of a transaction, taken or not,
 * so a user lacking one is refused at once rather than at its first async request.
 *
 * @throws {UnavailableError} when etcd does not answer, or refuses (the message says why)
 *
 * @example
 * ```ts
 * import { checkAccess } from "./access_check.ts";
 * import { EtcdConnection } from "./connection.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * await checkAccess(connection);
 * connection.close();
 * ```
 */
export async function checkAccess(connection: EtcdConnection): Promise<void> {
  await _checkReachable(connection);
  const { client } = connection;
  const operations = REGISTRY_PREFIXES.flatMap((prefix) => [
    client.getAll().prefix(prefix),
    client.put(prefix).value(""),
  ]);
  await connection.call(() =>
    client.if(FUNCTION_PREFIX, "Version", "<", 0).then(...operations).commit()
  );
}

/** Rejects when etcd cannot be reached; an answer, even a refusal, means it can. */
async function _checkReachable(connection: EtcdConnection): Promise<void> {
  const anonymous = connection.createAnonymousClient();
  try {
    await connection.call(() => anonymous.get(FUNCTION_PREFIX).exec());
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const answered = cause instanceof Error && !(cause instanceof GRPCUnavailableError) &&
      !(cause instanceof GRPCDeadlineExceededError) && !(cause instanceof TimeoutError);
    if (!answered) throw error;
  } finally {
    anonymous.close();
  }
}
