/**
 * Headless Chromium from the system (Debian's package; scripts/bootstrap-browser installs it),
 * driven by playwright-core, which never downloads a browser. Each launch gets a new, empty
 * profile folder, removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env["ZONKE_CHROMIUM"] || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface LaunchedChromium {
  /** The default context, on the fresh profile. */
  readonly context: BrowserContext;
  /** For further contexts (e.g. with JavaScript disabled). */
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), "zonke-e2e-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const browser = context.browser();
    if (!browser) throw new Error("playwright gave no browser for the persistent context");
    return {
      context,
      browser,
      async close() {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
