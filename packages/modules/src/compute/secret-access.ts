import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/** Read access to exactly these secrets (and decryption with their keys, if customer-managed). */
export function secretReadStatements(
  secretArns: readonly string[],
  kmsKeyArns: readonly string[] = [],
): DataAwsIamPolicyDocumentStatement[] {
  if (secretArns.length === 0) return [];
  return [
    {
      sid: "ReadOwnSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [...secretArns],
    },
    ...(kmsKeyArns.length > 0
      ? [
          {
            sid: "DecryptOwnSecrets",
            actions: ["kms:Decrypt"],
            resources: [...kmsKeyArns],
            condition: [
              {
                test: "StringEquals",
                variable: "kms:ViaService",
                values: ["secretsmanager.*.amazonaws.com"],
              },
            ],
          },
        ]
      : []),
  ];
}
