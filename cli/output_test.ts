import assert from "node:assert/strict";
import { Output, type Terminal } from "./output.ts";

function fakeTerminal(interactive: boolean): Terminal & { out: string; err: string } {
  return {
    out: "",
    err: "",
    interactive,
    stdout(text) {
      this.out += text;
    },
    stderr(text) {
      this.err += text;
    },
  };
}

Deno.test("Output prints answers tab-indented, or as one compact line with -json", () => {
  const pretty = fakeTerminal(false);
  new Output(pretty).answer({ Created: "f", Runtime: "python311" });
  assert.equal(pretty.out, '{\n\t"Created": "f",\n\t"Runtime": "python311"\n}\n');
  const raw = fakeTerminal(false);
  new Output(raw, { json: true }).answer({ Created: "f" });
  assert.equal(raw.out, '{"Created":"f"}\n');
});

Deno.test("Output shows progress and hints only on a terminal, warnings always", () => {
  const piped = fakeTerminal(false);
  const quiet = new Output(piped);
  quiet.progress("Waiting");
  quiet.hint("Try this");
  quiet.warn("Careful");
  quiet.endProgress();
  assert.equal(piped.err, "Careful\n");

  const tty = fakeTerminal(true);
  const shown = new Output(tty);
  shown.progress("1 of 2");
  shown.progress("2 of 2");
  shown.answer({ ok: true });
  assert.equal(tty.err, "\r1 of 2\x1b[K\r2 of 2\x1b[K\r\x1b[K");
  assert.equal(tty.out, '{\n\t"ok": true\n}\n');
});
