import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, unique } from '../../test/app.js';
import { codeIn, startSmtpServer, type TestSmtpServer } from '../../test/smtp.js';

let smtp: TestSmtpServer;
let ipCounter = 1;
const contexts: TestContext[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await Promise.all(contexts.map((t) => t.destroy()));
  await smtp.close();
});

/** A blog with its own database and outbox worker, mailing through the test SMTP server. */
async function blog(env: Record<string, string>): Promise<TestContext> {
  const t = await createTestContext({ SMTP_URL: smtp.url, TRUST_PROXY: 'true', SITE_NAME: 'Test Blog', ...env });
  contexts.push(t);
  await t.jobs.start();
  return t;
}

/** Signs a new reader up; the verification mail they get, and their session cookie. */
async function signUp(t: TestContext) {
  const email = `${unique('reader')}@example.com`;
  const since = smtp.mails.length;
  const res = await t.request('POST', '/api/auth/signup', {
    json: { email, name: 'Minji', password: 'correct horse battery' },
    headers: { 'x-real-ip': `198.51.100.${ipCounter++}` },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('blog_session='))
    ?.split(';')[0];
  if (!cookie) throw new Error('sign-up set no session cookie');
  return { mail: await smtp.waitForMail(email, since), cookie };
}

describe('the language of the mails (SITE_LOCALE)', () => {
  it('SITE_LOCALE=ko: the verification code mail is in Korean, and its code verifies', async () => {
    const t = await blog({ SITE_LOCALE: 'ko' });
    const { mail, cookie } = await signUp(t);
    const code = codeIn(mail);

    expect(mail.subject).toBe(`[Test Blog] 인증 코드: ${code}`);
    expect(mail.text).toContain('Minji님, 안녕하세요.');
    expect(mail.text).toContain('이메일 주소를 인증해 주세요');
    expect(mail.text).toContain(`    ${code}\n`);
    expect(mail.text).toContain('10분 후에 만료되며');
    expect(mail.text).not.toMatch(/Hello|Your code|expires/);
    expect(mail.html).toContain('<html lang="ko-KR">');
    expect(mail.html).toContain('이메일 주소를 인증해 주세요');
    expect(mail.html).toContain(code);
    expect(mail.headers['content-language']).toBe('ko-KR');

    const verified = await t.request('POST', '/api/auth/otp/verify', { json: { code }, as: cookie });
    expect(verified.status, await verified.clone().text()).toBe(200);
  });

  it('by default: the verification code mail is in English, as before', async () => {
    const t = await blog({});
    expect(t.config.siteLocale).toBe('en');
    const { mail } = await signUp(t);
    const code = codeIn(mail);

    expect(mail.subject).toBe(`${code} is your Test Blog verification code`);
    expect(mail.text).toMatch(/^Hello Minji,\n/);
    expect(mail.text).toContain('Your code is:');
    expect(mail.text).toContain('It expires in 10 minutes and works once.');
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.headers['content-language']).toBe('en');
  });
});
