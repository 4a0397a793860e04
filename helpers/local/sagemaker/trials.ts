/**
 * CreateTrial / DescribeTrial / UpdateTrial / ListTrials / DeleteTrial.
 * A trial belongs to exactly one experiment; its trial components are associated separately
 * (associations.ts) and recorded on the trial component documents.
 */
import type {
  CreateTrialCommandInput,
  CreateTrialCommandOutput,
  DeleteTrialCommandInput,
  DeleteTrialCommandOutput,
  DescribeTrialCommandInput,
  DescribeTrialCommandOutput,
  ListTrialsCommandInput,
  ListTrialsCommandOutput,
  UpdateTrialCommandInput,
  UpdateTrialCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import { nameFromNameOrArn, sageMakerArn } from "./arn";
import { experimentEntityExists, experimentEntityNotFound } from "./errors";
import { getExperiment } from "./experiments";
import { inWindow, paginate, sortBy, type SortOrder } from "./paging";
import { API_CALLER, type SageMakerContext, type TrialComponentDoc, type TrialDoc } from "./store";
import { PATTERNS, validatePaging, validateTags, Validator } from "./validation";
import { epochSeconds, readTimestamp, type In, type Out } from "./wire";

export const ENTITY_NAME = { min: 1, max: 120, pattern: PATTERNS.experimentEntityName };
export const ENTITY_NAME_OR_ARN = { min: 1, max: 256, pattern: PATTERNS.experimentEntityNameOrArn };

export function getTrial(ctx: SageMakerContext, nameOrArn: string): TrialDoc {
  const name = nameFromNameOrArn(nameOrArn);
  const doc = ctx.store.get("sagemaker-trial", name);
  if (!doc) throw experimentEntityNotFound("Trial", sageMakerArn(ctx, "experiment-trial", name));
  return doc;
}

/** Trial components associated with a trial, in no particular order. */
export function componentsOfTrial(ctx: SageMakerContext, trialName: string): TrialComponentDoc[] {
  const key = trialName.toLowerCase();
  return ctx.store
    .list("sagemaker-trial-component")
    .filter((c) => c.trials.some((t) => t.toLowerCase() === key));
}

export function validateMetadataProperties(v: Validator, value: unknown): void {
  if (!v.object(value, "MetadataProperties")) return;
  v.string(value.CommitId, "MetadataProperties.CommitId", { min: 1, max: 1024 });
  v.string(value.Repository, "MetadataProperties.Repository", { min: 1, max: 2048 });
  v.string(value.GeneratedBy, "MetadataProperties.GeneratedBy", { min: 1, max: 1024 });
  v.string(value.ProjectId, "MetadataProperties.ProjectId", { min: 1, max: 64 });
}

export function createTrial(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<CreateTrialCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialName, "TrialName", ENTITY_NAME);
  v.requiredString(raw.ExperimentName, "ExperimentName", ENTITY_NAME);
  v.string(raw.DisplayName, "DisplayName", ENTITY_NAME);
  validateMetadataProperties(v, raw.MetadataProperties);
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateTrialCommandInput>;
  const name = input.TrialName!;
  const arn = sageMakerArn(ctx, "experiment-trial", name);
  if (ctx.store.get("sagemaker-trial", name)) throw experimentEntityExists("Trial", arn);
  const experiment = getExperiment(ctx, input.ExperimentName!).experiment;
  const now = epochSeconds(ctx.clock.now());
  ctx.store.put("sagemaker-trial", name, {
    trial: {
      TrialName: name,
      TrialArn: arn,
      DisplayName: input.DisplayName ?? name,
      ExperimentName: experiment.ExperimentName,
      CreationTime: now,
      CreatedBy: API_CALLER,
      LastModifiedTime: now,
      LastModifiedBy: API_CALLER,
      MetadataProperties: input.MetadataProperties,
    },
    tags: input.Tags ?? [],
  });
  return { TrialArn: arn };
}

