import {
  modelMonitorImageUri,
  workshopRegions,
  xgboostImageUri,
} from "../../helpers/workflow/images";

describe("SageMaker image URIs", () => {
  it("resolves the XGBoost 1.7-1 and Model Monitor images per region", () => {
    expect(xgboostImageUri("us-east-1")).toBe(
      "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    );
    expect(xgboostImageUri("eu-west-1")).toBe(
      "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    );
    expect(modelMonitorImageUri("us-west-2")).toBe(
      "159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer",
    );
  });

  it("uses the China partition's domain in cn- regions", () => {
    expect(modelMonitorImageUri("cn-north-1")).toBe(
      "453000072557.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-model-monitor-analyzer",
    );
    expect(xgboostImageUri("cn-northwest-1")).toMatch(
      /\.amazonaws\.com\.cn\/sagemaker-xgboost:1\.7-1$/,
    );
  });

  it("explains an unknown region and lists the known ones", () => {
    expect(() => xgboostImageUri("mars-north-1")).toThrow(
      /No sagemaker-xgboost image is known for region "mars-north-1"\. Known regions: af-south-1, /,
    );
    expect(() => modelMonitorImageUri("ap-south-2")).toThrow(/sagemaker-model-monitor-analyzer/);
  });

  it("lists the regions where the whole workshop can run", () => {
    const regions = workshopRegions();
    expect(regions).toContain("us-east-1");
    expect(regions).toContain("eu-central-1");
    expect(regions).not.toContain("ap-south-2"); // no analyzer account known there
    expect(regions.length).toBeGreaterThanOrEqual(25);
  });
});
