/**
 * The analyzer's three files in and out. Writing goes through the Jackson-style writer with the
 * Java types of spec §2-§6 (longs: item_count, num_present, num_missing, categorical counts [P]).
 * Reading accepts that style, ordinary JSON from other tools, and Jackson's bare NaN/Infinity.
 */
import {
  CategoricalBucket,
  ConstraintViolations,
  Constraints,
  FeatureConstraints,
  FeatureStatistics,
  MonitoringConfig,
  Statistics,
  Violation,
} from "../types";
import { JacksonValue, formatJackson } from "./jackson";

const long = (n: number): bigint => BigInt(Math.round(n));

function commonTree(c: { num_present: number; num_missing: number }): JacksonValue {
  return { num_present: long(c.num_present), num_missing: long(c.num_missing) };
}

function featureTree(f: FeatureStatistics): JacksonValue {
  const out: { [k: string]: JacksonValue } = { name: f.name, inferred_type: f.inferred_type };
  const n = f.numerical_statistics;
  if (n) {
    const num: { [k: string]: JacksonValue } = {
      common: commonTree(n.common),
      mean: n.mean,
      sum: n.sum,
      std_dev: n.std_dev,
      min: n.min,
      max: n.max,
    };
    if (n.distribution) {
      const kll = n.distribution.kll;
      num.distribution = {
        kll: {
          buckets: kll.buckets.map((b) => ({
            lower_bound: b.lower_bound,
            upper_bound: b.upper_bound,
            count: b.count,
          })),
          sketch: {
            parameters: { c: kll.sketch.parameters.c, k: kll.sketch.parameters.k },
            data: kll.sketch.data,
          },
        },
      };
    }
    out.numerical_statistics = num;
  }
  const s = f.string_statistics;
  if (s) {
    const str: { [k: string]: JacksonValue } = {
      common: commonTree(s.common),
      distinct_count: s.distinct_count,
    };
    if (s.distribution) {
      str.distribution = {
        categorical: {
          buckets: s.distribution.categorical.buckets.map((b) => ({
            value: b.value,
            count: long(b.count),
          })),
        },
      };
    }
    out.string_statistics = str;
  }
  return out;
}

export function formatStatistics(stats: Statistics): string {
  return formatJackson({
    version: stats.version,
    dataset: { item_count: long(stats.dataset.item_count) },
    features: stats.features.map(featureTree),
  });
}

function monitoringConfigTree(m: MonitoringConfig): JacksonValue {
  const d = m.distribution_constraints;
  return {
    evaluate_constraints: m.evaluate_constraints,
    emit_metrics: m.emit_metrics,
    datatype_check_threshold: m.datatype_check_threshold,
    domain_content_threshold: m.domain_content_threshold,
    distribution_constraints: {
      perform_comparison: d.perform_comparison,
      comparison_threshold: d.comparison_threshold,
      comparison_method: d.comparison_method,
      categorical_comparison_threshold: d.categorical_comparison_threshold,
      categorical_drift_method: d.categorical_drift_method,
    },
  };
}

/** Overrides are read but never written (spec §4 [P]). */
function constraintFeatureTree(f: FeatureConstraints): JacksonValue {
  const out: { [k: string]: JacksonValue } = { name: f.name, inferred_type: f.inferred_type };
  if (f.completeness !== undefined) out.completeness = f.completeness;
  if (f.num_constraints)
    out.num_constraints = { is_non_negative: f.num_constraints.is_non_negative };
  if (f.string_constraints?.domains)
    out.string_constraints = { domains: f.string_constraints.domains };
  return out;
}

export function formatConstraints(c: Constraints): string {
  return formatJackson({
    version: c.version,
    features: c.features.map(constraintFeatureTree),
    monitoring_config: monitoringConfigTree(c.monitoring_config),
  });
}

export function formatViolations(v: ConstraintViolations | Violation[]): string {
  const list = Array.isArray(v) ? v : v.violations;
  return formatJackson({
    violations: list.map((x) => ({
      feature_name: x.feature_name,
      constraint_check_type: x.constraint_check_type,
      description: x.description,
    })),
  });
}

// ------------------------------------------------------------------------------- reading

/**
 * Parse analyzer JSON: Jackson pretty style or compact JSON; Jackson's non-standard bare
 * `NaN`, `Infinity`, `-Infinity` (ALLOW_NON_NUMERIC_NUMBERS) are accepted too.
 */
export function parseAnalyzerJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    // Quote bare non-numeric tokens outside strings, then retry once.
    const patched = text.replace(
      /("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g,
      (m, str: string | undefined) => (str !== undefined ? str : `"${m}"`),
    );
    try {
      return JSON.parse(patched);
    } catch {
      throw new Error(`not valid JSON: ${(first as Error).message}`);
    }
  }
}

