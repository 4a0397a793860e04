/**
 * Lab 01, the data scientist (shared/specs/workshop-labs.md): one function per notebook step,
 * composed from the workflow helpers. The notebook shows what these return; everything that
 * touches AWS goes through the session's SDK clients, so the lab runs locally and on AWS alike.
 */
import {
  defaultCreditCardPath,
  featureMatrix,
  loadCreditCardData,
  preprocess,
  toCsv,
  type CreditCardData,
  type PreprocessResult,
} from "../dataset";
import type { WorkshopSession } from "../session";
import type { Booster } from "../xgboost";
import {
  associateTrialComponent,
  createExperiment,
  createTrial,
  timestampedName,
  Tracker,
} from "../workflow/experiments";
import { bestRound, learningCurveHistory, type EvalHistory } from "../workflow/learningCurve";
import type { SecurityOptions } from "../workflow/security";
import { upload } from "../workflow/storage";
import {
  LAB_HYPERPARAMETERS,
  startTrainingJob,
  waitForTrainingJob,
  type TrainingProgress,
} from "../workflow/training";

/** The lab's S3 layout under the workshop prefix (workshop-labs.md lab 01 step 2). */
export function labUris(session: WorkshopSession) {
  return {
    rawData: session.uri("data", "credit_card_default.csv"),
    train: session.uri("train_data", "train_data.csv"),
    test: session.uri("test_data", "test_data.csv"),
    trainHeaders: session.uri("train_headers", "train_data_headers.csv"),
    models: session.uri("models"),
  };
}

export type LabUris = ReturnType<typeof labUris>;

/** Names of everything lab 01 creates, stamped with one time so they belong together. */
export function labNames(at: Date = new Date()) {
  const experimentName = timestampedName("CreditCardDefault", at);
  return {
    experimentName,
    trialName: `${experimentName}-trial`,
    trainingJobName: timestampedName("cc-training-job", at),
  };
}

export type LabNames = ReturnType<typeof labNames>;

/** Step 5: the raw CSV, as it is, into S3 (streamed). */
export async function uploadRawData(
  session: WorkshopSession,
  file = defaultCreditCardPath(),
): Promise<string> {
  return upload(session, labUris(session).rawData, { file });
}

export interface PreparedData extends PreprocessResult {
  uris: LabUris;
}

/**
 * Step 6: split, scale, and upload the training CSV, the test CSV (both label first, no header)
 * and the baselining CSV with a header row.
 */
export async function preprocessAndUpload(
  session: WorkshopSession,
  data: CreditCardData = loadCreditCardData(),
  options: { testFraction?: number; seed?: number } = {},
): Promise<PreparedData> {
  const result = preprocess(data, options);
  const uris = labUris(session);
  await upload(session, uris.train, toCsv(result.train, { header: false }));
  await upload(session, uris.test, toCsv(result.test, { header: false }));
  await upload(session, uris.trainHeaders, toCsv(result.train, { header: true }));
  return { ...result, uris };
}

/** Step 7: the experiment, its trial, and the preprocessing recorded as a trial component. */
export async function createLabExperiment(
  session: WorkshopSession,
  names: LabNames,
  prepared: PreparedData,
): Promise<{ preprocessingComponent: string }> {
  await createExperiment(
    session,
    names.experimentName,
    "Predict credit-card default from payment history (UCI data set)",
  );
  await createTrial(session, names.experimentName, names.trialName);
  const tracker = await Tracker.create(session, { displayName: "Preprocessing" });
  tracker
    .logParameters({ train_test_split_ratio: prepared.testFraction, split_seed: prepared.seed })
    .logParameters({
      "PAY_AMT1.standard_scaler.mean": prepared.scalers.PAY_AMT1.mean,
      "PAY_AMT1.standard_scaler.std": prepared.scalers.PAY_AMT1.std,
      "BILL_AMT1.min_max_scaler.min": prepared.scalers.BILL_AMT1.min,
      "BILL_AMT1.min_max_scaler.max": prepared.scalers.BILL_AMT1.max,
    })
    .logInput("ccdefault-raw-dataset", prepared.uris.rawData)
    .logOutput("ccdefault-train-dataset", prepared.uris.train)
    .logOutput("ccdefault-test-dataset", prepared.uris.test)
    .logOutput("ccdefault-train-headers-dataset", prepared.uris.trainHeaders);
  await tracker.save();
  await associateTrialComponent(session, tracker.trialComponentName, names.trialName);
  return { preprocessingComponent: tracker.trialComponentName };
}

