/**
 * The lineage table of a trial: every trial component associated with it, one row each, in the
 * column layout of SageMaker Experiments' `ExperimentAnalytics` dataframe (name, display name,
 * source, one column per parameter, `<artifact> - MediaType` / `<artifact> - Value` per artifact),
 * found with `Search` by `Parents.TrialName` as the original lab does.
 */
import { SearchCommand, type TrialComponent } from "@aws-sdk/client-sagemaker";
import type { WorkflowContext } from "./context";

export type LineageRow = Record<string, string | number | undefined>;

/** All trial components of `trialName`, oldest first, following NextToken. */
export async function searchTrialComponents(
  context: Pick<WorkflowContext, "sagemaker">,
  trialName: string,
): Promise<TrialComponent[]> {
  const components: TrialComponent[] = [];
  let token: string | undefined;
  do {
    const page = await context.sagemaker.send(
      new SearchCommand({
        Resource: "ExperimentTrialComponent",
        SearchExpression: {
          Filters: [{ Name: "Parents.TrialName", Operator: "Equals", Value: trialName }],
        },
        SortBy: "CreationTime",
        SortOrder: "Ascending",
        NextToken: token,
      }),
    );
    for (const result of page.Results ?? []) {
      if (result.TrialComponent) components.push(result.TrialComponent);
    }
    token = page.NextToken;
  } while (token);
  return components;
}

/** One component as a flat row. */
export function lineageRow(component: TrialComponent): LineageRow {
  const row: LineageRow = {
    TrialComponentName: component.TrialComponentName,
    DisplayName: component.DisplayName,
    SourceArn: component.Source?.SourceArn,
  };
  for (const [name, value] of Object.entries(component.Parameters ?? {})) {
    row[name] = value.NumberValue ?? value.StringValue;
  }
  for (const [name, artifact] of Object.entries({
    ...component.InputArtifacts,
    ...component.OutputArtifacts,
  })) {
    row[`${name} - MediaType`] = artifact.MediaType;
    row[`${name} - Value`] = artifact.Value;
  }
  for (const metric of component.Metrics ?? []) {
    row[`${metric.MetricName} - Last`] = metric.Last;
  }
  return row;
}

/** The lineage table of a trial: rows plus the union of their columns in first-seen order. */
export async function lineageTable(
  context: Pick<WorkflowContext, "sagemaker">,
  trialName: string,
): Promise<{ columns: string[]; rows: LineageRow[] }> {
  const rows = (await searchTrialComponents(context, trialName)).map(lineageRow);
  const columns: string[] = [];
  for (const row of rows) {
    for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  }
  return { columns, rows };
}
