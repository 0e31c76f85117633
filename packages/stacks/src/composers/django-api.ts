import type { Construct } from "constructs";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { CdnPathOrigin } from "@zonke/modules";
import { DJANGO_API_PATHS, DJANGO_STATIC_PATH } from "./django-ecs-app";
import type { AppContext } from "./types";

/** How a front end reaches the Django API its config names (`api`). */
export interface FrontEndApiWiring {
  /** `DJANGO_API_URL` for the front end's server: the API's internal address. */
  readonly environment: Record<string, string>;
  /** The API's paths on the front end's distribution, through the load balancer's VPC origin. */
  readonly pathOrigins: CdnPathOrigin[];
  /** Django's static files, which the API's pipeline uploads to the front end's bucket. */
  readonly publicPaths: string[];
  /**
   * Lets the front end's server call the API inside the VPC: the API's load balancer admits its
   * group, and `allowEgress` opens the server's side to the load balancer's group and port. Both
   * rules live in the front end's stack (`scope`): the API's stack cannot refer back to it, since
   * the front end's already refers to the API's.
   */
  readonly connect: (
    scope: Construct,
    securityGroupId: string,
    allowEgress: (port: number, loadBalancerGroupId: string) => void,
  ) => void;
}

/** The wiring to the front end's API, or undefined for an app without `api`. */
export function djangoApiOf(context: AppContext): FrontEndApiWiring | undefined {
  const name = context.appConfig.api;
  if (name === undefined) return undefined;
  const api = context.apis.get(name);
  if (!api) {
    // The config check makes the API an app of the same architecture, composed first.
    throw new Error(`the Django API "${name}" was not composed before ${context.appConfig.name}`);
  }
  return {
    environment: { DJANGO_API_URL: api.internalUrl },
    pathOrigins: DJANGO_API_PATHS.map((pathPattern) => ({ pathPattern, origin: api.origin })),
    publicPaths: [DJANGO_STATIC_PATH],
    connect: (scope, securityGroupId, allowEgress) => {
      new VpcSecurityGroupIngressRule(scope, "ApiAdmitsServer", {
        securityGroupId: api.securityGroupId,
        referencedSecurityGroupId: securityGroupId,
        ipProtocol: "tcp",
        fromPort: api.port,
        toPort: api.port,
        description: `Server-side API calls from ${context.appConfig.name}`,
      });
      allowEgress(api.port, api.securityGroupId);
    },
  };
}
