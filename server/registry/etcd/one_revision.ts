/**
 * Running several etcd operations in one transaction, so that they all apply, or read, at one
 * revision.
 *
 * @module
 */
import type { IOperation, ITxnResponse } from "etcd3";
import type { EtcdConnection } from "./connection.ts";
import { FUNCTION_PREFIX } from "./key_prefixes.ts";

/**
 * Runs `operations` in one transaction on `connection`, unconditionally (the transaction's
 * comparison, a key's version below zero, never holds, so its `else` branch always runs).
 * The responses come in the order of `operations`.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { atOneRevision } from "./one_revision.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const { client } = connection;
 * const result = await atOneRevision(connection, [client.get("a"), client.get("b")]);
 * console.log(result.responses.length); // 2
 * connection.close();
 * ```
 */
export function atOneRevision(
  connection: EtcdConnection,
  operations: IOperation[],
): Promise<ITxnResponse> {
  const { client } = connection;
  return connection.call(() =>
    client.if(FUNCTION_PREFIX, "Version", "<", 0).else(...operations).commit()
  );
}
