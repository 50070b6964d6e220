/**
 * Makes `node:fs` `existsSync` answer `false` instead of throwing when Deno's permissions deny
 * the path, as Node's never throws. playwright-core probes `/proc/sys/fs/binfmt_misc/WSLInterop`
 * when it loads, which Deno only allows under `--allow-all`; the test run has narrower flags.
 * Import this module before `playwright-core` (an earlier import is evaluated first).
 *
 * @module
 */
import fs from "node:fs";

const existsSync = fs.existsSync;
fs.existsSync = (path: fs.PathLike): boolean => {
  try {
    return existsSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return false;
    }
    throw error;
  }
};
