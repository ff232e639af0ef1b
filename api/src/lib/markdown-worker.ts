import { Worker } from 'node:worker_threads';
import { unprocessable } from './errors.js';
import { MARKDOWN_MODULE_URL, renderCommentMarkdown, renderPost } from './markdown.js';

/** Bodies up to this size render on the calling thread (a few milliseconds at most). */
export const INLINE_RENDER_MAX_CHARS = 16 * 1024;
/** A body that takes longer than this to render is refused. */
export const RENDER_TIMEOUT_MS = 5_000;

// The worker imports markdown.ts itself (Node strips its types; compiled, it is markdown.js), so
// the rules exist once. It answers { id, html, excerpt } or { id, error } per request.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module).then((markdown) => {
  parentPort.on('message', ({ id, kind, source }) => {
    try {
      parentPort.postMessage(kind === 'post' ? { id, ...markdown.renderPost(source) } : { id, html: markdown.renderCommentMarkdown(source) });
    } catch (error) {
      parentPort.postMessage({ id, error: String(error) });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Rendered {
  html: string;
  excerpt?: string;
}
interface Pending {
  resolve(value: Rendered): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

export type MarkdownRenderer = ReturnType<typeof createMarkdownRenderer>;

/**
 * Markdown off the request thread: small bodies (nearly all) render inline, large ones in a
 * worker thread, so a 200 KB pathological post (`*a` × 100,000: ~0.5 s of markdown-it) never
 * stalls the event loop, and one that takes over RENDER_TIMEOUT_MS is refused with 422.
 * The worker starts on first use and is unref'd; `close()` ends it.
 */
export function createMarkdownRenderer(options: { inlineMaxChars?: number; timeoutMs?: number } = {}) {
  const inlineMax = options.inlineMaxChars ?? INLINE_RENDER_MAX_CHARS;
  const timeoutMs = options.timeoutMs ?? RENDER_TIMEOUT_MS;
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  function failAll(error: unknown) {
    for (const [id, job] of pending) {
      clearTimeout(job.timer);
      job.reject(error);
      pending.delete(id);
    }
  }

  function start(): Worker {
    if (worker) return worker;
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: MARKDOWN_MODULE_URL } });
    started.unref();
    started.on('message', (message: { id?: number; html?: string; excerpt?: string; error?: string }) => {
      if (message.id === undefined) return;
      const job = pending.get(message.id);
      if (!job) return;
      pending.delete(message.id);
      clearTimeout(job.timer);
      if (message.error !== undefined || message.html === undefined) job.reject(new Error(message.error));
      else job.resolve({ html: message.html, excerpt: message.excerpt });
    });
    started.on('error', (error) => {
      worker = null;
      failAll(error);
    });
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll(new Error('the Markdown worker stopped'));
    });
    worker = started;
    return started;
  }

  function inWorker(kind: 'post' | 'comment', source: string): Promise<Rendered> {
    const running = start();
    const id = nextId++;
    return new Promise<Rendered>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        // The worker is busy with this body: replace it, so the next render does not wait.
        worker = null;
        void running.terminate();
        reject(unprocessable('body_too_complex', 'This text takes too long to format; simplify its Markdown.'));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      running.postMessage({ id, kind, source });
    });
  }

  return {
    async post(source: string): Promise<{ html: string; excerpt: string }> {
      if (source.length <= inlineMax) return renderPost(source);
      const { html, excerpt } = await inWorker('post', source);
      return { html, excerpt: excerpt ?? '' };
    },
    async comment(source: string): Promise<string> {
      if (source.length <= inlineMax) return renderCommentMarkdown(source);
      return (await inWorker('comment', source)).html;
    },
    async close(): Promise<void> {
      const running = worker;
      worker = null;
      if (running) await running.terminate();
    },
  };
}
