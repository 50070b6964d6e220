// End-to-end tests of the dashboard in real headless Chromium (Debian's `chromium`, driven by
// playwright-core) against real nodes: upload and invoke a function through the page, watch the
// pool, prewarm, delete; and watch an edge node offload to the cloud. Screenshots of each view
// land in test-artifacts/dashboard/.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { newToken } from "../protocol/auth.ts";
import { startEtcd } from "../server/testing/etcd.ts";
import { exampleFunction } from "../server/testing/functions.ts";
import { FAST_CLUSTER, startNodeProcess } from "../server/testing/node_process.ts";
import { postJson } from "../server/testing/post_json.ts";
import { startTestNode } from "../server/testing/test_node.ts";
import { writeTokensFile } from "../server/testing/tokens.ts";
import { openBrowser } from "./testing/browser.ts";
import { unstyledClasses } from "./testing/unstyled.ts";
import { text, until } from "./testing/wait.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const HELLO = new URL("../examples/hello.py", import.meta.url);

async function attribute(page: Page, selector: string, name: string): Promise<string | null> {
  return await page.locator(selector).first().getAttribute(name, { timeout: 1000 }).catch(() =>
    null
  );
}

Deno.test(
  "dashboard: upload a Python function, invoke it, watch the pool, prewarm and delete",
  opts,
  async () => {
    await using node = await startTestNode();
    await using browser = await openBrowser();
    const { page } = browser;

    // Overview: the node's identity, live.
    await page.goto(`${node.url}/`);
    await text(page.getByTestId("node-id"), new RegExp(node.node.services.identity.id));
    await until(
      async () => await attribute(page, '[data-testid="connection"]', "data-mode") === "live",
      "the live feed",
    );
    await text(page.getByTestId("policy"), /default/);
    await text(page.getByTestId("registry"), /embedded/);
    assert.equal(await page.getByTestId("pool-empty").count(), 1);
    assert.equal(await attribute(page, '[data-testid="pool-memory-bar"]', "aria-valuenow"), "0");
    await browser.screenshot("overview-empty");
    const unstyled = new Set(await unstyledClasses(page));

    // Keyboard: the first Tab reaches the skip link, the next ones the views, with a focus ring.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement?.textContent"), "Skip to content");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement?.textContent"), "Functions");
    await browser.screenshot("keyboard-focus");
    await page.keyboard.press("Enter");
    await text(page.locator("h1"), /functions/);

    // Upload examples/hello.py through the file picker.
    await page.getByRole("link", { name: "Functions" }).click();
    await page.getByLabel("Name").fill("hello-e2e");
    await page.getByText("Files", { exact: true }).click();
    await page.locator("#fn-files").setInputFiles({
      name: "hello.py",
      mimeType: "text/x-python",
      buffer: Buffer.from(await Deno.readFile(HELLO)),
    });
    await text(page.getByTestId("picked-files"), /hello\.py/);
    assert.equal(await page.locator("#fn-handler").inputValue(), "hello.handler");
    await page.getByRole("button", { name: "Create function" }).click();
    await text(page.getByTestId("functions-message"), /Created "hello-e2e" \(python311\)/);
    await text(page.getByTestId("function-hello-e2e"), /hello\.handler/);

    // And one typed in the editor (the starter code), with a bad name first.
    await page.getByLabel("Name").fill("bad name");
    await page.getByRole("button", { name: "Create function" }).click();
    await text(page.getByRole("alert"), /Name: 1 to 64 letters/);
    assert.equal(await page.evaluate("document.activeElement?.id"), "fn-name");
    await page.getByLabel("Name").fill("typed-e2e");
    await page.getByRole("button", { name: "Create function" }).click();
    await text(page.getByTestId("functions-message"), /Created "typed-e2e"/);
    await text(page.getByTestId("function-list"), /typed-e2e/);
    // The TypeScript starter code, once the Deno runtime is picked.
    await page.getByLabel("Name").fill("typed-ts-e2e");
    await page.locator("#fn-runtime").selectOption("deno2");
    assert.equal(await page.locator("#fn-handler").inputValue(), "main.ts");
    assert.match(await page.locator("#fn-code").inputValue(), /^export default async/);
    await page.getByRole("button", { name: "Create function" }).click();
    await text(page.getByTestId("functions-message"), /Created "typed-ts-e2e" \(deno2\)/);
    const typedRun = await node.post("/invoke/typed-ts-e2e", { Params: { name: "TS" } });
    assert.equal(typedRun.body.Result, '"Hello, TS!"', JSON.stringify(typedRun.body));
    // And a folder: its files relative to it, the handler proposed from them.
    const folder = await Deno.makeTempDir({ prefix: "dashboard-folder-" });
    await Deno.mkdir(`${folder}/app`);
    await Deno.writeTextFile(`${folder}/app/helper.py`, "def greet(n):\n    return 'Hi ' + n\n");
    await Deno.writeTextFile(
      `${folder}/app/main.py`,
      "from helper import greet\n\ndef handler(params, context):\n    return greet('folder')\n",
    );
    await page.getByLabel("Name").fill("folder-e2e");
    await page.getByText("Folder", { exact: true }).click();
    await page.locator("#fn-files").setInputFiles(`${folder}/app`);
    await text(
      page.getByTestId("picked-files"),
      /helper\.py[\s\S]*main\.py|main\.py[\s\S]*helper\.py/,
    );
    assert.equal(await page.locator("#fn-handler").inputValue(), "main.handler");
    await page.getByRole("button", { name: "Create function" }).click();
    await text(page.getByTestId("functions-message"), /Created "folder-e2e"/);
    await Deno.remove(folder, { recursive: true });
    const folderRun = await node.post("/invoke/folder-e2e", {});
    assert.equal(folderRun.body.Result, '"Hi folder"', JSON.stringify(folderRun.body));
    await browser.screenshot("functions");
    for (const c of await unstyledClasses(page)) unstyled.add(c);

    // Invoke hello-e2e from its list entry: cold first, then warm.
    await page.getByRole("button", { name: "Invoke hello-e2e" }).click();
    await until(async () => await page.locator("#inv-fn").inputValue() === "hello-e2e", "select");
    await page.getByLabel("Parameter 1 name").fill("name");
    await page.getByLabel("Parameter 1 value").fill("Edge");
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    await text(page.getByTestId("invoke-result-value"), /"Hello, Edge!"/, 30_000);
    await text(page.getByTestId("invoke-output"), /Saying hello to Edge/);
    await text(page.getByTestId("invoke-result"), /Cold start/);
    await text(page.getByTestId("invoke-where"), /Ran here/);
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    await text(page.getByTestId("invoke-result"), /Warm start/);
    // Async, with JSON parameters: accepted, polled, reported.
    await page.getByRole("button", { name: "JSON" }).click();
    await page.getByLabel("Parameters as a JSON object").fill('{"name": "Async"}');
    await page.getByLabel("Asynchronous (poll for the report)").check();
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    await text(page.getByTestId("invoke-result-value"), /"Hello, Async!"/);
    await text(page.getByTestId("invoke-result"), /async/);
    assert.equal(await page.getByTestId("invoke-history").locator("li").count(), 3);
    await browser.screenshot("invoke");
    for (const c of await unstyledClasses(page)) unstyled.add(c);

    // The overview shows the warm container, the requests and the pool bar moved.
    await page.getByRole("link", { name: "Overview" }).click();
    const row = '[data-testid="pool-row-hello-e2e"]';
    await until(async () => await attribute(page, row, "data-idle") === "1", "one idle container");
    const percent = Number(
      await attribute(page, '[data-testid="pool-memory-bar"]', "data-percent"),
    );
    assert.ok(percent > 0, `pool bar at ${percent}%`);
    await text(page.getByTestId("activity"), /hello-e2e/);
    await text(page.getByTestId("traffic-total-local"), /^[1-9]/);

    // Prewarm two more from the functions view; the pool bar grows live.
    await page.getByRole("link", { name: "Functions" }).click();
    await page.getByLabel("Containers to prewarm for hello-e2e").fill("2");
    await page.getByRole("button", { name: "Prewarm hello-e2e" }).click();
    await text(page.getByTestId("functions-message"), /Prewarmed 2 container\(s\) of "hello-e2e"/);
    await text(page.getByTestId("function-hello-e2e"), /3 warm/);
    await page.getByRole("link", { name: "Overview" }).click();
    await until(async () => await attribute(page, row, "data-idle") === "3", "three idle");
    const grown = Number(await attribute(page, '[data-testid="pool-memory-bar"]', "data-percent"));
    assert.ok(grown > percent, `pool bar from ${percent}% to ${grown}%`);
    await browser.screenshot("overview");
    for (const c of await unstyledClasses(page)) unstyled.add(c);

    // Dark mode and a phone-sized screen.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForTimeout(300);
    await browser.screenshot("overview-dark");
    for (const c of await unstyledClasses(page)) unstyled.add(c);
    await page.getByRole("link", { name: "Invoke" }).click();
    await browser.screenshot("invoke-dark");
    for (const c of await unstyledClasses(page)) unstyled.add(c);
    await page.getByRole("link", { name: "Functions" }).click();
    await browser.screenshot("functions-dark");
    for (const c of await unstyledClasses(page)) unstyled.add(c);
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("link", { name: "Overview" }).click();
    await page.waitForTimeout(300);
    await browser.screenshot("overview-phone");
    await page.getByRole("link", { name: "Functions" }).click();
    await browser.screenshot("functions-phone");
    await page.getByRole("link", { name: "Invoke" }).click();
    await browser.screenshot("invoke-phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    // Update: new code through the editor; then delete both, confirming.
    await page.getByRole("link", { name: "Functions" }).click();
    await page.getByRole("button", { name: "Update hello-e2e" }).click();
    await page.getByText("Editor", { exact: true }).click();
    await page.locator("#fn-code").fill(
      'def handler(params, context):\n    return "updated"\n',
    );
    await page.getByRole("button", { name: "Update function" }).click();
    await text(page.getByTestId("functions-message"), /Updated "hello-e2e"/);
    await page.getByRole("link", { name: "Invoke" }).click();
    await page.locator("#inv-fn").selectOption("hello-e2e");
    await page.getByLabel("Asynchronous (poll for the report)").uncheck();
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    await text(page.getByTestId("invoke-result-value"), /"updated"/);
    await page.getByRole("link", { name: "Functions" }).click();
    for (const name of ["folder-e2e", "hello-e2e", "typed-e2e", "typed-ts-e2e"]) {
      await page.getByRole("button", { name: `Delete ${name}` }).click();
      await page.getByRole("button", { name: `Confirm delete ${name}` }).click();
      await text(page.getByTestId("functions-message"), new RegExp(`Deleted "${name}"`));
    }
    await text(page.getByTestId("function-list").locator("xpath=.."), /No function yet/);
    await page.getByRole("link", { name: "Overview" }).click();
    await until(async () => await page.locator(row).count() === 0, "the pool row to go");
    assert.deepEqual([...unstyled].sort(), [], "classes without a style");

    assert.deepEqual(browser.errors, []);
  },
);

Deno.test(
  "dashboard: an edge node's offloads to the cloud show in its traffic chart",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const config = {
      "etcd.address": etcd.address,
      ...FAST_CLUSTER,
    };
    await using cloud = await startNodeProcess({
      config: { ...config, cloud: true, "container.pool.memory": 2048 },
    });
    // A request may wait here 1 s at most: the rest of a burst goes to the cloud.
    await using edge = await startNodeProcess({
      config: { ...config, "container.pool.memory": 128, "scheduler.queue.maxwait": 1 },
    });
    const status = async (url: string) => await (await fetch(`${url}/status`)).json();
    await until(
      async () =>
        (await status(edge.url)).Neighbours.some((n: { Id: string; AvailableMemMB: unknown }) =>
          n.Id === cloud.id && n.AvailableMemMB !== null
        ),
      "the edge to see the cloud",
    );
    const create = await postJson(
      `${edge.url}/create`,
      await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 }),
    );
    assert.equal(create.status, 200, await create.text());

    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(`${edge.url}/`);
    await until(
      async () => await attribute(page, '[data-testid="connection"]', "data-mode") === "live",
      "the live feed",
    );
    await text(page.getByTestId(`neighbour-${cloud.id}`), /cloud.*reachable/);
    // Let the chart take a couple of quiet samples first.
    await page.waitForTimeout(2000);

    // A burst the edge cannot hold (2 × 64 MB fit): the rest goes to the cloud.
    const burst = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          postJson(`${edge.url}/invoke/sleepy`, { Params: { seconds: 1 } }).then((r) => r.json()),
      ),
    );
    const offloaded = burst.filter((r) => r.SchedAction === "O").length;
    assert.ok(offloaded >= 1, `offloaded ${offloaded}`);

    const series = `to:${cloud.id}`;
    await text(page.getByTestId(`traffic-total-${series}`), new RegExp(`^${offloaded}$`));
    await text(page.getByTestId(`neighbour-sent-${cloud.id}`), new RegExp(`^${offloaded}$`));
    await text(page.getByTestId(`traffic-since-${series}`), new RegExp(`^${offloaded}$`));
    await text(page.getByTestId("traffic-offloaded"), new RegExp(`${offloaded} to the cloud`));
    await text(page.getByTestId("activity"), new RegExp(`offloaded to ${cloud.id}`));
    // The chart has the cloud's line and its data (requests per second) is non-zero.
    const label = await page.getByTestId("traffic-chart").getAttribute("aria-label");
    assert.match(label ?? "", new RegExp(`To ${cloud.id} ${offloaded}`));
    await page.waitForTimeout(1200);
    await browser.screenshot("offload-edge");

    // The cloud's dashboard counts them as received.
    await page.goto(`${cloud.url}/`);
    await text(page.getByTestId("traffic-since-received"), new RegExp(`^${offloaded}$`));
    await browser.screenshot("offload-cloud");
    assert.deepEqual(browser.errors, []);
  },
);

