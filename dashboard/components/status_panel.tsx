/**
 * Node status at a glance: identity, role, uptime, memory and CPU, policy, registry.
 *
 * @module
 */
import { formatMB, formatNumber, formatUptime } from "../lib/format.ts";
import type { NodeStatus } from "../../protocol/status.ts";
import { Badge, Card, Stat } from "./ui.tsx";

/** The status panel; `status` is undefined until the first one arrives. */
export function StatusPanel(props: { status: NodeStatus | undefined; class?: string }) {
  const s = props.status;
  if (!s) {
    return (
      <Card id="status-title" title="Node" class={props.class}>
        <p class="text-sm text-slate-500 dark:text-slate-400">Waiting for the node's status…</p>
      </Card>
    );
  }
  const usedMemory = s.TotalMemory - s.AvailableMemory;
  const counts = s.Invocations;
  return (
    <Card
      id="status-title"
      title="Node"
      class={props.class}
      actions={
        <div class="flex flex-wrap gap-1.5">
          <Badge tone={s.Cloud ? "cloud" : "info"}>{s.Cloud ? "Cloud" : "Edge"}</Badge>
          <Badge>Area {s.Area}</Badge>
        </div>
      }
    >
      <dl class="grid grid-cols-2 gap-x-4 gap-y-4 sm:grid-cols-3 lg:grid-cols-4">
        <Stat label="Node id" detail={s.Url} testId="node-id">{s.Id}</Stat>
        <Stat label="Uptime" testId="uptime">{formatUptime(s.UptimeSeconds)}</Stat>
        <Stat
          label="Memory used"
          detail={`${formatMB(s.Pool.UsedMemoryMB)} of ${formatMB(s.Pool.MemoryMB)} in the pool`}
        >
          {formatMB(usedMemory)}{" "}
          <span class="text-sm font-normal">/ {formatMB(s.TotalMemory)}</span>
        </Stat>
        <Stat
          label="CPU used"
          detail={`Load ${(s.LoadAvg ?? []).map((l) => formatNumber(l)).join(" · ")}`}
        >
          {formatNumber(s.UsedCPU)} <span class="text-sm font-normal">/ {s.TotalCPU} CPUs</span>
        </Stat>
        <Stat label="Policy" testId="policy">{s.Policy}</Stat>
        <Stat label="Registry" detail={registryDetail(s)} testId="registry">{s.Registry}</Stat>
        <Stat label="Functions">{s.Functions}</Stat>
        <Stat
          label="Requests"
          detail={`${counts.Failure} failed · ${counts.ColdStarts} cold starts · ${counts.Dropped} dropped`}
        >
          {counts.Success + counts.Failure}
        </Stat>
      </dl>
    </Card>
  );
}

/** How the registry is doing, as far as the status tells. */
export function registryDetail(s: NodeStatus): string {
  if (s.Registry !== "etcd") return "Single node, no etcd";
  return s.RegistryConnected ? "etcd connected" : "etcd unreachable";
}
