import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
} from "@aws-sdk/client-cloudfront";
import { mockClient } from "aws-sdk-client-mock";

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `zonke-deploy-${prefix}-`));
}

export function writeFile(root: string, relative: string, content: string | Buffer): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The files of a small `next build` output plus public/, relative to the app folder. */
export const NEXT_BUILD: Readonly<Record<string, string>> = {
  ".next/static/chunks/app-abc123.js": "console.log('app');\n",
  ".next/static/css/x.css": "body{color:red}\n",
  ".next/static/media/logo.hash.png": "\x89PNG logo",
  ".next/static/Xy12BuildId/_buildManifest.js": "self.__BUILD_MANIFEST={};\n",
  "public/favicon.ico": "ico",
  "public/robots.txt": "User-agent: *\n",
  "public/images/a.png": "png a",
  "public/images/icons/deep/b.svg": "<svg/>",
  "public/docs/my file ünïcödé.pdf": "%PDF-1.7",
  "public/data.unknownext": "?",
};

/** Writes a fake Next.js app (a real folder tree) and returns its path. */
export function makeNextApp(files: Readonly<Record<string, string>> = NEXT_BUILD): string {
  const dir = tempDir("app");
  for (const [relative, content] of Object.entries(files)) writeFile(dir, relative, content);
  // Files next build leaves outside .next/static must never be uploaded.
  writeFile(dir, ".next/server/app/page.js", "server code");
  writeFile(dir, ".next/BUILD_ID", "Xy12BuildId");
  return dir;
}

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

interface StoredObject {
  body: Buffer;
  etag: string;
  contentType?: string;
  cacheControl?: string;
  metadata: Record<string, string>;
}

async function readBody(body: PutObjectCommandInput["Body"]): Promise<Buffer> {
  if (typeof body === "string") return Buffer.from(body);
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  }
  throw new Error(`unexpected body type ${typeof body}`);
}

/**
 * An in-memory S3 bucket behind a mocked S3Client: it stores what PutObject sends (and checks
 * ChecksumSHA256 like S3 does), lists with pagination, answers HEAD and GET, and deletes.
 */
export class FakeBucket {
  readonly objects = new Map<string, StoredObject>();
  readonly client = new S3Client({ region: "eu-west-1" });
  readonly mock = mockClient(this.client);
  pageSize = 1000;
  private readonly putFailures = new Map<string, Error>();

  constructor(readonly name = "shop-prod-web-assets") {
    this.mock.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) => {
      this.checkBucket(input.Bucket);
      const failure = this.putFailures.get(input.Key as string);
      if (failure) {
        this.putFailures.delete(input.Key as string);
        throw failure;
      }
      const body = await readBody(input.Body);
      if (
        input.ChecksumSHA256 !== undefined &&
        input.ChecksumSHA256 !== createHash("sha256").update(body).digest("base64")
      ) {
        throw new S3ServiceException({
          name: "BadDigest",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "The SHA256 you specified did not match the calculated checksum.",
        });
      }
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      this.objects.set(input.Key as string, {
        body,
        etag,
        contentType: input.ContentType,
        cacheControl: input.CacheControl,
        metadata: input.Metadata ?? {},
      });
      return { ETag: etag };
    });
    this.mock.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
      this.checkBucket(input.Bucket);
      const object = this.objects.get(input.Key);
      if (!object)
        throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: {} });
      const text = object.body.toString("utf8");
      return { Body: { transformToString: async () => text }, ETag: object.etag };
    });
    this.mock.on(HeadObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
      this.checkBucket(input.Bucket);
      const object = this.objects.get(input.Key);
      if (!object) throw new NotFound({ message: "NotFound", $metadata: { httpStatusCode: 404 } });
      return {
        ETag: object.etag,
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
        ContentLength: object.body.length,
        Metadata: object.metadata,
      };
    });
    this.mock
      .on(ListObjectsV2Command)
      .callsFake(async (input: { Bucket: string; Prefix?: string; ContinuationToken?: string }) => {
        this.checkBucket(input.Bucket);
        const keys = [...this.objects.keys()]
          .filter((k) => k.startsWith(input.Prefix ?? ""))
          .sort();
        const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
        const page = keys.slice(start, start + this.pageSize);
        const truncated = start + this.pageSize < keys.length;
        return {
          Contents: page.map((Key) => ({
            Key,
            ETag: this.objects.get(Key)?.etag,
            Size: this.objects.get(Key)?.body.length,
          })),
          IsTruncated: truncated,
          ...(truncated ? { NextContinuationToken: String(start + this.pageSize) } : {}),
        };
      });
    this.mock
      .on(DeleteObjectsCommand)
      .callsFake(async (input: { Bucket: string; Delete: { Objects: { Key: string }[] } }) => {
        this.checkBucket(input.Bucket);
        for (const { Key } of input.Delete.Objects) this.objects.delete(Key);
        return {};
      });
  }

  /** Makes the next PutObject of `key` fail with `error`. */
  failNextPut(key: string, error: Error): void {
    this.putFailures.set(key, error);
  }

  /** Keys under assets/, sorted. */
  assetKeys(): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith("assets/")).sort();
  }

  object(key: string): StoredObject {
    const object = this.objects.get(key);
    if (!object)
      throw new Error(`no object ${key}; the bucket holds ${this.assetKeys().join(", ")}`);
    return object;
  }

  /** Commands that change the bucket, as `Name key` lines. */
  writes(): string[] {
    return [
      ...this.mock.commandCalls(PutObjectCommand).map((c) => `Put ${c.args[0].input.Key}`),
      ...this.mock
        .commandCalls(DeleteObjectsCommand)
        .map((c) => `Delete ${c.args[0].input.Delete?.Objects?.map((o) => o.Key).join(",")}`),
    ];
  }

  uploadedKeys(): string[] {
    return this.mock
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input.Key as string)
      .filter((k) => k.startsWith("assets/"))
      .sort();
  }

  resetHistory(): void {
    this.mock.resetHistory();
  }

  private checkBucket(bucket: string | undefined): void {
    if (bucket !== this.name) {
      throw new S3ServiceException({
        name: "NoSuchBucket",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
        message: "The specified bucket does not exist",
      });
    }
  }
}

/** A mocked CloudFront client whose invalidations get ids I1, I2 ... and complete at once. */
export function fakeCloudFront() {
  const client = new CloudFrontClient({ region: "us-east-1" });
  const mock = mockClient(client);
  let next = 0;
  const failures: Error[] = [];
  mock.on(CreateInvalidationCommand).callsFake(async () => {
    const failure = failures.shift();
    if (failure) throw failure;
    next += 1;
    return { Invalidation: { Id: `I${next}`, Status: "InProgress" } };
  });
  mock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: "I1", Status: "Completed" } as never });
  /** The Paths.Items of every CreateInvalidation sent, in order. */
  const invalidations = () =>
    mock
      .commandCalls(CreateInvalidationCommand)
      .map((c) => c.args[0].input.InvalidationBatch?.Paths?.Items ?? []);
  /** Makes the next CreateInvalidation fail with `error`. */
  const failNext = (error: Error) => failures.push(error);
  return { client, mock, invalidations, failNext };
}
