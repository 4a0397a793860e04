/**
 * Lab 02 steps 3-5: a model from the training job's artifact, an endpoint config with data
 * capture, and the endpoint, waiting while it is Creating.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  type DataCaptureConfig,
  type DescribeEndpointCommandOutput,
} from "@aws-sdk/client-sagemaker";
import type { WorkflowContext } from "./context";
import { vpcConfig, type SecurityOptions } from "./security";

export interface DeployOptions {
  modelName: string;
  endpointConfigName: string;
  endpointName: string;
  /** Image and artifact, as DescribeTrainingJob reports them. */
  image: string;
  modelDataUrl: string;
  /** Where captured requests and responses go; omit to deploy without capture. */
  captureUri?: string;
  /** Share of invocations captured, 0-100 (the lab captures everything). */
  samplingPercentage?: number;
  instanceType?: string;
  security?: SecurityOptions;
}

/** The lab's capture settings: both directions, CSV as text/csv, JSON as application/json. */
export function dataCaptureConfig(
  destination: string,
  samplingPercentage = 100,
  kmsKeyId?: string,
): DataCaptureConfig {
  return {
    EnableCapture: true,
    InitialSamplingPercentage: samplingPercentage,
    DestinationS3Uri: destination,
    KmsKeyId: kmsKeyId,
    CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
    CaptureContentTypeHeader: {
      CsvContentTypes: ["text/csv"],
      JsonContentTypes: ["application/json"],
    },
  };
}

/** Creates model, endpoint config and endpoint; returns once the endpoint is InService. */
export async function deployWithCapture(
  context: WorkflowContext,
  options: DeployOptions,
  onStatus?: (status: string) => void,
): Promise<DescribeEndpointCommandOutput> {
  const security = options.security ?? {};
  await context.sagemaker.send(
    new CreateModelCommand({
      ModelName: options.modelName,
      PrimaryContainer: { Image: options.image, ModelDataUrl: options.modelDataUrl },
      ExecutionRoleArn: context.roleArn,
      VpcConfig: vpcConfig(security),
      EnableNetworkIsolation: security.enableNetworkIsolation,
    }),
  );
  await context.sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: options.endpointConfigName,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ModelName: options.modelName,
          InitialInstanceCount: 1,
          InstanceType: (options.instanceType ?? "ml.m5.xlarge") as "ml.m5.xlarge",
          InitialVariantWeight: 1,
        },
      ],
      DataCaptureConfig: options.captureUri
        ? dataCaptureConfig(
            options.captureUri,
            options.samplingPercentage,
            security.dataCaptureKmsKeyId,
          )
        : undefined,
      KmsKeyId: security.volumeKmsKeyId,
    }),
  );
  await context.sagemaker.send(
    new CreateEndpointCommand({
      EndpointName: options.endpointName,
      EndpointConfigName: options.endpointConfigName,
    }),
  );
  return waitForEndpoint(context, options.endpointName, { onStatus });
}

/** Polls DescribeEndpoint while it is Creating/Updating; throws with FailureReason on Failed. */
export async function waitForEndpoint(
  context: Pick<WorkflowContext, "sagemaker">,
  endpointName: string,
  options: { pollMs?: number; timeoutMs?: number; onStatus?: (status: string) => void } = {},
): Promise<DescribeEndpointCommandOutput> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let last: string | undefined;
  for (;;) {
    const endpoint = await context.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: endpointName }),
    );
    const status = endpoint.EndpointStatus ?? "Unknown";
    if (status !== last) options.onStatus?.(status);
    last = status;
    if (status === "InService") return endpoint;
    if (status === "Failed" || status === "OutOfService") {
      throw new Error(
        `Endpoint ${endpointName} is ${status}: ${endpoint.FailureReason ?? "no reason given"}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`Endpoint ${endpointName} is still ${status}; giving up`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}
