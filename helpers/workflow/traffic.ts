/**
 * Lab 02 step 10: production-like traffic for the endpoint, normal or drifted the way the
 * original lab drifts it — LIMIT_BAL divided by 1000 on a random half of the rows, EDUCATION
 * negated on a random 75 %, and MARRIAGE negated (the workshop's screenshots show its mean moving
 * from about 1.55 to about -1.7).
 */
import type { WorkflowContext } from "./context";
import { predictRows } from "./invoke";
import { seededRandom } from "../random";

export interface DriftSpec {
  /** Share of rows whose LIMIT_BAL is divided by 1000. */
  limitBalShare: number;
  /** Share of rows whose EDUCATION is negated. */
  educationShare: number;
  /** Share of rows whose MARRIAGE is negated. */
  marriageShare: number;
}

export const LAB_DRIFT: DriftSpec = { limitBalShare: 0.5, educationShare: 0.75, marriageShare: 1 };

/**
 * Returns drifted copies of `rows` (feature rows without the label; `featureNames` names their
 * columns). Each row is chosen for each change independently.
 */
export function driftRows(
  rows: ArrayLike<number>[],
  featureNames: string[],
  seed: number,
  spec: DriftSpec = LAB_DRIFT,
): number[][] {
  const index = (name: string) => {
    const i = featureNames.indexOf(name);
    if (i < 0)
      throw new Error(`driftRows: feature ${name} not found in ${featureNames.join(", ")}`);
    return i;
  };
  const limitBal = index("LIMIT_BAL");
  const education = index("EDUCATION");
  const marriage = index("MARRIAGE");
  const random = seededRandom(seed);
  return rows.map((source) => {
    const row = Array.from(source);
    if (random() < spec.limitBalShare) row[limitBal] = row[limitBal] / 1000;
    if (random() < spec.educationShare) row[education] = -row[education];
    if (random() < spec.marriageShare) row[marriage] = -row[marriage];
    return row;
  });
}

export interface TrafficResult {
  requests: number;
  rows: number;
  predictions: number[];
}

/**
 * Sends `rows` to the endpoint in requests of `rowsPerRequest` rows, `concurrency` at a time,
 * reporting progress after each request.
 */
export async function sendTraffic(
  context: Pick<WorkflowContext, "runtime">,
  endpointName: string,
  rows: ArrayLike<number>[],
  options: {
    rowsPerRequest?: number;
    concurrency?: number;
    onProgress?: (sentRows: number, totalRows: number) => void;
  } = {},
): Promise<TrafficResult> {
  const size = options.rowsPerRequest ?? 1;
  const batches: ArrayLike<number>[][] = [];
  for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
  const predictions: number[][] = new Array(batches.length);
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < batches.length) {
      const i = next++;
      predictions[i] = await predictRows(context, endpointName, batches[i]);
      sent += batches[i].length;
      options.onProgress?.(sent, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { requests: batches.length, rows: rows.length, predictions: predictions.flat() };
}
