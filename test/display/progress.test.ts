import { progressBar, progressText } from "../../helpers/display/progress";
import { CapturedStream, withFakeNotebook } from "./fakeNotebook";

// The automatic mode is under test: an outer WORKSHOP_PROGRESS (e.g. set for a CI run) must not
// decide it.
const outerProgressMode = process.env.WORKSHOP_PROGRESS;
beforeEach(() => {
  delete process.env.WORKSHOP_PROGRESS;
});
afterAll(() => {
  if (outerProgressMode !== undefined) process.env.WORKSHOP_PROGRESS = outerProgressMode;
});

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("progressBar in a notebook", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("updates one output in place: same display_id, update after the first", async () => {
    await withFakeNotebook((outputs) => {
      const clock = manualClock();
      const bar = progressBar({ total: 3, label: "Training", unit: "rounds", now: clock.now });
      expect(bar.mode).toBe("notebook");
      for (let i = 0; i < 3; i++) {
        clock.advance(200);
        bar.tick(1, `round ${i + 1}`);
      }
      bar.done("validation auc 0.78");
      expect(outputs.length).toBe(5); // initial, three ticks (200 ms apart), final
      const ids = new Set(outputs.map((o) => o.message.transient?.display_id));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toMatch(/^[0-9a-f]{16}$/);
      expect(outputs.map((o) => o.update)).toEqual([false, true, true, true, true]);
      const last = outputs[outputs.length - 1].message.data;
      expect(Object.keys(last).sort()).toEqual(["text/html", "text/plain"]);
      expect(last["text/plain"]).toMatch(
        /^Training: 3\/3 rounds \(100%\) · validation auc 0\.78 · done in 0\.6 s$/,
      );
      expect(last["text/html"]).toContain("width: 100.0%");
    });
  });

  it("throttles to ~10 updates a second but always sends the final state", async () => {
    await withFakeNotebook((outputs) => {
      jest.useFakeTimers();
      const clock = manualClock();
      const bar = progressBar({ total: 1000, label: "Traffic", now: clock.now });
      for (let i = 0; i < 1000; i++) {
        clock.advance(1); // 1 s of work in 1 ms steps
        bar.tick();
      }
      // Initial + one per 100 ms.
      expect(outputs.length).toBeLessThanOrEqual(11);
      expect(outputs.length).toBeGreaterThanOrEqual(10);
      bar.done();
      const texts = outputs.map((o) => o.message.data["text/plain"] as string);
      expect(texts[texts.length - 1]).toMatch(/^Traffic: 1,000\/1,000 \(100%\) · done in 1\.0 s$/);
      // Nothing is sent after done, even by a pending timer.
      const count = outputs.length;
      jest.advanceTimersByTime(1000);
      expect(outputs.length).toBe(count);
    });
  });

  it("sends a held-back update once the interval passes, if the work stalls", async () => {
    await withFakeNotebook((outputs) => {
      jest.useFakeTimers();
      const clock = manualClock();
      const bar = progressBar({ total: 10, label: "Hours", now: clock.now });
      clock.advance(10);
      bar.update(4, "hour 4"); // within 100 ms of the first output: held back
      expect(outputs.length).toBe(1);
      clock.advance(100);
      jest.advanceTimersByTime(100);
      expect(outputs.length).toBe(2);
      expect(outputs[1].update).toBe(true);
      expect(outputs[1].message.data["text/plain"]).toMatch(/^Hours: 4\/10 \(40%\) · hour 4 · /);
      bar.done();
    });
  });

  it("ignores updates after done and rejects nonsense amounts", async () => {
    await withFakeNotebook((outputs) => {
      const bar = progressBar({ total: 2, label: "x" });
      bar.done();
      const count = outputs.length;
      bar.tick();
      bar.done();
      expect(outputs.length).toBe(count);
      expect(bar.value).toBe(2);
      expect(() => progressBar({ total: -1, label: "x" })).toThrow(
        /total must be a finite number >= 0/,
      );
      const other = progressBar({ total: 2, label: "y" });
      expect(() => other.update(NaN)).toThrow(/progress value must be a finite number/);
      other.done();
    });
  });
});

describe("progressBar outside a notebook", () => {
  it("writes plain lines at the start, every 10% and at the end when not a TTY", () => {
    const stream = new CapturedStream(false);
    const clock = manualClock();
    const bar = progressBar({ total: 100, label: "Rows", stream, now: clock.now });
    expect(bar.mode).toBe("log");
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      bar.tick();
    }
    bar.done("sent");
    const lines = stream.text.trimEnd().split("\n");
    // 0%, 10%, ..., 100%, and the final line.
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe("Rows: 0/100 (0%) · 0.0 s");
    expect(lines[1]).toBe("Rows: 10/100 (10%) · 0.1 s, about 0.9 s left");
    expect(lines[11]).toBe("Rows: 100/100 (100%) · sent · done in 1.0 s");
  });

  it("draws a cli-progress bar on a TTY and leaves a final summary line", () => {
    const stream = new CapturedStream(true);
    const clock = manualClock();
    const bar = progressBar({ total: 4, label: "Baseline", stream, now: clock.now });
    expect(bar.mode).toBe("tty");
    bar.tick(2, "profiling");
    clock.advance(500);
    bar.done("statistics.json written");
    expect(stream.text).toContain("Baseline [");
    expect(stream.text).toContain("100% | 4/4 | statistics.json written");
    expect(stream.text.trimEnd().split("\n").pop()).toBe(
      "Baseline: 4/4 (100%) · statistics.json written · done in 0.5 s",
    );
  });

  it("treats a total of 0 as nothing to do", () => {
    const stream = new CapturedStream(false);
    const bar = progressBar({ total: 0, label: "Empty", stream, now: () => 0 });
    bar.done();
    expect(stream.text).toBe("Empty: 0/0 (100%) · 0.0 s\nEmpty: 0/0 (100%) · done in 0.0 s\n");
  });
});

describe("progress modes", () => {
  it("can be silenced or chosen through WORKSHOP_PROGRESS", () => {
    const stream = new CapturedStream(true);
    process.env.WORKSHOP_PROGRESS = "silent";
    const quiet = progressBar({ total: 2, label: "Quiet", stream });
    quiet.tick();
    quiet.done();
    expect(quiet.mode).toBe("silent");
    expect(quiet.value).toBe(2);
    expect(stream.text).toBe("");
    process.env.WORKSHOP_PROGRESS = "log";
    const logged = progressBar({ total: 1, label: "Logged", stream, now: () => 0 });
    expect(logged.mode).toBe("log");
    logged.done();
    expect(stream.text).toContain("Logged: 1/1 (100%) · done in 0.0 s");
    process.env.WORKSHOP_PROGRESS = "loud";
    expect(() => progressBar({ total: 1, label: "x", stream })).toThrow(
      /WORKSHOP_PROGRESS=loud is not a progress mode: use notebook, tty, log, silent/,
    );
  });
});

describe("progressText", () => {
  it("estimates the time left from the pace so far", () => {
    expect(
      progressText({ label: "L", value: 25, total: 100, elapsedMs: 30_000, finished: false }),
    ).toBe("L: 25/100 (25%) · 30.0 s, about 1 min 30 s left");
  });
});
