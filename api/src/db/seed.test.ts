import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { verifyPassword } from '../auth/passwords.js';
import { prepareContent } from './seed.js';

describe('start-up content', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.destroy();
  });

  it('seeds the demo on a fresh database even with ADMIN_EMAIL/ADMIN_PASSWORD set, then ensures that admin', async () => {
    const admin = { email: 'owner@blog.example', password: 'the-owners-password' };
    const seeded = await prepareContent(test.db, () => new Date(), { seedDemo: true, env: 'development', admin });
    expect(seeded?.posts).toBeGreaterThan(0);
    expect(await test.db.models.Post.count()).toBe(seeded?.posts);
    const owner = await test.db.models.User.findOne({ where: { email: admin.email } });
    expect(owner?.role).toBe('admin');
    expect(await verifyPassword(admin.password, owner?.passwordHash ?? '')).toBe(true);
    // A second start seeds nothing more and keeps the admin.
    expect(await prepareContent(test.db, () => new Date(), { seedDemo: true, env: 'development', admin })).toBeNull();
    expect(await test.db.models.User.count({ where: { email: admin.email } })).toBe(1);
  });
});
