/**
 * `deno task test`: fmt check, lint, type check (the `@example` blocks of doc comments too), the
 * layer check (imports point down, see `check_layers.ts`), then every `*_test.ts` (unit and
 * integration, against the real Docker daemon and a real etcd). Ends with the plain line `N passed, N failed`
 * that CI reads; exits non-zero when anything failed.
 *
 * @module
 */

const TEST_PERMISSIONS = [
  "--unstable-kv",
  "--unstable-net",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
];
const REPORT = ".data/test-report.xml";
const LAYERS = new URL("./check_layers.ts", import.meta.url).pathname;

let passed = 0;
let failed = 0;

async function run(label: string, args: string[]): Promise<boolean> {
  console.log(`\n== ${label}: deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code === 0;
}

async function check(label: string, args: string[]): Promise<void> {
  if (await run(label, args)) passed++;
  else {
    failed++;
    console.log(`FAILED: ${label}`);
  }
}

await Deno.mkdir(".data", { recursive: true });
await check("format", ["fmt", "--check"]);
await check("lint", ["lint"]);
await check("type check", ["check", "--doc", "."]);
await check("layers", [
  "run",
  "--allow-read",
  "--allow-run",
  "--allow-write",
  "--allow-env",
  LAYERS,
]);

const filter = Deno.args.length > 0 ? Deno.args : [];
await Deno.remove(REPORT).catch(() => {});
const testsOk = await run("tests", [
  "test",
  ...TEST_PERMISSIONS,
  `--junit-path=${REPORT}`,
  ...filter,
]);
const counts = await readJunit(REPORT);
if (counts) {
  passed += counts.passed;
  failed += counts.failed;
}
if (!testsOk && (!counts || counts.failed === 0)) failed++;

console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);

async function readJunit(path: string): Promise<{ passed: number; failed: number } | undefined> {
  let xml: string;
  try {
    xml = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  const bad = cases.filter((c) => /<failure\b|<error\b/.test(c)).length;
  return { passed: cases.length - bad, failed: bad };
}
