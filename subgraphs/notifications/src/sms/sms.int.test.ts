import { randomUUID } from 'node:crypto';
import { outgoingDelivery, startLoopbackServer } from '../push/push.fixtures';
import { SmsChannel } from './sms.channel';
import { createSmsProvider } from './sms.provider';

describe('SMS through the HTTP provider', () => {
  let gateway: Awaited<ReturnType<typeof startLoopbackServer>>;
  let channel: SmsChannel;
  const associationId = randomUUID();

  beforeAll(async () => {
    gateway = await startLoopbackServer(({ body }) => {
      const { to } = JSON.parse(body.toString('utf8')) as { to: string };
      if (to === '+4790000400') return { status: 400, body: '{"error":"invalid recipient"}' };
      if (to === '+4790000503') return { status: 503, body: 'maintenance' };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `sms-${to}` }) };
    });
    channel = new SmsChannel(
      createSmsProvider({ provider: 'http', url: `${gateway.origin}/sms`, token: 'gateway-token', from: 'Solbakken' }),
      'https://app.tunet.test',
    );
  });

  afterAll(() => gateway.close());

  const smsTo = (phone: string) => outgoingDelivery(associationId, randomUUID(), { channel: 'sms', address: phone });

  it('posts the title and link with the bearer token, and keeps the gateway’s message id', async () => {
    const outcome = await channel.send(smsTo('+4790000200'));

    expect(outcome).toEqual({ status: 'sent', providerMessageId: 'sms-+4790000200' });
    const request = gateway.received.find((received) => received.body.toString('utf8').includes('+4790000200'))!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/sms');
    expect(request.headers).toMatchObject({ authorization: 'Bearer gateway-token', 'content-type': 'application/json' });
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      to: '+4790000200',
      from: 'Solbakken',
      text: 'Vannet stenges tirsdag\nhttps://app.tunet.test/posts/1',
    });
  });

  it('fails on a 4xx answer and tries again later on a 5xx answer or no answer', async () => {
    expect(await channel.send(smsTo('+4790000400'))).toEqual({ status: 'failed', reason: 'SMS gateway answered 400: {"error":"invalid recipient"}' });
    expect(await channel.send(smsTo('+4790000503'))).toEqual({ status: 'retry', reason: 'SMS gateway answered 503: maintenance' });
    const unreachable = new SmsChannel(
      createSmsProvider({ provider: 'http', url: 'http://127.0.0.1:1/sms', token: 't', from: 'Tunet' }),
      'https://app.tunet.test',
    );
    expect(await unreachable.send(smsTo('+4790000200'))).toMatchObject({ status: 'retry', reason: expect.stringMatching(/^SMS gateway unreachable/) });
  });

  it('fails a delivery without a phone number', async () => {
    expect(await channel.send(smsTo(''))).toEqual({ status: 'failed', reason: 'no phone number' });
  });

  it('is unavailable without a provider', async () => {
    const none = new SmsChannel(createSmsProvider(null), 'https://app.tunet.test');

    expect(none.available).toBe(false);
    expect(channel.available).toBe(true);
    expect(await none.send(smsTo('+4790000200'))).toEqual({ status: 'failed', reason: 'SMS is not configured' });
  });
});
