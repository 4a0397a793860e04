/**
 * Per-feature drift between a baseline and a window (spec §7) and the CloudWatch-style metric
 * values the analyzer publishes (spec §9). Every baseline feature gets an entry, violating or
 * not, because the notebooks chart distance and means over time.
 */
import {
  categoricalChiSquare,
  categoricalLInfinityDistance,
  numericalDistance,
} from "../drift/distance";
import {
  CloudWatchMetric,
  Constraints,
  DriftReport,
  FeatureConstraints,
  FeatureDrift,
  FeatureStatistics,
  Statistics,
} from "../types";
import { effectiveConfig } from "./config";
import { CurrentData, classCountsFromStatistics, normalizeCurrent } from "./current";

function categoricalCounts(f: FeatureStatistics | undefined): Map<string, number> | undefined {
  const buckets = f?.string_statistics?.distribution?.categorical?.buckets;
  if (!buckets || buckets.length === 0) return undefined;
  return new Map(buckets.map((b) => [b.value, b.count]));
}

function kllData(f: FeatureStatistics | undefined): number[][] | undefined {
  const data = f?.numerical_statistics?.distribution?.kll?.sketch?.data;
  if (!data || data.every((level) => level.length === 0)) return undefined;
  return data;
}

/** Constraints of the feature at `index`: by name first, by position as a fallback. */
export function constraintFor(
  constraints: Constraints | undefined,
  name: string,
  index: number,
): FeatureConstraints | undefined {
  if (!constraints) return undefined;
  return constraints.features.find((f) => f.name === name) ?? constraints.features[index];
}

export function featureDrift(
  baseline: FeatureStatistics,
  current: FeatureStatistics | undefined,
  constraints: Constraints | undefined,
  index: number,
): FeatureDrift {
  const config = effectiveConfig(
    constraints?.monitoring_config,
    constraintFor(constraints, baseline.name, index),
  );
  const numeric = baseline.inferred_type === "Integral" || baseline.inferred_type === "Fractional";
  const out: FeatureDrift = {
    name: baseline.name,
    inferred_type: baseline.inferred_type,
    kind: numeric ? "numerical" : "categorical",
    distance: null,
    threshold: numeric ? config.comparisonThreshold : config.categoricalComparisonThreshold,
    method: numeric
      ? config.comparisonMethod
      : config.categoricalDriftMethod === "ChiSquared"
        ? "ChiSquared"
        : config.comparisonMethod,
    violates: false,
    currentMean: current?.numerical_statistics?.mean ?? null,
    baselineMean: baseline.numerical_statistics?.mean ?? null,
  };
  if (!current) {
    out.note = "the column is missing from the current data";
    return out;
  }
  if (numeric) {
    const b = kllData(baseline);
    const c = kllData(current);
    if (!b) out.note = "the baseline has no KLL sketch for this feature";
    else if (!c)
      out.note = `the current data has no numeric values (inferred ${current.inferred_type})`;
    else out.distance = numericalDistance(c, b, config.comparisonMethod);
  } else {
    const b = categoricalCounts(baseline);
    const c = categoricalCounts(current);
    if (!b) out.note = "the baseline has no categorical distribution for this feature";
    else if (!c)
      out.note =
        "the current data has no categorical distribution (too many distinct values or none)";
    else if (config.categoricalDriftMethod === "ChiSquared")
      out.distance = categoricalChiSquare(c, b).pValue;
    else out.distance = categoricalLInfinityDistance(c, b, config.comparisonMethod);
  }
  if (out.distance !== null && Number.isNaN(out.distance)) {
    out.note = "the distance is undefined (NaN) for these distributions";
  }
  if (out.distance !== null && !Number.isNaN(out.distance) && config.performComparison) {
    // [P] Not confirmed 9/13: distances violate when d > t; a chi-square p-value when p < t.
    out.violates =
      out.method === "ChiSquared" ? out.distance < out.threshold : out.distance > out.threshold;
  }
  if (!config.performComparison) out.note = "perform_comparison is Disabled";
  return out;
}

/**
 * Drift of every baseline feature against the current window, matched by position (spec §5),
 * plus the CloudWatch metric values of spec §9 (empty when emit_metrics is Disabled).
 */
export function driftReport(
  baselineStatistics: Statistics,
  current: CurrentData | Statistics,
  constraints?: Constraints,
): DriftReport {
  const cur = normalizeCurrent(current);
  const features = baselineStatistics.features.map((b, i) =>
    featureDrift(b, cur.statistics.features[i], constraints, i),
  );
  const emit = effectiveConfig(constraints?.monitoring_config).emitMetrics;
  return { features, metrics: emit ? cloudWatchMetrics(cur, features) : [] };
}

/** Metric values per current feature (spec §9 names; value choices are the [P] defaults). */
export function cloudWatchMetrics(current: CurrentData, drift: FeatureDrift[]): CloudWatchMetric[] {
  const out: CloudWatchMetric[] = [];
  const stats = current.statistics;
  stats.features.forEach((f, i) => {
    const name = f.name;
    const d = drift[i];
    if (d && d.distance !== null && !Number.isNaN(d.distance)) {
      out.push({ MetricName: `feature_baseline_drift_${name}`, Value: d.distance, Unit: "None" });
    }
    const common = f.numerical_statistics?.common ?? f.string_statistics?.common;
    const present = common?.num_present ?? 0;
    const missing = common?.num_missing ?? 0;
    out.push({ MetricName: `feature_non_null_${name}`, Value: present, Unit: "Count" });
    out.push({ MetricName: `feature_null_${name}`, Value: missing, Unit: "Count" });
    const total = present + missing;
    if (total > 0) {
      out.push({
        MetricName: `feature_completeness_${name}`,
        Value: present / total,
        Unit: "None",
      });
    }
    const n = f.numerical_statistics;
    if (n && present > 0) {
      out.push({
        MetricName: `feature_data_${name}`,
        StatisticValues: { SampleCount: present, Sum: n.sum, Minimum: n.min, Maximum: n.max },
        Unit: "None",
      });
    }
    if (f.string_statistics) {
      out.push({
        MetricName: `feature_estimated_unique_values_${name}`,
        Value: f.string_statistics.distinct_count,
        Unit: "Count",
      });
    }
    const classes = current.classCounts?.[i] ?? classCountsFromStatistics(f);
    out.push({
      MetricName: `feature_integral_counts_${name}`,
      Value: classes.integral,
      Unit: "Count",
    });
    out.push({
      MetricName: `feature_fractional_counts_${name}`,
      Value: classes.fractional,
      Unit: "Count",
    });
    out.push({ MetricName: `feature_string_counts_${name}`, Value: classes.string, Unit: "Count" });
    out.push({
      MetricName: `feature_boolean_counts_${name}`,
      Value: classes.boolean,
      Unit: "Count",
    });
    out.push({ MetricName: `feature_unknown_counts_${name}`, Value: classes.null, Unit: "Count" });
  });
  return out;
}
