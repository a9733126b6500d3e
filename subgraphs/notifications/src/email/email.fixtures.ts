import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tunet/kit';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { OutgoingDelivery } from '../model';
import type { EmailLinks } from './email.channel';
import { EmailTransport } from './email-transport';
import { UnsubscribeTokens } from './unsubscribe';

/** The origins and secret e-mail tests build links with. */
export const TEST_LINKS_SECRET = 'email-test-secret-email-test-secret';
export const testTokens = new UnsubscribeTokens(TEST_LINKS_SECRET);
export const testLinks: EmailLinks = {
  webAppOrigin: 'https://app.tunet.test',
  publicOrigin: 'https://tunet.test',
  unsubscribeToken: (scope) => testTokens.tokenFor(scope),
};

/** An e-mail delivery as the dispatcher hands it over. */
export function emailDelivery(associationId: string, memberId: string | null, overrides: Partial<OutgoingDelivery> = {}): OutgoingDelivery {
  return {
    deliveryId: randomUUID(),
    associationId,
    notificationId: randomUUID(),
    memberId,
    channel: 'email',
    address: `${randomUUID().slice(0, 8)}@beboer.test`,
    attempt: 1,
    category: 'events',
    important: false,
    locale: 'nb',
    title: 'Sommerfest i gården',
    body: 'Velkommen til sommerfest lørdag klokken 16.\n\nTa med noe til grillen.',
    link: '/events/1',
    subjectType: 'Event',
    subjectId: randomUUID(),
    createdAt: new Date(),
    ...overrides,
  };
}

/** A message as the test SMTP server received it. */
export interface ReceivedMail {
  /** The envelope's recipients (RCPT TO), which decide where it goes whatever the headers say. */
  recipients: string[];
  parsed: ParsedMail;
  /** Header lines as sent, unfolded, by lower-case name. */
  header(name: string): string | undefined;
}

/** What the server answers RCPT TO for an address; accepted when undefined. */
export type RecipientAnswer = (address: string) => { code: number; message: string } | undefined;

/**
 * A real SMTP server on loopback (no TLS, no authentication) that parses every message it accepts, so tests see
 * exactly what a mail server would.
 */
export async function startTestSmtpServer(answer: RecipientAnswer = () => undefined, { acceptAfterMs = 0 } = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = answer(address.address);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      // Parsed before answering, so the message is in `received` by the time the sender hears 250.
      simpleParser(stream)
        // A slow server: each message is accepted only after `acceptAfterMs`.
        .then((parsed) => new Promise<typeof parsed>((resolve) => setTimeout(() => resolve(parsed), acceptAfterMs)))
        .then((parsed) => {
          const lines = new Map(
            parsed.headerLines.map(({ key, line }) => [
              key,
              line
                .slice(line.indexOf(':') + 1)
                .replace(/\r?\n\s+/g, ' ')
                .trim(),
            ]),
          );
          received.push({ recipients: session.envelope.rcptTo.map((to) => to.address), parsed, header: (name) => lines.get(name.toLowerCase()) });
          callback(null, `2.0.0 queued as Q${received.length}`);
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A transport to the given SMTP URL, sending From the test association's address. */
export function testTransport(smtpUrl: string | null): EmailTransport {
  return new EmailTransport({ smtpUrl, from: 'Solbakken borettslag <varsler@tunet.test>' }, createLogger('email-test'));
}
