/**
 * The lease keep-alive of one registered node: its keys under a lease that etcd3 keeps alive,
 * put again under a new lease whenever the lease is lost, until stopped.
 *
 * @module
 */
import { EtcdLeaseInvalidError, type Lease } from "etcd3";
import { backoffDelay } from "../../timing/backoff.ts";
import { sleep, untilAborted } from "../../timing/sleep.ts";
import { withTimeout } from "../../timing/timeout.ts";
import type { EtcdConnection } from "./connection.ts";
import { etcdErrorMessage } from "./failure.ts";

/** Milliseconds between two attempts to register a node again after losing its lease. */
const REGISTER_BACKOFF_MS = { firstMs: 100, maxMs: 2_000 };

/** One key of a registered node and its value, as stored. */
export interface RegisteredEntry {
  /** The key. */
  key: string;
  /** Its value. */
  value: string;
}

/** What a {@linkcode NodeRegistration} puts, and where. */
export interface NodeRegistrationOptions {
  /** Where the keys are put. */
  connection: EtcdConnection;
  /** The node's keys (its record in each layout), all put under the same lease. */
  entries: readonly RegisteredEntry[];
  /** The node's id, for logs. */
  id: string;
  /** Seconds of each lease (whole seconds). */
  ttlSeconds: number;
}

/**
 * One registration of a node: `start` puts its keys under one lease, then keeps them
 * registered in the background; `stop` revokes the lease (deleting every key at once).
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { NodeRegistration } from "./node_registration.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const record = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * const entries = [{ key: "/registry/ROME/edge/n1", value: JSON.stringify(record) }];
 * const registration = new NodeRegistration({ connection, entries, id: "n1", ttlSeconds: 20 });
 * await registration.start();
 * await registration.stop(1_000);
 * connection.close();
 * ```
 */
export class NodeRegistration {
  #options: NodeRegistrationOptions;
  #lease: Lease | undefined;
  #stopped = new AbortController();
  #started: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  /** @param options the keys, their values and the TTL */
  constructor(options: NodeRegistrationOptions) {
    this.#options = options;
  }

  /**
   * Registers the node once, then keeps it registered in the background: when the lease is
   * lost (etcd unreachable for about twice the TTL, or etcd says it expired) the node is put
   * again under a new lease, retrying with backoff (100 ms doubling up to 2 s) until it works
   * or the registration is stopped.
   *
   * @throws {UnavailableError} when the first registration fails (nothing is left behind)
   */
  start(): Promise<void> {
    this.#started ??= this.#register().then(({ lost }) => {
      this.#loop = this.#keep(lost);
    });
    return this.#started;
  }

  /**
   * Stops keeping the node registered and revokes its lease, giving up after `timeoutMs`
   * (the lease then expires by itself). Never rejects.
   */
  stop(timeoutMs: number): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopped.abort();
      await this.#started?.catch(() => {});
      await this.#loop;
      const lease = this.#lease;
      this.#lease = undefined;
      if (!lease) return;
      try {
        await withTimeout(lease.revoke(), timeoutMs); // stops the keepalive first
      } catch (error) {
        lease.release();
        console.warn(
          `Cannot revoke the registry lease of node "${this.#options.id}", ` +
            `it will expire by itself: ${etcdErrorMessage(error)}`,
        );
      }
    })();
    return this.#stopping;
  }

  /**
   * Puts the node's keys under a new lease. Resolves, once every put succeeded, `lost`: a
   * promise of the error that makes the lease lost. Rejects with `UnavailableError` (revoking
   * the lease, so no key is left behind) if a put fails.
   */
  async #register(): Promise<{ lost: Promise<unknown> }> {
    const { connection, entries, ttlSeconds } = this.#options;
    const lease = connection.client.lease(ttlSeconds);
    const lost = new Promise<unknown>((resolve) => lease.on("lost", resolve));
    this.#lease = lease;
    try {
      for (const { key, value } of entries) {
        await connection.call(() => lease.put(key).value(value).exec());
      }
      return { lost };
    } catch (error) {
      this.#lease = undefined;
      // The grant may have succeeded: revoke in the background, else let the lease expire.
      lease.revoke().catch(() => {});
      throw error;
    }
  }

  /** Waits for the lease to be lost, then registers again with backoff; until stopped. */
  async #keep(lost: Promise<unknown>): Promise<void> {
    const { id } = this.#options;
    const signal = this.#stopped.signal;
    try {
      while (true) {
        const error = await Promise.race([lost, untilAborted(signal)]);
        if (signal.aborted) return;
        this.#lease?.release();
        this.#lease = undefined;
        console.warn(
          `Node "${id}" lost its registry lease, registering again: ` +
            _lostReason(error, this.#options.ttlSeconds),
        );
        let failures = 0;
        while (true) {
          await sleep(backoffDelay(failures, REGISTER_BACKOFF_MS), signal);
          if (signal.aborted) return;
          try {
            ({ lost } = await this.#register());
            break;
          } catch (error) {
            if (failures++ === 0) {
              console.warn(`Cannot register node "${id}" again yet: ${etcdErrorMessage(error)}`);
            }
          }
        }
        console.info(`Node "${id}" registered again after ${failures + 1} attempt(s)`);
      }
    } catch (error) {
      // Not expected: every failure above is caught. Never leave a rejection unhandled.
      console.error(`Registration of node "${id}" stopped:`, error);
    }
  }
}

/** Why etcd3 reported a lease lost, in words (its own messages are garbled). */
function _lostReason(error: unknown, ttlSeconds: number): string {
  const message = etcdErrorMessage(error);
  if (message.includes("We lost connection to etcd")) {
    return `etcd did not answer for more than twice its TTL (${ttlSeconds} s)`;
  }
  if (error instanceof EtcdLeaseInvalidError) return "etcd says it expired or was revoked";
  return message;
}
