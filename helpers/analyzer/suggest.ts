/**
 * Constraint suggestion (spec §4): rules over statistics only, kept apart from profiling and
 * checking as in Deequ (`suggestions/rules`). Values are the ones the real analyzer suggests.
 */
import {
  Constraints,
  FeatureConstraints,
  FeatureStatistics,
  MonitoringConfig,
  Statistics,
} from "./types";

/** monitoring_config the analyzer writes (spec §4, 2020 log); categorical keys not emitted [P]. */
export function defaultMonitoringConfig(): MonitoringConfig {
  return {
    evaluate_constraints: "Enabled",
    emit_metrics: "Enabled",
    datatype_check_threshold: 1.0,
    domain_content_threshold: 1.0,
    distribution_constraints: {
      perform_comparison: "Enabled",
      comparison_threshold: 0.1,
      comparison_method: "Robust",
    },
  };
}

/** Deequ CategoricalRangeRule: a domain when at most 10 % of the categories occur exactly once. */
export const MAX_UNIQUE_CATEGORY_RATIO = 0.1;

export function suggestConstraints(statistics: Statistics): Constraints {
  const itemCount = statistics.dataset.item_count;
  return {
    version: 0.0,
    features: statistics.features.map((f) => suggestFeature(f, itemCount)),
    monitoring_config: defaultMonitoringConfig(),
  };
}

function suggestFeature(feature: FeatureStatistics, itemCount: number): FeatureConstraints {
  const common = feature.numerical_statistics?.common ?? feature.string_statistics?.common;
  const present = common?.num_present ?? 0;
  const out: FeatureConstraints = {
    name: feature.name,
    inferred_type: feature.inferred_type,
    // An empty data set has no completeness to keep; 0.0 never triggers completeness_check.
    completeness: itemCount > 0 ? present / itemCount : 0.0,
  };
  const numeric = feature.numerical_statistics;
  if (numeric && (feature.inferred_type === "Integral" || feature.inferred_type === "Fractional")) {
    out.num_constraints = { is_non_negative: numeric.min >= 0 };
  }
  const buckets = feature.string_statistics?.distribution?.categorical?.buckets;
  if (feature.inferred_type === "String" && buckets && buckets.length > 0) {
    const unique = buckets.filter((b) => b.count === 1).length;
    if (unique / buckets.length <= MAX_UNIQUE_CATEGORY_RATIO) {
      const ordered = [...buckets].sort(
        (a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
      );
      out.string_constraints = { domains: ordered.map((b) => b.value) };
    }
  }
  return out;
}
