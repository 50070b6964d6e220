// End-to-end test of the dashboard's Workflows view in real headless Chromium against a real
// node with real Python functions: create a workflow through the page (a refused definition
// first, with the node's message), see it drawn, invoke it synchronously and asynchronously and
// see its path marked live, delete it. Screenshots (light, dark, phone) land in
// test-artifacts/dashboard/.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { exampleFunction } from "../server/testing/functions.ts";
import { startTestNode } from "../server/testing/test_node.ts";
import { openBrowser } from "./testing/browser.ts";
import { unstyledClasses } from "./testing/unstyled.ts";
import { text, until } from "./testing/wait.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** Ten states: a task, a choice, a pass, a parallel of two branches (three states), a map
 * (one), a succeed. */
const PIPELINE = {
  Comment: "Double, then fan out when the product is big",
  StartAt: "Double",
  States: {
    Double: { Type: "Task", Resource: "double-wf", ResultPath: "$.double", Next: "Big?" },
    "Big?": {
      Type: "Choice",
      Choices: [{ Variable: "$.double.product", NumericGreaterThan: 10, Next: "Both" }],
      Default: "Small",
    },
    Small: { Type: "Pass", Result: "small", End: true },
    Both: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Nap",
          States: {
            Nap: {
              Type: "Task",
              Resource: "sleep-wf",
              Parameters: { "seconds.$": "$.seconds" },
              End: true,
            },
          },
        },
        {
          StartAt: "Greet",
          States: {
            Greet: {
              Type: "Task",
              Resource: "hello-wf",
              Parameters: { "name.$": "$.who" },
              Next: "Shout",
            },
            Shout: { Type: "Pass", End: true },
          },
        },
      ],
      Next: "Each",
    },
    Each: {
      Type: "Map",
      ItemProcessor: {
        StartAt: "Keep",
        States: { Keep: { Type: "Pass", End: true } },
      },
      Next: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

/** The run status a drawn state shows (`idle`, `running`, `done`, `failed`). */
async function statusOf(page: Page, id: string): Promise<string | null> {
  return await page.locator(`[data-testid="workflow-graph"] [data-node="${id}"]`).first()
    .getAttribute("data-status", { timeout: 1000 }).catch(() => null);
}

async function untilStatus(page: Page, id: string, status: string, ms = 60_000) {
  await until(async () => await statusOf(page, id) === status, `${id} to be ${status}`, ms);
}

Deno.test(
  "dashboard: create a workflow, see it drawn, invoke it and watch its path live",
  opts,
  async () => {
    await using node = await startTestNode();
    for (
      const [name, file] of [["double-wf", "double.py"], ["sleep-wf", "sleep.py"], [
        "hello-wf",
        "hello.py",
      ]]
    ) {
      const created = await node.post("/create", await exampleFunction(name, file));
      assert.equal(created.status, 200, JSON.stringify(created.body));
    }
    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(`${node.url}/`);
    await page.getByRole("link", { name: "Workflows" }).click();
    await text(page.locator("h1"), /workflows/);
    await text(page.getByTestId("workflow-list").locator("xpath=.."), /No workflow yet/);

    // A definition with a transition to nowhere: the preview says why, the node refuses it
    // with its own message naming the state and the field.
    type Editable = { States: Record<string, Record<string, unknown>> };
    const bad: Editable = structuredClone(PIPELINE);
    bad.States.Small.Next = "Nowhere";
    delete bad.States.Small.End;
    await page.getByLabel("Workflow name").fill("pipeline");
    await page.getByLabel("Definition (Amazon States Language, JSON)").fill(JSON.stringify(bad));
    await text(page.getByTestId("wf-preview-status"), /Preview not drawn: .*Small.*Nowhere/);
    await page.getByRole("button", { name: "Create workflow" }).click();
    await text(page.getByTestId("wf-create-error"), /Small.*Nowhere/);
    // And one whose task names no function.
    const unknown: Editable = structuredClone(PIPELINE);
    unknown.States.Double.Resource = "no-such-function";
    await page.getByLabel("Definition (Amazon States Language, JSON)").fill(
      JSON.stringify(unknown),
    );
    await page.getByRole("button", { name: "Create workflow" }).click();
    await text(page.getByTestId("wf-create-error"), /no-such-function/);

    // The real one, pasted: created, listed, drawn with every state, nested ones in their group.
    await page.getByLabel("Definition (Amazon States Language, JSON)").fill(
      JSON.stringify(PIPELINE, null, 2),
    );
    await text(page.getByTestId("wf-preview-status"), /^Preview$/);
    await page.getByRole("button", { name: "Create workflow" }).click();
    await text(page.getByTestId("workflows-message"), /Created "pipeline"/);
    await text(page.getByTestId("workflow-list"), /pipeline/);
    assert.match(page.url(), /#\/workflows\/pipeline$/);
    for (
      const id of [
        "Double",
        "Big?",
        "Small",
        "Both",
        "Both/0/Nap",
        "Both/1/Greet",
        "Both/1/Shout",
        "Each",
        "Each/0/Keep",
        "Done",
      ]
    ) {
      assert.equal(await statusOf(page, id), "idle", id);
    }
    const graph = page.getByTestId("workflow-graph");
    assert.equal(await graph.getAttribute("aria-label"), "States of pipeline");
    await browser.screenshot("workflows");

    // Keyboard: a state is focusable and Enter tells what it is.
    await page.locator('[data-testid="workflow-graph"] [data-node="Double"]').focus();
    await page.keyboard.press("Enter");
    await text(page.getByTestId("workflow-state-detail"), /Double, Task double-wf: not run/);

    // Synchronous, small product: Double then Small; the parallel branch is not taken.
    await page.getByLabel("Parameter 1 name").fill("a");
    await page.getByLabel("Parameter 1 value").fill("2");
    await page.getByRole("button", { name: "Invoke workflow" }).click();
    await text(page.getByTestId("workflow-run-status"), /Succeeded/, 90_000);
    await text(page.getByTestId("workflow-result"), /"small"/);
    await untilStatus(page, "Double", "done");
    await untilStatus(page, "Big?", "done");
    await untilStatus(page, "Small", "done");
    assert.equal(await statusOf(page, "Both"), "idle");
    assert.equal(await statusOf(page, "Done"), "idle");
    const id = node.node.services.identity.id;
    await text(page.getByTestId("workflow-reports"), new RegExp(`Double.*ran here \\(${id}\\)`));
    await text(page.getByTestId("workflow-steps"), new RegExp(`Double.*${id}`));

    // Asynchronous, big product, JSON parameters: the nap is seen running while it runs, then
    // everything on the path done, the untaken branch not.
    await page.getByRole("button", { name: "JSON", exact: true }).click();
    await page.getByLabel("Parameters as a JSON object").fill(
      JSON.stringify({ a: 7, b: 3, seconds: 2, who: "Flow" }),
    );
    await page.getByLabel("Asynchronous (poll for the report)").check();
    await page.getByRole("button", { name: "Invoke workflow" }).click();
    await untilStatus(page, "Both/0/Nap", "running", 90_000);
    await untilStatus(page, "Both", "running", 5_000);
    assert.equal(await statusOf(page, "Double"), "done");
    await browser.screenshot("workflows-running");
    await text(page.getByTestId("workflow-run-status"), /Succeeded/, 90_000);
    for (const state of ["Double", "Big?", "Both", "Both/0/Nap", "Both/1/Greet", "Each", "Done"]) {
      await untilStatus(page, state, "done", 5_000);
    }
    assert.equal(await statusOf(page, "Small"), "idle");
    await text(page.getByTestId("workflow-result"), /Hello, Flow!/);
    await text(page.getByTestId("workflow-run"), /async/);
    await text(page.getByTestId("workflow-reports"), /Both\/0\/Nap/);
    assert.equal(
      await page.locator('[data-testid="workflow-graph"] [data-taken="true"]').count() > 5,
      true,
    );
    await browser.screenshot("workflows-run");
    const unstyled = new Set(await unstyledClasses(page));

    // Dark mode and a phone.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForTimeout(300);
    await browser.screenshot("workflows-dark");
    for (const c of await unstyledClasses(page)) unstyled.add(c);
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await browser.screenshot("workflows-phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    // Delete, confirmed.
    await page.getByRole("button", { name: "Delete pipeline" }).click();
    await page.getByRole("button", { name: "Confirm delete pipeline" }).click();
    await text(page.getByTestId("workflows-message"), /Deleted "pipeline"/);
    await text(page.getByTestId("workflow-list").locator("xpath=.."), /No workflow yet/);
    assert.deepEqual([...unstyled].sort(), [], "classes without a style");
    assert.deepEqual(browser.errors, []);
  },
);
