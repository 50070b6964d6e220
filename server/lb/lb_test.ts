// serverledge-lb in front of real node processes: cloud nodes found in a real etcd (spreading,
// a new node, a killed one, async polling through the balancer), and static targets with
// tokens (the caller's token goes on; a target that dies is retried on another).
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { newToken } from "../../protocol/auth.ts";
import type { BalancerStatus } from "../../protocol/lb.ts";
import { parseConfig } from "../config/mod.ts";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import {
  FAST_CLUSTER,
  freePort,
  type NodeProcess,
  startNodeProcess,
} from "../testing/node_process.ts";
import { postJson } from "../testing/post_json.ts";
import { writeTokensFile } from "../testing/tokens.ts";
import { until } from "../testing/until.ts";
import { type RunningBalancer, startBalancer } from "./start.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const FAST = {
  ...FAST_CLUSTER,
  "registry.area": "ROME",
  cloud: true,
};

async function balancer(
  config: Record<string, unknown>,
): Promise<RunningBalancer & { url: string }> {
  const port = freePort();
  const running = await startBalancer(
    parseConfig(stringify({ "api.port": port, ...config }), "yaml", "lb test"),
    () => {},
  );
  return Object.assign(running, { url: `http://127.0.0.1:${port}` });
}

const upTargets = (lb: RunningBalancer) =>
  lb.balancer.status().Targets.filter((t) => t.Up).map((t) => t.Url).sort();

/** Requests run on `node` so far. */
async function runLocally(node: NodeProcess): Promise<number> {
  const status = await (await fetch(`${node.url}/status`)).json() as {
    Invocations: { Local: number };
  };
  return status.Invocations.Local;
}

Deno.test(
  "the balancer finds an area's cloud nodes in etcd, spreads invocations, follows nodes coming and going, and routes polls",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const config = { ...FAST, "etcd.address": etcd.address };
    await using a = await startNodeProcess({ config });
    await using b = await startNodeProcess({ config });
    // A cloud node of another area and an edge node of this one are no targets.
    await using paris = await startNodeProcess({ config: { ...config, "registry.area": "PARIS" } });
    await using edge = await startNodeProcess({ config: { ...config, cloud: false } });
    await using lb = await balancer({
      "etcd.address": etcd.address,
      "registry.area": "ROME",
      "lb.load.interval": 0.5,
      "lb.retry.interval": 1,
    });
    await until(() => upTargets(lb).length === 2, "both cloud nodes as targets");
    assert.deepEqual(upTargets(lb), [a.url, b.url].sort());
    assert.ok(!upTargets(lb).includes(paris.url) && !upTargets(lb).includes(edge.url));

    // Functions are created through the balancer (on one node, shared through etcd).
    for (const [name, file] of [["sleep", "sleep.py"], ["hello", "hello.py"]]) {
      const created = await postJson(`${lb.url}/create`, await exampleFunction(name, file));
      assert.equal(created.status, 200, await created.text());
    }
    // Eight slow invocations at once: more than one node's container can serve in time.
    const answers = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          postJson(`${lb.url}/invoke/sleep`, { Params: { seconds: 0.5 } }).then(async (r) => ({
            status: r.status,
            body: await r.json(),
          })),
      ),
    );
    assert.deepEqual(answers.map((r) => r.status), Array(8).fill(200), JSON.stringify(answers));
    const [onA, onB] = [await runLocally(a), await runLocally(b)];
    assert.equal(onA + onB, 8);
    assert.ok(onA > 0 && onB > 0, `spread over both nodes: ${onA} on A, ${onB} on B`);

    // An async invocation is polled through the balancer on the node that runs it.
    const asyncAnswer = await postJson(`${lb.url}/invoke/hello`, {
      Params: { name: "lb" },
      Async: true,
    });
    const { ReqId } = await asyncAnswer.json() as { ReqId: string };
    assert.equal(typeof ReqId, "string");
    assert.equal(lb.balancer.status().AsyncRoutes, 1);
    let report: { Success?: boolean; Result?: string } = {};
    await until(async () => {
      const polled = await fetch(`${lb.url}/poll/${ReqId}`);
      report = await polled.json();
      return polled.status === 200 && report.Success === true;
    }, "the async report through the balancer");
    assert.equal(report.Result, JSON.stringify("Hello, lb!"));
    const unknown = await fetch(`${lb.url}/poll/hello-${crypto.randomUUID()}`);
    assert.equal(unknown.status, 404, await unknown.text());

    // A new cloud node of the area becomes a target by the registry's watch and gets requests.
    await using c = await startNodeProcess({ config });
    await until(() => upTargets(lb).includes(c.url), "the new node as a target");
    for (let i = 0; i < 6; i++) await (await fetch(`${lb.url}/function`)).body?.cancel();
    const newcomer = lb.balancer.status().Targets.find((t) => t.Url === c.url)!;
    assert.ok(newcomer.Requests >= 1, JSON.stringify(newcomer));

    // A killed node: no request through the balancer fails, and it drops out.
    await a.stop("SIGKILL");
    for (let i = 0; i < 10; i++) {
      const answer = await postJson(`${lb.url}/invoke/hello`, { Params: { name: `n${i}` } });
      assert.equal(answer.status, 200, await answer.text());
    }
    await until(() => !upTargets(lb).includes(a.url), "the killed node out");
    const metrics = await (await fetch(`${lb.url}/metrics`)).text();
    assert.match(metrics, /serverledge_lb_answers_total\{target="[^"]+",code="2xx"\} \d+/);
    assert.match(metrics, /serverledge_lb_target_up\{target="[^"]+"\} 1/);
  },
);