/** A double as read: numbers, or the quoted "NaN"/"Infinity"/"-Infinity" of Jackson. */
function toDouble(v: unknown, what: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  throw new Error(`${what} should be a number, got ${JSON.stringify(v)}`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new Error(`${what} should be a JSON object, got ${JSON.stringify(v)?.slice(0, 80)}`);
  }
  return v as Record<string, unknown>;
}

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} should be a JSON array`);
  return v;
}

function readCommon(v: unknown, what: string): { num_present: number; num_missing: number } {
  const c = obj(v, what);
  return {
    num_present: toDouble(c.num_present, `${what}.num_present`),
    num_missing: toDouble(c.num_missing, `${what}.num_missing`),
  };
}

/** Read statistics.json text (ours or SageMaker's) into typed form; errors name the bad field. */
export function readStatistics(text: string | unknown): Statistics {
  const root = obj(typeof text === "string" ? parseAnalyzerJson(text) : text, "statistics");
  const dataset = obj(root.dataset, "statistics.dataset");
  const features = arr(root.features, "statistics.features").map((fv, i) => {
    const f = obj(fv, `features[${i}]`);
    const where = `features[${i}] (${String(f.name)})`;
    if (typeof f.name !== "string") throw new Error(`features[${i}].name should be a string`);
    const out: FeatureStatistics = {
      name: f.name,
      inferred_type: String(f.inferred_type) as FeatureStatistics["inferred_type"],
    };
    if (f.numerical_statistics !== undefined) {
      const n = obj(f.numerical_statistics, `${where}.numerical_statistics`);
      out.numerical_statistics = {
        common: readCommon(n.common, `${where}.numerical_statistics.common`),
        mean: toDouble(n.mean, `${where}.mean`),
        sum: toDouble(n.sum, `${where}.sum`),
        std_dev: toDouble(n.std_dev, `${where}.std_dev`),
        min: toDouble(n.min, `${where}.min`),
        max: toDouble(n.max, `${where}.max`),
      };
      const dist = n.distribution as Record<string, unknown> | undefined;
      if (dist && dist.kll) {
        const kll = obj(dist.kll, `${where}.distribution.kll`);
        const sketch = obj(kll.sketch, `${where}.kll.sketch`);
        const params = obj(sketch.parameters, `${where}.kll.sketch.parameters`);
        out.numerical_statistics.distribution = {
          kll: {
            buckets: arr(kll.buckets ?? [], `${where}.kll.buckets`).map((bv) => {
              const b = obj(bv, `${where}.kll.buckets[]`);
              return {
                lower_bound: toDouble(b.lower_bound, `${where} bucket lower_bound`),
                upper_bound: toDouble(b.upper_bound, `${where} bucket upper_bound`),
                count: toDouble(b.count, `${where} bucket count`),
              };
            }),
            sketch: {
              parameters: {
                c: toDouble(params.c, `${where}.kll.sketch.parameters.c`),
                k: toDouble(params.k, `${where}.kll.sketch.parameters.k`),
              },
              data: arr(sketch.data, `${where}.kll.sketch.data`).map((level) =>
                arr(level, `${where}.kll.sketch.data[]`).map((x) =>
                  toDouble(x, `${where} sketch item`),
                ),
              ),
            },
          },
        };
      }
    }
    if (f.string_statistics !== undefined) {
      const s = obj(f.string_statistics, `${where}.string_statistics`);
      out.string_statistics = {
        common: readCommon(s.common, `${where}.string_statistics.common`),
        distinct_count: toDouble(s.distinct_count ?? 0, `${where}.distinct_count`),
      };
      const dist = s.distribution as Record<string, unknown> | undefined;
      if (dist && dist.categorical) {
        const cat = obj(dist.categorical, `${where}.distribution.categorical`);
        out.string_statistics.distribution = {
          categorical: {
            buckets: arr(cat.buckets ?? [], `${where}.categorical.buckets`).map((bv) => {
              const b = obj(bv, `${where}.categorical.buckets[]`);
              return { value: String(b.value), count: toDouble(b.count, `${where} bucket count`) };
            }) as CategoricalBucket[],
          },
        };
      }
    }
    return out;
  });
  return {
    version: root.version === undefined ? 0 : toDouble(root.version, "statistics.version"),
    dataset: { item_count: toDouble(dataset.item_count, "statistics.dataset.item_count") },
    features,
  };
}

/** Read constraints.json (ours, SageMaker's, or hand-edited); absent config keys get defaults later. */
export function readConstraints(text: string | unknown): Constraints {
  const root = obj(typeof text === "string" ? parseAnalyzerJson(text) : text, "constraints");
  const features = arr(root.features ?? [], "constraints.features").map((fv, i) => {
    const f = obj(fv, `constraints.features[${i}]`);
    if (typeof f.name !== "string")
      throw new Error(`constraints.features[${i}].name should be a string`);
    return f as unknown as FeatureConstraints;
  });
  const m = obj(root.monitoring_config ?? {}, "constraints.monitoring_config");
  return {
    version: root.version === undefined ? 0 : toDouble(root.version, "constraints.version"),
    features,
    monitoring_config: m as unknown as MonitoringConfig,
  };
}

export function readViolations(text: string | unknown): ConstraintViolations {
  const root = obj(
    typeof text === "string" ? parseAnalyzerJson(text) : text,
    "constraint_violations",
  );
  const violations = arr(root.violations ?? [], "constraint_violations.violations").map((vv, i) => {
    const v = obj(vv, `violations[${i}]`);
    return {
      feature_name: String(v.feature_name),
      constraint_check_type: String(v.constraint_check_type),
      description: String(v.description),
    };
  });
  return { violations };
}
