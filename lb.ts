/**
 * `serverledge-lb`'s entry point: `deno task lb [config-file]`. One entry point for the cloud
 * nodes of an area: it reads the same config files as a node (`registry.area`, `etcd.*`,
 * `api.*`, `auth.*`, `cluster.secret`, `lb.*`), finds its targets and sends requests on to
 * them until SIGINT/SIGTERM.
 *
 * @module
 */
import { ConfigError, loadConfig } from "./server/config/mod.ts";
import { HttpError } from "./server/errors.ts";
import { startBalancer } from "./server/lb/start.ts";

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
  const stop = async (signal: string) => {
    console.log(`${signal} received: stopping`);
    await running.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof HttpError) {
      console.error(`Cannot start serverledge-lb: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
