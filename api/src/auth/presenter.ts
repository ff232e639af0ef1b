import type { Session, User } from '../db/models/index.js';
import type { Me, SessionInfo } from './schema.js';
import { publicSessionId } from './sessions.js';

/** The signed-in user's own view of their account. */
export function presentMe(user: User): Me {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    hasPassword: user.passwordHash !== null,
    postsCount: user.postsCount,
    commentsCount: user.commentsCount,
    createdAt: user.createdAt.toISOString(),
  };
}

/** "Firefox on Linux" from a user agent: enough to tell one's devices apart, nothing more. */
export function deviceOf(userAgent: string): string {
  const ua = userAgent;
  const browser = (
    [
      [/Edg(?:e|A|iOS)?\//, 'Edge'],
      [/OPR\/|Opera/, 'Opera'],
      [/SamsungBrowser\//, 'Samsung Internet'],
      [/Firefox\/|FxiOS\//, 'Firefox'],
      [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
      [/Safari\//, 'Safari'],
      [/curl\//, 'curl'],
    ] as const
  ).find(([pattern]) => pattern.test(ua))?.[1];
  const system = (
    [
      [/Android/, 'Android'],
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Windows/, 'Windows'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/CrOS/, 'ChromeOS'],
      [/Linux/, 'Linux'],
    ] as const
  ).find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? (ua ? 'Unknown browser' : 'Unknown device');
}

/** 203.0.113.x, or the first three groups of an IPv6 address: where, roughly, not who. */
export function maskIp(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.x`;
  if (ip.includes(':')) {
    const groups = ip.split(':').filter(Boolean).slice(0, 3);
    return `${groups.join(':')}::x`;
  }
  return ip ? 'x' : '';
}

/** One signed-in session as its owner sees it in the list. */
export function presentSession(session: Session, currentId: string | undefined): SessionInfo {
  return {
    id: publicSessionId(session.id),
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: (session.lastSeenAt ?? session.createdAt).toISOString(),
    device: deviceOf(session.userAgent),
    ip: maskIp(session.ip),
    current: session.id === currentId,
  };
}
