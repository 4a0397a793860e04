/**
 * CreateExperiment / DescribeExperiment / UpdateExperiment / ListExperiments / DeleteExperiment.
 * Shapes: shared/specs/model-monitor-formats.md §13 and the SageMaker API reference.
 */
import type {
  CreateExperimentCommandInput,
  CreateExperimentCommandOutput,
  DeleteExperimentCommandInput,
  DeleteExperimentCommandOutput,
  DescribeExperimentCommandInput,
  DescribeExperimentCommandOutput,
  ListExperimentsCommandInput,
  ListExperimentsCommandOutput,
  UpdateExperimentCommandInput,
  UpdateExperimentCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import { nameFromNameOrArn, sageMakerArn } from "./arn";
import { experimentEntityExists, experimentEntityNotFound } from "./errors";
import { inWindow, paginate, sortBy, type SortOrder } from "./paging";
import { API_CALLER, type ExperimentDoc, type SageMakerContext } from "./store";
import { PATTERNS, validatePaging, validateTags, Validator } from "./validation";
import { epochSeconds, readTimestamp, type In, type Out } from "./wire";

const NAME = { min: 1, max: 120, pattern: PATTERNS.experimentEntityName };

export function getExperiment(ctx: SageMakerContext, nameOrArn: string): ExperimentDoc {
  const name = nameFromNameOrArn(nameOrArn);
  const doc = ctx.store.get("sagemaker-experiment", name);
  if (!doc) throw experimentEntityNotFound("Experiment", sageMakerArn(ctx, "experiment", name));
  return doc;
}

export function createExperiment(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<CreateExperimentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ExperimentName, "ExperimentName", NAME);
  v.string(raw.DisplayName, "DisplayName", NAME);
  v.string(raw.Description, "Description", { max: 3072, pattern: ".*" });
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateExperimentCommandInput>;
  const name = input.ExperimentName!;
  const arn = sageMakerArn(ctx, "experiment", name);
  if (ctx.store.get("sagemaker-experiment", name)) throw experimentEntityExists("Experiment", arn);
  const now = epochSeconds(ctx.clock.now());
  ctx.store.put("sagemaker-experiment", name, {
    experiment: {
      ExperimentName: name,
      ExperimentArn: arn,
      DisplayName: input.DisplayName ?? name,
      Description: input.Description,
      CreationTime: now,
      CreatedBy: API_CALLER,
      LastModifiedTime: now,
      LastModifiedBy: API_CALLER,
    },
    tags: input.Tags ?? [],
  });
  return { ExperimentArn: arn };
}

export function describeExperiment(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DescribeExperimentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ExperimentName, "ExperimentName", NAME);
  v.done();
  const input = raw as In<DescribeExperimentCommandInput>;
  return getExperiment(ctx, input.ExperimentName!).experiment;
}

export function updateExperiment(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<UpdateExperimentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ExperimentName, "ExperimentName", NAME);
  v.string(raw.DisplayName, "DisplayName", NAME);
  v.string(raw.Description, "Description", { max: 3072, pattern: ".*" });
  v.done();
  const input = raw as In<UpdateExperimentCommandInput>;
  const doc = getExperiment(ctx, input.ExperimentName!);
  const experiment = { ...doc.experiment };
  if (input.DisplayName !== undefined) experiment.DisplayName = input.DisplayName;
  if (input.Description !== undefined) experiment.Description = input.Description;
  experiment.LastModifiedTime = epochSeconds(ctx.clock.now());
  experiment.LastModifiedBy = API_CALLER;
  ctx.store.put("sagemaker-experiment", experiment.ExperimentName!, { ...doc, experiment });
  return { ExperimentArn: experiment.ExperimentArn };
}

export function listExperiments(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<ListExperimentsCommandOutput> {
  const v = new Validator();
  v.oneOf(raw.SortBy, "SortBy", ["Name", "CreationTime"]);
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  v.done();
  const input = raw as In<ListExperimentsCommandInput>;
  const after = readTimestamp(raw.CreatedAfter, "createdAfter");
  const before = readTimestamp(raw.CreatedBefore, "createdBefore");
  const matching = ctx.store
    .list("sagemaker-experiment")
    .map((d) => d.experiment)
    .filter((e) => inWindow(e.CreationTime, after, before));
  const sorted = sortBy(
    matching,
    (e) => (input.SortBy === "Name" ? e.ExperimentName : e.CreationTime),
    (input.SortOrder as SortOrder | undefined) ?? "Descending",
    (e) => e.ExperimentName ?? "",
  );
  const { MaxResults, NextToken, ...query } = input;
  const { page, nextToken } = paginate(sorted, { MaxResults, NextToken }, query);
  return {
    ExperimentSummaries: page.map((e) => ({
      ExperimentArn: e.ExperimentArn,
      ExperimentName: e.ExperimentName,
      DisplayName: e.DisplayName,
      ExperimentSource: e.Source,
      CreationTime: e.CreationTime,
      LastModifiedTime: e.LastModifiedTime,
    })),
    NextToken: nextToken,
  };
}

export function deleteExperiment(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DeleteExperimentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ExperimentName, "ExperimentName", NAME);
  v.done();
  const input = raw as In<DeleteExperimentCommandInput>;
  const doc = getExperiment(ctx, input.ExperimentName!);
  const name = doc.experiment.ExperimentName!;
  // AWS: "All trials associated with the experiment must be deleted first."
  const trials = ctx.store
    .list("sagemaker-trial")
    .filter((t) => t.trial.ExperimentName?.toLowerCase() === name.toLowerCase());
  if (trials.length > 0) {
    const names = trials.map((t) => t.trial.TrialName).join(", ");
    throw new AwsError(
      "ValidationException",
      `Experiment '${name}' has ${trials.length} trial(s) (${names}). ` +
        "All trials associated with the experiment must be deleted first (DeleteTrial).",
    );
  }
  ctx.store.delete("sagemaker-experiment", name);
  return { ExperimentArn: doc.experiment.ExperimentArn };
}