Deno.test(
  "with tokens the balancer checks and forwards the caller's token, and retries a request a dead target failed",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "serverledge-lb-" });
    try {
      const [admin, reader] = [newToken(), newToken()];
      await writeTokensFile(`${dir}/tokens`, [[admin, "admin"], [reader, "read"]]);
      const secret = {
        "auth.tokens.file": `${dir}/tokens`,
        "cluster.secret": "a-secret-of-16-chars-or-more",
      };
      await using a = await startNodeProcess({ config: secret, token: admin });
      await using b = await startNodeProcess({ config: secret, token: admin });
      await using lb = await balancer({
        ...secret,
        "lb.targets": [a.url, b.url],
        // No poll notices b die before a request does.
        "lb.load.interval": 600,
      });
      assert.deepEqual(upTargets(lb), [a.url, b.url].sort(), "the load polls took the secret");
      const as = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

      const anonymous = await fetch(`${lb.url}/status`);
      assert.equal(anonymous.status, 401, await anonymous.text());
      const own = await fetch(`${lb.url}/status`, { headers: as(reader) });
      assert.equal(own.status, 200);
      assert.equal((await own.json() as BalancerStatus).Targets.length, 2);
      const stranger = await postJson(`${lb.url}/invoke/hello`, {}, as(newToken()));
      assert.equal(stranger.status, 401, await stranger.text());

      const create = await postJson(
        `${lb.url}/create`,
        await exampleFunction("hello", "hello.py"),
        as(admin),
      );
      assert.equal(create.status, 200, await create.text());
      // The node checks the role of the token the balancer passed on: a read token may not invoke.
      const denied = await postJson(`${lb.url}/invoke/hello`, {}, as(reader));
      assert.equal(denied.status, 403, await denied.text());

      await b.stop("SIGKILL");
      for (let i = 0; i < 4; i++) {
        const listed = await fetch(`${lb.url}/function`, { headers: as(admin) });
        assert.equal(listed.status, 200, await listed.text());
      }
      const status = lb.balancer.status();
      assert.equal(status.Retries, 1, JSON.stringify(status));
      assert.deepEqual(upTargets(lb), [a.url]);
      const dead = status.Targets.find((t) => t.Url === b.url)!;
      assert.equal(dead.Failures, 1);
      assert.ok(dead.LastError);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "a poll of a request id that is no valid percent-encoding is handled, not a 500",
  opts,
  async () => {
    await using lb = await balancer({ "lb.targets": [] });
    const answer = await fetch(`${lb.url}/poll/%E0%A4%A`);
    assert.equal(answer.status, 503, await answer.text());
  },
);
