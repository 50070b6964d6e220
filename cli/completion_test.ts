// The completion scripts run in the real shells (bash, zsh and fish: scripts/setup.sh installs
// them): each passes its shell's syntax check and completes commands, options and their values.
import assert from "node:assert/strict";
import { COMMANDS } from "./commands.ts";
import { completionScript, type Shell, SHELLS } from "./completion.ts";
import { runCli } from "./main.ts";

async function shell(name: Shell, args: string[], script: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-cli-completion-" });
  try {
    await Deno.writeTextFile(`${dir}/script`, script);
    const output = await new Deno.Command(name, {
      args: args.map((arg) => arg.replaceAll("SCRIPT", `${dir}/script`)),
      cwd: dir,
      stdin: "null",
    }).output();
    const decoder = new TextDecoder();
    assert.equal(output.code, 0, `${name}: ${decoder.decode(output.stderr)}`);
    return decoder.decode(output.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Lines `[words] -> completions` for each command line, the last word being completed. */
const LINES = [
  ["serverledge-cli", "inv"],
  ["serverledge-cli", "-P", "1323", "st"],
  ["serverledge-cli", "invoke", "--para"],
  ["serverledge-cli", "invoke", "-c", ""],
  ["serverledge-cli", "prewarm", "-c", ""],
  ["serverledge-cli", "completion", ""],
  ["serverledge-cli", "help", "pr"],
  ["serverledge-cli", "token", "--role", "d"],
];

Deno.test("completion prints each shell's script; a wrong shell is a usage error", async () => {
  for (const name of SHELLS) {
    let stdout = "";
    const code = await runCli(["completion", name], {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
      interactive: false,
      env: () => undefined,
      cwd: Deno.cwd(),
    });
    assert.equal(code, 0);
    assert.equal(stdout, completionScript(name, COMMANDS) + "\n");
  }
  for (
    const [args, message] of [
      [["completion"], /^Give the shell: one of bash, zsh, fish\n/],
      [["completion", "tcsh"], /^The shell must be one of bash, zsh, fish, got "tcsh"\n/],
      [["completion", "bash", "zsh"], /^Unexpected argument "zsh"\n/],
    ] as const
  ) {
    let stderr = "";
    const code = await runCli([...args], {
      stdout: () => {},
      stderr: (text) => void (stderr += text),
      interactive: false,
      env: () => undefined,
      cwd: Deno.cwd(),
    });
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, message);
  }
});

Deno.test("the bash script passes bash -n and completes in bash", async () => {
  const script = completionScript("bash", COMMANDS);
  await shell("bash", ["-n", "SCRIPT"], script);
  const calls = LINES.map((words) =>
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; ` +
    `COMPREPLY=(); _serverledge_cli; echo "${words.join(" ")} -> \${COMPREPLY[*]}"`
  );
  const out = await shell("bash", ["-c", ["source SCRIPT", ...calls].join("\n")], script);
  assert.deepEqual(out.trimEnd().split("\n"), [
    "serverledge-cli inv -> invoke invoke-workflow",
    "serverledge-cli -P 1323 st -> status",
    "serverledge-cli invoke --para -> --param --param_json --params_file",
    "serverledge-cli invoke -c  -> low performance high_performance availability " +
    "high_availability batch async",
    "serverledge-cli prewarm -c  -> ",
    "serverledge-cli completion  -> bash zsh fish",
    "serverledge-cli help pr -> prewarm",
    "serverledge-cli token --role d -> deploy",
  ]);
  // After an option that takes a file, file names.
  const files = await shell(
    "bash",
    [
      "-c",
      "source SCRIPT; touch code.py; COMP_WORDS=(serverledge-cli create --src co); COMP_CWORD=3; " +
      '_serverledge_cli; echo "${COMPREPLY[*]}"',
    ],
    script,
  );
  assert.equal(files, "code.py\n");
});

Deno.test("the zsh script passes zsh -n, registers with compdef and completes", async () => {
  const script = completionScript("zsh", COMMANDS);
  await shell("zsh", ["-n", "SCRIPT"], script);
  const registered = await shell(
    "zsh",
    [
      "-fc",
      "autoload -Uz compinit && compinit -u -D; source SCRIPT; print -r -- $_comps[serverledge-cli]",
    ],
    script,
  );
  assert.equal(registered, "_serverledge_cli\n");
  // Outside a completion widget, zsh's completion builtins are stood in for by functions that
  // print what they were given; the script's own logic runs in zsh.
  const stubs = 'compadd() { print -r -- "$*"; }; _describe() { print -r -- "describe $2"; }; ' +
    "_files() { print -r -- files; }; compdef() { :; }";
  const calls = LINES.map((words) =>
    `words=(${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length}; _serverledge_cli`
  );
  const out = await shell("zsh", ["-fc", [stubs, "source SCRIPT", ...calls].join("\n")], script);
  assert.deepEqual(out.trimEnd().split("\n"), [
    "describe subcommands",
    "describe subcommands",
    "-- --host -H --port -P --token --json --verbose -v --help -h --function -f --param -p " +
    "--param_json --params_file -j --qosclass --class --qosClass -c --qosrespt --resptime " +
    "--maxRespT --async -a --return_output --ret_output -o",
    "-- low performance high_performance availability high_availability batch async",
    "-- bash zsh fish",
    "describe subcommands",
    "-- admin deploy invoke read",
  ]);
});

Deno.test("the fish script passes fish -n and completes in fish", async () => {
  const script = completionScript("fish", COMMANDS);
  await shell("fish", ["-n", "SCRIPT"], script);
  const calls = LINES.map((words) =>
    `echo "${words.join(" ")} ->" (complete -C "${words.join(" ")}" | string split -f1 \\t)`
  );
  const out = await shell("fish", ["-c", ["source SCRIPT", ...calls].join("\n")], script);
  assert.deepEqual(out.trimEnd().split("\n"), [
    "serverledge-cli inv -> invoke invoke-workflow",
    "serverledge-cli -P 1323 st -> status",
    "serverledge-cli invoke --para -> --param --params_file --param_json",
    "serverledge-cli invoke -c  -> async availability batch high_availability high_performance " +
    "low performance",
    "serverledge-cli prewarm -c  ->",
    "serverledge-cli completion  -> bash fish zsh",
    "serverledge-cli help pr -> prewarm",
    "serverledge-cli token --role d -> deploy",
  ]);
});
