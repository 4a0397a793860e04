/**
 * CreateTrialComponent / DescribeTrialComponent / UpdateTrialComponent / ListTrialComponents /
 * DeleteTrialComponent. Components created by SageMaker jobs (trainingTrialComponent.ts) are the
 * same documents with a `Source`.
 */
import type {
  CreateTrialComponentCommandInput,
  CreateTrialComponentCommandOutput,
  DeleteTrialComponentCommandInput,
  DeleteTrialComponentCommandOutput,
  DescribeTrialComponentCommandInput,
  DescribeTrialComponentCommandOutput,
  ListTrialComponentsCommandInput,
  ListTrialComponentsCommandOutput,
  UpdateTrialComponentCommandInput,
  UpdateTrialComponentCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import { nameFromNameOrArn, sageMakerArn } from "./arn";
import { experimentEntityExists, experimentEntityNotFound } from "./errors";
import { getExperiment } from "./experiments";
import { inWindow, paginate, sortBy, type SortOrder } from "./paging";
import { API_CALLER, type SageMakerContext, type TrialComponentDoc } from "./store";
import { ENTITY_NAME, ENTITY_NAME_OR_ARN, getTrial, validateMetadataProperties } from "./trials";
import { validatePaging, validateTags, Validator } from "./validation";
import { epochSeconds, readTimestamp, type In, type Out } from "./wire";

type Component = TrialComponentDoc["component"];

export const PRIMARY_STATUSES = [
  "InProgress",
  "Completed",
  "Failed",
  "Stopping",
  "Stopped",
] as const;

export function getTrialComponent(ctx: SageMakerContext, nameOrArn: string): TrialComponentDoc {
  const name = nameFromNameOrArn(nameOrArn);
  const doc = ctx.store.get("sagemaker-trial-component", name);
  if (!doc) {
    throw experimentEntityNotFound(
      "TrialComponent",
      sageMakerArn(ctx, "experiment-trial-component", name),
    );
  }
  return doc;
}

function validateStatus(v: Validator, value: unknown): void {
  if (!v.object(value, "Status")) return;
  v.oneOf(value.PrimaryStatus, "Status.PrimaryStatus", PRIMARY_STATUSES);
  v.string(value.Message, "Status.Message", { max: 1024 });
}

function validateParameters(v: Validator, value: unknown, path: string): void {
  if (!v.map(value, path, { max: 300 })) return;
  for (const [key, param] of Object.entries(value)) {
    v.string(key, `${path}.key`, { max: 320 });
    if (!v.object(param, `${path}.${key}`)) continue;
    const hasString = param.StringValue !== undefined;
    const hasNumber = param.NumberValue !== undefined;
    if (hasString === hasNumber) {
      v.required(undefined, `${path}.${key}.StringValue|NumberValue (exactly one)`);
      continue;
    }
    v.string(param.StringValue, `${path}.${key}.StringValue`, { max: 2500 });
    v.number(param.NumberValue, `${path}.${key}.NumberValue`);
  }
}

function validateArtifacts(v: Validator, value: unknown, path: string): void {
  if (!v.map(value, path, { max: 60 })) return;
  for (const [key, artifact] of Object.entries(value)) {
    v.string(key, `${path}.key`, { max: 128 });
    if (!v.object(artifact, `${path}.${key}`)) continue;
    v.requiredString(artifact.Value, `${path}.${key}.Value`, { max: 2048 });
    v.string(artifact.MediaType, `${path}.${key}.MediaType`, {
      max: 256,
      pattern: "^[-\\w]+\\/[-\\w+]+$",
    });
  }
}

function validateKeyList(v: Validator, value: unknown, path: string, max: number): void {
  if (!v.list(value, path)) return;
  value.forEach((key, i) => v.string(key, `${path}.${i + 1}`, { max }));
}

/** The trials a component belongs to, with their experiments (Search's `Parents`). */
export function parentsOf(
  ctx: SageMakerContext,
  doc: TrialComponentDoc,
): { TrialName: string; ExperimentName?: string }[] {
  return doc.trials.map((trialName) => {
    const trial = ctx.store.get("sagemaker-trial", trialName);
    return {
      TrialName: trial?.trial.TrialName ?? trialName,
      ExperimentName: trial?.trial.ExperimentName,
    };
  });
}

export function createTrialComponent(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<CreateTrialComponentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialComponentName, "TrialComponentName", ENTITY_NAME);
  v.string(raw.DisplayName, "DisplayName", ENTITY_NAME);
  validateStatus(v, raw.Status);
  validateParameters(v, raw.Parameters, "Parameters");
  validateArtifacts(v, raw.InputArtifacts, "InputArtifacts");
  validateArtifacts(v, raw.OutputArtifacts, "OutputArtifacts");
  validateMetadataProperties(v, raw.MetadataProperties);
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateTrialComponentCommandInput>;
  const name = input.TrialComponentName!;
  const arn = sageMakerArn(ctx, "experiment-trial-component", name);
  if (ctx.store.get("sagemaker-trial-component", name)) {
    throw experimentEntityExists("TrialComponent", arn);
  }
  const now = epochSeconds(ctx.clock.now());
  const component: Component = {
    TrialComponentName: name,
    TrialComponentArn: arn,
    DisplayName: input.DisplayName ?? name,
    Status: input.Status,
    StartTime: readTimestamp(raw.StartTime, "startTime"),
    EndTime: readTimestamp(raw.EndTime, "endTime"),
    CreationTime: now,
    CreatedBy: API_CALLER,
    LastModifiedTime: now,
    LastModifiedBy: API_CALLER,
    Parameters: input.Parameters,
    InputArtifacts: input.InputArtifacts,
    OutputArtifacts: input.OutputArtifacts,
    MetadataProperties: input.MetadataProperties,
  };
  ctx.store.put("sagemaker-trial-component", name, {
    component,
    tags: input.Tags ?? [],
    trials: [],
  });
  return { TrialComponentArn: arn };
}

