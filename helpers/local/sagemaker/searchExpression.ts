/**
 * Evaluates a Search `SearchExpression` against one search record (the resource in wire form:
 * timestamps are epoch seconds).
 *
 * Property names are dotted paths (`Parents.TrialName`, `Parameters.SageMaker.ImageUri`,
 * `Metrics.validation:auc.Max`, `Tags.team`). Because map keys may themselves contain dots
 * (SageMaker's own parameters are `SageMaker.InstanceType`), each step takes the longest key that
 * exists. Lists match when any element matches (a component with two parent trials matches either
 * trial's name); `Tags` and `Metrics` lists are addressed by their `Key` / `MetricName`. Parameter
 * values `{StringValue}` / `{NumberValue}` compare as their value. Operator semantics follow the
 * `Filter` documentation in the SageMaker API reference.
 */
import type { Filter, NestedFilters, SearchExpression } from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import type { In } from "./wire";

type Expr = In<SearchExpression>;
type Leaf = string | number | boolean;

export const OPERATORS = [
  "Equals",
  "NotEquals",
  "GreaterThan",
  "GreaterThanOrEqualTo",
  "LessThan",
  "LessThanOrEqualTo",
  "Contains",
  "Exists",
  "NotExists",
  "In",
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{StringValue}` / `{NumberValue}` (trial component parameters) -> the value itself. */
function unwrap(value: unknown): unknown {
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    if (keys.length === 1 && (keys[0] === "StringValue" || keys[0] === "NumberValue")) {
      return value[keys[0]];
    }
  }
  return value;
}

/** Every value the path reaches (several when the path crosses a list). */
export function resolvePath(node: unknown, segments: string[]): unknown[] {
  if (node === undefined || node === null) return [];
  if (segments.length === 0) {
    if (Array.isArray(node)) return node.map(unwrap);
    return [unwrap(node)];
  }
  if (Array.isArray(node)) {
    const keyed = keyedList(node);
    if (keyed) {
      for (let j = segments.length; j >= 1; j--) {
        const key = segments.slice(0, j).join(".");
        const hit = keyed.get(key);
        if (hit !== undefined) return resolvePath(hit, segments.slice(j));
      }
    }
    return node.flatMap((element) => resolvePath(element, segments));
  }
  if (!isRecord(node)) return [];
  for (let j = segments.length; j >= 1; j--) {
    const key = segments.slice(0, j).join(".");
    if (key in node) return resolvePath(node[key], segments.slice(j));
  }
  return [];
}

/** Tags (`Key`/`Value`) and metric summaries (`MetricName`) are lists addressed by name. */
function keyedList(list: unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0 || !list.every(isRecord)) return undefined;
  const records = list as Record<string, unknown>[];
  if (records.every((r) => typeof r.Key === "string" && "Value" in r)) {
    return new Map(records.map((r) => [r.Key as string, r.Value]));
  }
  if (records.every((r) => typeof r.MetricName === "string")) {
    return new Map(records.map((r) => [r.MetricName as string, r]));
  }
  return undefined;
}

function leaves(record: unknown, name: string): Leaf[] {
  return resolvePath(record, name.split(".")).filter(
    (v): v is Leaf => typeof v === "string" || typeof v === "number" || typeof v === "boolean",
  );
}

/** A filter value against a numeric property: a number, or an ISO-8601 time (for timestamps). */
function numericValue(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() !== "" && Number.isFinite(n)) return n;
  // Timestamps are epoch seconds in the records; AWS takes `YYYY-mm-dd'T'HH:MM:SS` (UTC).
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) return t / 1000;
  throw new AwsError(
    "ValidationException",
    `Value '${value}' for '${name}' is not a number or an ISO 8601 date-time (YYYY-mm-dd'T'HH:MM:SS).`,
  );
}

function compare(name: string, operator: string, actual: Leaf, value: string): boolean {
  switch (operator) {
    case "Equals":
    case "NotEquals":
      if (typeof actual === "number") return actual === numericValue(name, value);
      return String(actual) === value;
    case "Contains":
      return String(actual).includes(value);
    case "In":
      return value
        .split(",")
        .map((v) => v.trim())
        .includes(String(actual));
    default: {
      if (typeof actual !== "number") {
        throw new AwsError(
          "ValidationException",
          `Operator '${operator}' is not supported for text property '${name}'; ` +
            "use Equals, NotEquals, Contains or In.",
        );
      }
      const v = numericValue(name, value);
      if (operator === "GreaterThan") return actual > v;
      if (operator === "GreaterThanOrEqualTo") return actual >= v;
      if (operator === "LessThan") return actual < v;
      return actual <= v;
    }
  }
}

export function matchesFilter(record: unknown, filter: In<Filter>): boolean {
  const name = filter.Name!;
  const operator = filter.Operator ?? "Equals";
  const values = leaves(record, name);
  if (operator === "Exists") return values.length > 0;
  if (operator === "NotExists") return values.length === 0;
  const value = filter.Value ?? "";
  if (operator === "NotEquals") return !values.some((a) => compare(name, "Equals", a, value));
  return values.some((a) => compare(name, operator, a, value));
}

/** All filters must hold for one and the same element of the nested list. */
function matchesNested(record: unknown, nested: In<NestedFilters>): boolean {
  const property = nested.NestedPropertyName!;
  const elements = resolvePath(record, property.split("."));
  const segments = property.split(".");
  return elements.some((element) => {
    // Rebuild the record with only this element under the nested property, so the filters'
    // full names (`Metrics.MetricName`) resolve against that single element.
    const single = segments.reduceRight<unknown>((inner, seg) => ({ [seg]: inner }), [element]);
    return (nested.Filters ?? []).every((f) => matchesFilter(single, f));
  });
}

export function matchesExpression(record: unknown, expression: Expr | undefined): boolean {
  if (!expression) return true;
  const results: boolean[] = [
    ...(expression.Filters ?? []).map((f) => matchesFilter(record, f)),
    ...(expression.NestedFilters ?? []).map((n) => matchesNested(record, n)),
    ...(expression.SubExpressions ?? []).map((s) => matchesExpression(record, s)),
  ];
  if (results.length === 0) return true;
  return expression.Operator === "Or" ? results.some(Boolean) : results.every(Boolean);
}

/** Property value used by SortBy (the first value the path reaches). */
export function sortKey(record: unknown, name: string): string | number | undefined {
  const value = leaves(record, name)[0];
  if (value === undefined) return undefined;
  return typeof value === "boolean" ? String(value) : value;
}
