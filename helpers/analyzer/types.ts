/**
 * Typed mirrors of the analyzer's JSON files (spec §3, §4, §6). All numbers are JS numbers here;
 * the writer (json/files.ts) knows which of them are Java longs.
 */

export type InferredType = "Integral" | "Fractional" | "String" | "Unknown";
export type EnabledFlag = "Enabled" | "Disabled";
export type ComparisonMethod = "Simple" | "Robust";
export type CategoricalDriftMethod = "LInfinity" | "ChiSquared";

// ---------------------------------------------------------------- statistics.json (spec §3)

export interface CommonStatistics {
  num_present: number;
  num_missing: number;
}

export interface KllBucket {
  lower_bound: number;
  upper_bound: number;
  count: number;
}

export interface KllDistribution {
  buckets: KllBucket[];
  sketch: {
    parameters: { c: number; k: number };
    /** One array per compactor level; an item at level i weighs 2^i. */
    data: number[][];
  };
}

export interface NumericalStatistics {
  common: CommonStatistics;
  mean: number;
  sum: number;
  std_dev: number;
  min: number;
  max: number;
  distribution?: { kll: KllDistribution };
}

export interface CategoricalBucket {
  value: string;
  count: number;
}

export interface StringStatistics {
  common: CommonStatistics;
  distinct_count: number;
  distribution?: { categorical: { buckets: CategoricalBucket[] } };
}

export interface FeatureStatistics {
  name: string;
  inferred_type: InferredType;
  numerical_statistics?: NumericalStatistics;
  string_statistics?: StringStatistics;
}

export interface Statistics {
  version: number;
  dataset: { item_count: number };
  features: FeatureStatistics[];
}

// ---------------------------------------------------------------- constraints.json (spec §4)

export interface DistributionConstraints {
  perform_comparison: EnabledFlag;
  comparison_threshold: number;
  comparison_method: ComparisonMethod;
  categorical_comparison_threshold?: number;
  categorical_drift_method?: CategoricalDriftMethod;
}

export interface MonitoringConfig {
  evaluate_constraints: EnabledFlag;
  emit_metrics: EnabledFlag;
  datatype_check_threshold: number;
  domain_content_threshold: number;
  distribution_constraints: DistributionConstraints;
}

/** Per-feature overrides: any flat subset of the monitoring config keys (spec §4). */
export interface MonitoringConfigOverrides {
  datatype_check_threshold?: number;
  domain_content_threshold?: number;
  perform_comparison?: EnabledFlag;
  comparison_threshold?: number;
  comparison_method?: ComparisonMethod;
  categorical_comparison_threshold?: number;
  categorical_drift_method?: CategoricalDriftMethod;
}

export interface FeatureConstraints {
  name: string;
  inferred_type: InferredType;
  completeness?: number;
  num_constraints?: { is_non_negative: boolean };
  string_constraints?: {
    domains?: string[];
    monitoring_config_overrides?: MonitoringConfigOverrides;
  };
  monitoringConfigOverrides?: MonitoringConfigOverrides;
}

export interface Constraints {
  version: number;
  features: FeatureConstraints[];
  monitoring_config: MonitoringConfig;
}

// ---------------------------------------------------------------- constraint_violations.json (§6)

export type ConstraintCheckType =
  | "data_type_check"
  | "completeness_check"
  | "baseline_drift_check"
  | "missing_column_check"
  | "extra_column_check"
  | "categorical_values_check";

export interface Violation {
  feature_name: string;
  constraint_check_type: ConstraintCheckType | string;
  description: string;
}

export interface ConstraintViolations {
  violations: Violation[];
}

// ---------------------------------------------------------------- drift (spec §7, §9)

export type DriftMethod = "Simple" | "Robust" | "ChiSquared";

export interface FeatureDrift {
  name: string;
  inferred_type: InferredType;
  /** `numerical` compares KLL sketches, `categorical` compares category counts. */
  kind: "numerical" | "categorical";
  /** LInfinity distance, or the chi-square p-value for ChiSquared; null when not computable. */
  distance: number | null;
  threshold: number;
  method: DriftMethod;
  violates: boolean;
  /** Why the distance is null (no distribution on one side, comparison disabled, ...). */
  note?: string;
  currentMean: number | null;
  baselineMean: number | null;
}

/** One CloudWatch datum as the analyzer's BYOC metric files describe it (spec §9). */
export interface CloudWatchMetric {
  MetricName: string;
  Value?: number;
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  Unit: "None" | "Count" | "Percent";
}

export interface DriftReport {
  features: FeatureDrift[];
  /** Empty when `emit_metrics` is Disabled. */
  metrics: CloudWatchMetric[];
}
