/**
 * A lower confidence bound for the median that assumes nothing about the distribution: the
 * passes of the endpoint bench on a shared VM are bimodal and heavy-tailed (bench/README.md,
 * rounds 13-14), so no normal approximation fits them.
 *
 * Of n independent values, the k-th smallest lies at or below the true median unless fewer than
 * k values do, and the count of values below the median is Binomial(n, 1/2). So the k-th
 * smallest is a one-sided lower bound with confidence 1 - P(Binomial(n, 1/2) < k); the bound
 * taken is the largest k for which that is at least 1 - alpha (the 6th smallest of 20 values,
 * the 8th of 24, at 95 %).
 */
import { binomialDistribution } from "simple-statistics";

/** The rank k (1-based) of the lower bound among n values; 0 when n is too small for one. */
export function medianLowerBoundRank(n: number, alpha = 0.05): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count of values: ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`not a significance level: ${alpha}`);
  if (n === 0) return 0;
  // P(X = x) for x = 0, 1, ...; the library stops once the rest is negligible, which is past
  // the median, so every cell the lower tail needs is there.
  const cells = binomialDistribution(n, 0.5);
  if (cells === undefined) throw new Error(`no binomial distribution for ${n} values`);
  let rank = 0;
  let below = 0; // P(X < rank + 1)
  for (let x = 0; x < n; x++) {
    below += cells[x] ?? 0;
    if (below > alpha) break; // (a tail of Binomial(n, 1/2) is a multiple of 2^-n: never 0.05)
    rank = x + 1;
  }
  return rank;
}

export interface MedianBound {
  /** How many values the bound is over. */
  count: number;
  /** The rank of the value taken as the bound; 0 when there are too few values for one. */
  rank: number;
  /** The bound itself; undefined with too few values. */
  value?: number;
}

/** The one-sided (1 - alpha) lower confidence bound for the median of `values`. */
export function medianLowerBound(values: readonly number[], alpha = 0.05): MedianBound {
  const rank = medianLowerBoundRank(values.length, alpha);
  if (rank === 0) return { count: values.length, rank };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: values.length, rank, value: sorted[rank - 1] };
}
