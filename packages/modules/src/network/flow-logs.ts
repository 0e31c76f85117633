import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LogsKey } from "../core/logs-key";

export interface FlowLogsProps {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /**
   * Days to keep flow-log records.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Which traffic to record.
   * @default "ALL"
   */
  readonly trafficType?: "ACCEPT" | "REJECT" | "ALL";
}

/** VPC flow logs into an encrypted CloudWatch log group, written by a role that can do only that. */
export class FlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  /** The key that encrypts the flow logs; any log group of the account in the region may use it. */
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    const key = new LogsKey(this, "Key", {
      description: `${props.name} logs (VPC flow logs, app functions)`,
      region: props.region,
      accountId: props.accountId,
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/zonke/${props.name}/vpc-flow-logs`,
      retentionInDays: props.retentionDays ?? 365,
      kmsKeyId: key.arn,
    });
    this.keyArn = key.arn;

    const assume = new DataAwsIamPolicyDocument(this, "AssumeRolePolicy", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
          ],
        },
      ],
    });
    const role = new IamRole(this, "Role", {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: assume.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "WritePolicy", {
      statement: [
        {
          actions: [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
          ],
          resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, "RolePolicy", { role: role.id, policy: write.json });

    new FlowLog(this, "Resource", {
      vpcId: props.vpcId,
      trafficType: props.trafficType ?? "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
