/**
 * NetworkConfig of processing jobs and monitoring job definitions: VpcConfig,
 * EnableNetworkIsolation, EnableInterContainerTrafficEncryption. Local jobs never leave the
 * machine, so the settings are validated as AWS validates them and echoed by Describe; the lab
 * passes the same subnets and security groups it would use on AWS.
 */
import { Validator } from "../validation";

export function validateNetworkConfig(v: Validator, value: unknown, path: string): void {
  if (!v.object(value, path)) return;
  v.boolean(
    value.EnableInterContainerTrafficEncryption,
    `${path}.EnableInterContainerTrafficEncryption`,
  );
  v.boolean(value.EnableNetworkIsolation, `${path}.EnableNetworkIsolation`);
  const vpc = value.VpcConfig;
  if (!v.object(vpc, `${path}.VpcConfig`)) return;
  if (
    v.required(vpc.SecurityGroupIds, `${path}.VpcConfig.SecurityGroupIds`) &&
    v.list(vpc.SecurityGroupIds, `${path}.VpcConfig.SecurityGroupIds`, { min: 1, max: 5 })
  ) {
    vpc.SecurityGroupIds.forEach((id, i) =>
      v.string(id, `${path}.VpcConfig.SecurityGroupIds.${i + 1}`, {
        max: 32,
        pattern: "[-0-9a-zA-Z]+",
      }),
    );
  }
  if (
    v.required(vpc.Subnets, `${path}.VpcConfig.Subnets`) &&
    v.list(vpc.Subnets, `${path}.VpcConfig.Subnets`, { min: 1, max: 16 })
  ) {
    vpc.Subnets.forEach((id, i) =>
      v.string(id, `${path}.VpcConfig.Subnets.${i + 1}`, { max: 32, pattern: "[-0-9a-zA-Z]+" }),
    );
  }
}
