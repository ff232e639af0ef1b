import { describe, expect, it } from 'vitest';
import { confirmMail, digestMail, newsletterMail } from './mails.js';

const site = { siteName: 'Test Blog', siteUrl: 'https://blog.example' };
const unsubscribeUrl = 'https://blog.example/api/unsubscribe?token=t';
const item = {
  author: 'Ann',
  postTitle: 'Hello & welcome',
  excerpt: 'Nice <post>',
  url: 'https://blog.example/p/#c-1',
};

describe('subscription mails in Korean (SITE_LOCALE=ko)', () => {
  it('a digest: Korean subject and lines, the language and one-click unsubscribe in its headers', () => {
    const mail = digestMail({
      ...site,
      locale: 'ko',
      to: 'r@example.com',
      kind: 'post',
      postTitle: 'Watched post',
      items: [item, item],
      unsubscribeUrl,
    });
    expect(mail.subject).toBe('[Test Blog] “Watched post”에 새 댓글 2개');
    expect(mail.text).toContain('Ann님이 “Hello & welcome”에 남긴 댓글:');
    expect(mail.text).toContain(`클릭 한 번으로 수신을 거부할 수 있습니다: ${unsubscribeUrl}`);
    expect(mail.html).toContain('<html lang="ko-KR">');
    expect(mail.html).toContain(
      '<strong>Ann</strong>님이 <a href="https://blog.example/p/#c-1">Hello &amp; welcome</a>에',
    );
    expect(mail.headers).toMatchObject({ 'Content-Language': 'ko-KR', 'List-Unsubscribe': `<${unsubscribeUrl}>` });
  });

  it('the newsletter and its double opt-in', () => {
    const news = newsletterMail({
      ...site,
      locale: 'ko',
      to: 'r@example.com',
      title: '새 글',
      subtitle: '',
      excerpt: '요약',
      url: 'https://blog.example/posts/new/',
      unsubscribeUrl,
    });
    expect(news.subject).toBe('[Test Blog] 새 글');
    expect(news.text).toContain('글 읽기: https://blog.example/posts/new/');
    expect(news.headers).toMatchObject({ 'Content-Language': 'ko-KR' });

    const confirm = confirmMail({
      ...site,
      locale: 'ko',
      to: 'r@example.com',
      confirmUrl: 'https://c.example',
      ttlDays: 7,
    });
    expect(confirm.subject).toBe('[Test Blog] 구독을 확인해 주세요');
    expect(confirm.text).toContain('이 링크는 7일 동안 유효합니다.');
    expect(confirm.html).toContain('구독 확인하기</a>');
  });

  it('in English by the same templates, as before', () => {
    const mail = digestMail({
      ...site,
      locale: 'en',
      to: 'r@example.com',
      kind: 'replies',
      postTitle: null,
      items: [item],
      unsubscribeUrl,
    });
    expect(mail.subject).toBe('Test Blog: 1 new reply to your comment');
    expect(mail.text).toContain('Ann on “Hello & welcome”:');
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.headers).toMatchObject({ 'Content-Language': 'en' });
  });
});
