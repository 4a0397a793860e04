/**
 * Lab 02 step 14: delete everything the labs created, in dependency order — the monitoring
 * schedule (waiting until it is gone, as AWS refuses to delete an endpoint it monitors), the
 * endpoint, its config, the model, the experiment with its trials and trial components, and the
 * workshop's S3 prefix. Missing resources are skipped, so running it twice is safe.
 */
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteExperimentCommand,
  DeleteModelCommand,
  DeleteMonitoringScheduleCommand,
  DeleteTrialCommand,
  DeleteTrialComponentCommand,
  DescribeMonitoringScheduleCommand,
  DisassociateTrialComponentCommand,
  ListTrialComponentsCommand,
  ListTrialsCommand,
} from "@aws-sdk/client-sagemaker";
import { s3Uri, type WorkflowContext } from "./context";
import { deletePrefix } from "./storage";

export interface CleanupTargets {
  scheduleName?: string;
  endpointName?: string;
  endpointConfigName?: string;
  modelName?: string;
  experimentName?: string;
  /** Also delete every object under the workshop's S3 prefix. */
  deleteData?: boolean;
}

function isNotFound(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return (
    name === "ResourceNotFound" ||
    name === "ResourceNotFoundException" ||
    /^Could not find|does not exist|not found/i.test(message ?? "")
  );
}

/** Runs `action`; a not-found answer means there was nothing to delete. */
async function ifPresent(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function waitUntilScheduleGone(
  context: Pick<WorkflowContext, "sagemaker">,
  name: string,
): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    const exists = await ifPresent(() =>
      context.sagemaker.send(
        new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }),
      ),
    );
    if (!exists) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`Monitoring schedule ${name} is still being deleted after 10 minutes`);
}

async function deleteExperimentTree(
  context: Pick<WorkflowContext, "sagemaker">,
  experimentName: string,
): Promise<string[]> {
  const done: string[] = [];
  let trials;
  try {
    trials = await context.sagemaker.send(
      new ListTrialsCommand({ ExperimentName: experimentName }),
    );
  } catch (error) {
    if (isNotFound(error)) return done; // the experiment is already gone
    throw error;
  }
  for (const trial of trials.TrialSummaries ?? []) {
    let token: string | undefined;
    const components: string[] = [];
    do {
      const page = await context.sagemaker.send(
        new ListTrialComponentsCommand({ TrialName: trial.TrialName, NextToken: token }),
      );
      components.push(...(page.TrialComponentSummaries ?? []).map((c) => c.TrialComponentName!));
      token = page.NextToken;
    } while (token);
    for (const component of components) {
      await ifPresent(() =>
        context.sagemaker.send(
          new DisassociateTrialComponentCommand({
            TrialComponentName: component,
            TrialName: trial.TrialName,
          }),
        ),
      );
      // A component can belong to other trials (or be a job's): delete it only when it is free.
      try {
        if (
          await ifPresent(() =>
            context.sagemaker.send(
              new DeleteTrialComponentCommand({ TrialComponentName: component }),
            ),
          )
        ) {
          done.push(`trial component ${component}`);
        }
      } catch (error) {
        done.push(`trial component ${component} kept (${(error as Error).message})`);
      }
    }
    if (
      await ifPresent(() =>
        context.sagemaker.send(new DeleteTrialCommand({ TrialName: trial.TrialName })),
      )
    ) {
      done.push(`trial ${trial.TrialName}`);
    }
  }
  if (
    await ifPresent(() =>
      context.sagemaker.send(new DeleteExperimentCommand({ ExperimentName: experimentName })),
    )
  ) {
    done.push(`experiment ${experimentName}`);
  }
  return done;
}

/** Deletes what `targets` names; returns a line per deleted resource. */
export async function cleanup(
  context: WorkflowContext,
  targets: CleanupTargets,
): Promise<string[]> {
  const done: string[] = [];
  const { sagemaker } = context;
  if (targets.scheduleName) {
    const name = targets.scheduleName;
    if (
      await ifPresent(() =>
        sagemaker.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: name })),
      )
    ) {
      await waitUntilScheduleGone(context, name);
      done.push(`monitoring schedule ${name}`);
    }
  }
  if (targets.endpointName) {
    const name = targets.endpointName;
    if (await ifPresent(() => sagemaker.send(new DeleteEndpointCommand({ EndpointName: name })))) {
      done.push(`endpoint ${name}`);
    }
  }
  if (targets.endpointConfigName) {
    const name = targets.endpointConfigName;
    if (
      await ifPresent(() =>
        sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })),
      )
    ) {
      done.push(`endpoint config ${name}`);
    }
  }
  if (targets.modelName) {
    const name = targets.modelName;
    if (await ifPresent(() => sagemaker.send(new DeleteModelCommand({ ModelName: name })))) {
      done.push(`model ${name}`);
    }
  }
  if (targets.experimentName)
    done.push(...(await deleteExperimentTree(context, targets.experimentName)));
  if (targets.deleteData) {
    const count = await deletePrefix(context, s3Uri(context, "") + "/");
    if (count > 0) done.push(`${count} objects under ${s3Uri(context, "")}/`);
  }
  return done;
}