Deno.test(
  "dashboard: without /events it polls /status; a node that wants a token gets one",
  opts,
  async () => {
    await using node = await startTestNode();
    await using browser = await openBrowser();
    const { page } = browser;
    // Stand-ins for an older node (no event stream) that also wants a token (a later issue):
    // every API call without "Bearer s3cret" gets a 401.
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === "/" || url.pathname.startsWith("/dashboard/")) return route.continue();
      if (route.request().headers()["authorization"] !== "Bearer s3cret") {
        return route.fulfill({ status: 401, json: { Error: "A token is needed" } });
      }
      if (url.pathname === "/events") return route.fulfill({ status: 404, json: { Error: "No" } });
      return route.continue();
    });
    await page.goto(`${node.url}/`);
    const dialog = page.getByRole("dialog", { name: "This node wants a token" });
    await dialog.waitFor();
    await browser.screenshot("token");
    await page.getByLabel("Token", { exact: true }).fill("s3cret");
    await page.getByRole("button", { name: "Connect" }).click();
    await text(page.getByTestId("node-id"), new RegExp(node.node.services.identity.id));
    await until(
      async () => await attribute(page, '[data-testid="connection"]', "data-mode") === "polling",
      "polling mode",
    );
    const first = await page.getByTestId("uptime").textContent();
    await until(
      async () => await page.getByTestId("uptime").textContent() !== first,
      "a newer status",
      10_000,
    );
    assert.equal(await dialog.isVisible(), false);
    // The token is kept: a reload goes straight in.
    await page.reload();
    await text(page.getByTestId("node-id"), new RegExp(node.node.services.identity.id));
    assert.equal(await dialog.isVisible(), false);
    assert.deepEqual(browser.errors.filter((e) => !/401|404/.test(e)), []);
  },
);

