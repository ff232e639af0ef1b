import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { IMPORT_FORMATS, type ImportFormat, type ImportReport } from '@blog/contract';
import { createServices } from '../../app.js';
import { loadConfig, loadDotEnv } from '../../config.js';
import { createDatabase } from '../../db/index.js';
import { migrate } from '../../db/migrate.js';
import { ensureAdmin } from '../../db/seed.js';
import { createBackgroundJobs } from '../../jobs/index.js';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { sniffFormat } from './service.js';

/*
 * `npm run import -- FILE` and `npm run export -- --format json|markdown --out PATH`: the same
 * import and export as the admin's, run against DATABASE_URL as an admin (--as EMAIL, else the
 * first admin; ADMIN_EMAIL and ADMIN_PASSWORD make one in an empty database). The import's
 * rebuild is queued in the outbox, which the running blog delivers.
 */

const USAGE = `Usage:
  npm run import -- FILE|FOLDER [--format wxr|ghost|markdown|archive] [--uploads DIR] [--as EMAIL] [--report FILE]
  npm run export -- [--format json|markdown] --out PATH [--as EMAIL]

  FILE      a WordPress WXR (.xml), a Ghost export (.json), this blog's archive (.json),
            or a folder of Markdown files with front matter
  --uploads where the WXR's attachments are (its wp-content/uploads folder); default: an
            "uploads" or "wp-content/uploads" folder next to the file
`;

/** A path as the person typed it: npm runs scripts from the repo root, INIT_CWD is where they were. */
const fromHere = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

async function markdownFiles(folder: string): Promise<{ path: string; content: string }[]> {
  const out: { path: string; content: string }[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.(md|markdown|mdx)$/i.test(entry.name)) {
        out.push({ path: relative(folder, full), content: await readFile(full, 'utf8') });
      }
    }
  };
  await walk(folder);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

async function existingDir(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** `[#########-----------]  45%  9/20 posts` on one line of a terminal (a line per 10 % otherwise). */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${done}/${total} posts`;
}

export function summary(report: ImportReport): string {
  const { imported } = report;
  const lines = [
    `Imported ${imported.posts} of ${report.total} posts, ${imported.comments} comments, ${imported.users} users, ${imported.categories} categories, ${imported.likes} likes (${report.format}).`,
  ];
  if (report.skipped.length) {
    lines.push(`Skipped ${report.skipped.length}:`);
    for (const issue of report.skipped.slice(0, 50))
      lines.push(`  ${issue.kind} ${issue.ref}: ${issue.reason} — ${issue.message}`);
    if (report.skipped.length > 50) lines.push(`  … and ${report.skipped.length - 50} more (see --report)`);
  }
  if (report.warnings.length) lines.push(`${report.warnings.length} warnings (see --report).`);
  if (report.countDrift) lines.push(`The recount repaired ${report.countDrift} counters.`);
  return lines.join('\n');
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      uploads: { type: 'string' },
      as: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (command !== 'import' && command !== 'export')) {
    process.stdout.write(USAGE);
    return command === 'import' || command === 'export' ? 0 : 2;
  }
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'warn');
  const db = await createDatabase(config.database, logger);
  try {
    await migrate(db.sequelize, logger);
    const jobs = createBackgroundJobs({ config, db, logger, clock: systemClock });
    const services = createServices({ config, db, logger, jobs });
    const { User } = db.models;
    if (config.admin && (await User.count({ where: { role: 'admin' } })) === 0) {
      await ensureAdmin(db, systemClock, config.admin);
    }
    const actor = values.as
      ? await User.findOne({ where: { email: values.as.toLowerCase(), role: 'admin' } })
      : await User.findOne({ where: { role: 'admin' }, order: [['id', 'ASC']] });
    if (!actor) {
      process.stderr.write(
        values.as
          ? `No admin with the email ${values.as}.\n`
          : 'No admin account: set ADMIN_EMAIL and ADMIN_PASSWORD (one is made), or start the blog once.\n',
      );
      return 1;
    }

    if (command === 'export') {
      const format = values.format ?? 'json';
      if (!values.out || (format !== 'json' && format !== 'markdown')) {
        process.stderr.write(USAGE);
        return 2;
      }
      const out = fromHere(values.out);
      if (format === 'json') {
        const archive = await services.transfer.exportArchive(actor);
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, `${JSON.stringify(archive, null, 2)}\n`);
        process.stdout.write(`Exported ${archive.posts.length} posts, ${archive.users.length} users to ${out}\n`);
      } else {
        const { files } = await services.transfer.exportMarkdown(actor);
        for (const file of files) {
          const path = join(out, file.path);
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, file.content);
        }
        process.stdout.write(`Exported ${files.length} posts as Markdown to ${out}\n`);
      }
      return 0;
    }

    const target = positionals[0];
    if (!target) {
      process.stderr.write(USAGE);
      return 2;
    }
    const path = fromHere(target);
    const isFolder = (await stat(path)).isDirectory();
    const content = isFolder ? '' : await readFile(path, 'utf8');
    const format = (values.format ??
      (isFolder ? 'markdown' : sniffFormat(path, content.slice(0, 2000)))) as ImportFormat;
    if (!IMPORT_FORMATS.includes(format)) {
      process.stderr.write(`Unknown format ${format}: one of ${IMPORT_FORMATS.join(', ')}.\n`);
      return 2;
    }
    const base = isFolder ? path : dirname(path);
    const attachmentsDir =
      format === 'wxr'
        ? ((values.uploads ? fromHere(values.uploads) : undefined) ??
          (await existingDir(join(base, 'wp-content', 'uploads'))) ??
          (await existingDir(join(base, 'uploads'))))
        : undefined;
    const files = isFolder ? await markdownFiles(path) : [{ path: basename(path), content }];
    const site = services.transfer.read({
      format,
      content: format === 'markdown' ? undefined : content,
      files: format === 'markdown' ? files : undefined,
      attachmentsDir,
    });
    const tty = process.stderr.isTTY;
    let lastTenth = -1;
    const report = await services.transfer.import(actor, site, format, (done, total) => {
      if (tty) process.stderr.write(`\r${progressBar(done, total)}`);
      else {
        const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          process.stderr.write(`${progressBar(done, total)}\n`);
        }
      }
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(`${summary(report)}\n`);
    if (values.report) await writeFile(fromHere(values.report), `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${command} failed: ${message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

// Run as a command (not imported by its tests).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
