/**
 * Asks for the node's access token when the node answers 401/403; the token is kept in this
 * browser (`localStorage`) and sent as `Authorization: Bearer`.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { mutedClass } from "../styles.ts";
import { Button, Field, Input } from "./ui.tsx";

/** The modal token prompt; shown while `open`. */
export function TokenDialog(props: {
  open: boolean;
  /** Whether a token was already given (and refused). */
  refused: boolean;
  onSubmit(token: string): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [token, setToken] = useState("");
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal?.();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="token-title"
      class="w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/60 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100"
      onCancel={(e) => e.preventDefault()}
    >
      <form
        method="dialog"
        class="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) props.onSubmit(token.trim());
        }}
      >
        <h2 id="token-title" class="text-lg font-semibold">This node wants a token</h2>
        <p class={`text-sm ${mutedClass}`}>
          {props.refused
            ? "The node refused the token given. Enter another one."
            : "Enter the access token of this node. It stays in this browser."}
        </p>
        <Field label="Token" for="token-input">
          <Input
            id="token-input"
            type="password"
            autocomplete="current-password"
            value={token}
            autofocus
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </Field>
        <div class="flex justify-end">
          <Button type="submit" variant="primary" disabled={!token.trim()}>Connect</Button>
        </div>
      </form>
    </dialog>
  );
}
