import * as contract from "../../testing/workflow_registry_contract.ts";
import { onNewEtcdRegistry } from "../../testing/registry_fixtures.ts";

Deno.test("EtcdRegistry stores, versions, lists, deletes and watches workflows", () =>
  onNewEtcdRegistry((registry) => contract.assertWorkflowCrud(registry.workflows)));

Deno.test("EtcdRegistry stores durable workflow runs by owner, under a lease", () =>
  onNewEtcdRegistry((registry) => contract.assertWorkflowRuns(registry.workflowRuns)));