Deno.test(
  "dashboard: against a node with tokens it asks for one, streams live with it, and shows refusals",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "dashboard-tokens-" });
    const [admin, reader] = [newToken(), newToken()];
    await writeTokensFile(`${dir}/tokens`, [[admin, "admin"], [reader, "read"]]);
    await using node = await startTestNode({ config: { "auth.tokens.file": `${dir}/tokens` } });
    await using browser = await openBrowser();
    const { page } = browser;
    const sent: string[] = [];
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path === "/events") sent.push(request.headers()["authorization"] ?? "none");
    });

    // No token yet: the page (public) loads and asks for one; a wrong one is refused.
    await page.goto(`${node.url}/`);
    const dialog = page.getByRole("dialog", { name: "This node wants a token" });
    await dialog.waitFor();
    await text(dialog, /Enter the access token of this node/);
    await page.getByLabel("Token", { exact: true }).fill("not-a-token");
    await page.getByRole("button", { name: "Connect" }).click();
    await until(async () => await dialog.isVisible(), "the dialog to come back");
    await text(dialog, /The node refused the token given/);

    // A read token: the overview goes live over /events, which carries the token.
    await page.getByLabel("Token", { exact: true }).fill(reader);
    await page.getByRole("button", { name: "Connect" }).click();
    await text(page.getByTestId("node-id"), new RegExp(node.node.services.identity.id));
    await until(
      async () => await attribute(page, '[data-testid="connection"]', "data-mode") === "live",
      "the live feed",
    );
    assert.equal(await dialog.isVisible(), false);
    assert.ok(sent.includes(`Bearer ${reader}`), JSON.stringify(sent));
    await browser.screenshot("tokens-read");

    // It may look, not deploy: the node's refusal is shown where the action was.
    await page.getByRole("link", { name: "Functions" }).click();
    await page.getByLabel("Name").fill("typed-e2e");
    await page.getByRole("button", { name: "Create function" }).click();
    await text(
      page.locator("#function-form-error"),
      /The token's role "read" may not create functions/,
    );
    assert.deepEqual((await node.get("/function", { authorization: `Bearer ${admin}` })).body, []);

    // An admin token (kept in the browser like any token): create, invoke, watch it live.
    await page.evaluate(
      `localStorage.setItem("serverledge.dashboard.token", ${JSON.stringify(admin)})`,
    );
    await page.reload();
    await until(
      async () => await attribute(page, '[data-testid="connection"]', "data-mode") === "live",
      "the live feed with the admin token",
    );
    await page.getByRole("link", { name: "Functions" }).click();
    await page.getByLabel("Name").fill("typed-e2e");
    await page.getByRole("button", { name: "Create function" }).click();
    await text(page.getByTestId("functions-message"), /Created "typed-e2e"/);
    await page.getByRole("button", { name: "Invoke typed-e2e" }).click();
    await until(async () => await page.locator("#inv-fn").inputValue() === "typed-e2e", "select");
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    await text(page.getByTestId("invoke-where"), /Ran here/, 30_000);
    await page.getByRole("link", { name: "Overview" }).click();
    await text(page.getByTestId("activity"), /typed-e2e/);
    assert.equal(await dialog.isVisible(), false);
    assert.ok(sent.includes(`Bearer ${admin}`), JSON.stringify(sent));
    await browser.screenshot("tokens-admin");
    assert.deepEqual(browser.errors.filter((e) => !/401|403/.test(e)), []);
    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test(
  "dashboard: a function's Signature is shown, and an update through the form keeps it",
  opts,
  async () => {
    await using node = await startTestNode();
    await using browser = await openBrowser();
    const { page } = browser;
    const Signature = {
      Inputs: [{ Name: "name", Type: "Text" }],
      Outputs: [{ Name: "greeting", Type: "Text" }],
    };
    const created = await node.post(
      "/create",
      await exampleFunction("typed-sig", "hello.py", { Signature }),
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));

    await page.goto(`${node.url}/`);
    await page.getByRole("link", { name: "Functions" }).click();
    await text(page.getByTestId("signature-typed-sig"), /\(name: Text\) → \(greeting: Text\)/);
    await page.getByRole("button", { name: "Update typed-sig" }).click();
    await page.getByText("Editor", { exact: true }).click();
    await page.locator("#fn-code").fill('def handler(params, context):\n    return "new"\n');
    await page.getByRole("button", { name: "Update function" }).click();
    await text(page.getByTestId("functions-message"), /Updated "typed-sig"/);
    const details = (await node.get("/function?details=true")).body as Record<string, unknown>[];
    assert.deepEqual(details[0].Signature, Signature, "sent back by the form");
    const run = await node.post("/invoke/typed-sig", {});
    assert.equal(run.body.Result, '"new"', "the update went through");
    assert.deepEqual(browser.errors, []);
  },
);
