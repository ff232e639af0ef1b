import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { renderPost } from './markdown.js';
import { createMarkdownRenderer } from './markdown-worker.js';

const renderers: Array<ReturnType<typeof createMarkdownRenderer>> = [];
afterAll(async () => {
  await Promise.all(renderers.map((renderer) => renderer.close()));
});
const renderer = (options?: Parameters<typeof createMarkdownRenderer>[0]) => {
  const made = createMarkdownRenderer(options);
  renderers.push(made);
  return made;
};

/** How many times the event loop turned while `work` was pending. */
async function turnsDuring<T>(work: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work;
  done = true;
  return { value, turns };
}

describe('Markdown rendering off the request thread', () => {
  const pathological = '*a'.repeat(100_000);

  it('renders a 200 KB pathological post in the worker while the event loop keeps turning', async () => {
    const { value, turns } = await turnsDuring(renderer().post(pathological));
    expect(turns).toBeGreaterThan(10);
    expect(value).toEqual(renderPost(pathological));
  });

  it('renders small bodies inline, with the same result', async () => {
    const source = 'Hello **world** <script>alert(1)</script> [x](javascript:alert(1))';
    expect(await renderer().post(source)).toEqual(renderPost(source));
    expect(await renderer().comment(source)).not.toContain('<script');
  });

  it('refuses a body that takes longer than the limit with 422; renders anything in the worker when told to', async () => {
    const strict = renderer({ timeoutMs: 20 });
    const error = await strict.post('[a'.repeat(100_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'body_too_complex' });
    const lenient = renderer({ inlineMaxChars: 0 });
    expect((await lenient.post('# Fine')).html).toBe('<h2>Fine</h2>\n');
  });
});
