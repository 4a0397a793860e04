/**
 * Why a training job failed, in SageMaker's FailureReason form `<Kind>: <message>`.
 *
 * The kinds are the ones the SageMaker algorithm toolkit raises
 * (aws/sagemaker-xgboost-container, src/sagemaker_algorithm_toolkit/exceptions.py): `ClientError`
 * for the caller's mistakes (bad hyperparameter, missing data, unsupported image or format),
 * `AlgorithmError` for failures inside training, `InternalServerError` for the platform.
 */
export type FailureKind = "ClientError" | "AlgorithmError" | "InternalServerError";

export class TrainingFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = "TrainingFailure";
  }

  /** The FailureReason text DescribeTrainingJob shows. */
  get reason(): string {
    return `${this.kind}: ${this.message}`;
  }
}

export function clientError(message: string): TrainingFailure {
  return new TrainingFailure("ClientError", message);
}
