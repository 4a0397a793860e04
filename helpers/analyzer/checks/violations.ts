/**
 * The six DataQuality checks of spec §6, evaluated on metrics only (Deequ's split: checks never
 * touch data). Thresholds come from constraints.json with per-feature overrides (checks/config).
 */
import { formatJavaDouble as d } from "../json/jackson";
import { ClassCounts } from "../profile/dataType";
import { Constraints, InferredType, Statistics, Violation } from "../types";
import { effectiveConfig } from "./config";
import { CurrentData, classCountsFromStatistics, normalizeCurrent } from "./current";
import { featureDrift } from "./drift";

/**
 * Share of present values matching the expected type (spec §6, Not confirmed 10): Integral takes
 * Integral; Fractional takes Fractional and Integral; String takes String-class values — and
 * Boolean ones, because Boolean-only columns are written as String [P].
 */
function matchingCount(expected: InferredType, c: ClassCounts): number {
  switch (expected) {
    case "Integral":
      return c.integral;
    case "Fractional":
      return c.fractional + c.integral;
    case "String":
      return c.string + c.boolean;
    default:
      return 0;
  }
}

/**
 * Evaluate the baseline's constraints on the current window. `baselineStatistics` is needed for
 * baseline_drift_check only (constraints carry no distributions); pass undefined to skip drift.
 * `current` is the window's statistics, or better the CurrentData of its profile
 * (currentDataFromProfile), which adds exact type classes and value counts.
 */
export function checkViolations(
  baselineStatistics: Statistics | undefined,
  baselineConstraints: Constraints,
  current: CurrentData | Statistics,
): Violation[] {
  const global = effectiveConfig(baselineConstraints.monitoring_config);
  if (!global.evaluateConstraints) return [];
  const cur = normalizeCurrent(current);
  const stats = cur.statistics;
  const itemCount = stats.dataset.item_count;
  const expectedColumns = baselineConstraints.features.length;
  const observedColumns = stats.features.length;
  const violations: Violation[] = [];

  baselineConstraints.features.forEach((feature, i) => {
    const f = stats.features[i];
    if (!f) return; // reported by missing_column_check below
    const config = effectiveConfig(baselineConstraints.monitoring_config, feature);
    const common = f.numerical_statistics?.common ?? f.string_statistics?.common;
    const present = common?.num_present ?? 0;
    const classes = cur.classCounts?.[i] ?? classCountsFromStatistics(f);

    if (feature.inferred_type !== "Unknown" && present > 0) {
      const r = matchingCount(feature.inferred_type, classes) / present;
      if (r < config.datatypeCheckThreshold) {
        violations.push({
          feature_name: feature.name,
          constraint_check_type: "data_type_check",
          description:
            `Data type match requirement is not met. Expected data type: ${feature.inferred_type}, ` +
            `Expected match: ${d(config.datatypeCheckThreshold * 100)}%. ` +
            `Observed: Only ${d(r * 100)}% of data is ${feature.inferred_type}.`,
        });
      }
    }

    if (feature.completeness !== undefined && itemCount > 0) {
      const r = present / itemCount;
      if (r < feature.completeness) {
        violations.push({
          feature_name: feature.name,
          constraint_check_type: "completeness_check",
          description:
            `Data completeness requirement is not met. Expected completeness: ${d(feature.completeness * 100)}%. ` +
            `Observed: Only ${d(r * 100)}% of data is present.`,
        });
      }
    }

    const baseline =
      baselineStatistics?.features.find((b) => b.name === feature.name) ??
      baselineStatistics?.features[i];
    if (baseline) {
      const drift = featureDrift(baseline, f, baselineConstraints, i);
      if (drift.violates && drift.distance !== null) {
        violations.push({
          feature_name: feature.name,
          constraint_check_type: "baseline_drift_check",
          description:
            drift.method === "ChiSquared"
              ? `Baseline drift p-value: ${d(drift.distance)} is below threshold: ${d(drift.threshold)}`
              : `Baseline drift distance: ${d(drift.distance)} exceeds threshold: ${d(drift.threshold)}`,
        });
      }
    }

    const domains = feature.string_constraints?.domains;
    if (feature.inferred_type === "String" && domains && domains.length > 0 && present > 0) {
      const values =
        cur.valueCounts?.[i] ??
        f.string_statistics?.distribution?.categorical?.buckets ??
        undefined;
      if (values) {
        const domain = new Set(domains);
        let inDomain = 0;
        for (const v of values) if (domain.has(v.value)) inDomain += v.count;
        const r = inDomain / present;
        if (r < config.domainContentThreshold) {
          violations.push({
            feature_name: feature.name,
            constraint_check_type: "categorical_values_check",
            description:
              `Categorical value requirement is not met. Expected match: ${d(config.domainContentThreshold * 100)}%. ` +
              `Observed: Only ${d(r * 100)}% of data is within the baseline domain.`,
          });
        }
      }
    }
  });

  for (let i = observedColumns; i < expectedColumns; i++) {
    violations.push({
      feature_name: baselineConstraints.features[i].name,
      constraint_check_type: "missing_column_check",
      description:
        `Missing column requirement is not met. Expected number of columns: ${expectedColumns}. ` +
        `Observed: Only ${observedColumns} columns.`,
    });
  }
  for (let i = expectedColumns; i < observedColumns; i++) {
    violations.push({
      feature_name: `_c${i}`,
      constraint_check_type: "extra_column_check",
      description:
        `Extra column requirement is not met. Expected number of columns: ${expectedColumns}. ` +
        `Observed: ${observedColumns} columns.`,
    });
  }
  return violations;
}
