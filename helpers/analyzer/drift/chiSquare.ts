/**
 * Pearson chi-square goodness-of-fit p-value, reproducing Spark MLlib `ChiSqTest.chiSquared`
 * on Apache Commons Math 3 (`ChiSquaredDistribution` -> `Gamma.regularizedGammaP/Q`,
 * `ContinuedFraction.evaluate`, `Gamma.logGamma`).
 *
 * Why a port and not any incomplete-gamma routine: the analyzer reports p = 1 - P(df/2, x/2)
 * where P itself is often computed as 1 - Q. For small p this double subtraction decides the
 * last digits (p = 4.3e-8 carries only ~8 correct digits), so matching the spec's vectors to
 * 1e-12 requires the same algorithm, the same constants and the same operation order as Java.
 */

const DEFAULT_EPSILON = 10e-15;
const LANCZOS_G = 607.0 / 128.0;
const LANCZOS = [
  0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
  -0.49191381609762019978, 0.33994649984811888699e-4, 0.46523628927048575665e-4,
  -0.98374475304879564677e-4, 0.15808870322491248884e-3, -0.21026444172410488319e-3,
  0.2174396181152126432e-3, -0.16431810653676389022e-3, 0.84418223983852743293e-4,
  -0.2619083840158140867e-4, 0.36899182659531622704e-5,
];
const HALF_LOG_2_PI = 0.5 * Math.log(2.0 * Math.PI);

// Constants of DGAM1 in the NSWC library, as in Commons Math Gamma.invGamma1pm1.
const A0 = 0.611609510448141581788e-8;
const A1 = 0.62473083011646551621e-8;
const B1 = 0.2036104140668069873;
const B2 = 0.266205348428949217746e-1;
const B3 = 0.493944979382446875238e-3;
const B4 = -0.851419432440314906588e-5;
const B5 = -0.643045481779353022248e-5;
const B6 = 0.992641840672773722196e-6;
const B7 = -0.607761895722825260739e-7;
const B8 = 0.195755836614639731882e-9;
const P0 = 0.6116095104481415817861e-8;
const P1 = 0.6871674113067198736152e-8;
const P2 = 0.682016166849617065791e-9;
const P3 = 0.468684332294884803108e-10;
const P4 = 0.1572833027710446286995e-11;
const P5 = -0.1249441572276366213222e-12;
const P6 = 0.4343529937408594255178e-14;
const Q1 = 0.3056961078365221025009;
const Q2 = 0.5464213086042296536016e-1;
const Q3 = 0.495683009382588731202e-2;
const Q4 = 0.2692369466186361192876e-3;
const C = -0.422784335098467139393487909917598;
const C0 = 0.577215664901532860606512090082402;
const C1 = -0.65587807152025388107701951514539;
const C2 = -0.420026350340952355290039348754298e-1;
const C3 = 0.166538611382291489501700795102105;
const C4 = -0.421977345555443367482083012891874e-1;
const C5 = -0.96219715278769735621149216723482e-2;
const C6 = 0.721894324666309954239501034044657e-2;
const C7 = -0.116516759185906511211397108401839e-2;
const C8 = -0.215241674114950972815729963053648e-3;
const C9 = 0.128050282388116186153198626328164e-3;
const C10 = -0.201348547807882386556893914210218e-4;
const C11 = -0.125049348214267065734535947383309e-5;
const C12 = 0.113302723198169588237412962033074e-5;
const C13 = -0.205633841697760710345015413002057e-6;

/** 1 / Gamma(1 + x) - 1 for -0.5 <= x <= 1.5 (Gamma.invGamma1pm1). */
function invGamma1pm1(x: number): number {
  const t = x <= 0.5 ? x : x - 0.5 - 0.5;
  if (t < 0.0) {
    const a = A0 + t * A1;
    let b = B8;
    b = B7 + t * b;
    b = B6 + t * b;
    b = B5 + t * b;
    b = B4 + t * b;
    b = B3 + t * b;
    b = B2 + t * b;
    b = B1 + t * b;
    b = 1.0 + t * b;
    let c = C13 + t * (a / b);
    c = C12 + t * c;
    c = C11 + t * c;
    c = C10 + t * c;
    c = C9 + t * c;
    c = C8 + t * c;
    c = C7 + t * c;
    c = C6 + t * c;
    c = C5 + t * c;
    c = C4 + t * c;
    c = C3 + t * c;
    c = C2 + t * c;
    c = C1 + t * c;
    c = C + t * c;
    return x > 0.5 ? (t * c) / x : x * (c + 0.5 + 0.5);
  }
  let p = P6;
  p = P5 + t * p;
  p = P4 + t * p;
  p = P3 + t * p;
  p = P2 + t * p;
  p = P1 + t * p;
  p = P0 + t * p;
  let q = Q4;
  q = Q3 + t * q;
  q = Q2 + t * q;
  q = Q1 + t * q;
  q = 1.0 + t * q;
  let c = C13 + (p / q) * t;
  c = C12 + t * c;
  c = C11 + t * c;
  c = C10 + t * c;
  c = C9 + t * c;
  c = C8 + t * c;
  c = C7 + t * c;
  c = C6 + t * c;
  c = C5 + t * c;
  c = C4 + t * c;
  c = C3 + t * c;
  c = C2 + t * c;
  c = C1 + t * c;
  c = C0 + t * c;
  return x > 0.5 ? (t / x) * (c - 0.5 - 0.5) : x * c;
}

