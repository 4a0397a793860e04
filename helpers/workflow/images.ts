/**
 * Registry accounts of the two SageMaker images the labs use, per region. Sources: the SageMaker
 * Python SDK's `image_uri_config/xgboost.json` (version 1.7-1, identical accounts for 1.0-1 …
 * 2.1-0) and `shared/specs/model-monitor-formats.md` §10 for `sagemaker-model-monitor-analyzer`
 * (the SDK's `model-monitor.json`). Commercial and China regions; GovCloud and ISO partitions are
 * left out because the workshop's other services (CodeCommit) differ there.
 */

export const XGBOOST_VERSION = "1.7-1";

const XGBOOST_ACCOUNTS: Record<string, string> = {
  "af-south-1": "510948584623",
  "ap-east-1": "651117190479",
  "ap-northeast-1": "354813040037",
  "ap-northeast-2": "366743142698",
  "ap-northeast-3": "867004704886",
  "ap-south-1": "720646828776",
  "ap-south-2": "628508329040",
  "ap-southeast-1": "121021644041",
  "ap-southeast-2": "783357654285",
  "ap-southeast-3": "951798379941",
  "ap-southeast-4": "106583098589",
  "ca-central-1": "341280168497",
  "ca-west-1": "190319476487",
  "cn-north-1": "450853457545",
  "cn-northwest-1": "451049120500",
  "eu-central-1": "492215442770",
  "eu-central-2": "680994064768",
  "eu-north-1": "662702820516",
  "eu-south-1": "978288397137",
  "eu-south-2": "104374241257",
  "eu-west-1": "141502667606",
  "eu-west-2": "764974769150",
  "eu-west-3": "659782779980",
  "il-central-1": "898809789911",
  "me-central-1": "272398656194",
  "me-south-1": "801668240914",
  "sa-east-1": "737474898029",
  "us-east-1": "683313688378",
  "us-east-2": "257758044811",
  "us-west-1": "746614075791",
  "us-west-2": "246618743249",
};

const MODEL_MONITOR_ACCOUNTS: Record<string, string> = {
  "af-south-1": "875698925577",
  "ap-east-1": "001633400207",
  "ap-northeast-1": "574779866223",
  "ap-northeast-2": "709848358524",
  "ap-northeast-3": "990339680094",
  "ap-south-1": "126357580389",
  "ap-southeast-1": "245545462676",
  "ap-southeast-2": "563025443158",
  "ap-southeast-3": "669540362728",
  "ca-central-1": "536280801234",
  "cn-north-1": "453000072557",
  "cn-northwest-1": "453252182341",
  "eu-central-1": "048819808253",
  "eu-central-2": "590183933784",
  "eu-north-1": "895015795356",
  "eu-south-1": "933208885752",
  "eu-south-2": "437450045455",
  "eu-west-1": "468650794304",
  "eu-west-2": "749857270468",
  "eu-west-3": "680080141114",
  "il-central-1": "843974653677",
  "me-central-1": "588750061953",
  "me-south-1": "607024016150",
  "sa-east-1": "539772159869",
  "us-east-1": "156813124566",
  "us-east-2": "777275614652",
  "us-west-1": "890145073186",
  "us-west-2": "159807026194",
};

function registryHost(account: string, region: string): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${account}.dkr.ecr.${region}.${suffix}`;
}

function accountFor(table: Record<string, string>, image: string, region: string): string {
  const account = table[region];
  if (!account) {
    throw new Error(
      `No ${image} image is known for region "${region}". ` +
        `Known regions: ${Object.keys(table).sort().join(", ")}. ` +
        `Pick one of them (set AWS_REGION or the session's region), or pass the image URI yourself.`,
    );
  }
  return account;
}

/** `…/sagemaker-xgboost:1.7-1` in `region`: XGBoost 1.7.4, what the local trainer reproduces. */
export function xgboostImageUri(region: string): string {
  const account = accountFor(XGBOOST_ACCOUNTS, "sagemaker-xgboost", region);
  return `${registryHost(account, region)}/sagemaker-xgboost:${XGBOOST_VERSION}`;
}

/** `…/sagemaker-model-monitor-analyzer` in `region` (untagged, as the SDK uses it). */
export function modelMonitorImageUri(region: string): string {
  const account = accountFor(MODEL_MONITOR_ACCOUNTS, "sagemaker-model-monitor-analyzer", region);
  return `${registryHost(account, region)}/sagemaker-model-monitor-analyzer`;
}

/** Regions where both images of the labs exist. */
export function workshopRegions(): string[] {
  return Object.keys(XGBOOST_ACCOUNTS)
    .filter((region) => region in MODEL_MONITOR_ACCOUNTS)
    .sort();
}