export function describeTrialComponent(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DescribeTrialComponentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialComponentName, "TrialComponentName", ENTITY_NAME_OR_ARN);
  v.done();
  const input = raw as In<DescribeTrialComponentCommandInput>;
  return getTrialComponent(ctx, input.TrialComponentName!).component;
}

function withoutKeys<T>(map: Record<string, T> | undefined, remove: string[] | undefined) {
  if (!map) return undefined;
  const out = { ...map };
  for (const key of remove ?? []) delete out[key];
  return Object.keys(out).length > 0 ? out : undefined;
}

export function updateTrialComponent(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<UpdateTrialComponentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialComponentName, "TrialComponentName", ENTITY_NAME);
  v.string(raw.DisplayName, "DisplayName", ENTITY_NAME);
  validateStatus(v, raw.Status);
  validateParameters(v, raw.Parameters, "Parameters");
  validateArtifacts(v, raw.InputArtifacts, "InputArtifacts");
  validateArtifacts(v, raw.OutputArtifacts, "OutputArtifacts");
  validateKeyList(v, raw.ParametersToRemove, "ParametersToRemove", 320);
  validateKeyList(v, raw.InputArtifactsToRemove, "InputArtifactsToRemove", 128);
  validateKeyList(v, raw.OutputArtifactsToRemove, "OutputArtifactsToRemove", 128);
  v.done();
  const input = raw as In<UpdateTrialComponentCommandInput>;
  const doc = getTrialComponent(ctx, input.TrialComponentName!);
  const c: Component = { ...doc.component };
  if (input.DisplayName !== undefined) c.DisplayName = input.DisplayName;
  if (input.Status !== undefined) c.Status = input.Status;
  const start = readTimestamp(raw.StartTime, "startTime");
  const end = readTimestamp(raw.EndTime, "endTime");
  if (start !== undefined) c.StartTime = start;
  if (end !== undefined) c.EndTime = end;
  // Removals apply to the stored values first, then the request's values are merged in.
  c.Parameters = withoutKeys({ ...c.Parameters }, input.ParametersToRemove);
  c.InputArtifacts = withoutKeys({ ...c.InputArtifacts }, input.InputArtifactsToRemove);
  c.OutputArtifacts = withoutKeys({ ...c.OutputArtifacts }, input.OutputArtifactsToRemove);
  if (input.Parameters) c.Parameters = { ...c.Parameters, ...input.Parameters };
  if (input.InputArtifacts) c.InputArtifacts = { ...c.InputArtifacts, ...input.InputArtifacts };
  if (input.OutputArtifacts) c.OutputArtifacts = { ...c.OutputArtifacts, ...input.OutputArtifacts };
  c.LastModifiedTime = epochSeconds(ctx.clock.now());
  c.LastModifiedBy = API_CALLER;
  ctx.store.put("sagemaker-trial-component", c.TrialComponentName!, { ...doc, component: c });
  return { TrialComponentArn: c.TrialComponentArn };
}

