/**
 * The security options of the original lab reach the API: every job-, model- and endpoint-creating
 * helper is run against fake clients whose `send` records the commands (no network), and the
 * recorded inputs must carry the VPC, the KMS keys, network isolation, inter-container encryption
 * and managed spot training — and must carry none of them when no option is given.
 */
import type {
  CreateEndpointConfigCommandInput,
  CreateModelCommandInput,
  CreateMonitoringScheduleCommandInput,
  CreateProcessingJobCommandInput,
  CreateTrainingJobCommandInput,
} from "@aws-sdk/client-sagemaker";
import { baselineJobRequest, suggestBaseline } from "../../helpers/workflow/baseline";
import type { WorkflowContext } from "../../helpers/workflow/context";
import { deployWithCapture } from "../../helpers/workflow/deploy";
import { createMonitoringSchedule } from "../../helpers/workflow/monitoring";
import {
  securityOptionsFromEnv,
  vpcConfig,
  type SecurityOptions,
} from "../../helpers/workflow/security";
import { startTrainingJob } from "../../helpers/workflow/training";

const SECURITY: SecurityOptions = {
  vpc: { subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], securityGroupIds: ["sg-0123abcd"] },
  volumeKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/volume-key",
  outputKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/output-key",
  dataCaptureKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/capture-key",
  enableNetworkIsolation: true,
  enableInterContainerTrafficEncryption: true,
};
const VPC = { Subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], SecurityGroupIds: ["sg-0123abcd"] };

interface Recorded {
  operation: string;
  input: Record<string, unknown>;
}

/**
 * A WorkflowContext whose clients record every command and answer what the helpers wait for:
 * jobs Completed, endpoints InService, and the baseline's two report files.
 */
