/**
 * SageMaker Experiments from the SDK's commands: experiments, trials, and a `Tracker` for work
 * done outside SageMaker jobs (the lab's preprocessing, the source-control and endpoint records),
 * modelled on the `sagemaker-experiments` package's Tracker: log parameters and artifacts, then
 * save them to a trial component and associate it with a trial.
 */
import {
  AssociateTrialComponentCommand,
  CreateExperimentCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DescribeTrialCommand,
  UpdateTrialComponentCommand,
  type TrialComponentArtifact,
  type TrialComponentParameterValue,
} from "@aws-sdk/client-sagemaker";
import type { WorkflowContext } from "./context";

type SageMakerContext = Pick<WorkflowContext, "sagemaker">;

/** `<base>-YYYY-MM-DD-HH-MM-SS`: unique per second and valid as any SageMaker resource name. */
export function timestampedName(base: string, at: Date = new Date()): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[T:]/g, "-");
  return `${base}-${stamp}`;
}

export async function createExperiment(
  context: SageMakerContext,
  name: string,
  description?: string,
): Promise<string> {
  const result = await context.sagemaker.send(
    new CreateExperimentCommand({ ExperimentName: name, Description: description }),
  );
  return result.ExperimentArn!;
}

export async function createTrial(
  context: SageMakerContext,
  experimentName: string,
  trialName: string,
): Promise<string> {
  const result = await context.sagemaker.send(
    new CreateTrialCommand({ TrialName: trialName, ExperimentName: experimentName }),
  );
  return result.TrialArn!;
}

export async function associateTrialComponent(
  context: SageMakerContext,
  trialComponentName: string,
  trialName: string,
): Promise<void> {
  await context.sagemaker.send(
    new AssociateTrialComponentCommand({
      TrialComponentName: trialComponentName,
      TrialName: trialName,
    }),
  );
}

/** True when the trial exists (lab 02 reloads lab 01's trial). */
export async function trialExists(context: SageMakerContext, trialName: string): Promise<boolean> {
  try {
    await context.sagemaker.send(new DescribeTrialCommand({ TrialName: trialName }));
    return true;
  } catch (error) {
    const { name, message } = error as { name?: string; message?: string };
    // AWS answers ResourceNotFound; moto answers ValidationException "Could not find trial …".
    if (name === "ResourceNotFound" || /^Could not find trial/.test(message ?? "")) return false;
    throw error;
  }
}

function parameterValue(value: string | number): TrialComponentParameterValue {
  return typeof value === "number" ? { NumberValue: value } : { StringValue: value };
}

/**
 * Records work as a trial component. Parameters and artifacts accumulate in memory and are
 * written by `save()` (one UpdateTrialComponent call), like the Python Tracker's context exit.
 */
export class Tracker {
  private readonly parameters: Record<string, TrialComponentParameterValue> = {};
  private readonly inputs: Record<string, TrialComponentArtifact> = {};
  private readonly outputs: Record<string, TrialComponentArtifact> = {};

  private constructor(
    private readonly context: SageMakerContext,
    readonly trialComponentName: string,
    readonly trialComponentArn: string,
    readonly displayName: string,
  ) {}

  /** Creates the trial component (status InProgress, start time now). */
  static async create(
    context: SageMakerContext,
    options: { displayName: string; name?: string; now?: Date },
  ): Promise<Tracker> {
    const now = options.now ?? new Date();
    const name = options.name ?? timestampedName(`TrialComponent-${options.displayName}`, now);
    const result = await context.sagemaker.send(
      new CreateTrialComponentCommand({
        TrialComponentName: name,
        DisplayName: options.displayName,
        Status: { PrimaryStatus: "InProgress" },
        StartTime: now,
      }),
    );
    return new Tracker(context, name, result.TrialComponentArn!, options.displayName);
  }

  logParameter(name: string, value: string | number): this {
    this.parameters[name] = parameterValue(value);
    return this;
  }

  logParameters(values: Record<string, string | number>): this {
    for (const [name, value] of Object.entries(values)) this.logParameter(name, value);
    return this;
  }

  logInput(name: string, value: string, mediaType = "s3/uri"): this {
    this.inputs[name] = { Value: value, MediaType: mediaType };
    return this;
  }

  logOutput(name: string, value: string, mediaType = "s3/uri"): this {
    this.outputs[name] = { Value: value, MediaType: mediaType };
    return this;
  }

  /** Writes everything logged so far and marks the component Completed. */
  async save(
    options: { now?: Date; status?: "Completed" | "Failed"; message?: string } = {},
  ): Promise<void> {
    await this.context.sagemaker.send(
      new UpdateTrialComponentCommand({
        TrialComponentName: this.trialComponentName,
        Parameters: this.parameters,
        InputArtifacts: this.inputs,
        OutputArtifacts: this.outputs,
        Status: { PrimaryStatus: options.status ?? "Completed", Message: options.message },
        EndTime: options.now ?? new Date(),
      }),
    );
  }
}
