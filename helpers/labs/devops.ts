/**
 * Lab 02, the DevOps engineer (shared/specs/workshop-labs.md): deploy the model lab 01 trained
 * with data capture, baseline it, schedule hourly monitoring, send normal and drifted traffic,
 * read the violations and drift, record lineage down to commit ids, and clean up. One function
 * per notebook step, composed from the workflow helpers.
 */
import type { Violation } from "../analyzer";
import { featureMatrix, loadCreditCardData, preprocess, type LabTable } from "../dataset";
import { dfd } from "../dataset/danfo";
import type { WorkshopSession } from "../session";
import { suggestBaseline, type Baseline } from "../workflow/baseline";
import { cleanup, type CleanupTargets } from "../workflow/cleanup";
import { timestampedName } from "../workflow/experiments";
import { deployWithCapture } from "../workflow/deploy";
import { captureFiles, predictRows, readCaptureFile, type CaptureRecord } from "../workflow/invoke";
import { loadLabState, type LabState } from "../workflow/labState";
import {
  createMonitoringSchedule,
  driftTimeline,
  executionDetails,
  listExecutions,
  readHourlyReports,
  type DriftPoint,
  type ExecutionDetails,
  type HourlyReport,
} from "../workflow/monitoring";
import type { SecurityOptions } from "../workflow/security";
import { headCommit, recordCommitLineage, type CommitInfo } from "../workflow/sourceControl";
import { driftRows, sendTraffic } from "../workflow/traffic";
import { latestTrainingJob } from "../workflow/training";

export interface DeploymentNames {
  trainingJobName: string;
  modelName: string;
  endpointConfigName: string;
  endpointName: string;
  scheduleName: string;
}

/** The original lab's names: everything derives from the training job's name. */
export function deploymentNames(trainingJobName: string, at: Date = new Date()): DeploymentNames {
  const endpointName = `${trainingJobName}-endpoint`;
  return {
    trainingJobName,
    modelName: `${trainingJobName}-model`,
    endpointConfigName: `${endpointName}-config`,
    endpointName,
    scheduleName: timestampedName("xgb-credit-score-model-monitor-schedule", at),
  };
}

export function monitoringUris(session: WorkshopSession) {
  return {
    capture: session.uri("monitoring", "datacapture"),
    baselineResults: session.uri("monitoring", "baselining", "results"),
    reports: session.uri("monitoring", "reports"),
  };
}

/** Steps 1-2: lab 01's names and the newest training job (its artifact and image). */
export async function loadTrainedModel(
  session: WorkshopSession,
  state: LabState = loadLabState(session.workspace),
) {
  const job = await latestTrainingJob(session, state.trainingJobName);
  return {
    state,
    trainingJobName: job.TrainingJobName!,
    image: job.AlgorithmSpecification!.TrainingImage!,
    modelArtifact: job.ModelArtifacts!.S3ModelArtifacts!,
  };
}

/** Steps 3-5: model, endpoint config with 100 % capture, endpoint; waits until InService. */
export async function deployModel(
  session: WorkshopSession,
  names: DeploymentNames,
  trained: { image: string; modelArtifact: string },
  options: { security?: SecurityOptions; onStatus?: (status: string) => void } = {},
) {
  return deployWithCapture(
    session,
    {
      modelName: names.modelName,
      endpointConfigName: names.endpointConfigName,
      endpointName: names.endpointName,
      image: trained.image,
      modelDataUrl: trained.modelArtifact,
      captureUri: monitoringUris(session).capture,
      samplingPercentage: 100,
      security: options.security,
    },
    options.onStatus,
  );
}

/**
 * The lab's test rows (label removed), rebuilt exactly as lab 01 split them: same data, same
 * seed. Returns the rows and their feature names.
 */
export function testRows(state: LabState): {
  rows: Float32Array[];
  featureNames: string[];
  table: LabTable;
} {
  const prepared = preprocess(loadCreditCardData(), {
    seed: state.splitSeed,
    testFraction: state.testFraction,
  });
  const matrix = featureMatrix(prepared.test);
  const rows: Float32Array[] = [];
  for (let r = 0; r < matrix.nrow; r++)
    rows.push(matrix.data.subarray(r * matrix.ncol, (r + 1) * matrix.ncol));
  return { rows, featureNames: prepared.test.columns.slice(1), table: prepared.test };
}

/** Step 6: one request per row, as the original sends its first ten rows. */
export async function predictEach(
  session: WorkshopSession,
  endpointName: string,
  rows: ArrayLike<number>[],
) {
  const predictions: number[] = [];
  for (const row of rows) predictions.push(...(await predictRows(session, endpointName, [row])));
  return predictions;
}

/**
 * Step 7: capture files of the endpoint, waiting until at least one is there (capture is
 * written in the background: seconds locally, minutes on AWS).
 */
