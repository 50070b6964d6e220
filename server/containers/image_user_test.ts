// Resolving an image's USER to numeric ids (the files are given; docker_test.ts resolves the
// built-in images' named user from their real /etc/passwd).
import assert from "node:assert/strict";
import { needsAccountFiles, resolveImageUser } from "./image_user.ts";

const files = {
  passwd: "root:x:0:0:root:/root:/bin/bash\nexecutor:x:1000:1000::/app:/usr/sbin/nologin\n" +
    "broken:x:abc:1::/:/bin/sh\n",
  group: "root:x:0:\nstaff:x:50:executor\n",
};

Deno.test("USER values resolve to the ids Docker runs the processes with", () => {
  assert.deepEqual(resolveImageUser("", files), { uid: 0, gid: 0 });
  assert.deepEqual(resolveImageUser("executor", files), { uid: 1000, gid: 1000 });
  assert.deepEqual(resolveImageUser("executor:staff", files), { uid: 1000, gid: 50 });
  assert.deepEqual(resolveImageUser("executor:7", files), { uid: 1000, gid: 7 });
  assert.deepEqual(resolveImageUser("1000", files), { uid: 1000, gid: 1000 });
  assert.deepEqual(resolveImageUser("4242", files), { uid: 4242 }, "no passwd entry: no gid");
  assert.deepEqual(resolveImageUser("4242:9", { passwd: "", group: "" }), { uid: 4242, gid: 9 });
});

Deno.test("names the files do not list are reported", () => {
  assert.equal(
    resolveImageUser("nobody", files),
    'its /etc/passwd does not list the user "nobody"',
  );
  assert.equal(
    resolveImageUser("broken", files),
    'its /etc/passwd does not list the user "broken"',
    "an entry without a numeric uid does not count",
  );
  assert.equal(
    resolveImageUser("executor:wheel", files),
    'its /etc/group does not list the group "wheel"',
  );
});

Deno.test("only names need the account files", () => {
  assert.equal(needsAccountFiles(""), false);
  assert.equal(needsAccountFiles("1000:1000"), false);
  assert.equal(needsAccountFiles("executor"), true);
  assert.equal(needsAccountFiles("1000:staff"), true);
});
