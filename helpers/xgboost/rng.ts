/**
 * The two random generators XGBoost 1.7.4 uses for row subsampling, reproduced bit for bit
 * (spec §5.10): libstdc++'s `std::mt19937` (XGBoost's `common::GlobalRandom()`, src/common/random.h)
 * and the `linear_congruential_engine<uint64_t, 16807, 0, 2^63>` of
 * `QuantileHistMaker::Builder::InitSampling` (src/tree/updater_quantile_hist.cc), read through
 * `std::bernoulli_distribution` (libstdc++ `generate_canonical<double>`).
 */

/** std::mt19937 (32-bit Mersenne Twister, default tempering), seeded like `mt19937::seed(s)`. */
export class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next 32-bit output as an unsigned number. */
  next(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        let v = mt[(i + 397) % 624] ^ (y >>> 1);
        if (y & 1) v ^= 0x9908b0df;
        mt[i] = v >>> 0;
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
const TWO_63 = 9223372036854775808;
const MULTIPLIER = 16807;
// Multiplying by a power of two is exact, and cheaper than dividing.
const INV_TWO_32 = 1 / TWO_32;

/**
 * Marks the rows a tree keeps: row i keeps iff `u_i < double(subsample)` with u_i from the
 * (i+1)-th draw of the 2^63-modulus LCG seeded with `initialSeed` (one mt19937 draw per tree).
 * Logistic and squared-error hessians are never negative, so every row consumes one draw.
 * The 63-bit state is kept as two exact doubles (hi 31 bits, lo 32 bits) instead of BigInt.
 */
export function sampleRows(initialSeed: number, subsample: number, keep: Uint8Array): void {
  // linear_congruential_engine::seed: s mod m, and 0 becomes 1 (increment is 0).
  let hi = Math.floor(initialSeed / TWO_32) % TWO_31;
  let lo = initialSeed % TWO_32;
  if (hi === 0 && lo === 0) lo = 1;
  // u = double(x - 1) / 2^63 < p  <=>  double(x - 1) < p * 2^63 (both scalings are exact).
  // p is the float32 parameter widened to double (spec §5.10).
  const limit = subsample * TWO_63;
  const n = keep.length;
  for (let i = 0; i < n; i++) {
    // x * 16807 mod 2^63 with x = hi * 2^32 + lo: the low word by 32-bit integer multiply, its
    // carry from the exact double product, the high word's low 31 bits by integer multiply.
    const newLo = Math.imul(lo, MULTIPLIER) >>> 0;
    const carry = (lo * MULTIPLIER - newLo) * INV_TWO_32;
    hi = (Math.imul(hi, MULTIPLIER) + carry) & 0x7fffffff;
    lo = newLo;
    // generate_canonical<double>: double(x - min) / double(2^63 - 1), where the divisor rounds
    // to 2^63; hi * 2^32 + (lo - 1) is one correctly rounded addition of exact doubles.
    keep[i] = hi * TWO_32 + (lo - 1) < limit ? 1 : 0;
  }
}
