/**
 * `serverledge-lb`'s entry point: `deno task lb [config-file]`. One entry point for the cloud
 * nodes of an area: it reads the same config files as a node (`registry.area`, `etcd.*`,
 * `api.*`, `auth.*`, `cluster.secret`, `lb.*`), finds its targets and sends requests on to
 * them until SIGINT/SIGTERM.
 *
 * @module
 */
import { loadConfig } from "./server/config/mod.ts";
import { startBalancer } from "./server/lb/start.ts";
import { onStopSignals, runProgram } from "./server/program.ts";

async function main(): Promise<void> {
  const config = await loadConfig({ path: Deno.args[0] });
  for (const warning of config.warnings) console.warn(`Config: ${warning}`);
  const running = await startBalancer(config);
  const { hostname, port } = running.server.addr;
  const targets = running.balancer.status().Targets;
  console.log(
    `serverledge-lb listening on http://${hostname}:${port} (config: ${config.source}; area ` +
      `"${config.registry.area}", ${targets.length} target(s)${
        config.etcd.address ? `, more from etcd at ${config.etcd.address}` : ""
      })`,
  );
  onStopSignals(async (signal) => {
    console.log(`${signal} received: stopping`);
    await running.close();
  });
}

if (import.meta.main) await runProgram("serverledge-lb", main);
