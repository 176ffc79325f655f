// Starts code-server (= VS Code 1.100.3) for one sandbox: free 127.0.0.1 port, detached in its own
// process group (extension hosts outlive the wrapper), /healthz polled, whole group killed on stop.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { codeServerEntry } from './paths.mjs';
import { groupIsAlive, signalGroup, trackProcessGroup } from './cleanup.mjs';

const STARTUP_TIMEOUT_MS = 60_000;

function baseArgs(sandbox) {
  const { dirs } = sandbox;
  return [
    codeServerEntry,
    '--config', dirs.config,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
}

export function assertHostInstalled() {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed at ${codeServerEntry}; run test/host/install.sh`);
  }
}

/** Installs a .vsix into the sandbox's extensions dir (synchronously, before the server starts). */
export function installExtension(sandbox, vsix) {
  assertHostInstalled();
  const result = spawnSync(process.execPath, [...baseArgs(sandbox), '--force', '--install-extension', vsix], {
    env: sandbox.env,
    cwd: sandbox.dirs.root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${result.status}):\n${output}`);
  }
  return output.trim();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startCodeServer(sandbox) {
  assertHostInstalled();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logFd = fs.openSync(sandbox.dirs.log, 'a');
  const child = spawn(process.execPath, [...baseArgs(sandbox), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`], {
    env: sandbox.env,
    cwd: sandbox.dirs.root,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const untrack = trackProcessGroup(child.pid);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const server = {
    port,
    origin,
    pid: child.pid,
    log: sandbox.dirs.log,
    /** vscode-remote URI of an absolute path on this host (for extension test payloads). */
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams({ folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query}`;
    },
    async stop() {
      await killGroup(child.pid);
      untrack();
    },
  };
  try {
    await waitForHealth(origin, () => exited);
  } catch (error) {
    await server.stop();
    throw new Error(`${error.message}\n--- code-server log (${sandbox.dirs.log}) ---\n${tail(sandbox.dirs.log)}`);
  }
  return server;
}

async function waitForHealth(origin, exitedInfo) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const exited = exitedInfo();
    if (exited) throw new Error(`code-server exited during startup (${JSON.stringify(exited)})`);
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

async function killGroup(pid) {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && groupIsAlive(pid)) await delay(50);
  if (groupIsAlive(pid)) signalGroup(pid, 'SIGKILL');
}

export function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
