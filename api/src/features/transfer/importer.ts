import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  CreatePostSchema,
  type ImportCounts,
  type ImportFormat,
  type ImportIssue,
  type ImportReport,
  MAX_COMMENT_LENGTH,
  type PublishEvent,
  SlugSchema,
  textString,
} from '@blog/contract';
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../../db/index.js';
import { COMMENT_STATUSES } from '../../db/models/comment.js';
import type { Comment, Media, User } from '../../db/models/index.js';
import { recount } from '../../db/recount.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError } from '../../lib/errors.js';
import { slugify } from '../../lib/slug.js';
import type { AuditLogger } from '../admin/audit.js';
import { presentMedia } from '../media/presenter.js';
import type { MediaService } from '../media/service.js';
import { postFieldsOf } from '../posts/service.js';
import { enqueuePublishEvent, type PublishJobs } from '../publishing/service.js';
import { enqueueScheduledPublish } from '../scheduling/schedule.js';
import type { TagService } from '../tags/service.js';
import {
  IMAGE_FILE,
  type ImportedComment,
  type ImportedPerson,
  type ImportedPost,
  type ImportedSite,
} from './shape.js';

/*
 * The import writer: one ImportedSite (from any reader) into the database.
 *
 * Transactions: one per item. Each person, each category, and each post with its tags, comments
 * and likes is written in a transaction of its own; an item that fails a check or a constraint
 * is rolled back whole and named in the report (`skipped`, with the reason), and the import goes
 * on with the next. So nothing is ever half-written, and importing the same file twice skips
 * what the first run wrote (a post whose slug exists is `duplicate_slug`).
 *
 * Rows are written through the models, as the seed does, not through the posts and comments
 * services: those act for a signed-in user at the present time (a comment is the current
 * user's, made now, rate-limited, moderated, announced), while an import writes other people's
 * posts and comments with their own dates. The rules that make a row right still apply, each
 * from its one place: the contract's CreatePostSchema and comment limits check every field, the
 * model hooks render and sanitise the Markdown (db/derived.ts) and keep every counter
 * (db/counts.ts), the tag service writes tags, the media service takes attachments, and
 * scheduling writes its outbox job. A recount at the end reports any counter it had to repair
 * (0 expected). One audit entry and one full rebuild follow the whole import.
 */

export interface ImportOptions {
  format: ImportFormat;
  /** Called after every post (imported or skipped). */
  onProgress?: (done: number, total: number) => void;
}

export interface ImporterDeps {
  db: Database;
  clock: Clock;
  audit: AuditLogger;
  jobs: PublishJobs;
  tags: Pick<TagService, 'setPostTags'>;
  media: Pick<MediaService, 'upload' | 'remove'>;
}

const PersonSchema = z.object({
  email: z.email().max(254),
  name: textString().trim().min(1).max(80),
});
const CategorySchema = z.object({
  name: textString().trim().min(1).max(80),
  slug: SlugSchema,
  description: textString().max(500),
});
/** The most characters a post's meta description and custom excerpt take (CreatePostSchema). */
const SOFT_FIELD_MAX = 300;
const CommentBodySchema = textString().trim().min(1).max(MAX_COMMENT_LENGTH);
const CommentStatusSchema = z.enum(COMMENT_STATUSES);

