/**
 * Pool occupancy: the pool's memory and CPUs, and per function the memory its busy, idle and
 * starting containers hold, as bars against the pool's capacity.
 *
 * @module
 */
import { formatMB, formatNumber } from "../lib/format.ts";
import { poolSummary } from "../lib/pool.ts";
import type { PoolStatus } from "../../protocol/status.ts";
import { mutedClass } from "../styles.ts";
import { Card, Meter } from "./ui.tsx";

const BUSY = "bg-sky-600 dark:bg-sky-400";
const IDLE = "bg-emerald-500 dark:bg-emerald-400";
const STARTING = "bg-amber-400 dark:bg-amber-300";

/** The pool panel; `pool` is undefined until the first status. */
export function PoolPanel(props: { pool: PoolStatus | undefined; class?: string }) {
  if (!props.pool) {
    return (
      <Card id="pool-title" title="Container pool" class={props.class}>
        <p class={`text-sm ${mutedClass}`}>Waiting for the node's status…</p>
      </Card>
    );
  }
  const pool = poolSummary(props.pool);
  const sum = (f: (r: typeof pool.rows[number]) => number) =>
    pool.rows.reduce((n, r) => n + f(r), 0);
  return (
    <Card id="pool-title" title="Container pool" class={props.class} actions={<Legend />}>
      <div class="space-y-3">
        <div>
          <div class="mb-1 flex justify-between text-sm">
            <span class="font-medium">Memory</span>
            <span class="tabular-nums" data-testid="pool-memory">
              {formatMB(pool.usedMemoryMB)} of {formatMB(pool.memoryMB)}
            </span>
          </div>
          <Meter
            label="Pool memory in use"
            valueText={`${formatMB(pool.usedMemoryMB)} of ${formatMB(pool.memoryMB)}`}
            testId="pool-memory-bar"
            segments={[
              { label: "Busy", class: BUSY, percent: sum((r) => r.percent.busy) },
              { label: "Idle", class: IDLE, percent: sum((r) => r.percent.idle) },
              { label: "Starting", class: STARTING, percent: sum((r) => r.percent.starting) },
            ]}
          />
          {pool.blank > 0 && (
            <p class={`mt-1 text-xs ${mutedClass}`} data-testid="pool-blank">
              {pool.blank} blank container{pool.blank === 1 ? "" : "s"} ready for cold starts
            </p>
          )}
        </div>
        <div>
          <div class="mb-1 flex justify-between text-sm">
            <span class="font-medium">CPUs</span>
            <span class="tabular-nums">
              {formatNumber(pool.usedCpus)} of {formatNumber(pool.cpus)}
            </span>
          </div>
          <Meter
            label="Pool CPUs in use"
            valueText={`${formatNumber(pool.usedCpus)} of ${formatNumber(pool.cpus)} CPUs`}
            segments={[{ label: "In use", class: BUSY, percent: pool.cpuPercent }]}
          />
        </div>
      </div>
      <h3 class="mb-2 mt-5 text-sm font-semibold">By function</h3>
      {pool.rows.length === 0
        ? (
          <p class={`text-sm ${mutedClass}`} data-testid="pool-empty">
            No containers: every function is cold.
          </p>
        )
        : (
          <ul class="space-y-3">
            {pool.rows.map((r) => (
              <li
                key={r.name}
                data-testid={`pool-row-${r.name}`}
                data-busy={r.busy}
                data-idle={r.idle}
                data-starting={r.starting}
                data-waiting={r.waiting}
              >
                <div class="mb-1 flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
                  <span class="font-mono font-medium">{r.name}</span>
                  <span class={`tabular-nums text-sm ${mutedClass}`}>
                    {r.busy} busy · {r.idle} idle{r.starting > 0 ? ` · ${r.starting} starting` : ""}
                    {r.waiting > 0 ? ` · ${r.waiting} waiting` : ""}
                    {" · "}
                    {formatMB(r.memoryMB)}
                  </span>
                </div>
                <Meter
                  label={`Pool memory held by ${r.name}`}
                  valueText={`${formatMB(r.memoryMB)} of ${
                    formatMB(pool.memoryMB)
                  }: ${r.busy} busy, ${r.idle} idle, ${r.starting} starting, ${r.waiting} waiting`}
                  segments={[
                    { label: "Busy", class: BUSY, percent: r.percent.busy },
                    { label: "Idle", class: IDLE, percent: r.percent.idle },
                    { label: "Starting", class: STARTING, percent: r.percent.starting },
                  ]}
                />
              </li>
            ))}
          </ul>
        )}
    </Card>
  );
}

function Legend() {
  const item = (cls: string, label: string) => (
    <span class="inline-flex items-center gap-1">
      <span aria-hidden="true" class={`inline-block h-2.5 w-2.5 rounded-sm ${cls}`} />
      {label}
    </span>
  );
  return (
    <div class={`flex gap-3 text-xs ${mutedClass}`}>
      {item(BUSY, "Busy")}
      {item(IDLE, "Idle")}
      {item(STARTING, "Starting")}
    </div>
  );
}