/** Step 8: SageMaker's XGBoost on the training CSV, tracked in the trial; waits with progress. */
export async function trainModel(
  session: WorkshopSession,
  names: LabNames,
  prepared: PreparedData,
  options: {
    security?: SecurityOptions;
    spot?: boolean;
    hyperparameters?: Record<string, string>;
    onProgress?: (progress: TrainingProgress) => void;
  } = {},
) {
  await startTrainingJob(session, {
    jobName: names.trainingJobName,
    trainUri: prepared.uris.train,
    outputUri: prepared.uris.models,
    hyperparameters: { ...LAB_HYPERPARAMETERS, ...options.hyperparameters },
    experiment: {
      experimentName: names.experimentName,
      trialName: names.trialName,
      displayName: "Training",
    },
    spot: options.spot === false ? undefined : { maxWaitSeconds: 3600 },
    security: options.security,
  });
  return waitForTrainingJob(session, names.trainingJobName, {
    pollMs: session.backend === "local" ? 250 : 15_000,
    onProgress: options.onProgress,
  });
}

/** Where a training job is, as a step of 5, for a progress bar. */
export function trainingStep(progress: TrainingProgress): number {
  const steps = ["Starting", "Downloading", "Training", "Uploading", "Completed"];
  const index = steps.indexOf(progress.secondaryStatus ?? "");
  return index < 0 ? 0 : index + 1;
}

export interface LabLearningCurve {
  /** train and test -> auc and logloss -> one value per boosting round. */
  history: EvalHistory;
  /** The round where the test AUC peaks, and that AUC. */
  bestTest: { round: number; auc: number };
  /** The test AUC after the last round (the model we deploy). */
  finalTestAuc: number;
}

/**
 * Step 8's learning curve: AUC and log loss per boosting round on the training and test sets,
 * replayed from the downloaded model (the training job itself reports only the last round).
 */
export function learningCurve(model: Booster, prepared: PreparedData): LabLearningCurve {
  const history = learningCurveHistory(model, {
    train: { matrix: featureMatrix(prepared.train), labels: prepared.train.values[0] },
    test: { matrix: featureMatrix(prepared.test), labels: prepared.test.values[0] },
  });
  const testAuc = history.test.auc;
  const best = bestRound(testAuc);
  return {
    history,
    bestTest: { round: best.round, auc: best.value },
    finalTestAuc: testAuc[testAuc.length - 1],
  };
}

/** `count` rows of a table picked evenly (every n-th row), as a feature matrix without label. */
export function sampleMatrix(prepared: PreparedData, count: number) {
  const full = featureMatrix(prepared.train);
  const step = Math.max(1, Math.floor(full.nrow / count));
  const nrow = Math.min(count, Math.ceil(full.nrow / step));
  const data = new Float32Array(nrow * full.ncol);
  for (let r = 0; r < nrow; r++) {
    data.set(full.data.subarray(r * step * full.ncol, (r * step + 1) * full.ncol), r * full.ncol);
  }
  return { data, nrow, ncol: full.ncol };
}

/** The test rows as the endpoint and the local model take them. */
export function testMatrix(prepared: PreparedData) {
  return featureMatrix(prepared.test);
}

/** Feature names in model column order (the lab's transformed order, label excluded). */
export function featureNames(prepared: PreparedData): string[] {
  return prepared.train.columns.slice(1);
}
