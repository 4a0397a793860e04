/**
 * Where the metric values a monitoring execution would publish to CloudWatch go locally
 * (spec model-monitor-formats.md §9): JSON Lines under
 * `<workspace>/cloudwatch/<namespace>/<yyyy-mm-dd>.jsonl`, one document per metric with the
 * fields of CloudWatch's PutMetricData MetricDatum (MetricName, Timestamp, Dimensions, Value or
 * StatisticValues, Unit), the same fields the analyzer's BYOC metric files use.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { CloudWatchMetric } from "../../../analyzer";

/** Namespace and dimension names of endpoint data-quality metrics (spec §9). */
export const DATA_METRICS_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics";

export interface MetricDocument extends CloudWatchMetric {
  Namespace: string;
  Timestamp: string;
  Dimensions: { Name: string; Value: string }[];
}

export function cloudWatchDir(workspace: string, namespace = DATA_METRICS_NAMESPACE): string {
  return path.join(workspace, "cloudwatch", ...namespace.split("/"));
}

/** Appends one document per metric; returns the file written (undefined when nothing was). */
export function recordMetrics(
  workspace: string,
  metrics: CloudWatchMetric[],
  context: { endpointName: string; scheduleName: string; timestamp: Date },
): string | undefined {
  if (metrics.length === 0) return undefined;
  const dir = cloudWatchDir(workspace);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${context.timestamp.toISOString().slice(0, 10)}.jsonl`);
  const dimensions = [
    { Name: "Endpoint", Value: context.endpointName },
    { Name: "MonitoringSchedule", Value: context.scheduleName },
  ];
  const lines = metrics.map((m) => {
    const doc: MetricDocument = {
      Namespace: DATA_METRICS_NAMESPACE,
      MetricName: m.MetricName,
      Timestamp: context.timestamp.toISOString(),
      Dimensions: dimensions,
      ...(m.StatisticValues ? { StatisticValues: m.StatisticValues } : { Value: m.Value }),
      Unit: m.Unit,
    };
    return JSON.stringify(doc);
  });
  appendFileSync(file, lines.join("\n") + "\n");
  return file;
}