/** Thrown inside an item's transaction: the item is rolled back and reported as skipped. */
class SkipItem extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const zodMessage = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`)
    .join('; ');

/** An address for a person the source gives none (a commenter without email): never mailed. */
const syntheticEmail = (person: ImportedPerson) =>
  `imported-${slugify(person.ref, 30)}-${createHash('sha256').update(person.ref).digest('hex').slice(0, 16)}@import.invalid`;

/** The URL's file name without WordPress's size suffix (photo-300x200.png → photo), for body rewrites. */
const stemOf = (url: string) =>
  basename(url.split(/[?#]/)[0] ?? url)
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/-\d+x\d+$/, '');

export type Importer = ReturnType<typeof createImporter>;

export function createImporter({ db, clock, audit, jobs, tags, media }: ImporterDeps) {
  const { User: UserModel, Category, Post, Comment: CommentModel, CommentLike } = db.models;

  return {
    /** Writes `site` as `actor` (an admin; the author of posts whose source names none). */
    async run(actor: User, site: ImportedSite, options: ImportOptions): Promise<ImportReport> {
      const startedAt = clock();
      const skipped: ImportIssue[] = [...site.skipped];
      const warnings: ImportIssue[] = [...site.warnings];
      const imported: ImportCounts = { users: 0, categories: 0, posts: 0, comments: 0, likes: 0 };
      const total = site.posts.length;

      /** Runs one item in its own transaction; a failure rolls it back and is reported. */
      const item = async <T>(
        kind: ImportIssue['kind'],
        ref: string,
        write: (transaction: Transaction) => Promise<T>,
      ): Promise<T | null> => {
        try {
          return await db.transaction(write);
        } catch (error) {
          if (error instanceof SkipItem) {
            skipped.push({ kind, ref, reason: error.reason, message: error.message });
          } else {
            const name = error instanceof Error ? error.name : 'Error';
            const message = error instanceof Error ? error.message : String(error);
            skipped.push({ kind, ref, reason: 'write_failed', message: `${name}: ${message}`.slice(0, 300) });
          }
          return null;
        }
      };

      // People: matched to an account by email, else created without a password (they claim
      // it with a password reset) and unverified unless the source says otherwise.
      const people = new Map<string, number>();
      const writers = new Set(site.posts.map((post) => post.authorRef).filter(Boolean));
      for (const person of site.people) {
        if (people.has(person.ref)) continue;
        const id = await item('user', person.ref, async (transaction) => {
          // An address no mail could reach is replaced by one never mailed; a name too long is cut.
          const given = person.email?.trim().toLowerCase() ?? '';
          const usable = given !== '' && PersonSchema.shape.email.safeParse(given).success;
          if (given && !usable) {
            warnings.push({
              kind: 'user',
              ref: person.ref,
              reason: 'email_replaced',
              message: 'Their email address is not one; they get an address that is never mailed.',
            });
          }
          const parsed = PersonSchema.safeParse({
            email: usable ? given : syntheticEmail(person),
            name: (person.name.trim() || given.split('@')[0] || 'Reader').slice(0, 80),
          });
          if (!parsed.success) throw new SkipItem('invalid', zodMessage(parsed.error));
          const existing = await UserModel.findOne({ where: { email: parsed.data.email }, transaction });
          if (existing) return existing.id;
          // Their author page's address, unless another account has it (then one is made on their first post).
          const slugTaken =
            !!person.slug &&
            !!(await UserModel.findOne({ where: { slug: person.slug }, attributes: ['id'], transaction }));
          const user = await UserModel.create(
            {
              email: parsed.data.email,
              name: parsed.data.name,
              passwordHash: null,
              role: person.role ?? (writers.has(person.ref) ? 'author' : 'user'),
              emailVerifiedAt: person.emailVerifiedAt ?? null,
              bannedAt: person.bannedAt ?? null,
              bio: (person.bio ?? '').slice(0, 500),
              slug: slugTaken ? null : (person.slug ?? null),
              ...(person.createdAt ? { createdAt: person.createdAt } : {}),
            },
            { transaction },
          );
          imported.users++;
          return user.id;
        });
        if (id !== null) people.set(person.ref, id);
      }

      // Categories: matched by slug, else by name, else created.
      const categories = new Map<string, number>();
      for (const category of site.categories) {
        const id = await item('category', category.ref, async (transaction) => {
          const parsed = CategorySchema.safeParse({
            name: category.name,
            slug: slugify(category.slug || category.name, 80),
            description: category.description ?? '',
          });
          if (!parsed.success) throw new SkipItem('invalid', zodMessage(parsed.error));
          const existing =
            (await Category.findOne({ where: { slug: parsed.data.slug }, transaction })) ??
            (await Category.findOne({ where: { name: parsed.data.name }, transaction }));
          if (existing) return existing.id;
          const created = await Category.create(parsed.data, { transaction });
          imported.categories++;
          return created.id;
        });
        if (id !== null) categories.set(category.ref, id);
      }

      let done = 0;
      let published = 0;
      for (const post of site.posts) {
        const written = await writePost(post);
        if (written) {
          imported.posts++;
          imported.comments += written.comments;
          imported.likes += written.likes;
          if (written.published) published++;
        }
        done++;
        options.onProgress?.(done, total);
      }

      async function writePost(post: ImportedPost) {
        const slug = slugify(post.slug || post.title || post.ref, 100);
        const taken = await Post.findOne({ where: { slug }, attributes: ['id'] });
        if (taken) {
          skipped.push({
            kind: 'post',
            ref: post.ref,
            reason: 'duplicate_slug',
            message: `A post at /posts/${slug}/ exists.`,
          });
          return null;
        }
        const authorId = post.authorRef ? people.get(post.authorRef) : actor.id;
        if (authorId === undefined) {
          skipped.push({
            kind: 'post',
            ref: post.ref,
            reason: 'author_missing',
            message: `Its author (${post.authorRef}) was not imported.`,
          });
          return null;
        }
        // Attachments first (each upload is a write of its own): a post that then fails removes them.
        const uploaded = await uploadAttachments(post);
        const result = await item('post', post.ref, (transaction) =>
          writePostRows(post, slug, authorId, uploaded, transaction),
        );
        if (!result) {
          for (const row of uploaded.values()) await media.remove(actor, row.id).catch(() => undefined);
          return null;
        }
        return result;
      }

      async function uploadAttachments(post: ImportedPost): Promise<Map<string, Media>> {
        const out = new Map<string, Media>();
        for (const attachment of post.attachments) {
          if (!attachment.localPath) {
            skipped.push({
              kind: 'attachment',
              ref: attachment.url,
              reason: 'not_local',
              message: 'No file next to the export: attachments are never downloaded.',
            });
            continue;
          }
          // By its name here; the media service then reads its type from its content.
          if (!IMAGE_FILE.test(attachment.localPath)) {
            skipped.push({
              kind: 'attachment',
              ref: attachment.url,
              reason: 'not_an_image',
              message: 'Only images are imported.',
            });
            continue;
          }
          try {
            const bytes = await readFile(attachment.localPath);
            const file = new File([bytes], basename(attachment.localPath));
            const alt = (attachment.title || post.title).slice(0, 300) || 'Image';
            out.set(attachment.url, await media.upload(actor, file, alt));
          } catch (error) {
            const code = error instanceof ApiError ? error.code : 'unreadable';
            const message = error instanceof Error ? error.message : String(error);
            skipped.push({ kind: 'attachment', ref: attachment.url, reason: code, message: message.slice(0, 300) });
          }
        }
        return out;
      }

      async function writePostRows(
        post: ImportedPost,
        slug: string,
        authorId: number,
        uploaded: Map<string, Media>,
        transaction: Transaction,
      ) {
        let body = post.bodyMarkdown;
        for (const [url, row] of uploaded) {
          const local = presentMedia(row, 0).url;
          body = body.split(url).join(local);
          // WordPress puts resized copies in bodies (photo-300x200.png): they become the library's image too.
          const stem = stemOf(url);
          const directory = url.slice(0, url.lastIndexOf('/') + 1);
          const escaped = (directory + stem).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          body = body.replace(new RegExp(`${escaped}-\\d+x\\d+\\.[a-zA-Z0-9]+`, 'g'), local);
        }
        const coverMedia = post.coverUrl ? uploaded.get(post.coverUrl) : undefined;
        if (post.coverUrl && !coverMedia) {
          warnings.push({
            kind: 'post',
            ref: post.ref,
            reason: 'cover_not_imported',
            message: 'Its cover image is not one of the file’s local attachments; the post has none.',
          });
        }
        const now = clock();
        // A published post dated in the future (a Markdown file's `date`) is scheduled for then.
        const at =
          post.scheduledAt ??
          (post.status === 'published' && post.publishedAt && post.publishedAt > now ? post.publishedAt : null);
        const scheduled = at && at.getTime() > now.getTime() ? at : null;
        const untitled = !post.title.trim();
        if (untitled) {
          warnings.push({
            kind: 'post',
            ref: post.ref,
            reason: 'untitled',
            message: 'It had no title: imported as “Untitled”.',
          });
        }
        // Excerpts and descriptions longer than a post takes are cut (and said so), not the post refused.
        const soft = (name: 'metaDescription' | 'customExcerpt', value: string | undefined) => {
          const text = (value ?? '').trim();
          if (text.length <= SOFT_FIELD_MAX) return text;
          warnings.push({
            kind: 'post',
            ref: post.ref,
            reason: 'truncated',
            message: `Its ${name === 'customExcerpt' ? 'excerpt' : 'meta description'} was cut to ${SOFT_FIELD_MAX} characters.`,
          });
          return `${text.slice(0, SOFT_FIELD_MAX - 1).trimEnd()}…`;
        };
        // A canonical or sharing URL a post cannot take (Ghost's `__GHOST_URL__/…`, a `javascript:`
        // one) is left out, and said so.
        const url = (name: 'canonicalUrl' | 'ogImageUrl', value: string | null | undefined) => {
          if (!value) return null;
          if (CreatePostSchema.shape[name].safeParse(value).success) return value;
          warnings.push({
            kind: 'post',
            ref: post.ref,
            reason: 'url_dropped',
            message: `Its ${name === 'canonicalUrl' ? 'canonical' : 'sharing image'} URL is not one a post can take: left out.`,
          });
          return null;
        };
        const parsed = CreatePostSchema.omit({ publishAt: true }).safeParse({
          title: untitled ? 'Untitled' : post.title,
          subtitle: post.subtitle,
          bodyMarkdown: body.trim() ? body : post.title,
          slug,
          status: 'draft',
          commentsClosed: post.commentsClosed ?? false,
          commentModeration: post.commentModeration ?? null,
          tags: [...new Set(post.tags.map((tag) => tag.trim()).filter(Boolean))],
          metaDescription: soft('metaDescription', post.metaDescription),
          customExcerpt: soft('customExcerpt', post.customExcerpt),
          canonicalUrl: url('canonicalUrl', post.canonicalUrl),
          ogImageUrl: url('ogImageUrl', post.ogImageUrl),
        });
        if (!parsed.success) throw new SkipItem('invalid', zodMessage(parsed.error));
        const input = parsed.data;
        const categoryRef = post.categoryRefs.find((ref) => categories.has(ref));
        const status = scheduled ? 'scheduled' : post.status;
        const publishedAt =
          status === 'published' ? (post.publishedAt ?? post.scheduledAt ?? post.createdAt ?? now) : null;
        const createdAt = post.createdAt ?? post.publishedAt ?? now;
        const row = await Post.create(
          {
            authorId,
            categoryId: categoryRef === undefined ? null : (categories.get(categoryRef) ?? null),
            ...postFieldsOf(input),
            slug,
            status,
            publishedAt,
            publishAt: scheduled,
            coverMediaId: coverMedia?.id ?? null,
            createdAt,
            updatedAt: post.updatedAt ?? createdAt,
          },
          { transaction, silent: true },
        );
        if (input.tags.length > 0) await tags.setPostTags(row.id, input.tags, transaction);
        if (scheduled) await enqueueScheduledPublish(jobs, row, transaction);
        const { comments, likes } = await writeComments(post, row.id, transaction);
        return { comments, likes, published: status === 'published' };
      }

      async function writeComments(post: ImportedPost, postId: number, transaction: Transaction) {
        const byRef = new Map(post.comments.map((comment) => [comment.ref, comment]));
        /** The top-level comment a reply belongs to: threads here are one level deep. */
        const rootOf = (comment: ImportedComment): ImportedComment | null => {
          let current = comment;
          const seen = new Set<string>();
          while (current.parentRef !== null) {
            if (seen.has(current.ref)) return null;
            seen.add(current.ref);
            const parent = byRef.get(current.parentRef);
            if (!parent) return null;
            current = parent;
          }
          return current;
        };
        const written = new Map<string, Comment>();
        let count = 0;
        let likes = 0;
        // Top-level comments before replies (a reply needs its thread's row), each by time.
        const ordered = [...post.comments].sort(
          (a, b) =>
            Number(a.parentRef !== null) - Number(b.parentRef !== null) ||
            a.createdAt.getTime() - b.createdAt.getTime(),
        );
        for (const comment of ordered) {
          const issue = (reason: string, message: string) =>
            skipped.push({ kind: 'comment', ref: `${post.ref}/${comment.ref}`, reason, message });
          const authorId = people.get(comment.authorRef);
          if (authorId === undefined) {
            issue('author_missing', `Its author (${comment.authorRef}) was not imported.`);
            continue;
          }
          const body = CommentBodySchema.safeParse(comment.bodyMarkdown);
          const status = CommentStatusSchema.safeParse(comment.status);
          if (!body.success || !status.success) {
            issue(
              'invalid',
              body.success ? `status: ${comment.status} is not a comment status` : zodMessage(body.error),
            );
            continue;
          }
          let parentId: number | null = null;
          if (comment.parentRef !== null) {
            const root = rootOf(comment);
            const parent = root ? written.get(root.ref) : undefined;
            if (!parent) {
              issue('parent_missing', 'The comment it replies to was not imported.');
              continue;
            }
            parentId = parent.id;
            if (root && root.ref !== comment.parentRef) {
              warnings.push({
                kind: 'comment',
                ref: `${post.ref}/${comment.ref}`,
                reason: 'thread_flattened',
                message: 'A reply to a reply: attached to the thread it is in (threads are one level deep here).',
              });
            }
          }
          const row = await CommentModel.create(
            {
              postId,
              authorId,
              parentId,
              bodyMarkdown: body.data,
              status: status.data,
              moderationReason: comment.moderationReason ?? null,
              editedAt: comment.editedAt ?? null,
              pinnedAt: parentId === null ? (comment.pinnedAt ?? null) : null,
              createdAt: comment.createdAt,
              updatedAt: comment.editedAt ?? comment.createdAt,
            },
            { transaction, silent: true },
          );
          written.set(comment.ref, row);
          count++;
          for (const ref of new Set(comment.likedBy ?? [])) {
            const userId = people.get(ref);
            if (userId === undefined) continue;
            await CommentLike.create({ commentId: row.id, userId }, { transaction });
            likes++;
          }
        }
        return { comments: count, likes };
      }

      // Every counter is kept by the hooks as rows are written; the recount proves it (and
      // repairs what a bug would have left, reported as countDrift).
      const drift = (await recount(db)).length;
      await db.transaction(async (transaction) => {
        await audit.write(
          actor,
          {
            action: 'import',
            targetType: 'site',
            targetId: null,
            details: { format: options.format, ...imported, skipped: skipped.length },
          },
          transaction,
        );
        if (published > 0) {
          const event: PublishEvent = {
            event: 'rebuild',
            reason: `import (${options.format}): ${imported.posts} posts`,
            at: clock().toISOString(),
          };
          await enqueuePublishEvent(jobs, event, transaction);
        }
      });
      return {
        format: options.format,
        total,
        imported,
        skipped,
        warnings,
        countDrift: drift,
        startedAt: startedAt.toISOString(),
        finishedAt: clock().toISOString(),
      };
    },
  };
}
