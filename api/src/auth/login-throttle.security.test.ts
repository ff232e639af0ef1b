import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext, unique } from '../../test/app.js';
import { hashPassword } from './passwords.js';

// OWASP ASVS 2.2.1: guesses are limited per account and per address, and strangers cannot lock
// the owner out: a correct password from an address without failures, or from a browser that
// signed in before (device cookie), still gets in.
const PASSWORD = 'the owner knows this one';
const ErrorBody = z.object({ error: z.object({ code: z.string() }) });

let t: TestContext;
let passwordHash: string;
beforeAll(async () => {
  t = await createTestContext({ TRUST_PROXY: 'true' });
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(async () => {
  await t.destroy();
});

let ipCounter = 0;
const newAddress = () => {
  ipCounter++;
  return `203.0.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

async function owner(role: 'user' | 'admin' = 'user') {
  const user = await t.factories.user({ role });
  await t.db.transaction((transaction) => user.update({ passwordHash }, { transaction }));
  return user;
}

async function login(email: string, password: string, from: { ip: string; device?: string }) {
  const res = await t.request('POST', '/api/auth/login', {
    json: { email, password },
    headers: { 'x-real-ip': from.ip, ...(from.device ? { cookie: from.device } : {}) },
  });
  const device = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('blog_device='))
    ?.split(';')[0];
  const code = res.status === 200 ? null : ErrorBody.parse(await res.json()).error.code;
  return { status: res.status, code, device, retryAfter: res.headers.get('retry-after') };
}

describe('login throttle', () => {
  it("lets the owner in from another address while an attacker's address is held back", async () => {
    const admin = await owner('admin');
    const attacker = newAddress();
    for (let i = 0; i < 25; i++) await login(admin.email, `guess ${i}`, { ip: attacker });
    const blocked = await login(admin.email, PASSWORD, { ip: attacker });
    expect(blocked).toMatchObject({ status: 429 });
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(await login(admin.email, PASSWORD, { ip: newAddress() })).toMatchObject({ status: 200 });
  });

  it('stops a distributed guess at 100 failures an hour, except for a browser that signed in before', async () => {
    const user = await owner();
    const home = newAddress();
    const { device } = await login(user.email, PASSWORD, { ip: home });
    expect(device).toMatch(/^blog_device=\d+\.\d+\.[\w-]{43}$/);
    // A botnet: each address guesses once.
    const answers = [];
    for (let i = 0; i < 105; i++) answers.push((await login(user.email, `guess ${i}`, { ip: newAddress() })).status);
    expect(answers.filter((s) => s === 401)).toHaveLength(100);
    expect(answers.slice(100).every((s) => s === 429)).toBe(true);
    // Even the right password from a new browser waits now (at most 100 failed guesses an hour)…
    expect(await login(user.email, PASSWORD, { ip: newAddress() })).toMatchObject({
      status: 429,
      code: 'account_locked',
    });
    // …but the owner's own browser gets in, from anywhere.
    expect(await login(user.email, PASSWORD, { ip: newAddress(), device })).toMatchObject({ status: 200 });
    // A device cookie does not help a wrong password, nor another account.
    expect(await login(user.email, 'still a guess', { ip: home, device })).toMatchObject({ status: 401 });
    const other = await owner();
    for (let i = 0; i < 100; i++) await login(other.email, `guess ${i}`, { ip: newAddress() });
    expect(await login(other.email, PASSWORD, { ip: home, device })).toMatchObject({ status: 429 });
    // Nor does a forged one.
    const forged = device?.replace(/\.([\w-]{43})$/, `.${'A'.repeat(43)}`);
    expect(await login(user.email, PASSWORD, { ip: newAddress(), device: forged })).toMatchObject({ status: 429 });
  });

  it('holds back an address that fails on many accounts', async () => {
    const spray = newAddress();
    for (let i = 0; i < 20; i++) await login(`${unique('victim')}@example.com`, 'Password1!', { ip: spray });
    const user = await owner();
    expect(await login(user.email, PASSWORD, { ip: spray })).toMatchObject({ status: 429, code: 'login_throttled' });
    expect(await login(user.email, PASSWORD, { ip: newAddress() })).toMatchObject({ status: 200 });
  });

  it('throttles unknown emails exactly like real ones (no account oracle)', async () => {
    const user = await owner();
    const ghost = `${unique('ghost')}@example.com`;
    const from = newAddress();
    const real = [];
    const unknown = [];
    for (let i = 0; i < 12; i++) {
      real.push((await login(user.email, `guess ${i}`, { ip: from })).status);
      unknown.push((await login(ghost, `guess ${i}`, { ip: from })).status);
    }
    expect(real).toEqual(unknown);
  });

  it('answers a banned account with the same 401 as a wrong password', async () => {
    const user = await owner();
    await t.db.transaction((transaction) => user.update({ bannedAt: new Date() }, { transaction }));
    const right = await login(user.email, PASSWORD, { ip: newAddress() });
    const wrong = await login(user.email, 'a wrong password', { ip: newAddress() });
    expect(right).toEqual({ ...wrong, device: undefined });
    expect(right).toMatchObject({ status: 401, code: 'invalid_credentials' });
  });
});
