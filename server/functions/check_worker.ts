/**
 * The code checker's worker (started by `code_checker.ts`): runs each job it is sent, one after
 * the other, and answers the checked function (its encoded code handed back without a copy)
 * or the error's status and message.
 *
 * @module
 */
import { concatBytes } from "../../protocol/bytes.ts";
import { HttpError } from "../errors.ts";
import { checkDefinitionBody, checkStoredFunction } from "./code_checks.ts";
import type { CheckJob, CheckReply } from "./code_checker.ts";

/** The worker's global scope, as far as this module uses it. */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<CheckJob>) => void) | null;
  postMessage(reply: CheckReply, transfer: Transferable[]): void;
};

let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  queue = queue.then(() => answer(event.data));
};

async function answer(job: CheckJob): Promise<void> {
  try {
    const checked = job.kind === "body"
      ? await checkDefinitionBody(
        job.body.length === 1 ? job.body[0] : concatBytes(job.body),
        job.limits,
      )
      : await checkStoredFunction(job.stored, job.limits);
    const archive = checked.code.archive ? [checked.code.archive.buffer] : [];
    scope.postMessage({ id: job.id, checked }, [checked.code.initBody.buffer, ...archive]);
  } catch (error) {
    const failure = error instanceof HttpError
      ? { status: error.status, message: error.message }
      : { message: error instanceof Error ? error.stack ?? error.message : String(error) };
    scope.postMessage({ id: job.id, failure }, []);
  }
}
