import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
/** A real SMTP server in-process (smtp-server + mailparser) on 127.0.0.1. */
export async function startSmtpServer(port = 0) {
  const mails = [];
  const waiters = new Set();
  const state = { delayMs: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      // The envelope must be read before the callback ends the session.
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream)
        .then(async (parsed) => {
          if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
          mails.push({
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  return {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    mails,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value) {
      state.delayMs = value;
    },
    waitForMail(to, since = 0, timeoutMs = 20_000) {
      const find = () => mails.slice(since).find((mail) => mail.to.includes(to.toLowerCase()));
      return new Promise((resolve, reject) => {
        const found = find();
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms (${mails.length} received)`));
        }, timeoutMs);
        function check() {
          const mail = find();
          if (mail) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(mail);
          }
        }
        waiters.add(check);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
/** The 6-digit code in a mail's text. */
export function codeIn(mail) {
  const match = /\b(\d{6})\b/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no code in mail "${mail.subject}"`);
  return match[1];
}
//# sourceMappingURL=smtp.js.map
