import { Construct } from "constructs";
import { CloudfrontVpcOrigin } from "@cdktf/provider-aws/lib/cloudfront-vpc-origin";

/** How CloudFront talks to the load balancer behind a VPC origin. */
export type VpcOriginProtocol = "http" | "https";

/** The ports CloudFront's VPC origin uses; the load balancer listens on the one in use. */
export const VPC_ORIGIN_PORTS = { http: 80, https: 443 } as const;

export interface CloudFrontVpcOriginProps {
  /** The VPC origin's name (shown in the CloudFront console), e.g. the load balancer's. */
  readonly name: string;
  /** The internal Application Load Balancer's ARN. */
  readonly loadBalancerArn: string;
  readonly protocol: VpcOriginProtocol;
}

/**
 * A CloudFront VPC origin: CloudFront puts network interfaces in the load balancer's subnets and
 * reaches the internal load balancer through them, never over the internet. The VPC needs an
 * internet gateway attached (AWS's prerequisite; the traffic does not use it). Distributions refer
 * to it by `vpcOriginId` (see Cdn's `vpc-origin` origin kind).
 */
export class CloudFrontVpcOrigin extends Construct {
  readonly vpcOrigin: CloudfrontVpcOrigin;
  readonly vpcOriginId: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: CloudFrontVpcOriginProps) {
    super(scope, id);
    this.vpcOrigin = new CloudfrontVpcOrigin(this, "VpcOrigin", {
      vpcOriginEndpointConfig: [
        {
          name: props.name,
          arn: props.loadBalancerArn,
          // AWS requires both ports; only the one of the protocol in use carries traffic.
          httpPort: VPC_ORIGIN_PORTS.http,
          httpsPort: VPC_ORIGIN_PORTS.https,
          originProtocolPolicy: props.protocol === "https" ? "https-only" : "http-only",
          // Only HTTPS uses it (TLS 1.2 at least); set for HTTP too, so that switching protocols
          // changes one attribute.
          originSslProtocols: [{ items: ["TLSv1.2"], quantity: 1 }],
        },
      ],
    });
    this.vpcOriginId = this.vpcOrigin.id;
    this.arn = this.vpcOrigin.arn;
  }
}
