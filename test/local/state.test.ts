/**
 * Workspace state: resource documents, atomic writes, the one-writer lock, credentials, the
 * virtual clock, and attaching to a running emulator.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VirtualClock, parseDuration } from "../../helpers/local/clock";
import { loadOrCreateCredentials } from "../../helpers/local/credentials";
import { attachOrStartLocalAws, findRunningLocalAws, startLocalAws } from "../../helpers/local";
import {
  FileStateStore,
  LOCK_FILE,
  WorkspaceLock,
  WorkspaceLockedError,
  writeFileAtomic,
} from "../../helpers/local/state";

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-state-test-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("FileStateStore", () => {
  test("put, get, list, delete, and a new store reloads what was written", () => {
    const store = new FileStateStore(dir);
    store.put("training-job", "job-1", {
      name: "job-1",
      status: "InProgress",
      at: new Date("2024-01-01T00:00:00Z"),
    });
    store.put("training-job", "job-2", { name: "job-2", status: "Completed" });
    store.put("model", "m", { name: "m" });
    expect(store.get("training-job", "job-1")).toEqual({
      name: "job-1",
      status: "InProgress",
      at: "2024-01-01T00:00:00.000Z",
    });
    expect(
      store
        .list<{ name: string }>("training-job")
        .map((d) => d.name)
        .sort(),
    ).toEqual(["job-1", "job-2"]);
    expect(store.delete("training-job", "job-2")).toBe(true);
    expect(store.delete("training-job", "job-2")).toBe(false);

    const reopened = new FileStateStore(dir);
    expect(reopened.list("training-job")).toEqual([
      { name: "job-1", status: "InProgress", at: "2024-01-01T00:00:00.000Z" },
    ]);
    expect(reopened.get("model", "m")).toEqual({ name: "m" });
    expect(reopened.get("model", "missing")).toBeUndefined();
  });

  test("documents are copies: mutating a result does not change the store", () => {
    const store = new FileStateStore(dir);
    store.put("k", "a", { list: [1] });
    store.get<{ list: number[] }>("k", "a")!.list.push(2);
    expect(store.get("k", "a")).toEqual({ list: [1] });
  });

  test("names cannot escape the kind folder", () => {
    // The store two folders down in this test's own temp folder, so that an escape by
    // "../../" would land in a folder only this test writes to (the shared temp folder holds
    // other tests' files, some with "outside" in their names).
    const root = path.join(dir, "one", "two");
    const store = new FileStateStore(root);
    store.put("k", "../../outside", { evil: true });
    store.put("k", "a/b", { nested: true });
    for (const folder of [dir, path.join(dir, "one"), root]) {
      expect(fs.readdirSync(folder).filter((name) => name.includes("outside"))).toEqual([]);
    }
    expect(fs.readdirSync(path.join(root, "k")).sort()).toEqual([
      "%2E%2E%2F%2E%2E%2Foutside.json",
      "a%2Fb.json",
    ]);
    expect(new FileStateStore(root).get("k", "../../outside")).toEqual({ evil: true });
    expect(() => store.put("../kind", "x", {})).toThrow(/Invalid state kind/);
  });

  test("leftover temp files of a crash are removed, and a corrupt document is reported by path", () => {
    fs.mkdirSync(path.join(dir, "k"));
    fs.writeFileSync(path.join(dir, "k", ".tmp-123-abc-x.json"), "{half");
    fs.writeFileSync(path.join(dir, "k", "x.json"), '{"ok":1}');
    expect(new FileStateStore(dir).list("k")).toEqual([{ ok: 1 }]);
    expect(fs.readdirSync(path.join(dir, "k"))).toEqual(["x.json"]);
    fs.writeFileSync(path.join(dir, "k", "y.json"), "{broken");
    expect(() => new FileStateStore(dir)).toThrow(/k\/y\.json is not valid JSON.*fix or delete it/);
  });
});

describe("writeFileAtomic", () => {
  test("replaces the file in one step and leaves no temp file", () => {
    const target = path.join(dir, "sub", "doc.json");
    writeFileAtomic(target, "first");
    writeFileAtomic(target, "second", { mode: 0o600 });
    expect(fs.readFileSync(target, "utf8")).toBe("second");
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(target))).toEqual(["doc.json"]);
  });
});

describe("WorkspaceLock", () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  test("one holder at a time; release frees it", () => {
    const lock = WorkspaceLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    expect(() => WorkspaceLock.acquire(dir)).toThrow(WorkspaceLockedError);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    WorkspaceLock.acquire(dir).release();
  });

  test("a lock held by a live process is refused with its pid", async () => {
    child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    await new Promise((resolve) => child!.once("spawn", resolve));
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: child.pid, acquiredAt: new Date().toISOString() }),
    );
    expect(() => WorkspaceLock.acquire(dir)).toThrow(new RegExp(`in process ${child.pid}`));
  });

  test("a stale lock (its process is gone) is taken over", async () => {
    const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.once("exit", resolve));
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid, acquiredAt: "2020-01-01T00:00:00Z" }),
    );
    const lock = WorkspaceLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });
});

describe("credentials", () => {
  test("generated once with 0600 permissions, then reused; widened permissions are narrowed", () => {
    const first = loadOrCreateCredentials(dir);
    expect(first.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.secretAccessKey).toHaveLength(40);
    const file = path.join(dir, "credentials.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateCredentials(dir)).toEqual(first);
    fs.chmodSync(file, 0o644);
    loadOrCreateCredentials(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateCredentials(fs.mkdtempSync(path.join(dir, "other-")))).not.toEqual(first);
  });
});

describe("VirtualClock", () => {
  test("parseDuration reads ISO 8601 and short forms", () => {
    expect(parseDuration("PT1H")).toBe(3_600_000);
    expect(parseDuration("P1D")).toBe(86_400_000);
    expect(parseDuration("P1DT12H")).toBe(129_600_000);
    expect(parseDuration("PT30M")).toBe(1_800_000);
    expect(parseDuration("PT0.5S")).toBe(500);
    expect(parseDuration("P1W")).toBe(604_800_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("2d")).toBe(172_800_000);
    for (const bad of ["", "P", "PT", "P1M", "1 hour", "h", "-1h"]) {
      expect(() => parseDuration(bad)).toThrow(/Cannot parse duration/);
    }
  });

  test("real time by default; set and advance keep time flowing from the new point", async () => {
    let real = Date.parse("2026-01-01T00:00:00Z");
    const clock = new VirtualClock(undefined, () => real);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(clock.isVirtual()).toBe(false);
    await clock.advance("PT2H");
    expect(clock.now().toISOString()).toBe("2026-01-01T02:00:00.000Z");
    real += 5000;
    expect(clock.now().toISOString()).toBe("2026-01-01T02:00:05.000Z");
    await clock.set(new Date("2030-06-01T12:00:00Z"));
    expect(clock.now().toISOString()).toBe("2030-06-01T12:00:00.000Z");
    await expect(clock.advance(-1)).rejects.toThrow(/non-negative/);
    await expect(clock.set(new Date("nonsense"))).rejects.toThrow(/Invalid date/);
    clock.reset();
    expect(clock.now().getTime()).toBe(real);
  });

  test("listeners see every forward move in order and are awaited; backward moves notify nobody", async () => {
    const real = Date.parse("2026-01-01T00:00:00Z");
    const clock = new VirtualClock(undefined, () => real);
    const moves: string[] = [];
    const stop = clock.onAdvance(async ({ from, to }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      moves.push(`${from.toISOString()}>${to.toISOString()}`);
    });
    await Promise.all([clock.advance("1h"), clock.advance("1h")]);
    expect(moves).toEqual([
      "2026-01-01T00:00:00.000Z>2026-01-01T01:00:00.000Z",
      "2026-01-01T01:00:00.000Z>2026-01-01T02:00:00.000Z",
    ]);
    await clock.set(new Date("2025-01-01T00:00:00Z"));
    expect(moves).toHaveLength(2);
    stop();
    await clock.advance("1h");
    expect(moves).toHaveLength(2);
  });

  test("the offset is persisted, so a new clock on the same file keeps the virtual time", async () => {
    const file = path.join(dir, "clock.json");
    const clock = new VirtualClock(file);
    await clock.advance("P3D");
    const reopened = new VirtualClock(file);
    expect(Math.abs(reopened.now().getTime() - (Date.now() + 3 * 86_400_000))).toBeLessThan(5000);
    fs.writeFileSync(file, "{}");
    expect(() => new VirtualClock(file)).toThrow(/not a valid clock file/);
  });
});

describe("emulator lifecycle", () => {
  test("emulator.json while running, one emulator per workspace, attach instead of a second one, clock kept across restarts", async () => {
    const first = await startLocalAws({ workspace: dir, log: () => undefined });
    try {
      const file = JSON.parse(fs.readFileSync(path.join(dir, "emulator.json"), "utf8"));
      expect(file).toMatchObject({ pid: process.pid, endpoint: first.endpoint });
      await expect(startLocalAws({ workspace: dir })).rejects.toThrow(WorkspaceLockedError);
      const running = await findRunningLocalAws(dir);
      expect(running?.endpoint).toBe(first.endpoint);
      const attached = await attachOrStartLocalAws(dir);
      expect(attached.attached).toBe(true);
      expect(attached.endpoint).toBe(first.endpoint);
      expect(attached.credentials).toEqual(first.credentials);
      await attached.stop(); // leaves the owner's emulator running
      expect(await findRunningLocalAws(dir)).toBeDefined();
      await first.clock.advance("PT5H");
    } finally {
      await first.stop();
    }
    expect(fs.existsSync(path.join(dir, "emulator.json"))).toBe(false);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(await findRunningLocalAws(dir)).toBeUndefined();

    const second = await attachOrStartLocalAws(dir, { log: () => undefined });
    try {
      expect(second.attached).toBe(false);
      expect(second.credentials).toEqual(loadOrCreateCredentials(dir));
      const offset = second.local!.clock.now().getTime() - Date.now();
      expect(Math.abs(offset - 5 * 3_600_000)).toBeLessThan(5000);
    } finally {
      await second.stop();
    }
  });

  test("an emulator.json left by a dead process is ignored and replaced", async () => {
    fs.writeFileSync(
      path.join(dir, "emulator.json"),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        endpoint: "http://127.0.0.1:1",
        region: "us-east-1",
        accountId: "0",
        startedAt: "",
      }),
    );
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 2 ** 22 + 12345, acquiredAt: "" }),
    );
    const connection = await attachOrStartLocalAws(dir, { log: () => undefined });
    try {
      expect(connection.attached).toBe(false);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "emulator.json"), "utf8")).pid).toBe(
        process.pid,
      );
    } finally {
      await connection.stop();
    }
  });
});
