/**
 * The interpreter: runs a parsed {@linkcode StateMachine} on an input through the
 * {@linkcode RunHooks}, state by state, with the input/output processing, Retry and Catch,
 * Parallel branches and Map items (see `fan_out.ts`), waits and timeouts. Given the same task
 * outcomes it takes the same steps and gives the same output, so a run can be replayed.
 *
 * @module
 */
import { evaluateChoiceRule } from "./choice.ts";
import type {
  ChoiceState,
  FailState,
  MapState,
  ParallelState,
  PassState,
  State,
  StateMachine,
  TaskState,
  WaitState,
} from "./definition.ts";
import {
  type AslErrorValue,
  AslRuntimeError,
  AslTaskError,
  errorValueOf,
  StatesErrors,
} from "./errors.ts";
import { Cancelled, fanOut } from "./fan_out.ts";
import type { RunHooks, RunOutcome } from "./hooks.ts";
import { selectWith, withResult } from "./io.ts";
import type { Json } from "./json.ts";
import { selectPath } from "./json_path.ts";
import { handles, retryDelayMs } from "./retry.ts";
import { applyTemplate, evaluateDynamicValue } from "./templates.ts";

/** State visits a run may make before it fails with `States.Runtime` (a loop without end). */
export const MAX_STATE_VISITS = 100_000;

/**
 * Runs `machine` on `input`. Resolves with the outcome; rejects only when `signal` is aborted
 * (with its reason), so the system can tell a stopped run from a failed one.
 *
 * @example
 * ```ts
 * import { parseStateMachine } from "./parse.ts";
 * import { runStateMachine } from "./run.ts";
 *
 * const machine = parseStateMachine({
 *   StartAt: "Double",
 *   States: { Double: { Type: "Task", Resource: "double", End: true } },
 * });
 * const outcome = await runStateMachine(machine, { n: 2 }, {
 *   runTask: ({ input }) => Promise.resolve({ n: (input as { n: number }).n * 2 }),
 *   wait: () => Promise.resolve(),
 * });
 * console.log(outcome); // { status: "succeeded", output: { n: 4 } }
 * ```
 */
export async function runStateMachine(
  machine: StateMachine,
  input: unknown,
  hooks: RunHooks,
  signal: AbortSignal = new AbortController().signal,
): Promise<RunOutcome> {
  const run = new Run(hooks, (input ?? null) as Json);
  try {
    const output = await withChildController(signal, (controller) => {
      const body = run.machine(machine, run.input, "", controller.signal);
      return machine.timeoutSeconds === undefined
        ? body
        : run.bounded(body, "!timeout", machine.timeoutSeconds, controller);
    });
    return { status: "succeeded", output };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof Cancelled) throw error;
    const { error: name, cause } = errorValueOf(error);
    return { status: "failed", error: name, cause };
  }
}

/** Runs `work` with a controller that `signal` aborts and that is aborted once `work` settles. */
async function withChildController<T>(
  signal: AbortSignal,
  work: (controller: AbortController) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener("abort", abort, { once: true });
  try {
    return await work(controller);
  } finally {
    signal.removeEventListener("abort", abort);
    controller.abort();
  }
}

/** Where a state goes after it ran, with its output; `next` absent: the machine ends. */
interface Transition {
  readonly output: Json;
  readonly next?: string;
}

/** One run: the hooks, the execution's input and start, the visit count. */
class Run {
  readonly now: () => number;
  readonly startTime: string;
  #visits = 0;

  constructor(readonly hooks: RunHooks, readonly input: Json) {
    this.now = hooks.now ? () => hooks.now!() : Date.now;
    this.startTime = new Date(this.now()).toISOString();
  }

  /** The context object (`$$`) of a state. */
  context(state: string, retryCount = 0, item?: { index: number; value: Json }): Json {
    const context: Record<string, Json> = {
      Execution: { Input: this.input, StartTime: this.startTime },
      State: {
        Name: state,
        EnteredTime: new Date(this.now()).toISOString(),
        RetryCount: retryCount,
      },
    };
    if (item) context.Map = { Item: { Index: item.index, Value: item.value } };
    return context;
  }

