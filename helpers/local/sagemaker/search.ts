/**
 * Search over Experiment, ExperimentTrial, ExperimentTrialComponent and TrainingJob records.
 * The records are what AWS's SearchRecord holds for each type (resource + Tags; trial components
 * also carry Parents and SourceDetail, trials their TrialComponentSummaries), so filters written
 * against AWS work unchanged here.
 */
import type {
  SearchCommandInput,
  SearchCommandOutput,
  SearchRecord,
  Tag,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import { paginate, sortBy, type SortOrder } from "./paging";
import { matchesExpression, OPERATORS, sortKey } from "./searchExpression";
import type { SageMakerContext } from "./store";
import { parentsOf } from "./trialComponents";
import { componentsOfTrial } from "./trials";
import { validatePaging, Validator } from "./validation";
import type { In, Out, Wire } from "./wire";

type Record_ = Wire<SearchRecord>;

const SUPPORTED = [
  "Experiment",
  "ExperimentTrial",
  "ExperimentTrialComponent",
  "TrainingJob",
] as const;

/** Names on which AWS allows Contains more than once per expression (Filter docs). */
const MULTI_CONTAINS = new Set([
  "DisplayName",
  "ExperimentName",
  "TrialName",
  "TrialComponentName",
  "Tags",
  "InputArtifacts",
  "OutputArtifacts",
]);

function validateExpression(v: Validator, expr: unknown, path: string, contains: string[]): void {
  if (!v.object(expr, path)) return;
  v.oneOf(expr.Operator, `${path}.Operator`, ["And", "Or"]);
  if (v.list(expr.Filters, `${path}.Filters`, { min: 1, max: 20 })) {
    expr.Filters.forEach((f, i) => validateFilter(v, f, `${path}.Filters.${i + 1}`, contains));
  }
  if (v.list(expr.NestedFilters, `${path}.NestedFilters`, { min: 1, max: 20 })) {
    expr.NestedFilters.forEach((n, i) => {
      const p = `${path}.NestedFilters.${i + 1}`;
      if (!v.object(n, p)) return;
      v.requiredString(n.NestedPropertyName, `${p}.NestedPropertyName`, { min: 1, max: 255 });
      if (
        v.required(n.Filters, `${p}.Filters`) &&
        v.list(n.Filters, `${p}.Filters`, { min: 1, max: 20 })
      ) {
        n.Filters.forEach((f, j) => validateFilter(v, f, `${p}.Filters.${j + 1}`, contains));
      }
    });
  }
  if (v.list(expr.SubExpressions, `${path}.SubExpressions`, { min: 1, max: 20 })) {
    expr.SubExpressions.forEach((s, i) =>
      validateExpression(v, s, `${path}.SubExpressions.${i + 1}`, contains),
    );
  }
}

function validateFilter(v: Validator, f: unknown, path: string, contains: string[]): void {
  if (!v.object(f, path)) return;
  v.requiredString(f.Name, `${path}.Name`, { min: 1, max: 1024, pattern: ".+" });
  v.oneOf(f.Operator, `${path}.Operator`, OPERATORS);
  v.string(f.Value, `${path}.Value`, { min: 1, max: 1024 });
  const operator = (f.Operator as string | undefined) ?? "Equals";
  if (operator !== "Exists" && operator !== "NotExists" && f.Value === undefined) {
    v.required(f.Value, `${path}.Value`);
  }
  if (operator === "Contains" && typeof f.Name === "string") contains.push(f.Name);
}

/** AWS leaves Tags out of a record that has none. */
function tagsOf(tags: Tag[]): Tag[] | undefined {
  return tags.length > 0 ? tags : undefined;
}

function records(ctx: SageMakerContext, resource: string): Record_[] {
  switch (resource) {
    case "Experiment":
      return ctx.store
        .list("sagemaker-experiment")
        .map((d) => ({ Experiment: { ...d.experiment, Tags: tagsOf(d.tags) } }));
    case "ExperimentTrial":
      return ctx.store.list("sagemaker-trial").map((d) => ({
        Trial: {
          ...d.trial,
          Tags: tagsOf(d.tags),
          TrialComponentSummaries: componentsOfTrial(ctx, d.trial.TrialName!).map((c) => ({
            TrialComponentName: c.component.TrialComponentName,
            TrialComponentArn: c.component.TrialComponentArn,
            TrialComponentSource: c.component.Source,
            CreationTime: c.component.CreationTime,
            CreatedBy: c.component.CreatedBy,
          })),
        },
      }));
    case "ExperimentTrialComponent":
      return ctx.store.list("sagemaker-trial-component").map((d) => {
        const source = d.component.Source;
        const job =
          source?.SourceType === "SageMakerTrainingJob"
            ? ctx.store
                .list("sagemaker-training-job")
                .find((j) => j.job.TrainingJobArn === source.SourceArn)
            : undefined;
        return {
          TrialComponent: {
            ...d.component,
            Tags: tagsOf(d.tags),
            Parents: parentsOf(ctx, d),
            SourceDetail: source
              ? {
                  SourceArn: source.SourceArn,
                  TrainingJob: job ? { ...job.job, Tags: tagsOf(job.tags) } : undefined,
                }
              : undefined,
          },
        };
      });
    case "TrainingJob":
      return ctx.store
        .list("sagemaker-training-job")
        .map((d) => ({ TrainingJob: { ...d.job, Tags: tagsOf(d.tags) } }));
    default:
      throw new AwsError(
        "ValidationException",
        `Search over '${resource}' is not supported by the local emulator; it searches ${SUPPORTED.join(", ")}.`,
      );
  }
}

/** The resource inside a record: filters name its properties without the type prefix. */
function inner(record: Record_): unknown {
  return record.Experiment ?? record.Trial ?? record.TrialComponent ?? record.TrainingJob;
}

function identity(record: Record_): string {
  const r = inner(record) as Record<string, unknown>;
  return String(r.ExperimentArn ?? r.TrialArn ?? r.TrialComponentArn ?? r.TrainingJobArn ?? "");
}

export function search(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<SearchCommandOutput> {
  const v = new Validator();
  v.required(raw.Resource, "Resource");
  v.string(raw.SortBy, "SortBy", { min: 1, max: 255 });
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  const contains: string[] = [];
  validateExpression(v, raw.SearchExpression, "SearchExpression", contains);
  v.done();
  const limited = contains.filter((name) => !MULTI_CONTAINS.has(name.split(".")[0]));
  if (limited.length > 1) {
    throw new AwsError("ValidationException", "'CONTAINS' operator usage limit of 1 exceeded.");
  }
  const input = raw as In<SearchCommandInput>;
  const matching = records(ctx, String(input.Resource)).filter((r) =>
    matchesExpression(inner(r), input.SearchExpression),
  );
  const sortProperty = input.SortBy ?? "LastModifiedTime";
  const sorted = sortBy(
    matching,
    (r) => sortKey(inner(r), sortProperty),
    (input.SortOrder as SortOrder | undefined) ?? "Descending",
    identity,
  );
  const { MaxResults, NextToken, ...query } = input;
  const { page, nextToken } = paginate(sorted, { MaxResults, NextToken }, query);
  return {
    Results: page,
    NextToken: nextToken,
    TotalHits: { Value: matching.length, Relation: "EqualTo" },
  };
}