function logGamma1p(x: number): number {
  return -Math.log1p(invGamma1pm1(x));
}

function lanczos(x: number): number {
  let sum = 0.0;
  for (let i = LANCZOS.length - 1; i > 0; --i) sum = sum + LANCZOS[i] / (x + i);
  return sum + LANCZOS[0];
}

/** log Gamma(x), Gamma.logGamma. */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x <= 0.0) return NaN;
  if (x < 0.5) return logGamma1p(x) - Math.log(x);
  if (x <= 2.5) return logGamma1p(x - 0.5 - 0.5);
  if (x <= 8.0) {
    const n = Math.floor(x - 1.5);
    let prod = 1.0;
    for (let i = 1; i <= n; i++) prod *= x - i;
    return logGamma1p(x - (n + 1)) + Math.log(prod);
  }
  const sum = lanczos(x);
  const tmp = x + LANCZOS_G + 0.5;
  return (x + 0.5) * Math.log(tmp) - tmp + HALF_LOG_2_PI + Math.log(sum / x);
}

/** Modified Lentz evaluation of the Q(a, x) continued fraction (ContinuedFraction.evaluate). */
function continuedFractionQ(a: number, x: number, epsilon: number): number {
  const small = 1e-50;
  const getA = (n: number): number => 2.0 * n + 1.0 - a + x;
  const getB = (n: number): number => n * (a - n);
  let hPrev = getA(0);
  if (Math.abs(hPrev) <= small) hPrev = small;
  let dPrev = 0.0;
  let cPrev = hPrev;
  let hN = hPrev;
  for (let n = 1; n < 1_000_000; n++) {
    const an = getA(n);
    const bn = getB(n);
    let dN = an + bn * dPrev;
    if (Math.abs(dN) <= small) dN = small;
    let cN = an + bn / cPrev;
    if (Math.abs(cN) <= small) cN = small;
    dN = 1 / dN;
    const deltaN = cN * dN;
    hN = hPrev * deltaN;
    if (!Number.isFinite(hN)) throw new Error(`chi-square: continued fraction diverged at x=${x}`);
    if (Math.abs(deltaN - 1.0) < epsilon) return hN;
    dPrev = dN;
    cPrev = cN;
    hPrev = hN;
  }
  throw new Error(`chi-square: continued fraction did not converge at x=${x}`);
}

/** Regularized lower incomplete gamma P(a, x) (Gamma.regularizedGammaP). */
export function regularizedGammaP(a: number, x: number, epsilon = DEFAULT_EPSILON): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0.0 || x < 0.0) return NaN;
  if (x === 0.0) return 0.0;
  if (x >= a + 1) return 1.0 - regularizedGammaQ(a, x, epsilon);
  let n = 0.0;
  let an = 1.0 / a;
  let sum = an;
  while (Math.abs(an / sum) > epsilon && sum < Infinity) {
    n = n + 1.0;
    an = an * (x / (a + n));
    sum = sum + an;
  }
  if (!Number.isFinite(sum)) return 1.0;
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * sum;
}

/** Regularized upper incomplete gamma Q(a, x) (Gamma.regularizedGammaQ). */
export function regularizedGammaQ(a: number, x: number, epsilon = DEFAULT_EPSILON): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0.0 || x < 0.0) return NaN;
  if (x === 0.0) return 1.0;
  if (x < a + 1.0) return 1.0 - regularizedGammaP(a, x, epsilon);
  const ret = 1.0 / continuedFractionQ(a, x, epsilon);
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * ret;
}

/** ChiSquaredDistribution(df).cumulativeProbability = GammaDistribution(df/2, 2). */
export function chiSquaredCdf(x: number, df: number): number {
  if (x <= 0) return 0;
  return regularizedGammaP(df / 2, x / 2.0);
}

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  degreesOfFreedom: number;
}

/**
 * Spark `ChiSqTest.chiSquared(observed, expected)` (Pearson goodness of fit): expected is
 * rescaled to the observed total unless they already agree within 1e-7.
 */
export function chiSquareGoodnessOfFit(observed: number[], expected: number[]): ChiSquareResult {
  if (observed.length !== expected.length || observed.length < 2) {
    throw new Error(
      `chi-square needs two vectors of the same length >= 2 (got ${observed.length} and ${expected.length})`,
    );
  }
  let obsSum = 0;
  for (const o of observed) obsSum += o;
  let expSum = 0;
  for (const e of expected) expSum += e;
  const scale = Math.abs(obsSum - expSum) < 1e-7 ? 1.0 : obsSum / expSum;
  let statistic = 0.0;
  for (let i = 0; i < observed.length; i++) {
    const obs = observed[i];
    const exp = expected[i];
    if (exp === 0.0) {
      if (obs === 0.0) continue;
      throw new Error(
        "chi-square statistic undefined: an expected count is 0 where the observed is not",
      );
    }
    const dev = obs - exp * scale;
    statistic = statistic + (dev * dev) / (exp * scale);
  }
  const df = observed.length - 1;
  const pValue = 1.0 - chiSquaredCdf(statistic, df);
  return { statistic, pValue, degreesOfFreedom: df };
}
