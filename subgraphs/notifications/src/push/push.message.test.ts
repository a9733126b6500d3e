import { randomUUID } from 'node:crypto';
import { PUSH_MESSAGE_MAX_BYTES, pushLink, pushMessageFor } from './push.message';
import { outgoingDelivery } from './push.fixtures';

const ORIGIN = 'https://app.tunet.test';
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('pushLink', () => {
  it('puts paths on the web app, keeps absolute links, and opens the start page for anything else', () => {
    expect(pushLink(ORIGIN, '/posts/1')).toBe('https://app.tunet.test/posts/1');
    expect(pushLink(ORIGIN, 'https://tunet.test/invitations#token=abc')).toBe('https://tunet.test/invitations#token=abc');
    expect(pushLink(ORIGIN, null)).toBe('https://app.tunet.test/');
    expect(pushLink(ORIGIN, '//evil.test/posts/1')).toBe('https://app.tunet.test/');
    expect(pushLink(ORIGIN, 'javascript:alert(1)')).toBe('https://app.tunet.test/');
  });
});

describe('pushMessageFor', () => {
  const delivery = (overrides: Parameters<typeof outgoingDelivery>[2]) => outgoingDelivery(randomUUID(), randomUUID(), overrides);

  it('carries what the app needs to show and open the notification', () => {
    const outgoing = delivery({ important: true, category: 'important', link: '/posts/9' });

    expect(pushMessageFor(outgoing, ORIGIN)).toEqual({
      title: outgoing.title,
      body: outgoing.body,
      url: 'https://app.tunet.test/posts/9',
      notificationId: outgoing.notificationId,
      category: 'important',
      important: true,
    });
  });

  it('shortens a long body to a thousand characters', () => {
    const message = pushMessageFor(delivery({ body: 'a'.repeat(5000) }), ORIGIN);

    expect(Array.from(message.body)).toHaveLength(1000);
    expect(message.body.endsWith('…')).toBe(true);
  });

  it('shortens the body further until a message of many-byte characters fits the limit, without splitting one', () => {
    const message = pushMessageFor(delivery({ title: 'ø'.repeat(300), body: '😀'.repeat(1000), link: `/${'x'.repeat(1500)}` }), ORIGIN);

    expect(size(message)).toBeLessThanOrEqual(PUSH_MESSAGE_MAX_BYTES);
    expect(size(message)).toBeGreaterThan(PUSH_MESSAGE_MAX_BYTES - 8);
    expect(message.body).toMatch(/^(😀)+…$/u);
    expect(message.title).toBe('ø'.repeat(300));
  });

  it('shortens the title when even an empty body is too much', () => {
    const message = pushMessageFor(delivery({ title: '😀'.repeat(300), link: `/${'x'.repeat(2600)}` }), ORIGIN);

    expect(size(message)).toBeLessThanOrEqual(PUSH_MESSAGE_MAX_BYTES);
    expect(message.body).toBe('');
    expect(message.title).toMatch(/^(😀)+…$/u);
    expect(message.url).toBe(`${ORIGIN}/${'x'.repeat(2600)}`);
  });
});
