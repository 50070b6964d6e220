import assert from "node:assert/strict";
import { addEntry, type HistoryEntry, loadHistory, saveHistory, updateEntry } from "./history.ts";

const entry = (id: string): HistoryEntry => ({ id, fn: "f", params: {}, async: false, at: 0 });

Deno.test("addEntry puts the newest first, replaces by id and keeps the limit", () => {
  let list: HistoryEntry[] = [];
  for (const id of ["a", "b", "c", "d"]) list = addEntry(list, entry(id), 3);
  assert.deepEqual(list.map((e) => e.id), ["d", "c", "b"]);
  list = addEntry(list, { ...entry("b"), fn: "g" }, 3);
  assert.deepEqual(list.map((e) => `${e.id}${e.fn}`), ["bg", "df", "cf"]);
  list = updateEntry(list, "d", { error: "boom" });
  assert.equal(list[1].error, "boom");
});

Deno.test("the history survives a round trip through storage and ignores junk", () => {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  };
  saveHistory(storage, [entry("x")]);
  assert.deepEqual(loadHistory(storage), [entry("x")]);
  store.set("serverledge.dashboard.history", "{broken");
  assert.deepEqual(loadHistory(storage), []);
  store.set("serverledge.dashboard.history", '[1, {"id": "y", "fn": "f"}]');
  assert.deepEqual(loadHistory(storage).map((e) => e.id), ["y"]);
  assert.deepEqual(loadHistory(undefined), []);
  saveHistory({
    setItem: () => {
      throw new Error("full");
    },
  }, [entry("z")]);
});
