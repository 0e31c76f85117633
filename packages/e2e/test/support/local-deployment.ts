/**
 * The example app deployed on this machine, as the next-lambda stack deploys it: the assets
 * bucket (behind a local S3 endpoint), the server and image optimiser Lambdas from their zips
 * (with the environment, memory and timeout their constructs give them), the edge signer, and
 * the distribution in front (./local-cdn.ts). `stop()` ends everything that was started, also
 * when starting failed half way.
 */
import { ASSETS_PREFIX } from "@zonke/modules";
import {
  startLambdaInstance,
  startLambdaPool,
  type LambdaInstance,
  type LambdaPool,
  type LocalServer,
} from "@zonke/lambda-local";
import { loadAssetsBucket, type AssetsBucket } from "./assets-bucket";
import { DISTRIBUTION_NAMES, synthesizeDistribution, type LocalDistribution } from "./distribution";
import type { E2eFixture } from "./fixture";
import { functionUrlOrigin, type FunctionUrlOrigin } from "./function-url-origin";
import { startLocalCdn } from "./local-cdn";
import { startLocalS3, type LocalS3 } from "./local-s3";
import { publicPathPatterns } from "./public-paths";

export interface LocalDeployment {
  /** The distribution: what a viewer (the browser) talks to. */
  readonly cdn: LocalServer;
  readonly distribution: LocalDistribution;
  /** What `zonke-assets upload` would have put in the bucket. */
  readonly bucket: AssetsBucket;
  /** The S3 endpoint the image optimiser reads from. */
  readonly s3: LocalS3;
  readonly server: FunctionUrlOrigin & { readonly pool: LambdaPool };
  readonly images: FunctionUrlOrigin & { readonly pool: LambdaPool };
  readonly signer: LambdaInstance;
  stop(): Promise<void>;
}

/** Role credentials as the runtime provides them (the local S3 checks the signature's scope). */
const ROLE_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "ASIAE2ELOCALROLE0001",
  AWS_SECRET_ACCESS_KEY: "e2e-local-secret-access-key",
  AWS_SESSION_TOKEN: "e2e-local-session-token",
};

export async function startLocalDeployment(fixture: E2eFixture): Promise<LocalDeployment> {
  const names = DISTRIBUTION_NAMES;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.all(stops.splice(0).map((fn) => fn()));
  };
  try {
    const distribution = synthesizeDistribution(publicPathPatterns(fixture.appDir));
    const bucket = await loadAssetsBucket(fixture.appDir, names.bucketName);
    const s3 = await startLocalS3(bucket, names.region);
    stops.push(() => s3.close());

    const started = await Promise.allSettled([
      startLambdaPool({
        ...fixture.server,
        functionName: "zonke-e2e-web-server",
        memoryMiB: 1536,
        timeoutSec: 30,
        region: names.region,
        env: { NODE_ENV: "production", ZONKE_RESPONSE_MODE: "stream" },
      }),
      startLambdaPool({
        ...fixture.imageOptimizer,
        functionName: "zonke-e2e-web-images",
        memoryMiB: 1536,
        timeoutSec: 20,
        region: names.region,
        nodePath: [fixture.runtimeModules],
        env: {
          ASSETS_BUCKET: names.bucketName,
          ASSETS_PREFIX,
          MALLOC_ARENA_MAX: "2",
          AWS_ENDPOINT_URL_S3: s3.url,
          ...ROLE_CREDENTIALS,
        },
      }),
      // Lambda@Edge: replicated from us-east-1, no environment variables.
      startLambdaInstance({
        ...fixture.edgeSigner,
        functionName: "us-east-1.zonke-e2e-web-edge-signer",
        memoryMiB: 128,
        timeoutSec: 5,
        region: "us-east-1",
      }),
    ]);
    for (const result of started) {
      if (result.status === "fulfilled") stops.push(() => result.value.stop());
    }
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const [serverPool, imagesPool, signer] = started.map(
      (result) => (result as PromiseFulfilledResult<unknown>).value,
    ) as [LambdaPool, LambdaPool, LambdaInstance];

    const server = { ...functionUrlOrigin(names.serverDomain, serverPool), pool: serverPool };
    const images = { ...functionUrlOrigin(names.imagesDomain, imagesPool), pool: imagesPool };
    const cdn = await startLocalCdn({
      distribution,
      bucket,
      functionUrls: [server, images],
      edgeFunctions: { [names.bodySignerArn]: signer },
    });
    stops.push(() => cdn.close());
    return { cdn, distribution, bucket, s3, server, images, signer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
