import * as assert from 'assert';
import { activatedExtension, extensionId, manifest, ourExtension } from './manifest';

describe('extension activation', () => {
  it('is loaded from the development path with the manifest on disk', () => {
    const extension = ourExtension();
    assert.strictEqual(extension.id.toLowerCase(), extensionId.toLowerCase());
    assert.strictEqual((extension.packageJSON as { version: string }).version, manifest.version);
  });

  it('activates without throwing', async () => {
    const extension = await activatedExtension();
    assert.strictEqual(extension.isActive, true);
  });
});
