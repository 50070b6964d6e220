/**
 * The lease keep-alive of one registered node: its key under a lease that etcd3 keeps alive,
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

/** What a {@linkcode NodeRegistration} puts, and where. */
export interface NodeRegistrationOptions {
  /** Where the key is put. */
  connection: EtcdConnection;
  /** The node's key. */
  key: string;
  /** The node's record, as stored. */
  value: string;
  /** The node's id, for logs. */
  id: string;
  /** Seconds of each lease (whole seconds). */
  ttlSeconds: number;
}

/**
 * One registration of a node: `start` puts the key under a lease, then keeps it registered in
 * the background; `stop` revokes the lease.
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 * import { NodeRegistration } from "./node_registration.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * const record = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * const value = JSON.stringify(record);
 * const key = "/registry/ROME/edge/n1";
 * const registration = new NodeRegistration({ connection, key, value, id: "n1", ttlSeconds: 20 });
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

  /** @param options the key, its value and its TTL */
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
   * Puts the node under a new lease. Resolves, once the put succeeded, `lost`: a promise of the
   * error that makes the lease lost. Rejects with `UnavailableError` (releasing the lease) if
   * the put fails.
   */
  async #register(): Promise<{ lost: Promise<unknown> }> {
    const { connection, key, value, ttlSeconds } = this.#options;
    const lease = connection.client.lease(ttlSeconds);
    const lost = new Promise<unknown>((resolve) => lease.on("lost", resolve));
    this.#lease = lease;
    try {
      await connection.call(() => lease.put(key).value(value).exec());
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
