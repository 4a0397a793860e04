/**
 * Metrics: turn a Profile (analyzer states) into statistics.json (spec §3). Deequ's
 * `ColumnProfiler` step: states -> metrics, no data access.
 */
import { ColumnProfile } from "./profile/column";
import { KLL_SHRINKING_FACTOR, KLL_SKETCH_SIZE, kllBuckets } from "./profile/kll";
import { Profile } from "./profile/profile";
import { CategoricalBucket, FeatureStatistics, InferredType, Statistics } from "./types";

/** Deequ profiles a categorical histogram when a column has at most this many distinct values. */
export const CATEGORICAL_HISTOGRAM_MAX_DISTINCT = 120;

/** Column type as written to the files; Boolean-only columns are written as String [P]. */
export function inferredTypeOf(column: ColumnProfile): InferredType {
  const t = column.type;
  return t === "Boolean" ? "String" : t;
}

export function toStatistics(profile: Profile): Statistics {
  const names = profile.names;
  return {
    version: 0.0,
    dataset: { item_count: profile.itemCount },
    features: profile.columns.map((column, i) =>
      featureStatistics(names[i], column, profile.itemCount),
    ),
  };
}

function featureStatistics(
  name: string,
  column: ColumnProfile,
  itemCount: number,
): FeatureStatistics {
  const inferred = inferredTypeOf(column);
  const common = { num_present: column.present, num_missing: itemCount - column.present };
  if (inferred === "Integral" || inferred === "Fractional") {
    const m = column.moments;
    const data = column.kll.data();
    return {
      name,
      inferred_type: inferred,
      numerical_statistics: {
        common,
        mean: m.mean,
        sum: m.sum,
        std_dev: m.stdDev,
        min: m.min,
        max: m.max,
        distribution: {
          kll: {
            buckets: kllBuckets(data, m.min, m.max),
            sketch: {
              parameters: { c: KLL_SHRINKING_FACTOR, k: KLL_SKETCH_SIZE },
              data,
            },
          },
        },
      },
    };
  }
  const distinct = column.distinct.count();
  const feature: FeatureStatistics = {
    name,
    inferred_type: inferred,
    string_statistics: { common, distinct_count: distinct },
  };
  const entries = column.distinct.entries();
  if (entries && entries.length > 0 && entries.length <= CATEGORICAL_HISTOGRAM_MAX_DISTINCT) {
    feature.string_statistics!.distribution = {
      categorical: { buckets: categoricalBuckets(entries) },
    };
  }
  return feature;
}

/** Histogram order of spec §3.5 [P]: count descending, then value ascending (UTF-16 order). */
export function categoricalBuckets(entries: CategoricalBucket[]): CategoricalBucket[] {
  return entries
    .map((e) => ({ value: e.value, count: e.count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
