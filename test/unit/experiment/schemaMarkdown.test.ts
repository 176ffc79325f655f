// VS Code renders `markdownDescription` as markdown; a plain `description` shows its backticks raw.
import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { experimentSchema, type SchemaNode } from '../../../src/core/experiment/schema';

function nodes(node: unknown, out: SchemaNode[] = []): SchemaNode[] {
  if (Array.isArray(node)) node.forEach((n) => nodes(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as SchemaNode);
    Object.values(node).forEach((n) => nodes(n, out));
  }
  return out;
}

it('every schema description has a markdown twin for the editor hovers', () => {
  const described = nodes(experimentSchema).filter((n) => typeof n.description === 'string');
  assert.ok(described.length > 40);
  for (const node of described) assert.equal(node.markdownDescription, node.description);
  assert.ok(described.some((n) => n.markdownDescription?.includes('`')), 'the check covers descriptions with code spans');
});
