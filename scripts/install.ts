/**
 * `deno task install`: installs `serverledge` (the node), `serverledge-cli` and `serverledge-lb`
 * as commands with `deno install -g`, in Deno's install root (`$DENO_INSTALL_ROOT/bin`, else
 * `~/.deno/bin`). The installed commands run this checkout's sources with the project's
 * deno.json.
 *
 * @module
 */
import { join } from "node:path";
import { BINARIES, type Binary, PROJECT_ROOT } from "./binaries.ts";

/** The `deno install -g` arguments for `binary`, from the project at `root`. */
export function installArgs(binary: Binary, root: string): string[] {
  return [
    "install",
    "--global",
    "--force",
    "--name",
    binary.name,
    "--config",
    join(root, "deno.json"),
    ...binary.runFlags,
    join(root, binary.entry),
  ];
}

if (import.meta.main) {
  for (const binary of BINARIES) {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: installArgs(binary, PROJECT_ROOT),
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.error(`Cannot install ${binary.name}: deno install exited with code ${code}`);
      Deno.exit(1);
    }
  }
}
