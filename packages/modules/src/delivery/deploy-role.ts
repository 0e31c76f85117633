import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";

export interface DeployRoleProps {
  /** The role's name, e.g. `shop-prod-deployer`. */
  readonly roleName: string;
  readonly accountId: string;
  /**
   * Every IAM name Terraform manages starts with this, e.g. `shop-prod-`: the role may create and
   * change only roles, instance profiles and policies named so (and never itself).
   */
  readonly iamNamePrefix: string;
  /**
   * Who may assume the role: ARN patterns of roles of this account (IAM `ArnLike`), e.g. the
   * pipelines' stage roles `arn:aws:iam::<account>:role/shop-prod-*-plan`. Patterns, not role
   * ARNs, so the role can be made before the pipelines whose roles it trusts.
   */
  readonly trustedRoleArnPatterns: readonly string[];
}

/** AWS managed policies the stacks attach to their roles (ECS instances, RDS monitoring). */
const ATTACHABLE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/*",
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
];

/**
 * The role Terraform runs as in the pipelines: AWS's PowerUserAccess (every service except IAM,
 * Organizations and account settings) plus IAM limited to roles, instance profiles and policies
 * under `iamNamePrefix`, attaching only AWS's service-role policies, passing only those roles,
 * and never changing itself. Whoever can assume it administers those names: treat it as the
 * environment's administrator and trust only the pipelines' roles.
 */
export class DeployRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    if (props.trustedRoleArnPatterns.length === 0) {
      throw new ValidationError(`deploy role ${props.roleName}: trustedRoleArnPatterns is empty`);
    }
    const account = props.accountId;
    const iam = (kind: string) => `arn:aws:iam::${account}:${kind}/${props.iamNamePrefix}*`;
    const roleName = physicalName("iamRole", [props.roleName]);
    const self = `arn:aws:iam::${account}:role/${roleName}`;

    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${account}:root`] }],
          condition: [
            {
              test: "ArnLike",
              variable: "aws:PrincipalArn",
              values: [...props.trustedRoleArnPatterns],
            },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "Role", {
      name: roleName,
      description: `Terraform in the ${props.iamNamePrefix}* pipelines`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600 * 4,
    });
    this.roleArn = this.role.arn;
    new IamRolePolicyAttachment(this, "PowerUser", {
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
    });

    const policy = new DataAwsIamPolicyDocument(this, "Iam", {
      statement: [
        {
          sid: "ManageOwnRoles",
          actions: [
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:GetRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:ListRoleTags",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:PutRolePolicy",
            "iam:GetRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PassRole",
          ],
          resources: [iam("role")],
        },
        {
          sid: "AttachServicePolicies",
          actions: ["iam:AttachRolePolicy"],
          resources: [iam("role")],
          condition: [{ test: "ArnLike", variable: "iam:PolicyARN", values: ATTACHABLE_POLICIES }],
        },
        {
          sid: "ManageOwnInstanceProfiles",
          actions: [
            "iam:CreateInstanceProfile",
            "iam:DeleteInstanceProfile",
            "iam:GetInstanceProfile",
            "iam:AddRoleToInstanceProfile",
            "iam:RemoveRoleFromInstanceProfile",
            "iam:TagInstanceProfile",
            "iam:UntagInstanceProfile",
          ],
          resources: [iam("instance-profile")],
        },
        {
          sid: "CreateServiceLinkedRoles",
          actions: ["iam:CreateServiceLinkedRole"],
          resources: [`arn:aws:iam::${account}:role/aws-service-role/*`],
        },
        {
          // The prefix would otherwise cover this role itself.
          sid: "NeverChangeItself",
          effect: "Deny",
          actions: [
            "iam:AttachRolePolicy",
            "iam:DeleteRole",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
          ],
          resources: [self],
        },
      ],
    });
    new IamRolePolicy(this, "IamPolicy", { role: this.role.id, policy: policy.json });
  }
}
