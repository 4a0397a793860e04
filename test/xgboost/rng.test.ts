/** The random generators behind row subsampling (spec §5.10). */
import { Mt19937, sampleRows } from "../../helpers/xgboost/rng";

describe("Mt19937", () => {
  it("matches std::mt19937 (C++ standard: the 10000th output of the default seed is 4123659995)", () => {
    const g = new Mt19937(5489);
    expect(g.next()).toBe(3499211612);
    let v = 0;
    for (let i = 1; i < 10000; i++) v = g.next();
    expect(v).toBe(4123659995);
    expect(new Mt19937(0).next()).toBe(2357136044);
  });
});

describe("sampleRows", () => {
  /** Straight BigInt transcription of linear_congruential_engine + generate_canonical. */
  function reference(seed: number, p: number, n: number): Uint8Array {
    const m = 1n << 63n;
    let x = BigInt(seed) % m;
    if (x === 0n) x = 1n;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x = (x * 16807n) % m;
      const u = Number(x - 1n) / 2 ** 63;
      out[i] = u < p ? 1 : 0;
    }
    return out;
  }

  it.each([0, 1, 2357136044, 4294967295, 123456789])(
    "equals the BigInt reference for seed %d",
    (seed) => {
      const p = Math.fround(0.8);
      const keep = new Uint8Array(5000);
      sampleRows(seed, p, keep);
      expect(Buffer.from(keep).equals(Buffer.from(reference(seed, p, 5000)))).toBe(true);
      const kept = keep.reduce((a, b) => a + b, 0);
      expect(kept).toBeGreaterThan(3800);
      expect(kept).toBeLessThan(4200);
    },
  );
});
