/**
 * The baselining request the lab sends (CreateProcessingJob with the Model Monitor analyzer image
 * over a header CSV), shared by the emulator tests that need a baseline.
 */
export interface BaselineJobOptions {
  name: string;
  image: string;
  roleArn: string;
  /** s3:// URI of the training data with its header row. */
  dataUri: string;
  /** s3:// URI the statistics.json and constraints.json go to. */
  outputUri: string;
}

export function baselineJobInput(options: BaselineJobOptions) {
  return {
    ProcessingJobName: options.name,
    ProcessingInputs: [
      {
        InputName: "baseline_dataset_input",
        S3Input: {
          S3Uri: options.dataUri,
          LocalPath: "/opt/ml/processing/input/baseline_dataset_input",
          S3DataType: "S3Prefix" as const,
          S3InputMode: "File" as const,
        },
      },
    ],
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: "monitoring_output",
          S3Output: {
            S3Uri: options.outputUri,
            LocalPath: "/opt/ml/processing/output",
            S3UploadMode: "EndOfJob" as const,
          },
        },
      ],
    },
    ProcessingResources: {
      ClusterConfig: {
        InstanceCount: 1,
        InstanceType: "ml.m5.xlarge" as const,
        VolumeSizeInGB: 20,
      },
    },
    AppSpecification: { ImageUri: options.image },
    Environment: {
      dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
      dataset_source: "/opt/ml/processing/input/baseline_dataset_input",
      output_path: "/opt/ml/processing/output",
      publish_cloudwatch_metrics: "Disabled",
    },
    RoleArn: options.roleArn,
  };
}
