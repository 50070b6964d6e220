/**
 * What one function can take from the machine, measured through a node process on 127.0.0.1
 * (`main.ts` with the default container settings): the disk it writes into its container, the
 * Docker log it fills by printing past the executor's capture, the CPU a two-process busy loop
 * without `CPUDemand` uses, and its open-files limit. Prints the figures; asserts nothing.
 *
 *   deno run -A bench/container_limits.ts
 *
 * Environment: `LIMITS_DISK_MB` (MiB the function tries to write, default 2048), `LIMITS_LOG_MB`
 * (MiB it prints, default 112), `LIMITS_SPIN_SECONDS` (default 5).
 *
 * @module
 */
import { encodeBase64 } from "../protocol/base64.ts";
import { writeTar } from "../protocol/tar_writer.ts";
import { startNodeProcess } from "../server/testing/node_process.ts";

const DISK_MB = Number(Deno.env.get("LIMITS_DISK_MB") ?? 2048);
const LOG_MB = Number(Deno.env.get("LIMITS_LOG_MB") ?? 112);
const SPIN_SECONDS = Number(Deno.env.get("LIMITS_SPIN_SECONDS") ?? 5);
const MIB = 1024 * 1024;
const HOSTILE = new URL("../server/containers/testdata/hostile.py", import.meta.url);

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** CPU time the container used so far, in nanoseconds (cgroup v1 or v2). */
async function cpuNanos(id: string): Promise<number> {
  const v1 = await Deno.readTextFile(`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`)
    .catch(() => undefined);
  if (v1 !== undefined) return Number(v1.trim());
  for (const dir of [`system.slice/docker-${id}.scope`, `docker/${id}`]) {
    const stat = await Deno.readTextFile(`/sys/fs/cgroup/${dir}/cpu.stat`).catch(() => "");
    const usec = stat.match(/^usage_usec (\d+)$/m)?.[1];
    if (usec !== undefined) return Number(usec) * 1000;
  }
  throw new Error(`No CPU counter found for container ${id}`);
}

/** Size of the container's Docker log files (json-file and its rotated files), in bytes. */
async function logBytes(logPath: string): Promise<number> {
  if (!logPath) return 0;
  const dir = logPath.slice(0, logPath.lastIndexOf("/"));
  let bytes = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.includes("-json.log")) bytes += (await Deno.stat(`${dir}/${entry.name}`)).size;
  }
  return bytes;
}

const node = await startNodeProcess({ config: { "container.pool.memory": 4096 } });
const rows: [string, string][] = [];
try {
  const code = encodeBase64(writeTar([{ name: "hostile.py", data: await Deno.readFile(HOSTILE) }]));
  const post = async (path: string, body: unknown) => {
    const response = await fetch(node.url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { ok: response.ok, body: await response.json() };
  };
  const created = new Set<string>();
  /** Runs `hostile.<handler>` (a function of its own per handler) and finds its container. */
  const invoke = async (handler: string, params: Record<string, unknown>) => {
    const name = `hostile-${handler}`;
    if (!created.has(name)) {
      const answer = await post("/create", {
        Name: name,
        Runtime: "python311",
        MemoryMB: 256,
        Timeout: 600,
        Handler: `hostile.${handler}`,
        TarFunctionCode: code,
      });
      if (!answer.ok) throw new Error(`create ${name}: ${JSON.stringify(answer.body)}`);
      created.add(name);
    }
    const report = (await post(`/invoke/${name}`, { Params: params })).body;
    const id = await docker(
      "ps",
      "-q",
      "--no-trunc",
      "--filter",
      `label=serverledge.node=${node.id}`,
      "--filter",
      `label=serverledge.function=${name}`,
    );
    return { id, result: report.Success ? JSON.parse(report.Result) : report.Error };
  };

  for (const path of ["/tmp/fill", "/app/fill", "/var/tmp/fill"]) {
    const { result, id } = await invoke("fill", { path, mb: DISK_MB, keep: true });
    const [inspected] = JSON.parse(await docker("inspect", "--size", id));
    rows.push([
      `write ${DISK_MB} MiB to ${path}`,
      `${result.written_mb} MiB written${result.error ? ` (${result.error})` : ""}; ` +
      `container layer ${(inspected.SizeRw / MIB).toFixed(0)} MiB`,
    ]);
  }

  const spam = await invoke("spam", { mb: LOG_MB });
  const [inspected] = JSON.parse(await docker("inspect", spam.id));
  rows.push([
    `print ${LOG_MB} MiB to stdout`,
    `Docker log (${inspected.HostConfig.LogConfig.Type}): ` +
    `${((await logBytes(inspected.LogPath)) / MIB).toFixed(1)} MiB on disk`,
  ]);

  const warm = await invoke("spin", { workers: 2, seconds: 0.1 });
  const before = await cpuNanos(warm.id);
  const started = performance.now();
  await invoke("spin", { workers: 2, seconds: SPIN_SECONDS });
  const wallNanos = (performance.now() - started) * 1e6;
  const used = (await cpuNanos(warm.id)) - before;
  const nanoCpus = JSON.parse(await docker("inspect", warm.id))[0].HostConfig.NanoCpus;
  rows.push([
    `two busy processes for ${SPIN_SECONDS} s, no CPUDemand`,
    `${(used / wallNanos).toFixed(2)} cores used (NanoCpus ${nanoCpus})`,
  ]);

  const inside = await invoke("inside", {});
  rows.push(["open files limit (soft, hard)", inside.result.nofile.join(", ")]);
  rows.push(["Docker sockets inside", JSON.stringify(inside.result.docker_sockets)]);
} finally {
  await node[Symbol.asyncDispose]();
}
const width = Math.max(...rows.map(([what]) => what.length));
for (const [what, figure] of rows) console.log(`${what.padEnd(width)}  ${figure}`);
