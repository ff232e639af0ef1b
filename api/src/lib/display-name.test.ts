import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, unique } from '../../test/app.js';
import { nameSkeleton, normalizeDisplayName } from './display-name.js';

describe('display names', () => {
  it('drop invisible and bidi characters, fold compatibility forms, tame stacked marks', () => {
    expect(normalizeDisplayName('Gr\u200Bace\u200D Hopper')).toBe('Gr ace Hopper');
    expect(normalizeDisplayName('\u202EreppoH ecarG')).toBe('reppoH ecarG');
    expect(normalizeDisplayName('\u2066Grace\u2069')).toBe('Grace');
    expect(normalizeDisplayName('ＧｒａｃｅＨｏｐｐｅｒ')).toBe('GraceHopper');
    expect(normalizeDisplayName('Gra\u00ADce')).toBe('Gra ce');
    expect(normalizeDisplayName(`Z${'\u0301'.repeat(40)}alg\u0300\u0301\u0302o`)).toBe('Ź\u0301\u0301alg\u0300\u0301o');
    expect(normalizeDisplayName('  Ada \n\t Lovelace ')).toBe('Ada Lovelace');
    expect(normalizeDisplayName('김민지')).toBe('김민지');
  });

  it('compare by skeleton: case, spacing, marks and look-alike letters ignored', () => {
    const grace = nameSkeleton('Grace Hopper');
    for (const copy of [
      'grace hopper',
      'GRACE  HOPPER',
      'Grácé Hoppér',
      'Grаce Hоpper' /* Cyrillic а, о */,
      'Gr4ce H0pper',
      'Grace.Hopper',
    ]) {
      expect({ copy, skeleton: nameSkeleton(copy) }).toEqual({ copy, skeleton: grace });
    }
    expect(nameSkeleton('Grace Kelly')).not.toBe(grace);
  });
});

describe('sign-up names', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t.destroy();
  });
  let ip = 0;
  const signUp = (name: string) =>
    t.request('POST', '/api/auth/signup', {
      json: { email: `${unique('n')}@example.com`, name, password: 'a good long password' },
      headers: { 'x-real-ip': `192.0.2.${++ip}` },
    });

  it("refuse a copy of a staff member's name, exact or disguised, and reserved words", async () => {
    await t.factories.user({ role: 'admin', name: 'Grace Hopper' });
    await t.factories.user({ role: 'author', name: 'Linus Torvalds' });
    for (const name of [
      'Grace Hopper',
      'grace\u200B hopper',
      '\u2067Grace Hopper\u2069',
      'Grаce Hopper',
      'Gráce Hopper',
      'Linus Torvalds',
      'Admin',
      'Administrator',
      'Moderator Team',
    ]) {
      const res = await signUp(name);
      expect({ name, status: res.status, body: await res.json() }).toMatchObject({
        name,
        status: 422,
        body: { error: { code: 'name_taken' } },
      });
    }
  });

  it("store the normalised name, and allow a reader's name twice (only staff are protected)", async () => {
    await t.factories.user({ name: 'Kim Minji' });
    const res = await signUp('Kim\u200B Minji\u202E');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ user: { name: 'Kim Minji' } });
    expect((await signUp('\u200B\u200D')).status).toBe(422);
  });
});
