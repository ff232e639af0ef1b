import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadBuilderConfig } from '../../builder/src/config.js';
import { startRenderWorker } from '../../builder/src/renderer.js';
import { DEFAULT_BUILD_HEAP_MB } from '../../scripts/build-site.js';

const SECRET = 'a-webhook-secret-of-enough-length-for-tests-0123456789';

describe('builder configuration', () => {
  it('caps the heap of full builds by default and takes BUILD_HEAP_MB', () => {
    expect(loadBuilderConfig('/repo', { WEBHOOK_SECRET: SECRET }).buildHeapMb).toBe(DEFAULT_BUILD_HEAP_MB);
    expect(loadBuilderConfig('/repo', { WEBHOOK_SECRET: SECRET, BUILD_HEAP_MB: '1536' }).buildHeapMb).toBe(1536);
    expect(() => loadBuilderConfig('/repo', { WEBHOOK_SECRET: SECRET, BUILD_HEAP_MB: '64' })).toThrow(/BUILD_HEAP_MB/);
    expect(() => loadBuilderConfig('/repo', { WEBHOOK_SECRET: SECRET, BUILD_HEAP_MB: 'lots' })).toThrow(
      /BUILD_HEAP_MB/,
    );
  });

  it('starts the render worker (which runs the full builds) with that heap limit', async () => {
    const worker = await startRenderWorker({
      apiUrl: 'http://127.0.0.1:9/api',
      publicUrl: 'http://127.0.0.1',
      silent: true,
      heapMb: 300,
    });
    try {
      const argv = (await readFile(`/proc/${worker.pid}/cmdline`, 'utf8')).split('\0');
      expect(argv.filter((flag) => flag.startsWith('--max-old-space-size'))).toEqual(['--max-old-space-size=300']);
    } finally {
      await worker.close();
    }
  });
});
