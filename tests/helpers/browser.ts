/**
 * Real Chromium for browser tests, driven by playwright-core (never a downloaded browser).
 *
 * The browser is `/usr/bin/chromium` unless `CHROMIUM_PATH` says otherwise; when it is missing the
 * test fails with a sentence saying how to install it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { startTestServer } from './server.ts'

/** The launch flags that work on this project's machines (see DEVELOPERS.md). */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Where screenshots are kept as test artifacts. */
export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'screenshots')

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`)
  }
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true })
}

/** Saves a full-page screenshot of `page` as `test-results/screenshots/<name>.png`; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/** What a browser test file drives: one in-process test server and one Chromium. */
export interface BrowserHarness {
  readonly browser: Browser
  readonly server: Awaited<ReturnType<typeof startTestServer>>
}

/**
 * Starts a test server (with `env`) and Chromium before the tests of the calling `describe`
 * block and closes both after them (the browser first, so its pages leave before the server).
 * The fields are available inside tests and in hooks registered after this call.
 */
export function useBrowserAndServer(env: Record<string, string> = {}): BrowserHarness {
  let browser: Browser | undefined
  let server: BrowserHarness['server'] | undefined
  beforeAll(async () => {
    server = await startTestServer(env)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })
  const notYet = (what: string): never => {
    throw new Error(`the ${what} is started in beforeAll: use it inside a test or a later hook`)
  }
  return {
    get browser() {
      return browser ?? notYet('browser')
    },
    get server() {
      return server ?? notYet('server')
    },
  }
}
