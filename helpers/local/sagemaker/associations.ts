/** AssociateTrialComponent / DisassociateTrialComponent: the trial <-> trial component links. */
import type {
  AssociateTrialComponentCommandInput,
  AssociateTrialComponentCommandOutput,
  DisassociateTrialComponentCommandInput,
  DisassociateTrialComponentCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import type { SageMakerContext } from "./store";
import { getTrialComponent } from "./trialComponents";
import { ENTITY_NAME, getTrial } from "./trials";
import { Validator } from "./validation";
import { epochSeconds, type In, type Out } from "./wire";

function validate(raw: Record<string, unknown>): void {
  const v = new Validator();
  v.requiredString(raw.TrialComponentName, "TrialComponentName", ENTITY_NAME);
  v.requiredString(raw.TrialName, "TrialName", ENTITY_NAME);
  v.done();
}

/** Links a component to a trial; associating twice is a no-op, as on AWS. */
export function associate(ctx: SageMakerContext, componentName: string, trialName: string) {
  const trial = getTrial(ctx, trialName).trial;
  const doc = getTrialComponent(ctx, componentName);
  const already = doc.trials.some((t) => t.toLowerCase() === trial.TrialName!.toLowerCase());
  if (!already) {
    const component = { ...doc.component, LastModifiedTime: epochSeconds(ctx.clock.now()) };
    ctx.store.put("sagemaker-trial-component", component.TrialComponentName!, {
      ...doc,
      component,
      trials: [...doc.trials, trial.TrialName!],
    });
  }
  return { TrialComponentArn: doc.component.TrialComponentArn, TrialArn: trial.TrialArn };
}

export function associateTrialComponent(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<AssociateTrialComponentCommandOutput> {
  validate(raw);
  const input = raw as In<AssociateTrialComponentCommandInput>;
  return associate(ctx, input.TrialComponentName!, input.TrialName!);
}

export function disassociateTrialComponent(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DisassociateTrialComponentCommandOutput> {
  validate(raw);
  const input = raw as In<DisassociateTrialComponentCommandInput>;
  const trial = getTrial(ctx, input.TrialName!).trial;
  const doc = getTrialComponent(ctx, input.TrialComponentName!);
  const remaining = doc.trials.filter((t) => t.toLowerCase() !== trial.TrialName!.toLowerCase());
  if (remaining.length === doc.trials.length) {
    throw new AwsError(
      "ValidationException",
      `TrialComponent '${doc.component.TrialComponentName}' is not associated with trial '${trial.TrialName}'.`,
    );
  }
  const component = { ...doc.component, LastModifiedTime: epochSeconds(ctx.clock.now()) };
  ctx.store.put("sagemaker-trial-component", component.TrialComponentName!, {
    ...doc,
    component,
    trials: remaining,
  });
  return { TrialComponentArn: doc.component.TrialComponentArn, TrialArn: trial.TrialArn };
}
