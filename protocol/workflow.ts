/**
 * Wire types of workflows: the `/workflow/*` routes' request and answer bodies, compatible with
 * the routes of Serverledge's upstream (`serverledge-faas/serverledge`) where it has them.
 *
 * A workflow is a definition in (a subset of) the Amazon States Language, stored in the registry
 * beside functions; its `Task` states name functions.
 *
 * @module
 */

import type { ExecutionReport } from "./invocation.ts";

/** `POST /workflow/create`. */
export interface WorkflowCreateRequest {
  /** The workflow's name. */
  Name: string;
  /** The ASL definition (a JSON document), base64-encoded. */
  ASLSrc: string;
  /** Replace a workflow of the same name instead of answering 409. @default false */
  OverwriteIfExists?: boolean;
}

/** Answer of `POST /workflow/create`. */
export interface WorkflowCreateAnswer {
  /** The name of the workflow created. */
  Created: string;
}

/** `POST /workflow/delete`. */
export interface WorkflowDeleteRequest {
  /** The workflow's name. */
  Name: string;
}

/** Answer of `POST /workflow/delete`. */
export interface WorkflowDeleteAnswer {
  /** The name of the workflow deleted. */
  Deleted: string;
}

/** The QoS of a workflow invocation, applied to each of its tasks. */
export interface WorkflowQoS {
  /** QoS class (0 low, 1 high performance, 2 high availability). @default 0 */
  Class?: number;
  /** Wanted response time of each task in seconds; 0 or absent: none. */
  MaxRespT?: number;
}

/** `POST /workflow/invoke/<name>`. */
export interface WorkflowInvocationRequest {
  /** The workflow's input. */
  Params?: Record<string, unknown>;
  /** QoS of every task. */
  QoS?: WorkflowQoS;
  /** Whether tasks may be offloaded to other nodes. @default true */
  CanDoOffloading?: boolean;
  /** Answer `{ReqId}` at once and run in the background; poll `GET /poll/<ReqId>`. */
  Async?: boolean;
}

/** A workflow stored in the registry. */
export interface WorkflowRecord {
  /** The workflow's name. */
  Name: string;
  /** The ASL definition as the user gave it (decoded JSON text). */
  Definition: string;
  /** Bumped by every create that overwrites it. */
  Version: number;
}

/**
 * The answer of a workflow invocation (sync, or polled after an async one): `Reports` holds one
 * execution report per executed task, keyed by the task's step (its state's name, with the
 * branch, item and visit it ran in when it is not the first or only one).
 */
export interface WorkflowReport {
  /** Whether the workflow reached a `Succeed` state or an end. */
  Success: boolean;
  /** The final output. */
  Result: unknown;
  /** Seconds from arrival to the final output. */
  ResponseTime: number;
  /** One report per executed task. */
  Reports: Record<string, ExecutionReport>;
  /** When not successful: the ASL error name (`States.TaskFailed`, a `Fail` state's `Error`...). */
  Error?: string;
  /** When not successful: what happened. */
  Cause?: string;
  /** Set when the run was resumed after a node restart: what was resumed and what ran again. */
  Resumed?: string;
}

/**
 * The `workflow` event of `/events`: a step of a workflow run entered or exited (the ASL
 * interpreter's step events, with the run and the node that ran a task's function).
 */
export interface WorkflowStepEvent {
  /** The run's request id. */
  ReqId: string;
  /** The workflow's name. */
  Workflow: string;
  /** The step id (`Name`, `Name#2`, `Par/0/Name`, `Map/3/Name`, `Name@2`...). */
  Step: string;
  /** The state's name. */
  State: string;
  /** The state's type. */
  Type: string;
  /** Entered or exited. */
  Phase: "entered" | "exited";
  /** When (ms since the epoch). */
  Time: number;
  /** The node that ran a task's function. */
  ExecutedOn?: string;
  /** The error the step failed with. */
  Error?: string;
}

/**
 * What the registry keeps of an async workflow run until it finishes (under
 * `["workflow_runs", ReqId]` embedded, `/workflow-run/<ReqId>` in etcd, with the async TTL):
 * enough to replay it after a restart of the node that owns it.
 */
export interface WorkflowRunState {
  /** The run's request id. */
  ReqId: string;
  /** The node running it. */
  Node: string;
  /** The workflow's name. */
  Workflow: string;
  /** The definition it runs (the version at its start), as text. */
  Definition: string;
  /** That definition's version. */
  Version: number;
  /** The request, defaults applied. */
  Request: {
    Params: Record<string, unknown>;
    QoSClass: number;
    QoSMaxRespT: number;
    CanDoOffloading: boolean;
  };
  /** Completed task attempts by step id: the execution report and the output or ASL error. */
  Tasks: Record<string, {
    report: ExecutionReport;
    output?: unknown;
    error?: { error: string; cause: string };
  }>;
  /** Wait deadlines (epoch ms) by wait id. */
  Waits: Record<string, number>;
  /** When the run started (epoch ms). */
  Since: number;
  /** How many times it was resumed. */
  Resumes: number;
}
