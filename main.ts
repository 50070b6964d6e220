/**
 * The node's entry point: `deno task start [config-file]`. Reads the config, starts the node,
 * serves its API, and on SIGINT/SIGTERM removes its containers and exits.
 *
 * @module
 */
import { loadConfig } from "./server/config/mod.ts";
import type { HttpServer } from "./server/http/server.ts";
import { serveNode, startNode } from "./server/node.ts";
import { onStopSignals, runProgram } from "./server/program.ts";

async function main(): Promise<void> {
  const config = await loadConfig({ path: Deno.args[0] });
  for (const warning of config.warnings) console.warn(`Config: ${warning}`);
  const node = await startNode(config);
  let server: HttpServer;
  try {
    server = serveNode(node, config);
  } catch (error) {
    await node.close();
    throw error;
  }
  const { hostname, port } = server.addr;
  console.log(
    `Serverledge node "${config.nodeId}" listening on http://${hostname}:${port} ` +
      `(config: ${config.source}, registry: ${node.services.identity.registry})`,
  );
  onStopSignals(async (signal) => {
    console.log(`${signal} received: removing containers and stopping`);
    node.endStreams();
    await server.shutdown();
    await node.close();
  });
}

if (import.meta.main) await runProgram("the node", main);