export function listTrialComponents(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<ListTrialComponentsCommandOutput> {
  const v = new Validator();
  v.string(raw.ExperimentName, "ExperimentName", ENTITY_NAME);
  v.string(raw.TrialName, "TrialName", ENTITY_NAME);
  v.string(raw.SourceArn, "SourceArn", { max: 256 });
  v.oneOf(raw.SortBy, "SortBy", ["Name", "CreationTime"]);
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  v.done();
  const input = raw as In<ListTrialComponentsCommandInput>;
  const filters = [input.ExperimentName, input.TrialName, input.SourceArn].filter(Boolean);
  if (filters.length > 1) {
    // AWS: "You can't filter by SourceArn or TrialName if you specify ExperimentName" (and so on).
    throw new AwsError(
      "ValidationException",
      "Only one of ExperimentName, TrialName and SourceArn can be specified.",
    );
  }
  const after = readTimestamp(raw.CreatedAfter, "createdAfter");
  const before = readTimestamp(raw.CreatedBefore, "createdBefore");
  let trialFilter: Set<string> | undefined;
  if (input.ExperimentName) {
    const experiment = getExperiment(ctx, input.ExperimentName).experiment.ExperimentName!;
    trialFilter = new Set(
      ctx.store
        .list("sagemaker-trial")
        .filter((t) => t.trial.ExperimentName?.toLowerCase() === experiment.toLowerCase())
        .map((t) => t.trial.TrialName!.toLowerCase()),
    );
  } else if (input.TrialName) {
    trialFilter = new Set([getTrial(ctx, input.TrialName).trial.TrialName!.toLowerCase()]);
  }
  const matching = ctx.store
    .list("sagemaker-trial-component")
    .filter(
      (d) =>
        inWindow(d.component.CreationTime, after, before) &&
        (!trialFilter || d.trials.some((t) => trialFilter!.has(t.toLowerCase()))) &&
        (!input.SourceArn || d.component.Source?.SourceArn === input.SourceArn),
    )
    .map((d) => d.component);
  const sorted = sortBy(
    matching,
    (c) => (input.SortBy === "Name" ? c.TrialComponentName : c.CreationTime),
    (input.SortOrder as SortOrder | undefined) ?? "Descending",
    (c) => c.TrialComponentName ?? "",
  );
  const { MaxResults, NextToken, ...query } = input;
  const { page, nextToken } = paginate(sorted, { MaxResults, NextToken }, query);
  return {
    TrialComponentSummaries: page.map((c) => ({
      TrialComponentName: c.TrialComponentName,
      TrialComponentArn: c.TrialComponentArn,
      DisplayName: c.DisplayName,
      TrialComponentSource: c.Source,
      Status: c.Status,
      StartTime: c.StartTime,
      EndTime: c.EndTime,
      CreationTime: c.CreationTime,
      CreatedBy: c.CreatedBy,
      LastModifiedTime: c.LastModifiedTime,
      LastModifiedBy: c.LastModifiedBy,
    })),
    NextToken: nextToken,
  };
}

export function deleteTrialComponent(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DeleteTrialComponentCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrialComponentName, "TrialComponentName", ENTITY_NAME);
  v.done();
  const input = raw as In<DeleteTrialComponentCommandInput>;
  const doc = getTrialComponent(ctx, input.TrialComponentName!);
  const name = doc.component.TrialComponentName!;
  // AWS: "A trial component must be disassociated from all trials before it can be deleted."
  if (doc.trials.length > 0) {
    throw new AwsError(
      "ValidationException",
      `TrialComponent '${name}' is associated with trial(s) ${doc.trials.join(", ")}. ` +
        "A trial component must be disassociated from all trials (DisassociateTrialComponent) before it can be deleted.",
    );
  }
  ctx.store.delete("sagemaker-trial-component", name);
  return { TrialComponentArn: doc.component.TrialComponentArn };
}
