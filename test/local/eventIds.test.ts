/**
 * Capture event ids written into record bytes (eventIds.ts): version 4 UUIDs as
 * crypto.randomUUID formats them, fresh across the writer's refills of random bytes, written
 * exactly where asked.
 */
import { EVENT_ID_LENGTH, EventIdWriter } from "../../helpers/local/runtime/capture/eventIds";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("ids are random version 4 UUIDs, unique across many refills", () => {
  const writer = new EventIdWriter();
  const out = Buffer.alloc(EVENT_ID_LENGTH);
  const seen = new Set<string>();
  const digits = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    expect(writer.write(out, 0)).toBe(EVENT_ID_LENGTH);
    const id = out.toString("latin1");
    expect(id).toMatch(UUID_V4);
    seen.add(id);
    // The 30 digits that are neither dashes nor the fixed version and variant ones.
    const free = id.replace(/-/g, "").split("");
    free.splice(16, 1);
    free.splice(12, 1);
    for (const d of free) digits.set(d, (digits.get(d) ?? 0) + 1);
  }
  expect(seen.size).toBe(10_000);
  // 300,000 random hex digits: each of the 16 about 18,750 times (a stuck or biased source fails).
  expect(digits.size).toBe(16);
  for (const count of digits.values()) expect(Math.abs(count - 18_750)).toBeLessThan(1_000);
});

test("an id is written at the offset asked, and nothing around it changes", () => {
  const out = Buffer.alloc(EVENT_ID_LENGTH + 10, 0x78);
  expect(new EventIdWriter().write(out, 5)).toBe(5 + EVENT_ID_LENGTH);
  expect(out.subarray(0, 5).toString()).toBe("xxxxx");
  expect(out.subarray(5, 5 + EVENT_ID_LENGTH).toString()).toMatch(UUID_V4);
  expect(out.subarray(5 + EVENT_ID_LENGTH).toString()).toBe("xxxxx");
});
