import * as contract from "../../testing/workflow_registry_contract.ts";
import { onNewEmbeddedRegistry } from "../../testing/registry_fixtures.ts";

Deno.test("EmbeddedRegistry stores, versions, lists, deletes and watches workflows", () =>
  onNewEmbeddedRegistry((registry) => contract.assertWorkflowCrud(registry.workflows)));

Deno.test("EmbeddedRegistry stores durable workflow runs by owner", () =>
  onNewEmbeddedRegistry((registry) => contract.assertWorkflowRuns(registry.workflowRuns)));
