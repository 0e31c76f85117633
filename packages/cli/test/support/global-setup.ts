/**
 * Once per test run: start moto's server on 127.0.0.1 and point the real AWS SDK at it through the
 * standard variables, with fake credentials. Test files, and the CLI processes they spawn, inherit
 * them. global-teardown.ts stops the server.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startMotoServer, type MotoServer } from "@zonke/lambda-local";

declare global {
  var __zonkeMoto: MotoServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const moto = await startMotoServer();
  globalThis.__zonkeMoto = moto;
  // Real credentials, profiles and endpoints of whoever runs the tests are kept out.
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("AWS_")) delete process.env[name];
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_CONFIG_FILE: path.join(moto.dir, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(moto.dir, "aws-credentials"),
  });
  // Test files make their folders in here; the teardown removes it with the server's folder.
  process.env["ZONKE_TEST_TMPDIR"] = fs.mkdtempSync(path.join(moto.dir, "tmp-"));
}
