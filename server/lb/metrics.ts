/**
 * The balancer's Prometheus series: answers by target and status class, failures before an
 * answer, retries, answer latency, and the targets up and in flight.
 *
 * @module
 */
import { Counter, gauge, Histogram } from "../metrics/prometheus.ts";
import type { Target } from "./targets.ts";

const LATENCY_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Counters and histograms of the requests the balancer sent on. */
export class BalancerMetrics {
  readonly #answers = new Counter(
    "serverledge_lb_answers_total",
    "Answers of targets by target and status class",
  );
  readonly #failures = new Counter(
    "serverledge_lb_target_failures_total",
    "Requests a target failed before answering",
  );
  readonly #retries = new Counter(
    "serverledge_lb_retries_total",
    "Requests sent again to another target after one failed before answering",
  );
  readonly #latency = new Histogram(
    "serverledge_lb_answer_seconds",
    "Seconds from sending a request to a target to the head of its answer",
    LATENCY_BUCKETS,
  );

  /** Records an answer of `target` with `status` after `ms`. */
  answered(target: Target, status: number, ms: number): void {
    const labels = { target: target.url, code: `${Math.floor(status / 100)}xx` };
    this.#answers.inc(labels);
    this.#latency.observe({ target: target.url }, ms / 1000);
  }

  /** Records a failure of `target` before it answered. */
  failed(target: Target): void {
    this.#failures.inc({ target: target.url });
  }

  /** Records a request sent again. */
  retried(): void {
    this.#retries.inc();
  }

  /** The exposition text, with the state of `targets`. */
  render(targets: readonly Target[]): string {
    return [
      this.#answers.render(),
      this.#failures.render(),
      this.#retries.render(),
      this.#latency.render(),
      gauge(
        "serverledge_lb_target_up",
        "Whether a target is chosen (1) or out after a failure (0)",
        targets.map((t) => [{ target: t.url }, t.up ? 1 : 0]),
      ),
      gauge(
        "serverledge_lb_in_flight",
        "Requests sent to a target and not answered yet",
        targets.map((t) => [{ target: t.url }, t.inFlight()]),
      ),
    ].join("\n") + "\n";
  }
}
