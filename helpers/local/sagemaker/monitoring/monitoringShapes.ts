/** Wire forms (epoch-second dates) of the SDK shapes this folder reads. */
import type {
  MonitoringJobDefinition as SdkMonitoringJobDefinition,
  MonitoringScheduleConfig as SdkMonitoringScheduleConfig,
} from "@aws-sdk/client-sagemaker";
import type { Wire } from "../wire";

export type MonitoringJobDefinition = Wire<SdkMonitoringJobDefinition>;
export type MonitoringScheduleConfig = Wire<SdkMonitoringScheduleConfig>;
export type { DataQualityJobDefinition } from "./docs";