export async function waitForCapture(
  session: WorkshopSession,
  endpointName: string,
  options: { timeoutMs?: number } = {},
): Promise<{ files: string[]; first?: CaptureRecord }> {
  const deadline =
    Date.now() + (options.timeoutMs ?? (session.backend === "local" ? 60_000 : 15 * 60_000));
  const captureUri = monitoringUris(session).capture;
  for (;;) {
    const files = await captureFiles(session, captureUri, endpointName);
    if (files.length > 0) {
      const { records } = await readCaptureFile(session, files[0]);
      return { files, first: records[0] };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `No capture file under ${captureUri}/${endpointName}/ yet; send traffic and try again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, session.backend === "local" ? 500 : 30_000));
  }
}

/** Step 8: the baseline suggested from lab 01's training CSV with a header row. */
export async function baselineTrainingData(
  session: WorkshopSession,
  state: LabState,
  options: { security?: SecurityOptions; onStatus?: (status: string) => void } = {},
): Promise<Baseline> {
  return suggestBaseline(session, {
    datasetUri: state.baselineDataUri,
    outputUri: monitoringUris(session).baselineResults,
    security: options.security,
    onStatus: options.onStatus,
  });
}

/** Step 9: the hourly data-quality schedule against the baseline. */
export async function scheduleMonitoring(
  session: WorkshopSession,
  names: DeploymentNames,
  baseline: Baseline,
  options: { security?: SecurityOptions } = {},
): Promise<string> {
  return createMonitoringSchedule(session, {
    scheduleName: names.scheduleName,
    endpointName: names.endpointName,
    statisticsUri: baseline.statisticsUri,
    constraintsUri: baseline.constraintsUri,
    reportsUri: monitoringUris(session).reports,
    security: options.security,
  });
}

export interface TrafficHour {
  kind: "normal" | "drifted";
  rows: number;
}

export interface PlayedHour extends TrafficHour {
  /** Start of the hour the traffic was sent in (virtual time locally). */
  hourStart: Date;
  /** The endpoint's answers for this hour's rows. */
  predictions: number[];
}

/** The lab's plan: `normal` hours of ordinary traffic, then `drifted` hours, `rows` rows each. */
export function trafficPlan(normal: number, drifted: number, rows: number): TrafficHour[] {
  return [
    ...Array.from({ length: normal }, () => ({ kind: "normal" as const, rows })),
    ...Array.from({ length: drifted }, () => ({ kind: "drifted" as const, rows })),
  ];
}

/**
 * Step 10: hour by hour, send `rows` test rows (drifted ones as the lab drifts them) and let
 * the hour end. Locally the virtual clock moves to the next hour boundary after each hour, and
 * the emulator runs that hour's monitoring execution before the clock call returns; on AWS the
 * hours pass for real (the function then takes as many hours as it plays).
 */
export async function playTraffic(
  session: WorkshopSession,
  endpointName: string,
  test: { rows: Float32Array[]; featureNames: string[] },
  hours: TrafficHour[],
  options: {
    seed?: number;
    onHour?: (hour: PlayedHour, index: number) => void;
    onRows?: (sent: number, total: number) => void;
  } = {},
): Promise<PlayedHour[]> {
  const played: PlayedHour[] = [];
  let offset = 0;
  for (const [index, hour] of hours.entries()) {
    const now = await session.clock.now();
    const hourStart = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000);
    const source: ArrayLike<number>[] = [];
    for (let i = 0; i < hour.rows; i++) source.push(test.rows[(offset + i) % test.rows.length]);
    offset += hour.rows;
    const rows =
      hour.kind === "drifted"
        ? driftRows(source, test.featureNames, (options.seed ?? 7) + index)
        : source;
    const sent = await sendTraffic(session, endpointName, rows, {
      rowsPerRequest: 1,
      concurrency: 8,
      onProgress: options.onRows,
    });
    const record: PlayedHour = { ...hour, hourStart, predictions: sent.predictions };
    played.push(record);
    options.onHour?.(record, index);
    const nextHour = hourStart.getTime() + 3600_000;
    if (session.clock.available) {
      // One minute past the boundary: the execution for the hour that just ended is due.
      await session.clock.set(new Date(nextHour + 60_000));
    } else {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, nextHour + 60_000 - Date.now())),
      );
    }
  }
  return played;
}

/** Step 11: every execution with its status, exit message and report folder. */
export async function executions(
  session: WorkshopSession,
  scheduleName: string,
): Promise<ExecutionDetails[]> {
  const list = await listExecutions(session, scheduleName);
  return Promise.all(list.map((execution) => executionDetails(session, execution)));
}

/** Step 12: all hourly reports and the drift of every feature in every hour. */
export async function monitoringResults(
  session: WorkshopSession,
  names: DeploymentNames,
  baseline: Baseline,
): Promise<{ reports: HourlyReport[]; drift: DriftPoint[] }> {
  const reports = await readHourlyReports(
    session,
    monitoringUris(session).reports,
    names.endpointName,
    names.scheduleName,
  );
  return { reports, drift: driftTimeline(baseline.statistics, baseline.constraints, reports) };
}

/** The violations of one report as a danfojs DataFrame, columns as the original lab shows them. */
export function violationsFrame(violations: Violation[]): dfd.DataFrame {
  return new dfd.DataFrame(
    {
      constraint_check_type: violations.map((v) => v.constraint_check_type),
      description: violations.map((v) => v.description),
      feature_name: violations.map((v) => v.feature_name),
    },
    { columns: ["constraint_check_type", "description", "feature_name"] },
  );
}

/** Step 13: the commit behind the deployment, recorded for the training and the endpoint. */
export async function recordLineage(
  session: WorkshopSession,
  state: LabState,
  endpointName: string,
): Promise<CommitInfo> {
  const commit = await headCommit(session);
  await recordCommitLineage(session, {
    trialName: state.trialName,
    displayName: "source-control-lineage",
    commit,
  });
  await recordCommitLineage(session, {
    trialName: state.trialName,
    displayName: "prod-endpoint-lineage",
    commit,
    endpointName,
  });
  return commit;
}

/** Step 14: everything both labs created. */
export async function cleanupLabs(
  session: WorkshopSession,
  names: DeploymentNames,
  state: LabState,
  options: { deleteData?: boolean } = {},
): Promise<string[]> {
  const targets: CleanupTargets = {
    scheduleName: names.scheduleName,
    endpointName: names.endpointName,
    endpointConfigName: names.endpointConfigName,
    modelName: names.modelName,
    experimentName: state.experimentName,
    deleteData: options.deleteData,
  };
  return cleanup(session, targets);
}
