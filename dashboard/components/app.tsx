/**
 * The dashboard: the live feed, the function list and runtimes, the current view (from the
 * location hash: overview, functions, invoke, workflows), and the token prompt.
 *
 * @module
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError } from "../../protocol/error.ts";
import { NodeApi } from "../lib/api.ts";
import type { FunctionInfo, RuntimeInfo } from "../../protocol/function.ts";
import { mutedClass } from "../styles.ts";
import { FunctionsView } from "./functions_view.tsx";
import { Header, type View, viewFromHash } from "./header.tsx";
import { InvokeView } from "./invoke_view.tsx";
import { OverviewView } from "./overview_view.tsx";
import { TokenDialog } from "./token_dialog.tsx";
import { useDarkMode } from "./use_dark_mode.ts";
import { useNodeFeed } from "./use_node_feed.ts";
import { graphOfDefinition } from "../lib/workflow_definition.ts";
import { WorkflowsView } from "./workflows_view.tsx";

const TOKEN_KEY = "serverledge.dashboard.token";

/** Runtimes offered when the node has no `/runtimes` (an older node). */
export const FALLBACK_RUNTIMES: RuntimeInfo[] = [
  {
    Name: "python311",
    Aliases: ["python310"],
    Language: "Python 3.11",
    HandlerFormat: "<module>.<function>, e.g. hello.handler",
    Concurrent: true,
  },
  {
    Name: "nodejs18",
    Aliases: ["nodejs17"],
    Language: "Node.js 18",
    HandlerFormat: "<file>.js, e.g. sieve.js",
    Concurrent: true,
  },
  {
    Name: "custom",
    Aliases: [],
    Language: "Custom image",
    HandlerFormat: "any text, passed to the image's executor",
    Concurrent: true,
  },
];

function readToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The whole dashboard. */
export function App() {
  const token = useRef<string | undefined>(readToken());
  const api = useMemo(() => new NodeApi({ token: () => token.current }), []);
  const feed = useNodeFeed(api);
  const dark = useDarkMode();
  const [route, setRoute] = useState(() => viewFromHash(location.hash));
  const [functions, setFunctions] = useState<FunctionInfo[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [runtimes, setRuntimes] = useState<RuntimeInfo[]>(FALLBACK_RUNTIMES);
  const [needToken, setNeedToken] = useState(false);
  const main = useRef<HTMLElement>(null);

  const guard = useCallback((error: unknown): string => {
    if (error instanceof ApiError && error.unauthorized) setNeedToken(true);
    return (error as Error).message;
  }, []);

  const loadFunctions = useCallback(() => {
    api.functions().then((list) => {
      setFunctions(list);
      setLoadError(undefined);
    }, (error) => setLoadError(`Cannot list functions: ${guard(error)}`));
  }, [api]);

  useEffect(loadFunctions, [feed.functionsVersion]);
  useEffect(() => {
    api.runtimes().then((list) => list.length > 0 && setRuntimes(list), guard);
  }, [api, needToken]);
  useEffect(() => {
    if (feed.mode === "unauthorized") setNeedToken(true);
  }, [feed.mode]);
  useEffect(() => {
    const change = () => {
      setRoute(viewFromHash(location.hash));
      main.current?.focus({ preventScroll: true });
    };
    addEventListener("hashchange", change);
    return () => removeEventListener("hashchange", change);
  }, []);

  const go = (view: View, fn?: string) => {
    location.hash = `#/${view}${fn ? `/${encodeURIComponent(fn)}` : ""}`;
  };

  return (
    <div class="min-h-screen">
      <a
        href="#main"
        class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-20 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-800"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <Header status={feed.status} mode={feed.mode} detail={feed.detail} view={route.view} />
      <main
        id="main"
        ref={main}
        tabIndex={-1}
        class="mx-auto max-w-7xl px-4 py-4 outline-none sm:px-6 sm:py-6"
      >
        <h1 class="sr-only">
          Serverledge node {feed.status?.Id ?? ""}: {route.view}
        </h1>
        {feed.mode === "offline" && (
          <p
            role="alert"
            class="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
          >
            The node does not answer; retrying. Figures below are the last ones received.
          </p>
        )}
        {route.view === "overview" && <OverviewView feed={feed} dark={dark} />}
        {route.view === "functions" && (
          <FunctionsView
            api={api}
            functions={functions}
            loadError={loadError}
            pool={feed.status?.Pool}
            runtimes={runtimes}
            onChanged={loadFunctions}
            onInvoke={(name) => go("invoke", name)}
          />
        )}
        {route.view === "invoke" && (
          <InvokeView
            api={api}
            functions={(functions ?? []).map((f) => f.Name)}
            selected={route.fn}
            self={feed.status?.Id}
          />
        )}
        {route.view === "workflows" && (
          <WorkflowsView
            api={api}
            selected={route.fn}
            self={feed.status?.Id}
            toGraph={graphOfDefinition}
            onWorkflowStep={feed.onWorkflowStep}
            onSelect={(name) => go("workflows", name)}
            guard={guard}
          />
        )}
        <footer class={`mt-8 text-center text-xs ${mutedClass}`}>
          Serverledge on Deno · <a class="underline" href="/metrics">metrics</a> ·{" "}
          <a class="underline" href="/status">status JSON</a>
        </footer>
      </main>
      <TokenDialog
        open={needToken}
        refused={token.current !== undefined}
        onSubmit={(value) => {
          token.current = value;
          try {
            localStorage.setItem(TOKEN_KEY, value);
          } catch {
            // kept for this page only
          }
          setNeedToken(false);
          feed.reconnect();
          loadFunctions();
        }}
      />
    </div>
  );
}
