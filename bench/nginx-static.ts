// DESIGN §5: a post page served by nginx at ≥ 0.9× the rate nginx serves a same-size plain file.
// Serves, through the production nginx config (nginx/, rendered as in the e2e tests):
//   plain          a 9 KB file, no compression asked      (the baseline)
//   precompressed  a 9 KB post page, gzip from its .gz    (gzip_static: what the build ships)
//   on the fly     the same page without a .gz sibling    (nginx gzips each response)
// and the comment pages of issue 12: a post's first page of comments as the builder writes it
// (StaticCommentPage JSON from site/src/lib/comments.ts, 20 threads with replies, its .gz), through
// the same nginx location readers hit, against a plain file of the same size;
// and prints requests/second and the ratio to the baseline. Needs nginx and wrk (apt-get install nginx wrk).
// Run: npx tsx bench/nginx-static.ts    (BENCH_SECONDS=5, BENCH_ROUNDS=3, BENCH_CONNECTIONS=64)
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CommentOut } from '@blog/contract';
import { startNginx } from '../e2e/support/nginx.js';
import { commentPageFiles } from '../site/src/lib/comments.js';
import { figure, loadSeconds, median, QUICK, report } from './support/report.js';

const SECONDS = loadSeconds(5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));

/** ~9 KB of post-like HTML: prose compresses like a real page does (about 3:1). */
function postPage(): string {
  const words = 'the static site serves readers from files while comments reach a small api behind nginx'.split(' ');
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  let body = '';
  while (body.length < 8600) {
    const sentence = Array.from({ length: 8 + (next() % 12) }, () => words[next() % words.length]).join(' ');
    body += `<p>${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.</p>\n`;
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post</title><link rel="stylesheet" href="/_astro/site.abc123.css"></head><body><main><article><h1>A post</h1>${body}</article></main></body></html>\n`;
}

/** The first comment page of a post with 30 threads and a few replies each, as the builder writes it. */
function commentPage(): string {
  const comments: CommentOut[] = [];
  let id = 1;
  const at = (n: number) => new Date(Date.UTC(2026, 10, 1, 12, n)).toISOString();
  for (let thread = 0; thread < 30; thread++) {
    const top = id++;
    const comment = (parentId: number | null, n: number): CommentOut => ({
      id: parentId === null ? top : id++,
      postId: 1,
      parentId,
      author: { id: 1 + (n % 7), name: `Reader ${n % 7}`, avatarUrl: null },
      status: 'visible',
      bodyHtml: `<p>Comment ${n}: the static site serves readers from files while comments reach a small api.</p>`,
      likesCount: n % 5,
      pinnedAt: null,
      createdAt: at(n),
      editedAt: null,
    });
    comments.push(comment(null, thread));
    for (let reply = 0; reply < thread % 3; reply++) comments.push(comment(top, thread * 10 + reply));
  }
  const files = commentPageFiles(1, 'a-post', comments);
  const first = files.get('/posts/a-post/comments/oldest/1.json');
  if (!first) throw new Error('no first comment page');
  return first.json;
}

function wrk(url: string, gzip: boolean): number {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, ...(gzip ? ['-H', 'Accept-Encoding: gzip'] : []), url];
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  if (/Non-2xx/.test(run.stdout)) throw new Error(`${url}: non-2xx answers\n${run.stdout}`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout);
  if (!match?.[1]) throw new Error(`wrk output without Requests/sec:\n${run.stdout}`);
  return Number(match[1]);
}

if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (apt-get install wrk)');
const work = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
// nginx workers run unprivileged when this runs as root.
chmodSync(work, 0o755);
const site = join(work, 'site');
mkdirSync(join(site, 'post'), { recursive: true });
mkdirSync(join(site, 'post-live'), { recursive: true });
mkdirSync(join(work, 'admin'));
const page = postPage();
writeFileSync(join(site, 'plain.txt'), 'x'.repeat(Buffer.byteLength(page)));
writeFileSync(join(site, 'post', 'index.html'), page);
writeFileSync(join(site, 'post', 'index.html.gz'), gzipSync(page, { level: 9 }));
writeFileSync(join(site, 'post-live', 'index.html'), page);
const comments = commentPage();
mkdirSync(join(site, 'posts', 'a-post', 'comments', 'oldest'), { recursive: true });
writeFileSync(join(site, 'plain-comments.txt'), 'x'.repeat(Buffer.byteLength(comments)));
writeFileSync(join(site, 'posts', 'a-post', 'comments', 'oldest', '1.json'), comments);
writeFileSync(join(site, 'posts', 'a-post', 'comments', 'oldest', '1.json.gz'), gzipSync(comments, { level: 9 }));
const nginx = await startNginx({ siteRoot: site, adminRoot: join(work, 'admin'), apiUpstream: '127.0.0.1:9' });
try {
  const scenarios = [
    ['plain 9 KB file', '/plain.txt', false],
    ['post page, precompressed .gz', '/post/', true],
    ['post page, gzip on the fly', '/post-live/', true],
    [`plain ${Math.round(Buffer.byteLength(comments) / 1024)} KB file`, '/plain-comments.txt', false],
    ['comment page JSON, precompressed', '/posts/a-post/comments/oldest/1.json', true],
  ] as const;
  for (const [, path, gzip] of scenarios) wrk(`${nginx.url}${path}`, gzip); // warm-up
  // Interleaved rounds, median of each: a shared machine's noise hits every scenario alike.
  const samples = scenarios.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, path, gzip]] of scenarios.entries()) samples[index]?.push(wrk(`${nginx.url}${path}`, gzip));
  }
  const results = scenarios.map(([name], index) => [name, median(samples[index] ?? [])] as const);
  const baseline = results[0]?.[1] ?? 1;
  const gzBytes = gzipSync(page, { level: 9 }).length;
  process.stdout.write(
    `nginx ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${SECONDS} s runs, wrk -t1; page ${Buffer.byteLength(page)} B, .gz ${gzBytes} B\n`,
  );
  for (const [index, [name, rps]] of results.entries()) {
    const against = index >= 3 ? (results[3]?.[1] ?? 1) : baseline;
    process.stdout.write(
      `${name.padEnd(36)} ${Math.round(rps).toString().padStart(7)} req/s  ${(rps / against).toFixed(2)}×\n`,
    );
  }
  const precompressed = results[1]?.[1] ?? 0;
  const commentsBaseline = results[3]?.[1] ?? 1;
  const commentsRps = results[4]?.[1] ?? 0;
  process.stdout.write(
    `comment page ${Buffer.byteLength(comments)} B, .gz ${gzipSync(comments, { level: 9 }).length} B\n`,
  );
  report([
    figure('comment-pages', 'anonymous comment page (static JSON, .gz) through nginx', commentsRps, 'req/s', {
      baseline: { name: 'nginx, same-size plain file', value: commentsBaseline },
      target: '≥ 0.9×',
      met: QUICK ? null : commentsRps / commentsBaseline >= 0.9,
    }),
    figure('nginx-static', 'post page through nginx (precompressed .gz)', precompressed, 'req/s', {
      baseline: { name: 'nginx, same-size plain file', value: baseline },
      target: '≥ 0.9×',
      met: QUICK ? null : precompressed / baseline >= 0.9,
    }),
  ]);
} finally {
  await nginx.stop();
  rmSync(work, { recursive: true, force: true });
}
