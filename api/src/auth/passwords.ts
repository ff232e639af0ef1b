import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism, setPriority } from 'node:os';

// scrypt with N=2^15, r=8, p=1: about 32 MiB and ~50–100 ms per hash on our machines (OWASP's minimum is 2^17 with p=1 for 64 MiB; we trade memory for 2-core hosts).
const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;
const MAX_MEMORY = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url; a fresh 16-byte salt per password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, PARAMS.keylen, { ...PARAMS, maxmem: MAX_MEMORY });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** This module's URL: the hashing process imports it (as source, or compiled JS). */
export const PASSWORDS_MODULE_URL = import.meta.url;

// The hashing process: imports this module, answers { id, value } or { id, error } per request,
// and exits with its parent (the IPC channel closing).
const HASHER_SOURCE = `
process.on('disconnect', () => process.exit(0));
import(process.argv[1]).then((passwords) => {
  process.on('message', ({ id, op, password, stored }) => {
    const work = op === 'hash' ? passwords.hashPassword(password) : passwords.verifyPassword(password, stored);
    work.then((value) => process.send({ id, value }), (error) => process.send({ id, error: String(error) }));
  });
  process.send({ ready: true });
});
`;

/** How much lower than the API the hashing process runs (nice value: CPU goes to requests first). */
export const HASHER_NICENESS = 10;

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

/**
 * hashPassword/verifyPassword in a process of their own at a lower CPU priority (nice 10), at
 * most `concurrency` at a time (default: the machine's cores). scrypt costs ~70 ms of CPU by
 * design; run in the API process it took libuv's thread pool, which the SQLite driver shares,
 * and a core the event loop needed, so a burst of sign-ups slowed every other request. Niced in
 * a process of its own, it gets what CPU the requests leave, and only password checks wait for
 * it. Started on first use; falls back to hashing in-process if the process cannot start.
 */
export function createPasswordHasher(options: { concurrency?: number } = {}) {
  const limit = Math.max(1, options.concurrency ?? availableParallelism());
  let active = 0;
  const waiting: Array<() => void> = [];
  async function bounded<T>(work: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  }

  let child: ChildProcess | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  function hasher(): ChildProcess | null {
    if (child) return child;
    try {
      const started = spawn(process.execPath, ['--input-type=module', '-e', HASHER_SOURCE, PASSWORDS_MODULE_URL], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { PATH: process.env.PATH ?? '' },
      });
      if (started.pid === undefined) return null;
      try {
        setPriority(started.pid, HASHER_NICENESS);
      } catch {
        // Not allowed here: it still runs apart from the event loop and the SQLite threads.
      }
      started.on('message', (message: { id?: number; value?: unknown; error?: string }) => {
        if (message.id === undefined) return;
        const job = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) job?.reject(new Error(message.error));
        else job?.resolve(message.value);
      });
      started.on('exit', () => {
        if (child === started) child = null;
        for (const job of pending.values()) job.reject(new Error('the password hashing process stopped'));
        pending.clear();
      });
      started.unref();
      started.channel?.unref();
      child = started;
      return started;
    } catch {
      return null;
    }
  }

  function inHasher<T>(message: { op: 'hash' | 'verify'; password: string; stored?: string }, local: () => Promise<T>) {
    return bounded(async () => {
      const running = hasher();
      if (!running) return local();
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: (value) => resolve(value as T), reject });
        running.send({ id, ...message });
      });
    });
  }

  return {
    hash: (password: string) => inHasher<string>({ op: 'hash', password }, () => hashPassword(password)),
    verify: (password: string, stored: string) =>
      inHasher<boolean>({ op: 'verify', password, stored }, () => verifyPassword(password, stored)),
    /** Ends the hashing process (it also ends with this one). */
    close(): void {
      child?.kill();
      child = null;
    },
  };
}
