/**
 * The hook that keeps the dashboard live: the node's latest status, the connection mode, the
 * traffic history and recent requests, from {@linkcode connectLive}.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { NodeApi } from "../lib/api.ts";
import { connectLive, type LiveFeed, type LiveMode } from "../lib/live.ts";
import { TrafficHistory } from "../lib/traffic.ts";
import type { InvocationEvent, NodeStatus } from "../../protocol/status.ts";
import type { WorkflowStepEvent } from "../../protocol/workflow.ts";

/** Recent requests kept for the activity list. */
export const RECENT_EVENTS = 25;

/** What the feed gives the views. */
export interface NodeFeed {
  /** The latest status, once one arrived. */
  status: NodeStatus | undefined;
  /** How the page is connected. */
  mode: LiveMode;
  /** Why it is not live, when it is not. */
  detail: string | undefined;
  /** Offload traffic over the last minutes (mutable; `version` changes when it does). */
  traffic: TrafficHistory;
  /** Recent requests, newest first. */
  events: InvocationEvent[];
  /** Changes whenever the function list may have changed. */
  functionsVersion: number;
  /** Changes on every status. */
  version: number;
  /** Starts the feed over (after a token was given). */
  reconnect(): void;
  /** Calls `listener` with every workflow step event until the answered function is called. */
  onWorkflowStep(listener: (event: WorkflowStepEvent) => void): () => void;
}

/** Subscribes to the node's live feed for the life of the component. */
export function useNodeFeed(api: NodeApi): NodeFeed {
  const [status, setStatus] = useState<NodeStatus | undefined>(undefined);
  const [mode, setMode] = useState<LiveMode>("connecting");
  const [detail, setDetail] = useState<string | undefined>(undefined);
  const [events, setEvents] = useState<InvocationEvent[]>([]);
  const [functionsVersion, setFunctionsVersion] = useState(0);
  const [version, setVersion] = useState(0);
  const traffic = useRef(new TrafficHistory()).current;
  const feed = useRef<LiveFeed | undefined>(undefined);
  const stepListeners = useRef(new Set<(event: WorkflowStepEvent) => void>()).current;

  useEffect(() => {
    let functionCount: number | undefined;
    feed.current = connectLive({
      status(next) {
        traffic.add(next);
        setStatus(next);
        setVersion((v) => v + 1);
        // Polling has no `functions` events: a changed count stands in for them.
        if (functionCount !== undefined && next.Functions !== functionCount) {
          setFunctionsVersion((v) => v + 1);
        }
        functionCount = next.Functions;
      },
      invocation(event) {
        setEvents((list) => [event, ...list].slice(0, RECENT_EVENTS));
      },
      functions() {
        setFunctionsVersion((v) => v + 1);
      },
      workflow(event) {
        for (const listener of stepListeners) listener(event);
      },
      mode(next, why) {
        setMode(next);
        setDetail(why);
      },
    }, { api });
    return () => feed.current?.close();
  }, [api]);

  return {
    status,
    mode,
    detail,
    traffic,
    events,
    functionsVersion,
    version,
    reconnect: () => feed.current?.reconnect(),
    onWorkflowStep(listener) {
      stepListeners.add(listener);
      return () => stepListeners.delete(listener);
    },
  };
}
