// The allocator settings the worker, the CLI's job child and bench:scale run with: added where missing, a user's own
// values kept, other glibc tunables kept beside ours, nothing added off Linux.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALLOCATOR_ENV, allocatorEnvMissing, withAllocatorEnv } from '../../../src/core/engine/allocator';

describe('allocator settings', () => {
  it('adds the fixed mmap threshold and transparent huge pages to a bare environment', () => {
    const env = withAllocatorEnv({ PATH: '/bin' }, 'linux');
    assert.equal(env.MALLOC_MMAP_THRESHOLD_, '131072');
    assert.equal(env.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1');
    assert.equal(env.PATH, '/bin');
    assert.equal(allocatorEnvMissing({ PATH: '/bin' }, 'linux'), true);
    assert.equal(allocatorEnvMissing(env, 'linux'), false);
    assert.deepEqual(Object.keys(ALLOCATOR_ENV).sort(), ['GLIBC_TUNABLES', 'MALLOC_MMAP_THRESHOLD_']);
  });

  it('keeps the values a user set, and other glibc tunables beside the huge-page one', () => {
    const mine = withAllocatorEnv({ MALLOC_MMAP_THRESHOLD_: '65536', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux');
    assert.equal(mine.MALLOC_MMAP_THRESHOLD_, '65536');
    assert.equal(mine.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=0', 'a user who turned huge pages off keeps them off');
    const other = withAllocatorEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux');
    assert.equal(other.GLIBC_TUNABLES, 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    assert.equal(allocatorEnvMissing({ MALLOC_MMAP_THRESHOLD_: '131072', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux'), true,
      'tunables without hugetlb still miss ours');
    assert.equal(allocatorEnvMissing({ MALLOC_MMAP_THRESHOLD_: '131072', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1' }, 'linux'), false);
    assert.equal(allocatorEnvMissing({ MALLOC_MMAP_THRESHOLD_: '131072', GLIBC_TUNABLES: 'glibc.malloc.hugetlb_x=1' }, 'linux'), true,
      'only the exact tunable name counts');
  });

  it('changes nothing off Linux', () => {
    assert.deepEqual(withAllocatorEnv({ PATH: '/bin' }, 'darwin'), { PATH: '/bin' });
    assert.equal(allocatorEnvMissing({}, 'win32'), false);
  });
});
