// A throwaway home for one code-server run: HOME, XDG dirs, TMPDIR, user data, extensions, config,
// and user settings that keep VS Code quiet, offline and out of the real home directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackTempDir } from './cleanup.mjs';

const quietSettings = {
  'typescript.disableAutomaticTypeAcquisition': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'json.schemaDownload.enable': false,
  'npm.autoDetect': 'off',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
};

/** @param {string} label @param {Record<string, unknown>} [extraSettings] */
export function createSandbox(label, extraSettings = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `smoe-${label}-`));
  trackTempDir(root);
  const dirs = {
    root,
    home: path.join(root, 'home'),
    configHome: path.join(root, 'home', '.config'),
    dataHome: path.join(root, 'home', '.local', 'share'),
    cacheHome: path.join(root, 'home', '.cache'),
    tmp: path.join(root, 'tmp'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
    browserProfile: path.join(root, 'chromium-profile'),
    config: path.join(root, 'code-server.yaml'),
    log: path.join(root, 'code-server.log'),
  };
  for (const dir of Object.values(dirs)) {
    if (!path.extname(dir)) fs.mkdirSync(dir, { recursive: true });
  }
  const settingsDir = path.join(dirs.userData, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(
    path.join(settingsDir, 'settings.json'),
    JSON.stringify({ ...quietSettings, ...extraSettings }, null, 2),
  );
  fs.writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  return { label, dirs, env: sandboxEnv(dirs) };
}

function sandboxEnv(dirs) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key.startsWith('npm_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return {
    ...env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.configHome,
    XDG_DATA_HOME: dirs.dataHome,
    XDG_CACHE_HOME: dirs.cacheHome,
    TMPDIR: dirs.tmp,
    EXTENSIONS_GALLERY: '{}',
    ONNXRUNTIME_NODE_INSTALL: 'skip',
  };
}

/** A throwaway HOME/XDG/TMPDIR for processes that only need to stay out of the real home (unit tests). */
export function createIsolatedHome(label) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `smoe-${label}-`));
  trackTempDir(root);
  const dirs = {
    root,
    home: path.join(root, 'home'),
    configHome: path.join(root, 'home', '.config'),
    dataHome: path.join(root, 'home', '.local', 'share'),
    cacheHome: path.join(root, 'home', '.cache'),
    tmp: path.join(root, 'tmp'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  return { label, dirs, env: sandboxEnv(dirs) };
}
