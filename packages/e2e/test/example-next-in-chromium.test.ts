/**
 * example-next in headless Chromium, through the local deployment (./support/local-deployment.ts):
 * the distribution's real viewer-request function and edge signer, the server and image
 * optimiser Lambdas from their zips, the assets from the bucket. What a user does: open the home
 * page and see its optimised images, greet with and without JavaScript, collect cookies, follow
 * a redirect. Screenshots go to test-results/.
 *
 * Skipped, with a message, only when Chromium is not installed.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import type { FunctionUrlEvent } from "@zonke/lambda-local";
import type { Page, Response } from "playwright-core";
import {
  CHROMIUM_PATH,
  chromiumInstalled,
  launchChromium,
  type LaunchedChromium,
} from "./support/chromium";
import { fixture } from "./support/fixture";
import { startLocalDeployment, type LocalDeployment } from "./support/local-deployment";

const RESULTS_DIR = path.resolve(__dirname, "..", "test-results");
const installed = chromiumInstalled();
if (!installed) {
  console.warn(
    `Skipping the browser tests: no Chromium at ${CHROMIUM_PATH}. Install it with scripts/bootstrap-browser, or set ZONKE_CHROMIUM.`,
  );
}

(installed ? describe : describe.skip)(
  "example-next in Chromium, through the local deployment",
  () => {
    jest.setTimeout(60_000);
    let deployment: LocalDeployment;
    let chromium: LaunchedChromium;

    beforeAll(async () => {
      const [started, launched] = await Promise.allSettled([
        startLocalDeployment(fixture()),
        launchChromium(),
      ]);
      if (started.status === "fulfilled") deployment = started.value;
      if (launched.status === "fulfilled") chromium = launched.value;
      for (const result of [started, launched]) {
        if (result.status === "rejected") throw result.reason;
      }
      mkdirSync(RESULTS_DIR, { recursive: true });
    }, 90_000);

    afterAll(async () => {
      await Promise.all([chromium?.close(), deployment?.stop()]);
    });

    const newPage = () => chromium.context.newPage();

    const url = (pathname: string) => deployment.cdn.url + pathname;
    const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

    async function screenshot(page: Page, name: string): Promise<void> {
      const file = path.join(RESULTS_DIR, name);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
    }

    /**
     * The server's record of the last form POST, which carries the Server Action (the `next-action`
     * header with JavaScript, the multipart body without): signed at the edge with its body's hash.
     */
    function lastActionPost(): FunctionUrlEvent {
      const post = deployment.server.exchanges
        .map(({ event }) => event)
        .filter((event) => event.requestContext.http.method === "POST" && event.rawPath === "/form")
        .at(-1);
      expect(post).toBeDefined();
      const body = Buffer.from(post!.body ?? "", "base64");
      expect(body.length).toBeGreaterThan(0);
      expect(post!.headers["x-amz-content-sha256"]).toBe(sha256(body));
      return post!;
    }

    it("renders the home page for the edge's host, with images from the optimiser", async () => {
      const page = await newPage();
      const imageResponses: Response[] = [];
      const failures: string[] = [];
      page.on("response", (response) => {
        const { pathname } = new URL(response.url());
        if (pathname === "/_next/image") imageResponses.push(response);
        if (response.status() >= 400 && pathname !== "/favicon.ico") {
          failures.push(`${response.status()} ${response.url()}`);
        }
      });
      // The router cancels link prefetches it no longer wants (ERR_ABORTED): not a failure.
      page.on("requestfailed", (request) => {
        const error = request.failure()?.errorText;
        if (error !== "net::ERR_ABORTED") failures.push(`${error} ${request.url()}`);
      });

      const response = await page.goto(url("/"), { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      expect(await page.getByTestId("host").textContent()).toBe(deployment.cdn.host);

      // The texture is lazy: bring it into view so it loads too.
      await page.getByTestId("texture-image").scrollIntoViewIfNeeded();
      await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, {
        timeout: 20_000,
      });
      for (const testId of ["hero-image", "texture-image"]) {
        const image = await page.getByTestId(testId).evaluate((img: HTMLImageElement) => ({
          src: img.currentSrc,
          naturalWidth: img.naturalWidth,
        }));
        expect(image.src).toContain(`${deployment.cdn.url}/_next/image?url=`);
        expect(image.naturalWidth).toBeGreaterThan(0);
      }
      expect(imageResponses.length).toBeGreaterThanOrEqual(2);
      for (const image of imageResponses) {
        expect(image.status()).toBe(200);
        expect(["image/avif", "image/webp"]).toContain(image.headers()["content-type"]);
        expect(image.headers()["vary"]).toBe("Accept");
      }
      expect(failures).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, "home.png");
    });

    it("greets with JavaScript: the Server Action goes over fetch, signed at the edge", async () => {
      const page = await newPage();
      // networkidle: hydrated, so the submit runs the action instead of posting the page.
      await page.goto(url("/form"), { waitUntil: "networkidle" });
      await page.getByTestId("name-input").fill("Ada Lovelace");
      const action = page.waitForRequest(
        (request) => request.method() === "POST" && "next-action" in request.headers(),
      );
      await page.getByTestId("submit").click();
      expect((await action).resourceType()).toBe("fetch");
      const greeting = page.getByTestId("greeting");
      await greeting.waitFor({ timeout: 20_000 });
      expect(await greeting.textContent()).toBe("Hello, Ada Lovelace!");
      expect(page.url()).toBe(url("/form"));
      expect(lastActionPost().headers["next-action"]).toMatch(/^[0-9a-f]{40,}$/);
      await screenshot(page, "form.png");
    });

    it("greets without JavaScript: the browser posts the form and the server renders the result", async () => {
      const context = await chromium.browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto(url("/form"));
        await page.getByTestId("name-input").fill("Grace Hopper");
        const [formPost] = await Promise.all([
          page.waitForRequest((request) => request.method() === "POST"),
          page.getByTestId("submit").click(),
        ]);
        expect(formPost.isNavigationRequest()).toBe(true);
        expect(formPost.headers()["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
        const greeting = page.getByTestId("greeting");
        await greeting.waitFor({ timeout: 20_000 });
        expect(await greeting.textContent()).toBe("Hello, Grace Hopper!");
        const post = lastActionPost();
        expect(post.headers["next-action"]).toBeUndefined();
        expect(post.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
      } finally {
        await context.close();
      }
    });

    it("keeps both cookies /cookies sets, and sends them back", async () => {
      const page = await newPage();
      const response = await page.goto(url("/cookies"));
      expect(response?.status()).toBe(200);
      const jar = await chromium.context.cookies(deployment.cdn.url);
      expect(jar.map((c) => `${c.name}=${c.value}`)).toEqual(
        expect.arrayContaining(["theme=dark", "session-hint=abc123"]),
      );
      await page.reload();
      const listed = await page.getByTestId("cookie-list").locator("li").allTextContents();
      expect(listed).toEqual(expect.arrayContaining(["theme=dark", "session-hint=abc123"]));
    });

    it("follows /old-home to / with the visited cookie", async () => {
      const page = await newPage();
      const response = await page.goto(url("/old-home"));
      expect(page.url()).toBe(url("/"));
      expect(response?.status()).toBe(200);
      const redirect = await response!.request().redirectedFrom()!.response();
      expect(redirect?.status()).toBe(307);
      const visited = (await chromium.context.cookies(deployment.cdn.url)).find(
        (c) => c.name === "visited",
      );
      expect(visited).toMatchObject({ value: "1", httpOnly: true, path: "/" });
    });
  },
);
