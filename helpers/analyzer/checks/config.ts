/**
 * Effective monitoring settings of one feature: constraints.json `monitoring_config`, defaults for
 * absent keys (spec §4: categorical threshold = comparison_threshold, method LInfinity), then the
 * feature's overrides under either spelling (`monitoringConfigOverrides` from the docs,
 * `string_constraints.monitoring_config_overrides` from the SDK) [P: read both].
 */
import { defaultMonitoringConfig } from "../suggest";
import {
  CategoricalDriftMethod,
  ComparisonMethod,
  EnabledFlag,
  FeatureConstraints,
  MonitoringConfig,
  MonitoringConfigOverrides,
} from "../types";

export interface EffectiveConfig {
  evaluateConstraints: boolean;
  emitMetrics: boolean;
  datatypeCheckThreshold: number;
  domainContentThreshold: number;
  performComparison: boolean;
  comparisonThreshold: number;
  comparisonMethod: ComparisonMethod;
  categoricalComparisonThreshold: number;
  categoricalDriftMethod: CategoricalDriftMethod;
}

function enabled(v: EnabledFlag | undefined, fallback: EnabledFlag): boolean {
  const value = v ?? fallback;
  if (value !== "Enabled" && value !== "Disabled") {
    throw new Error(
      `monitoring_config flag must be "Enabled" or "Disabled", got ${JSON.stringify(v)}`,
    );
  }
  return value === "Enabled";
}

function method(v: string | undefined, fallback: ComparisonMethod): ComparisonMethod {
  const value = v ?? fallback;
  if (value !== "Simple" && value !== "Robust") {
    throw new Error(`comparison_method must be "Simple" or "Robust", got ${JSON.stringify(v)}`);
  }
  return value;
}

function driftMethod(v: string | undefined): CategoricalDriftMethod {
  const value = v ?? "LInfinity";
  if (value !== "LInfinity" && value !== "ChiSquared") {
    throw new Error(
      `categorical_drift_method must be "LInfinity" or "ChiSquared", got ${JSON.stringify(v)}`,
    );
  }
  return value;
}

function num(v: unknown, fallback: number, key: string): number {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || Number.isNaN(n)) {
    throw new Error(`monitoring_config.${key} must be a number, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function effectiveConfig(
  config: Partial<MonitoringConfig> | undefined,
  feature?: FeatureConstraints,
): EffectiveConfig {
  const d = defaultMonitoringConfig();
  const m = config ?? {};
  const dist: Partial<MonitoringConfig["distribution_constraints"]> =
    m.distribution_constraints ?? {};
  const comparisonThreshold = num(
    dist.comparison_threshold,
    d.distribution_constraints.comparison_threshold,
    "comparison_threshold",
  );
  const base: EffectiveConfig = {
    evaluateConstraints: enabled(m.evaluate_constraints, d.evaluate_constraints),
    emitMetrics: enabled(m.emit_metrics, d.emit_metrics),
    datatypeCheckThreshold: num(
      m.datatype_check_threshold,
      d.datatype_check_threshold,
      "datatype_check_threshold",
    ),
    domainContentThreshold: num(
      m.domain_content_threshold,
      d.domain_content_threshold,
      "domain_content_threshold",
    ),
    performComparison: enabled(
      dist.perform_comparison,
      d.distribution_constraints.perform_comparison,
    ),
    comparisonThreshold,
    comparisonMethod: method(dist.comparison_method, d.distribution_constraints.comparison_method),
    categoricalComparisonThreshold: num(
      dist.categorical_comparison_threshold,
      comparisonThreshold,
      "categorical_comparison_threshold",
    ),
    categoricalDriftMethod: driftMethod(dist.categorical_drift_method),
  };
  if (!feature) return base;
  for (const o of [
    feature.monitoringConfigOverrides,
    feature.string_constraints?.monitoring_config_overrides,
  ]) {
    if (o) applyOverrides(base, o);
  }
  return base;
}

function applyOverrides(c: EffectiveConfig, o: MonitoringConfigOverrides): void {
  c.datatypeCheckThreshold = num(
    o.datatype_check_threshold,
    c.datatypeCheckThreshold,
    "datatype_check_threshold",
  );
  c.domainContentThreshold = num(
    o.domain_content_threshold,
    c.domainContentThreshold,
    "domain_content_threshold",
  );
  if (o.perform_comparison !== undefined)
    c.performComparison = enabled(o.perform_comparison, "Enabled");
  if (o.comparison_threshold !== undefined) {
    c.comparisonThreshold = num(
      o.comparison_threshold,
      c.comparisonThreshold,
      "comparison_threshold",
    );
  }
  c.comparisonMethod = method(o.comparison_method, c.comparisonMethod);
  c.categoricalComparisonThreshold = num(
    o.categorical_comparison_threshold,
    c.categoricalComparisonThreshold,
    "categorical_comparison_threshold",
  );
  if (o.categorical_drift_method !== undefined)
    c.categoricalDriftMethod = driftMethod(o.categorical_drift_method);
}
