import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { EmailChannel } from './email.channel';
import { emailDelivery, startTestSmtpServer, testLinks, testTokens, testTransport } from './email.fixtures';
import type { EmailTransport } from './email-transport';

type TestSmtp = Awaited<ReturnType<typeof startTestSmtpServer>>;

let smtp: TestSmtp;
let transport: EmailTransport;
let channel: EmailChannel;

beforeAll(async () => {
  smtp = await startTestSmtpServer((address) => {
    if (address.startsWith('gone')) return { code: 550, message: '5.1.1 <gone@beboer.test>: no such user' };
    if (address.startsWith('busy')) return { code: 451, message: '4.7.1 greylisted, try again later' };
    return undefined;
  });
  transport = testTransport(smtp.url);
  channel = new EmailChannel(transport, testLinks);
});

afterAll(async () => {
  transport.close();
  await smtp.close();
});

const associationId = randomUUID();
const lastMail = () => smtp.received.at(-1)!;

describe('the e-mail channel over SMTP', () => {
  it('sends the notification to its address in Norwegian, with both bodies and a button to the web app', async () => {
    const memberId = randomUUID();
    const delivery = emailDelivery(associationId, memberId);
    const outcome = await channel.send(delivery);

    expect(outcome).toEqual({ status: 'sent', providerMessageId: `<${delivery.deliveryId}@tunet.test>`, detail: expect.stringMatching(/^250 /) });
    const mail = lastMail();
    expect(mail.recipients).toEqual([delivery.address]);
    expect(mail.parsed.from?.value).toEqual([{ address: 'varsler@tunet.test', name: 'Solbakken borettslag' }]);
    expect(mail.parsed.subject).toBe('Sommerfest i gården');
    expect(mail.parsed.messageId).toBe(`<${delivery.deliveryId}@tunet.test>`);
    expect(mail.parsed.text).toContain('Ta med noe til grillen.');
    expect(mail.parsed.text).toContain('Åpne i Tunet: https://app.tunet.test/events/1');
    expect(mail.parsed.text).toContain('Du får denne e-posten fordi e-postvarsler for «Arrangementer» er slått på for deg i Tunet.');
    expect(mail.parsed.html).toContain('<a href="https://app.tunet.test/events/1"');
    expect(mail.parsed.html).toContain('<html lang="nb">');
    expect(mail.header('content-language')).toBe('nb');
    expect(mail.header('auto-submitted')).toBe('auto-generated');
    expect(mail.header('importance')).toBeUndefined();
  });

  it('carries one-click unsubscribe headers pointing at the gateway, for the notification’s category', async () => {
    const memberId = randomUUID();
    await channel.send(emailDelivery(associationId, memberId, { category: 'news' }));

    const mail = lastMail();
    const link = /^<(https:\/\/tunet\.test\/unsubscribe\/([A-Za-z0-9_-]+))>$/.exec(mail.header('list-unsubscribe') ?? '');
    expect(link).not.toBeNull();
    expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(testTokens.scopeOf(link![2]!)).toEqual({ associationId, memberId, categories: ['news'], locale: 'nb' });
    expect(mail.parsed.text).toContain(`Slå av e-post for «Nyheter»: ${link![1]}`);
    expect(mail.parsed.text).toContain('Varslingsinnstillinger: https://app.tunet.test/settings/notifications');
    expect(mail.parsed.html).toContain(`href="${link![1]}"`);
  });

  it('writes in English to someone who reads English', async () => {
    await channel.send(emailDelivery(associationId, randomUUID(), { locale: 'en', title: 'Summer party in the yard', body: 'Bring something for the grill.' }));

    const mail = lastMail();
    expect(mail.parsed.subject).toBe('Summer party in the yard');
    expect(mail.header('content-language')).toBe('en');
    expect(mail.parsed.text).toContain('Open in Tunet: https://app.tunet.test/events/1');
    expect(mail.parsed.text).toContain('You are receiving this e-mail because e-mail notifications for “Events” are on for you in Tunet.');
    expect(mail.parsed.text).not.toContain('Du får');
    expect(mail.parsed.html).toContain('<html lang="en">');
  });

  it('escapes a hostile title and body in the HTML and keeps them as written in the subject and text', async () => {
    const title = '<script>alert("x")</script> & <b>Fest</b>';
    await channel.send(emailDelivery(associationId, randomUUID(), { title, body: '<img src=x onerror=alert(1)>', link: 'javascript:alert(1)' }));

    const mail = lastMail();
    expect(mail.parsed.subject).toBe(title);
    expect(mail.parsed.text).toContain('<img src=x onerror=alert(1)>');
    const html = String(mail.parsed.html);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Fest&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img|<b>|javascript:/);
  });

  it('marks an important notice as such', async () => {
    await channel.send(emailDelivery(associationId, randomUUID(), { category: 'important', important: true, title: 'Vannet stenges' }));

    const mail = lastMail();
    expect(mail.header('importance')).toBe('high');
    expect(mail.parsed.text?.startsWith('VIKTIG MELDING\nVannet stenges')).toBe(true);
  });

  it('gives an address-only recipient no unsubscribe link or headers, and keeps an absolute link as it is', async () => {
    const delivery = emailDelivery(associationId, null, {
      category: 'account',
      title: 'Du er invitert til Solbakken borettslag',
      link: 'https://tunet.test/invitations#token=abc',
    });
    expect(await channel.send(delivery)).toMatchObject({ status: 'sent' });

    const mail = lastMail();
    expect(mail.recipients).toEqual([delivery.address]);
    expect(mail.header('list-unsubscribe')).toBeUndefined();
    expect(mail.header('list-unsubscribe-post')).toBeUndefined();
    expect(mail.parsed.text).toContain('Åpne i Tunet: https://tunet.test/invitations#token=abc');
    expect(mail.parsed.text).toContain('Du får denne e-posten fordi e-postadressen din ble oppgitt i Tunet.');
    expect(mail.parsed.text).not.toMatch(/unsubscribe|settings\/notifications/);
  });

  it('reports a recipient the server refuses for good as bounced, with the server’s words', async () => {
    const before = smtp.received.length;
    const outcome = await channel.send(emailDelivery(associationId, randomUUID(), { address: 'gone@beboer.test' }));

    expect(outcome).toEqual({ status: 'bounced', reason: '550 5.1.1 <gone@beboer.test>: no such user' });
    expect(smtp.received).toHaveLength(before);
  });

  it('asks for a retry when the server says to try later', async () => {
    const outcome = await channel.send(emailDelivery(associationId, randomUUID(), { address: 'busy@beboer.test' }));

    expect(outcome).toEqual({ status: 'retry', reason: '451 4.7.1 greylisted, try again later' });
  });

  it('asks for a retry when no server answers', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const unreachable = testTransport(`smtp://127.0.0.1:${closedPort}`);
    try {
      const outcome = await new EmailChannel(unreachable, testLinks).send(emailDelivery(associationId, randomUUID()));
      expect(outcome).toMatchObject({ status: 'retry', reason: expect.stringContaining('ECONNREFUSED') });
    } finally {
      unreachable.close();
    }
  });

  it('fails a delivery that has no address', async () => {
    expect(await channel.send(emailDelivery(associationId, randomUUID(), { address: null }))).toEqual({
      status: 'failed',
      reason: 'No e-mail address on file',
    });
  });
});

describe('the e-mail channel without an SMTP server', () => {
  it('writes the e-mail to the log and counts it as sent', async () => {
    const toLog = testTransport(null);
    const delivery = emailDelivery(associationId, randomUUID());
    expect(await new EmailChannel(toLog, testLinks).send(delivery)).toEqual({
      status: 'sent',
      providerMessageId: `<${delivery.deliveryId}@tunet.test>`,
      detail: 'written to the log (no SMTP server configured)',
    });
    toLog.close();
  });
});
