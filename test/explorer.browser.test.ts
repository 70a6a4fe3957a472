import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ApolloServer } from "@apollo/server";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { Context } from "../src/context.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { listen, type RunningServer } from "../src/server/http.js";
import { CHROMIUM, hasChromium, isLocal, launchOfflineBrowser } from "./support/browser.js";
import { createDirectoryDatabase, type TestDatabase } from "./support/databases.js";

/**
 * The explorer must work where the server has no internet (the deployment
 * promise of src/server/explorer.ts). Only a real browser shows whether Ruru
 * reaches for a CDN: fonts, workers and lazy chunks are fetched at runtime.
 */
const SCREENSHOT = fileURLToPath(new URL("../test-results/explorer.png", import.meta.url));

describe.skipIf(!hasChromium)(
  hasChromium
    ? "the GraphQL explorer in headless Chromium, offline"
    : `the GraphQL explorer in headless Chromium (skipped: no browser at ${CHROMIUM}; apt-get install chromium)`,
  () => {
    let testDatabase: TestDatabase | undefined;
    let apollo: ApolloServer<Context> | undefined;
    let server: RunningServer | undefined;
    let profileDir: string | undefined;
    let browser: BrowserContext | undefined;
    let page: Page;
    const requested: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      testDatabase = await createDirectoryDatabase("pglite");
      const config = loadConfig({ PORT: "0", NODE_ENV: "test" });
      apollo = createApolloServer(await createSchema(), config);
      await apollo.start();
      server = await listen({ config, database: testDatabase.database, apollo });

      // A fresh profile each run: a reused one would carry Ruru's localStorage (tabs, theme, last query).
      ({ browser, profileDir } = await launchOfflineBrowser({ width: 1440, height: 1100 }, (request) => requested.push(request.url())));
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on("pageerror", (error) => pageErrors.push(error.message));
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await apollo?.stop();
      await testDatabase?.drop();
      if (profileDir !== undefined) await rm(profileDir, { recursive: true, force: true });
    });

    it("renders, runs NubraValleyOffices and shows Diskit, with no request leaving localhost", async () => {
      await page.goto(server!.url);

      // The server-rendered skeleton already has .graphiql-query-editor; Monaco's view lines holding the
      // example operations appear only once Ruru's bundle has booted.
      await page
        .locator(".graphiql-query-editor .monaco-editor .view-lines")
        .filter({ hasText: "query NubraValleyOffices" })
        .waitFor({ timeout: 60_000 });

      // With several operations in the document, GraphiQL 5's run button opens a menu of them
      // (the examples' own comment tells users to do this).
      await page.locator(".graphiql-execute-button").click();
      await page.getByRole("menuitem", { name: "NubraValleyOffices", exact: true }).click();

      const result = page.locator(".graphiql-response .monaco-editor .view-lines");
      await result.filter({ hasText: '"Diskit"' }).waitFor({ timeout: 30_000 });
      const resultText = (await result.textContent()) ?? "";
      expect(resultText).toContain('"194401"');
      expect(resultText).not.toContain('"errors"');

      expect(await page.locator("#dakgraph-attribution").textContent()).toContain("Government Open Data Licence");

      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      expect(pageErrors).toEqual([]);
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((url) => !isLocal(url))).toEqual([]);
    });
  },
);