export function describeTrial(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DescribeTrialCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialName, "TrialName", ENTITY_NAME);
  v.done();
  return getTrial(ctx, (raw as In<DescribeTrialCommandInput>).TrialName!).trial;
}

export function updateTrial(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<UpdateTrialCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialName, "TrialName", ENTITY_NAME);
  v.string(raw.DisplayName, "DisplayName", ENTITY_NAME);
  v.done();
  const input = raw as In<UpdateTrialCommandInput>;
  const doc = getTrial(ctx, input.TrialName!);
  const trial = { ...doc.trial };
  if (input.DisplayName !== undefined) trial.DisplayName = input.DisplayName;
  trial.LastModifiedTime = epochSeconds(ctx.clock.now());
  trial.LastModifiedBy = API_CALLER;
  ctx.store.put("sagemaker-trial", trial.TrialName!, { ...doc, trial });
  return { TrialArn: trial.TrialArn };
}

export function listTrials(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<ListTrialsCommandOutput> {
  const v = new Validator();
  v.string(raw.ExperimentName, "ExperimentName", ENTITY_NAME);
  v.string(raw.TrialComponentName, "TrialComponentName", ENTITY_NAME);
  v.oneOf(raw.SortBy, "SortBy", ["Name", "CreationTime"]);
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  v.done();
  const input = raw as In<ListTrialsCommandInput>;
  const after = readTimestamp(raw.CreatedAfter, "createdAfter");
  const before = readTimestamp(raw.CreatedBefore, "createdBefore");
  if (input.ExperimentName) getExperiment(ctx, input.ExperimentName);
  let componentTrials: Set<string> | undefined;
  if (input.TrialComponentName) {
    const component = ctx.store.get("sagemaker-trial-component", input.TrialComponentName);
    if (!component) {
      throw experimentEntityNotFound(
        "TrialComponent",
        sageMakerArn(ctx, "experiment-trial-component", input.TrialComponentName),
      );
    }
    componentTrials = new Set(component.trials.map((t) => t.toLowerCase()));
  }
  const matching = ctx.store
    .list("sagemaker-trial")
    .map((d) => d.trial)
    .filter(
      (t) =>
        inWindow(t.CreationTime, after, before) &&
        (!input.ExperimentName ||
          t.ExperimentName?.toLowerCase() === input.ExperimentName.toLowerCase()) &&
        (!componentTrials || componentTrials.has(t.TrialName!.toLowerCase())),
    );
  const sorted = sortBy(
    matching,
    (t) => (input.SortBy === "Name" ? t.TrialName : t.CreationTime),
    (input.SortOrder as SortOrder | undefined) ?? "Descending",
    (t) => t.TrialName ?? "",
  );
  const { MaxResults, NextToken, ...query } = input;
  const { page, nextToken } = paginate(sorted, { MaxResults, NextToken }, query);
  return {
    TrialSummaries: page.map((t) => ({
      TrialArn: t.TrialArn,
      TrialName: t.TrialName,
      DisplayName: t.DisplayName,
      TrialSource: t.Source,
      CreationTime: t.CreationTime,
      LastModifiedTime: t.LastModifiedTime,
    })),
    NextToken: nextToken,
  };
}

export function deleteTrial(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DeleteTrialCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialName, "TrialName", ENTITY_NAME);
  v.done();
  const doc = getTrial(ctx, (raw as In<DeleteTrialCommandInput>).TrialName!);
  const name = doc.trial.TrialName!;
  const components = componentsOfTrial(ctx, name);
  if (components.length > 0) {
    const names = components.map((c) => c.component.TrialComponentName).join(", ");
    throw new AwsError(
      "ValidationException",
      `Trial '${name}' has ${components.length} associated trial component(s) (${names}). ` +
        "Disassociate them first (DisassociateTrialComponent), then delete the trial.",
    );
  }
  ctx.store.delete("sagemaker-trial", name);
  return { TrialArn: doc.trial.TrialArn };
}