function recordingContext(): { context: WorkflowContext; sent: Recorded[] } {
  const sent: Recorded[] = [];
  const answers: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateTrainingJob: (input) => ({
      TrainingJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${String(input.TrainingJobName)}`,
    }),
    CreateProcessingJob: () => ({ ProcessingJobArn: "arn:processing-job" }),
    DescribeProcessingJob: () => ({ ProcessingJobStatus: "Completed" }),
    CreateMonitoringSchedule: () => ({ MonitoringScheduleArn: "arn:monitoring-schedule" }),
    CreateModel: () => ({ ModelArn: "arn:model" }),
    CreateEndpointConfig: () => ({ EndpointConfigArn: "arn:endpoint-config" }),
    CreateEndpoint: () => ({ EndpointArn: "arn:endpoint" }),
    DescribeEndpoint: () => ({ EndpointStatus: "InService" }),
    GetObject: (input) => {
      const text = String(input.Key).endsWith("statistics.json")
        ? '{"version":0.0,"dataset":{"item_count":0},"features":[]}'
        : '{"version":0.0,"features":[]}';
      return { Body: { transformToByteArray: async () => new TextEncoder().encode(text) } };
    },
  };
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const operation = command.constructor.name.replace(/Command$/, "");
      sent.push({ operation, input: command.input });
      const answer = answers[operation];
      if (!answer) throw new Error(`recording client: no answer for ${operation}`);
      return answer(command.input);
    },
  };
  const context = {
    region: "eu-west-1",
    bucket: "workshop-bucket",
    prefix: "secure-sagemaker-demo",
    roleArn: "arn:aws:iam::123456789012:role/SageMakerWorkshopExecutionRole",
    sagemaker: client,
    runtime: client,
    s3: client,
    codecommit: client,
  } as unknown as WorkflowContext;
  return { context, sent };
}

function only<T>(sent: Recorded[], operation: string): T {
  const matching = sent.filter((command) => command.operation === operation);
  expect(matching).toHaveLength(1);
  return matching[0].input as T;
}

const TRAINING = {
  jobName: "cc-training-job-2024-03-05-14-07-09",
  trainUri: "s3://workshop-bucket/secure-sagemaker-demo/train/",
  validationUri: "s3://workshop-bucket/secure-sagemaker-demo/validation/",
  outputUri: "s3://workshop-bucket/secure-sagemaker-demo/model",
};

describe("training jobs", () => {
  it("carry the VPC, both KMS keys, network isolation, encryption and managed spot", async () => {
    const { context, sent } = recordingContext();
    await startTrainingJob(context, {
      ...TRAINING,
      maxRuntimeSeconds: 1800,
      spot: { maxWaitSeconds: 3600, checkpointUri: "s3://workshop-bucket/checkpoints/" },
      security: SECURITY,
    });
    const input = only<CreateTrainingJobCommandInput>(sent, "CreateTrainingJob");
    expect(input.VpcConfig).toEqual(VPC);
    expect(input.OutputDataConfig?.KmsKeyId).toBe(SECURITY.outputKmsKeyId);
    expect(input.ResourceConfig?.VolumeKmsKeyId).toBe(SECURITY.volumeKmsKeyId);
    expect(input.EnableNetworkIsolation).toBe(true);
    expect(input.EnableInterContainerTrafficEncryption).toBe(true);
    expect(input.EnableManagedSpotTraining).toBe(true);
    expect(input.StoppingCondition).toEqual({
      MaxRuntimeInSeconds: 1800,
      MaxWaitTimeInSeconds: 3600,
    });
    expect(input.CheckpointConfig).toEqual({ S3Uri: "s3://workshop-bucket/checkpoints/" });
  });

  it("keep MaxWaitTimeInSeconds at least MaxRuntimeInSeconds, as SageMaker requires", async () => {
    const { context, sent } = recordingContext();
    await startTrainingJob(context, {
      ...TRAINING,
      maxRuntimeSeconds: 3600,
      spot: { maxWaitSeconds: 600 },
    });
    const input = only<CreateTrainingJobCommandInput>(sent, "CreateTrainingJob");
    expect(input.StoppingCondition).toEqual({
      MaxRuntimeInSeconds: 3600,
      MaxWaitTimeInSeconds: 3600,
    });
    expect(input.CheckpointConfig).toBeUndefined();
  });

  it("carry none of the options when none are given", async () => {
    const { context, sent } = recordingContext();
    await startTrainingJob(context, TRAINING);
    const input = only<CreateTrainingJobCommandInput>(sent, "CreateTrainingJob");
    expect(input.VpcConfig).toBeUndefined();
    expect(input.OutputDataConfig).toEqual({
      S3OutputPath: TRAINING.outputUri,
      KmsKeyId: undefined,
    });
    expect(input.ResourceConfig?.VolumeKmsKeyId).toBeUndefined();
    expect(input.EnableNetworkIsolation).toBeUndefined();
    expect(input.EnableInterContainerTrafficEncryption).toBeUndefined();
    expect(input.EnableManagedSpotTraining).toBeUndefined();
    expect(input.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
  });
});

describe("baseline processing jobs", () => {
  const BASELINE = {
    datasetUri: "s3://workshop-bucket/secure-sagemaker-demo/baselining/train_data_headers.csv",
    outputUri: "s3://workshop-bucket/secure-sagemaker-demo/baselining/results/",
    jobName: "baseline-suggestion-job-2024-03-05-14-07-09-062",
  };

  it("carry the VPC, both KMS keys, network isolation and encryption", async () => {
    const { context, sent } = recordingContext();
    const baseline = await suggestBaseline(context, { ...BASELINE, security: SECURITY });
    expect(baseline.statisticsUri).toBe(
      "s3://workshop-bucket/secure-sagemaker-demo/baselining/results/statistics.json",
    );
    const input = only<CreateProcessingJobCommandInput>(sent, "CreateProcessingJob");
    expect(input.NetworkConfig).toEqual({
      VpcConfig: VPC,
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
    });
    expect(input.ProcessingOutputConfig?.KmsKeyId).toBe(SECURITY.outputKmsKeyId);
    expect(input.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBe(SECURITY.volumeKmsKeyId);
    // suggestBaseline sends exactly what the request builder makes (the moto suite sends that).
    expect(input).toEqual(baselineJobRequest(context, { ...BASELINE, security: SECURITY }));
  });

  it("carry no network config and no keys when no option is given", () => {
    const { context } = recordingContext();
    const input = baselineJobRequest(context, BASELINE);
    expect(input.NetworkConfig).toBeUndefined();
    expect(input.ProcessingOutputConfig?.KmsKeyId).toBeUndefined();
    expect(input.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBeUndefined();
  });

  it("turn on a network config for encryption alone", () => {
    const { context } = recordingContext();
    const input = baselineJobRequest(context, {
      ...BASELINE,
      security: { enableInterContainerTrafficEncryption: true },
    });
    expect(input.NetworkConfig).toEqual({
      VpcConfig: undefined,
      EnableNetworkIsolation: undefined,
      EnableInterContainerTrafficEncryption: true,
    });
  });
});

describe("monitoring schedules", () => {
  const SCHEDULE = {
    scheduleName: "xgb-credit-score-monitor-schedule-2024-03-05-14-07",
    endpointName: "cc-training-job-2024-03-05-14-07-09",
    statisticsUri: "s3://workshop-bucket/secure-sagemaker-demo/baselining/results/statistics.json",
    constraintsUri:
      "s3://workshop-bucket/secure-sagemaker-demo/baselining/results/constraints.json",
    reportsUri: "s3://workshop-bucket/secure-sagemaker-demo/reports",
  };

  it("carry the VPC, both KMS keys, network isolation and encryption in the job definition", async () => {
    const { context, sent } = recordingContext();
    await createMonitoringSchedule(context, { ...SCHEDULE, security: SECURITY });
    const input = only<CreateMonitoringScheduleCommandInput>(sent, "CreateMonitoringSchedule");
    const definition = input.MonitoringScheduleConfig?.MonitoringJobDefinition;
    expect(definition?.NetworkConfig).toEqual({
      VpcConfig: VPC,
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
    });
    expect(definition?.MonitoringOutputConfig?.KmsKeyId).toBe(SECURITY.outputKmsKeyId);
    expect(definition?.MonitoringResources?.ClusterConfig?.VolumeKmsKeyId).toBe(
      SECURITY.volumeKmsKeyId,
    );
  });

  it("carry none of them when no option is given", async () => {
    const { context, sent } = recordingContext();
    await createMonitoringSchedule(context, SCHEDULE);
    const definition = only<CreateMonitoringScheduleCommandInput>(sent, "CreateMonitoringSchedule")
      .MonitoringScheduleConfig?.MonitoringJobDefinition;
    expect(definition?.NetworkConfig).toBeUndefined();
    expect(definition?.MonitoringOutputConfig?.KmsKeyId).toBeUndefined();
    expect(definition?.MonitoringResources?.ClusterConfig?.VolumeKmsKeyId).toBeUndefined();
  });
});

describe("models and endpoint configs", () => {
  const DEPLOY = {
    modelName: "cc-training-job-2024-03-05-14-07-09",
    endpointConfigName: "cc-training-job-2024-03-05-14-07-09",
    endpointName: "cc-training-job-2024-03-05-14-07-09",
    image: "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    modelDataUrl: "s3://workshop-bucket/secure-sagemaker-demo/model/job/output/model.tar.gz",
    captureUri: "s3://workshop-bucket/secure-sagemaker-demo/datacapture",
  };

  it("carry the VPC and isolation (model), the volume key and the data capture key (config)", async () => {
    const { context, sent } = recordingContext();
    await deployWithCapture(context, { ...DEPLOY, security: SECURITY });
    const model = only<CreateModelCommandInput>(sent, "CreateModel");
    expect(model.VpcConfig).toEqual(VPC);
    expect(model.EnableNetworkIsolation).toBe(true);
    const config = only<CreateEndpointConfigCommandInput>(sent, "CreateEndpointConfig");
    expect(config.KmsKeyId).toBe(SECURITY.volumeKmsKeyId);
    expect(config.DataCaptureConfig?.KmsKeyId).toBe(SECURITY.dataCaptureKmsKeyId);
    expect(config.DataCaptureConfig?.DestinationS3Uri).toBe(DEPLOY.captureUri);
    expect(sent.map((command) => command.operation)).toEqual([
      "CreateModel",
      "CreateEndpointConfig",
      "CreateEndpoint",
      "DescribeEndpoint",
    ]);
  });

  it("carry none of them when no option is given", async () => {
    const { context, sent } = recordingContext();
    await deployWithCapture(context, DEPLOY);
    const model = only<CreateModelCommandInput>(sent, "CreateModel");
    expect(model.VpcConfig).toBeUndefined();
    expect(model.EnableNetworkIsolation).toBeUndefined();
    const config = only<CreateEndpointConfigCommandInput>(sent, "CreateEndpointConfig");
    expect(config.KmsKeyId).toBeUndefined();
    expect(config.DataCaptureConfig?.KmsKeyId).toBeUndefined();
  });
});

describe("security options from the environment", () => {
  it("reads subnets, security groups, one KMS key for all three uses, and isolation", () => {
    expect(
      securityOptionsFromEnv({
        WORKSHOP_SUBNETS: " subnet-0a1b2c3d, subnet-4e5f6a7b ,",
        WORKSHOP_SECURITY_GROUPS: "sg-0123abcd",
        WORKSHOP_KMS_KEY_ID: "arn:aws:kms:eu-west-1:123456789012:key/k",
        WORKSHOP_NETWORK_ISOLATION: "true",
      }),
    ).toEqual({
      vpc: { subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], securityGroupIds: ["sg-0123abcd"] },
      volumeKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      outputKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      dataCaptureKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      enableNetworkIsolation: true,
    });
  });

  it("sets nothing for an empty environment, and isolation only for exactly 'true'", () => {
    expect(securityOptionsFromEnv({})).toEqual({});
    expect(securityOptionsFromEnv({ WORKSHOP_NETWORK_ISOLATION: "false" })).toEqual({});
    expect(securityOptionsFromEnv({ WORKSHOP_NETWORK_ISOLATION: "1" })).toEqual({});
    expect(securityOptionsFromEnv({ WORKSHOP_SUBNETS: " , " })).toEqual({});
  });

  it("keeps a half-configured VPC, which the job helpers then refuse with a clear error", async () => {
    const options = securityOptionsFromEnv({ WORKSHOP_SUBNETS: "subnet-0a1b2c3d" });
    expect(options).toEqual({ vpc: { subnets: ["subnet-0a1b2c3d"], securityGroupIds: [] } });
    expect(() => vpcConfig(options)).toThrow(
      "A VPC configuration needs at least one subnet and one security group id",
    );
    const { context, sent } = recordingContext();
    await expect(startTrainingJob(context, { ...TRAINING, security: options })).rejects.toThrow(
      /at least one subnet and one security group/,
    );
    expect(sent).toHaveLength(0);
  });
});
