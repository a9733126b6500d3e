import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PushEndpointRules } from '../config';
import type { OutgoingDelivery } from '../model';

/** A push delivery as the dispatcher hands it over, for the given member. */
export function outgoingDelivery(associationId: string, memberId: string | null, overrides: Partial<OutgoingDelivery> = {}): OutgoingDelivery {
  return {
    deliveryId: randomUUID(),
    associationId,
    notificationId: randomUUID(),
    memberId,
    channel: 'push',
    address: null,
    attempt: 1,
    category: 'news',
    important: false,
    locale: 'nb',
    title: 'Vannet stenges tirsdag',
    body: 'Vannet stenges tirsdag 10–14 på grunn av arbeid på stigeledningen.',
    link: '/posts/1',
    subjectType: 'Post',
    subjectId: randomUUID(),
    createdAt: new Date(),
    ...overrides,
  };
}

/** One request as a loopback peer received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What the loopback peer answers. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A real HTTP server on loopback that records each request and answers as `answer` says. */
export async function startLoopbackServer(answer: (request: ReceivedRequest) => Answer | Promise<Answer>) {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const reply = async (request: ReceivedRequest) => {
      try {
        const { status, headers, body } = await answer(request);
        res.writeHead(status, headers).end(body);
      } catch (error) {
        res.writeHead(599).end(String(error));
      }
    };
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      void reply(request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Endpoint rules that let subscriptions lead to one origin on loopback, such as `startLoopbackServer`'s, and
 * nowhere else: tests' stand-in for a push service on the internet.
 */
export function loopbackEndpoints(origin: string): Partial<PushEndpointRules> {
  const url = new URL(origin);
  const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    hosts: [address],
    schemes: [url.protocol],
    ports: [Number(url.port || (url.protocol === 'https:' ? 443 : 80))],
    isAllowedAddress: (candidate) => candidate === address,
  };
}
