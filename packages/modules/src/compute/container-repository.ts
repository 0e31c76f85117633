import { Construct } from "constructs";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { ValidationError } from "../core/errors";

export interface ContainerRepositoryProps {
  /** Repository name, e.g. `shop/prod/api`. */
  readonly name: string;
  /** Images kept; older ones expire (deploys pin digests, so old ones only serve rollbacks). @default 30 */
  readonly keepImages?: number;
  /** KMS key for the images. @default - AES256 (ECR's own key) */
  readonly kmsKeyArn?: string;
  /**
   * Lets Lambda functions of this account pull the images (container-image functions). Lambda
   * would otherwise add this policy itself on first deploy, outside Terraform, and plans would
   * show it as drift. @default - no repository policy
   */
  readonly lambdaPullAccountId?: string;
}

/**
 * An app's container images: tags immutable (a tag always means the same image, and deploys pin
 * the digest anyway), scanned on push, the last `keepImages` kept. It lives in a stack applied
 * before the app's, because the pipeline pushes the image before the app's stack can use it.
 */
export class ContainerRepository extends Construct {
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(props.name)) {
      throw new ValidationError(
        `ECR repository name "${props.name}" is not allowed; use lowercase letters, digits, ._- and / between parts`,
      );
    }
    const keep = props.keepImages ?? 30;
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
      throw new ValidationError(
        `ECR keepImages ${keep} is not allowed; use a whole number from 1 to 1000`,
      );
    }
    const repository = new EcrRepository(this, "Resource", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [
        props.kmsKeyArn
          ? { encryptionType: "KMS", kmsKey: props.kmsKeyArn }
          : { encryptionType: "AES256" },
      ],
    });
    new EcrLifecyclePolicy(this, "Lifecycle", {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${keep} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
            action: { type: "expire" },
          },
        ],
      }),
    });
    if (props.lambdaPullAccountId !== undefined) {
      new EcrRepositoryPolicy(this, "LambdaPull", {
        repository: repository.name,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "LambdaPull",
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
              Condition: {
                StringLike: {
                  "aws:sourceArn": `arn:aws:lambda:*:${props.lambdaPullAccountId}:function:*`,
                },
              },
            },
          ],
        }),
      });
    }
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
  }
}
