/**
 * Why a processing job failed, in SageMaker's FailureReason form `<Kind>: <message>`:
 * `ClientError` for the caller's mistakes (unsupported image or dataset format, a container path
 * no input provides), `AlgorithmError` for failures inside the analyzer (spec §8, §9 use that
 * kind for the analyzer's own messages).
 */
export type ProcessingFailureKind = "ClientError" | "AlgorithmError" | "InternalServerError";

export class ProcessingFailure extends Error {
  constructor(
    readonly kind: ProcessingFailureKind,
    message: string,
  ) {
    super(message);
    this.name = "ProcessingFailure";
  }

  /** The FailureReason text DescribeProcessingJob shows. */
  get reason(): string {
    return `${this.kind}: ${this.message}`;
  }
}

/** Raised inside a run when StopProcessingJob asked it to end. */
export class ProcessingStopped extends Error {
  constructor() {
    super("The processing job was stopped.");
    this.name = "ProcessingStopped";
  }
}