  /** Runs a machine from its start; `scope` prefixes its step ids. */
  async machine(
    machine: StateMachine,
    input: Json,
    scope: string,
    signal: AbortSignal,
  ): Promise<Json> {
    const visits = new Map<string, number>();
    let name = machine.startAt;
    let value = input;
    for (;;) {
      if (signal.aborted) throw new Cancelled();
      if (++this.#visits > MAX_STATE_VISITS) {
        throw new AslRuntimeError(
          `more than ${MAX_STATE_VISITS} state visits: a loop without end?`,
        );
      }
      const state = machine.states.get(name)!;
      const visit = (visits.get(name) ?? 0) + 1;
      visits.set(name, visit);
      const step = `${scope}${name}${visit > 1 ? `#${visit}` : ""}`;
      this.#emit(step, state, "entered");
      let transition: Transition;
      try {
        transition = await this.#state(state, value, step, signal);
      } catch (error) {
        this.#emit(
          step,
          state,
          "exited",
          error instanceof Cancelled ? undefined : errorValueOf(error),
        );
        throw error;
      }
      this.#emit(step, state, "exited");
      if (transition.next === undefined) return transition.output;
      name = transition.next;
      value = transition.output;
    }
  }

  #emit(step: string, state: State, phase: "entered" | "exited", error?: AslErrorValue) {
    this.hooks.onStep?.({
      step,
      state: state.name,
      type: state.type,
      phase,
      at: this.now(),
      error,
    });
  }

  #state(
    state: State,
    input: Json,
    step: string,
    signal: AbortSignal,
  ): Promise<Transition> | Transition {
    switch (state.type) {
      case "Pass":
        return this.#pass(state, input);
      case "Choice":
        return this.#choice(state, input);
      case "Wait":
        return this.#wait(state, input, step, signal);
      case "Succeed":
        return {
          output: selectWith(
            state.outputPath,
            selectWith(state.inputPath, input, "InputPath"),
            "OutputPath",
          ),
        };
      case "Fail":
        return this.#fail(state, input);
      case "Task":
      case "Parallel":
      case "Map":
        return this.#producing(state, input, step, signal);
    }
  }

  #pass(state: PassState, input: Json): Transition {
    const effective = selectWith(state.inputPath, input, "InputPath");
    const result = state.result !== undefined
      ? state.result
      : state.parameters
      ? applyTemplate(state.parameters, effective, this.context(state.name))
      : effective;
    const output = selectWith(
      state.outputPath,
      withResult(state.resultPath, input, result),
      "OutputPath",
    );
    return { output, next: state.next };
  }

  #choice(state: ChoiceState, input: Json): Transition {
    const effective = selectWith(state.inputPath, input, "InputPath");
    const context = this.context(state.name);
    const match = state.choices.find((c) => evaluateChoiceRule(c.rule, effective, context));
    const next = match?.next ?? state.default;
    if (next === undefined) {
      throw new AslTaskError(
        StatesErrors.NoChoiceMatched,
        `no rule of Choice state "${state.name}" matched`,
      );
    }
    return { output: selectWith(state.outputPath, effective, "OutputPath"), next };
  }

  async #wait(
    state: WaitState,
    input: Json,
    step: string,
    signal: AbortSignal,
  ): Promise<Transition> {
    const effective = selectWith(state.inputPath, input, "InputPath");
    const { wait } = state;
    let until: number;
    if (wait.kind === "seconds") until = this.now() + wait.seconds * 1000;
    else if (wait.kind === "timestamp") until = Date.parse(wait.timestamp);
    else {
      const value = selectPath(wait.path, effective);
      if (wait.kind === "secondsPath") {
        if (!Number.isInteger(value) || (value as number) < 0) {
          throw new AslRuntimeError(
            `"SecondsPath" "${wait.path.source}" is ${JSON.stringify(value)}, not an integer ≥ 0`,
          );
        }
        until = this.now() + (value as number) * 1000;
      } else {
        if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
          throw new AslRuntimeError(
            `"TimestampPath" "${wait.path.source}" is ${JSON.stringify(value)}, not a timestamp`,
          );
        }
        until = Date.parse(value);
      }
    }
    await this.hooks.wait(step, until, signal);
    if (signal.aborted) throw new Cancelled();
    return { output: selectWith(state.outputPath, effective, "OutputPath"), next: state.next };
  }

  #fail(state: FailState, input: Json): never {
    const read = (value: FailState["error"], field: string) => {
      if (value === undefined || typeof value === "string") return value;
      const text = evaluateDynamicValue(value, input, this.context(state.name));
      if (typeof text !== "string") {
        throw new AslRuntimeError(`"${field}" gives ${JSON.stringify(text)}, not a string`);
      }
      return text;
    };
    const error = read(state.error, "ErrorPath") ?? "States.Fail";
    throw new AslTaskError(error, read(state.cause, "CausePath") ?? "");
  }

  /** A Task, Parallel or Map: the attempts with their retries, the result processing, Catch. */
  async #producing(
    state: TaskState | ParallelState | MapState,
    input: Json,
    step: string,
    signal: AbortSignal,
  ): Promise<Transition> {
    try {
      const effective = selectWith(state.inputPath, input, "InputPath");
      let result = await this.#attempts(state, step, signal, (attempt, retryCount) => {
        const context = this.context(state.name, retryCount);
        const payload = state.parameters
          ? applyTemplate(state.parameters, effective, context)
          : effective;
        switch (state.type) {
          case "Task":
            return this.#task(state, payload, attempt, signal);
          case "Parallel":
            return fanOut(
              state.branches.length,
              0,
              signal,
              (i, branchSignal) =>
                this.machine(state.branches[i], payload, `${attempt}/${i}/`, branchSignal),
            );
          case "Map":
            return this.#map(state, payload, attempt, retryCount, signal);
        }
      });
      if (state.resultSelector) {
        result = applyTemplate(state.resultSelector, result, this.context(state.name));
      }
      const output = selectWith(
        state.outputPath,
        withResult(state.resultPath, input, result),
        "OutputPath",
      );
      return { output, next: state.next };
    } catch (error) {
      if (error instanceof Cancelled || signal.aborted) {
        throw error instanceof Cancelled ? error : new Cancelled();
      }
      const value = errorValueOf(error);
      const catcher = state.catch.find((c) => handles(c.errorEquals, value.error));
      if (!catcher) throw error;
      const errorObject = { Error: value.error, Cause: value.cause };
      return {
        output: withResult(catcher.resultPath, input, errorObject, "Catch.ResultPath"),
        next: catcher.next,
      };
    }
  }

  /** Runs `attempt` until it succeeds or no retrier takes its error; waits between attempts. */
  async #attempts(
    state: TaskState | ParallelState | MapState,
    step: string,
    signal: AbortSignal,
    attempt: (attemptStep: string, retryCount: number) => Promise<Json>,
  ): Promise<Json> {
    const retries = state.retry.map(() => 0);
    for (let number = 1;; number++) {
      const attemptStep = number === 1 ? step : `${step}@${number}`;
      try {
        return await attempt(attemptStep, number - 1);
      } catch (error) {
        if (error instanceof Cancelled || signal.aborted) throw error;
        const name = errorValueOf(error).error;
        const index = state.retry.findIndex((r) => handles(r.errorEquals, name));
        const retrier = state.retry[index];
        if (!retrier || retries[index] >= retrier.maxAttempts) throw error;
        retries[index]++;
        const nextStep = `${step}@${number + 1}`;
        const delay = retryDelayMs(retrier, retries[index], nextStep);
        await this.hooks.wait(`${nextStep}!delay`, this.now() + delay, signal);
        if (signal.aborted) throw new Cancelled();
      }
    }
  }

  async #task(state: TaskState, input: Json, step: string, signal: AbortSignal): Promise<Json> {
    try {
      const result = await withChildController(signal, (controller) => {
        const call = this.hooks.runTask({
          step,
          state: state.name,
          resource: state.resource,
          input,
          timeoutSeconds: state.timeoutSeconds,
          signal: controller.signal,
        });
        return state.timeoutSeconds === undefined
          ? call
          : this.bounded(call, `${step}!timeout`, state.timeoutSeconds, controller);
      });
      return (result ?? null) as Json;
    } catch (error) {
      if (signal.aborted) throw new Cancelled();
      throw error;
    }
  }

  async #map(
    state: MapState,
    input: Json,
    step: string,
    retryCount: number,
    signal: AbortSignal,
  ): Promise<Json> {
    const items = state.itemsPath ? selectPath(state.itemsPath, input) : input;
    if (!Array.isArray(items)) {
      const path = state.itemsPath?.source ?? "$";
      throw new AslRuntimeError(
        `"ItemsPath" "${path}" is ${items === undefined ? "missing" : "not an array"}`,
      );
    }
    let limit = state.maxConcurrency;
    if (typeof limit !== "number") {
      const value = selectPath(limit, input);
      if (!Number.isInteger(value) || (value as number) < 0) {
        throw new AslRuntimeError(
          `"MaxConcurrencyPath" "${limit.source}" is ${JSON.stringify(value)}, not an integer ≥ 0`,
        );
      }
      limit = value as number;
    }
    const selector = state.itemSelector;
    const inputs = items.map((value, index) =>
      selector
        ? applyTemplate(selector, input, this.context(state.name, retryCount, { index, value }))
        : value
    );
    return await fanOut(
      inputs.length,
      limit,
      signal,
      (i, itemSignal) => this.machine(state.processor, inputs[i], `${step}/${i}/`, itemSignal),
    );
  }

  /**
   * `work`, or `States.Timeout` once `seconds` have passed (waited through the hook as `step`);
   * on a timeout `controller` is aborted, so the work stops.
   */
  async bounded<T>(
    work: Promise<T>,
    step: string,
    seconds: number,
    controller: AbortController,
  ): Promise<T> {
    const timer = new AbortController();
    const deadline = this.hooks.wait(step, this.now() + seconds * 1000, timer.signal).then(
      () =>
        timer.signal.aborted ? new Promise<never>(() => {}) : Promise.reject(
          new AslTaskError(
            StatesErrors.Timeout,
            `"${
              step.replace(/!timeout$/, "") || "the state machine"
            }" ran longer than ${seconds} s`,
          ),
        ),
      () => new Promise<never>(() => {}),
    );
    work.catch(() => {});
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      if (
        error instanceof AslTaskError && error.error === StatesErrors.Timeout &&
        !timer.signal.aborted
      ) {
        controller.abort();
      }
      throw error;
    } finally {
      timer.abort();
    }
  }
}
