// Debian's Chromium driven by playwright-core (never a downloaded browser), with a fresh profile.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SMOE_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-breakpad',
  '--disable-crash-reporter',
];

/**
 * @param {string} profileDir an empty directory owned by the caller's sandbox
 * @param {{ env?: NodeJS.ProcessEnv, viewport?: { width: number, height: number } }} [options] `env` should
 *   carry the sandbox's HOME/XDG dirs: Chromium writes crash-report settings and dconf state under them.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close(): Promise<void> }>}
 */
export async function launchChromium(profileDir, { env = process.env, viewport = { width: 1400, height: 900 } } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it with: apt-get install -y chromium`);
  }
  fs.mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    env,
    viewport,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
    },
  };
}
