/**
 * Which training images the local emulator runs: SageMaker's built-in XGBoost algorithm image,
 * `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/sagemaker-xgboost:<version>` for the versions
 * whose behaviour the local engine follows (XGBoost 1.3 to 1.7 containers). The registry account
 * differs per region (683313688378 in us-east-1, 246618743249 in us-west-2, ...), so any account
 * and region are accepted.
 */
import { clientError } from "./trainingFailure";

export const LOCAL_XGBOOST_VERSIONS = ["1.3-1", "1.5-1", "1.7-1"] as const;

const XGBOOST_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/sagemaker-xgboost:(1\.[3-7]-1)$/;

export interface LocalTrainingImage {
  account: string;
  region: string;
  version: string;
}

/** Parses a supported image URI, or returns undefined. */
export function parseLocalTrainingImage(image: string): LocalTrainingImage | undefined {
  const match = XGBOOST_IMAGE.exec(image);
  if (!match) return undefined;
  return { account: match[1], region: match[2], version: match[4] };
}

/** Throws the ClientError the job fails with when the image is not one local mode runs. */
export function checkTrainingImage(image: string | undefined): LocalTrainingImage {
  const parsed = image ? parseLocalTrainingImage(image) : undefined;
  if (!parsed) {
    throw clientError(
      `The local emulator cannot run training image '${image ?? "(none: AlgorithmName jobs are not supported)"}'. ` +
        "Local mode runs only SageMaker's built-in XGBoost algorithm image " +
        "<account>.dkr.ecr.<region>.amazonaws.com/sagemaker-xgboost:<version> with version 1.3-1 to 1.7-1 " +
        "(for example 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1). " +
        "Use that image, or run this job on AWS.",
    );
  }
  return parsed;
}
