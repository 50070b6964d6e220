// Custom images built for Serverledge's executor contract (only POST /invoke on port 8080, the
// code copied into /app before the start) served by a real node on the real Docker daemon.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { buildTestImage } from "../testing/docker_image.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/**
 * An executor to Serverledge's contract: imports `<module>.<function>` of `Handler` from
 * `HandlerDir` at each request, answers `{Success, Result, Output}`; no other route (Python's
 * server answers 501 to GET). It records each request it got in /tmp for the test to read.
 */
const EXECUTOR = `
import contextlib, importlib.util, io, json, os, sys, traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Invoke(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/invoke":
            self.send_error(404)
            return
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        module, function = request["Handler"].rsplit(".", 1)
        out = io.StringIO()
        try:
            spec = importlib.util.spec_from_file_location(
                module, os.path.join(request["HandlerDir"], module + ".py"))
            code = importlib.util.module_from_spec(spec)
            with contextlib.redirect_stdout(out):
                spec.loader.exec_module(code)
                result = getattr(code, function)(request["Params"], None)
            answer = {"Success": True, "Result": json.dumps(result)}
        except Exception:
            answer = {"Success": False, "Result": traceback.format_exc()}
        if request["ReturnOutput"]:
            answer["Output"] = out.getvalue()
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

ThreadingHTTPServer(("0.0.0.0", 8080), Invoke).serve_forever()
`;

const HANDLER = `
import os, time

def handler(params, context):
    print("hello from", params.get("name"))
    time.sleep(float(params.get("sleep", 0)))
    return {"greeting": "hi " + params.get("name", "?"), "pid": os.getpid(),
            "files": sorted(os.listdir("/app"))}
`;

function imageFile(label: string): string {
  return `FROM serverledge-base:bookworm\nCOPY executor.py /executor.py\n${label}` +
    `USER 1000:1000\nCMD ["python3", "/executor.py"]\n`;
}

function createBody(name: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    Name: name,
    Runtime: "custom",
    CustomImage: image,
    MemoryMB: 128,
    Handler: "greet.handler",
    TarFunctionCode: encodeBase64(writeTar([{ name: "greet.py", data: HANDLER }])),
    ...extra,
  };
}

async function containersOf(node: string, fn: string): Promise<string[]> {
  const out = await new Deno.Command("docker", {
    args: [
      "ps",
      "-q",
      "--filter",
      `label=serverledge.node=${node}`,
      "--filter",
      `label=serverledge.function=${fn}`,
    ],
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((line) => line !== "");
}

Deno.test(
  "an image of Serverledge's contract runs cold and warm, with output and a timeout",
  opts,
  async () => {
    await using image = await buildTestImage(imageFile(""), { "executor.py": EXECUTOR });
    await using node = await startTestNode();
    const id = node.node.services.identity.id;
    const created = await node.post("/create", createBody("greet", image.name, { Timeout: 2 }));
    assert.equal(created.status, 200, JSON.stringify(created.body));

    const cold = await node.post("/invoke/greet", {
      Params: { name: "ada" },
      ReturnOutput: true,
    });
    assert.equal(cold.status, 200, JSON.stringify(cold.body));
    assert.equal(cold.body.Success, true);
    assert.equal(cold.body.IsWarmStart, false);
    const first = JSON.parse(cold.body.Result as string);
    assert.equal(first.greeting, "hi ada");
    assert.deepEqual(first.files, ["greet.py"], "the code is in /app");
    assert.equal(cold.body.Output, "hello from ada\n");

    const warm = await node.post("/invoke/greet", { Params: { name: "bob" } });
    assert.equal(warm.body.IsWarmStart, true);
    const second = JSON.parse(warm.body.Result as string);
    assert.equal(second.greeting, "hi bob");
    assert.equal(second.pid, first.pid, "the same executor served both");
    assert.equal(warm.body.Output, "", "no output unless asked for");
    assert.equal((await containersOf(id, "greet")).length, 1, "one container (detection kept)");

    const hung = await node.post("/invoke/greet", { Params: { name: "eve", sleep: 30 } });
    assert.equal(hung.status, 500);
    assert.match(hung.body.Error as string, /timed out after 2 s/);

    const failing = await node.post("/invoke/greet", { Params: { name: 7 } });
    assert.equal(failing.body.Success, false);
    assert.equal(failing.status, 500);
    assert.match(failing.body.Error as string, /TypeError/, "the executor's reason");
  },
);

Deno.test(
  "an image labelled for Serverledge's contract gets its code before the first start",
  opts,
  async () => {
    await using image = await buildTestImage(
      imageFile('LABEL serverledge.executor.contract="serverledge"\n'),
      { "executor.py": EXECUTOR },
    );
    await using node = await startTestNode();
    await node.post("/create", createBody("twice", image.name, { MaxConcurrency: 2 }));
    const both = await Promise.all(
      ["a", "b"].map((name) => node.post("/invoke/twice", { Params: { name, sleep: 1 } })),
    );
    for (const [i, answer] of both.entries()) {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(JSON.parse(answer.body.Result as string).greeting, `hi ${"ab"[i]}`);
    }
    const id = node.node.services.identity.id;
    const containers = await containersOf(id, "twice");
    assert.equal(containers.length, 1, "both on one container");
    const inspect = await new Deno.Command("docker", { args: ["inspect", containers[0]] })
      .output();
    const [{ HostConfig, Mounts }] = JSON.parse(new TextDecoder().decode(inspect.stdout));
    assert.equal(HostConfig.NetworkMode, "serverledge-functions", "the isolated network");
    assert.equal(HostConfig.ReadonlyRootfs, true);
    assert.deepEqual(HostConfig.CapDrop, ["ALL"]);
    assert.deepEqual(
      Mounts.map((m: { Type: string; Destination: string }) => [m.Type, m.Destination]),
      [["volume", "/app"]],
      "the code in a volume of its own",
    );
  },
);

Deno.test("an image that serves no HTTP fails with a clear error", opts, async () => {
  await using image = await buildTestImage(
    'FROM serverledge-base:bookworm\nUSER 1000:1000\nCMD ["sleep", "600"]\n',
  );
  await using node = await startTestNode();
  await node.post("/create", createBody("mute", image.name));
  const answer = await node.post("/invoke/mute", {});
  assert.equal(answer.status >= 500, true, JSON.stringify(answer.body));
  assert.match(answer.body.Error as string, /did not become ready within .*POST \/invoke/);
  const again = await node.post("/invoke/mute", {});
  assert.match(again.body.Error as string, /did not become ready within /);
  assert.match(again.body.Error as string, /was started \d+ s ago; the next one starts/);
});
