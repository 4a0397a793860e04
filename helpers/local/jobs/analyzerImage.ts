/**
 * Which processing images the local emulator runs: SageMaker's Model Monitor analyzer,
 * `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/sagemaker-model-monitor-analyzer[:tag]`
 * (spec model-monitor-formats.md §10; the account differs per region, so any account and region
 * are accepted, and the SDK uses it untagged).
 */
const ANALYZER_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/sagemaker-model-monitor-analyzer(:[\w][\w.-]{0,127})?$/;

export interface AnalyzerImage {
  account: string;
  region: string;
  tag?: string;
}

export function parseAnalyzerImage(image: string | undefined): AnalyzerImage | undefined {
  const match = image ? ANALYZER_IMAGE.exec(image) : null;
  if (!match) return undefined;
  return { account: match[1], region: match[2], tag: match[4]?.slice(1) };
}

/** The FailureReason of a processing job whose image local mode cannot run. */
export function unsupportedImageReason(image: string | undefined): string {
  return (
    `ClientError: The local emulator cannot run processing image '${image ?? "(none)"}'. Local mode runs only ` +
    "SageMaker's Model Monitor analyzer image <account>.dkr.ecr.<region>.amazonaws.com/sagemaker-model-monitor-analyzer " +
    "(for example 156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer), which it " +
    "executes with the local analyzer engine. Use that image, or run this job on AWS."
  );
}
