import { randomUUID } from 'node:crypto';
import {
  ConcurrencyLimit,
  encodeContext,
  endOnDrain,
  isUnavailable,
  ServiceUnavailable,
  signRequest,
  type FastStore,
  type Lease,
  type Logger,
  type ProbeState,
} from '@tunet/kit';
import express, { type Express, type Response } from 'express';
import type { GraphQLError } from 'graphql';
import { authenticate, suspendedMember, type Authenticated, type Authenticators } from './authenticate';
import type { CallerLimits } from './caller-limits';
import type { EntitlementsLookup } from './entitlements';
import { messageLocaleOf } from './error-language';
import { publicOriginOf } from './public-routes';
import { serviceUnavailable } from './request-errors';
import { noSubgraphBehind } from './subgraph-retries';
import { isTimeout, logTimeout } from './subgraph-timeouts';
import { lastEvents, passRefusal, sendError, shuttingDown, type StreamLanguage } from './stream-answers';
import { supportStreamRefused } from './support-sessions';
import { asksForIntrospection, guardStream, introspectionRefused, STREAM_LEASE_SECONDS, STREAMS_PER_PERSON, tooManyStreams } from './stream-guard';

/** Where clients open the live inbox: the gateway's origin, beside /graphql. */
export const STREAM_PATH = '/graphql/stream';

/**
 * graphql-sse pings every 12 s, so a stream silent this long comes from a replica that froze: it is ended, as one that
 * broke off, so the client reconnects and its stream slot is not held until the token expires.
 */
export const STREAM_IDLE_MS = 30_000;

/** The notifications subgraph's stream route (kit's `streamRoutes`) that the gateway forwards to. */
const UPSTREAM_PATH = '/stream/inbox';

export interface InboxStreamOptions {
  /** The same as /graphql uses, so a token is worth exactly as much here (rate limits on failed API keys included). */
  authenticators: Authenticators;
  /** The same per-caller request limits as /graphql: opening a stream is a request like any other. */
  callerLimits: CallerLimits;
  /** What the viewer's association may use, signed into the context as for /graphql (as of the stream's start). */
  entitlements: EntitlementsLookup;
  /** As for /graphql: when off, `__schema` and `__type` are refused here too. */
  introspection: boolean;
  /** Where open streams are counted per person, shared by every gateway replica on Redis. */
  store: FastStore;
  /** The notifications subgraph's URL, known once the gateway has loaded the supergraph. */
  notificationsUrl(): string;
  /** How long to wait for the subgraph to start its answer (see subgraph-timeouts); the stream then lasts. */
  timeoutMs: number;
  /** How long an open stream may bring nothing before it is ended; STREAM_IDLE_MS unless a test shortens it. */
  idleMs?: number;
  internalSecret: string;
  /** The gateway's probe: open streams end when it starts draining, so shutdown does not wait them out. */
  probe: ProbeState;
  logger: Logger;
}

/**
 * `POST /graphql/stream`: the notifications subgraph's live inbox (stream.graphql, a subscription over Server-Sent
 * Events with graphql-sse), which the Apollo Gateway cannot run. The gateway authenticates the bearer token as for
 * /graphql, forwards the exact body signed with the viewer, and pipes the event stream back unbuffered; a client
 * leaving aborts the upstream request, so the subgraph lets go of its subscription at once. The gateway ends a stream
 * itself, with a last event saying why, when its token expires, its session ends or its member is suspended
 * (docs/decisions/0018), and opens at most STREAMS_PER_PERSON at once for one person. Its own answers are JSON errors
 * with `extensions.code` in the caller's language, as /graphql's (stream-answers).
 */
export function mountInboxStream(app: Express, options: InboxStreamOptions): void {
  const openStreams = new ConcurrencyLimit(options.store, { name: 'inbox-streams', limit: STREAMS_PER_PERSON, leaseSeconds: STREAM_LEASE_SECONDS });
  // A subscription document and its variables: far below what /graphql takes.
  app.post(STREAM_PATH, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const clientIp = req.ip ?? '';
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const language: StreamLanguage = { locale: messageLocaleOf(req.headers['accept-language']) };
    let authenticated: Authenticated;
    let lease: Lease | null = null;
    try {
      const authentication = authenticate(req.headers.authorization, options.authenticators, { requestId, clientIp });
      authenticated = await options.callerLimits.admitAuthenticated(authentication, clientIp);
      language.fallback = authenticated.viewer?.locale ?? undefined;
      if (authenticated.suspension) throw suspendedMember(authenticated.suspension);
      // Nothing here is logged per operation as /graphql logs a support session's, so such a token gets no stream.
      if (authenticated.viewer?.support) throw supportStreamRefused();
      if (!options.introspection && asksForIntrospection(body)) throw introspectionRefused();
      if (authenticated.token) lease = await openStreams.acquire(authenticated.viewer!.accountId);
      if (authenticated.token && !lease) throw tooManyStreams();
    } catch (error) {
      return void sendError(res, error, requestId, language, options.logger);
    }
    const { viewer, token } = authenticated;
    const upstream = new AbortController();
    /** Why the gateway ended the stream itself, told to the client as the stream's last event. */
    let endedBecause: GraphQLError | null = null;
    const stopGuarding = token
      ? guardStream(
          token,
          lease,
          options.authenticators.revocations,
          (reason) => {
            endedBecause = reason;
            upstream.abort();
          },
          options.logger,
        )
      : () => undefined;
    // Also after a normal end, when aborting changes nothing.
    const closed = () => {
      upstream.abort();
      stopGuarding();
      lease?.release().catch((error: unknown) => options.logger.warn({ err: error, requestId }, 'releasing an inbox stream slot failed'));
    };
    // A client that left while it was being authenticated closed the response before anyone listened: its slot
    // would stay taken, renewed, until the token expired.
    if (res.destroyed) return void closed();
    res.once('close', closed);
    // Past authentication every failure is answered here, coded and in the caller's language: Express's own handler
    // would write an HTML 500 without a code, with the stack outside production.
    try {
      if (!endOnDrain(options.probe, res, () => res.end())) return void sendError(res, shuttingDown(), requestId, language, options.logger);
      const { entitlements } = await options.entitlements.forViewer(viewer, requestId);
      const context = encodeContext({ viewer, requestId, clientIp, publicOrigin: publicOriginOf(req), entitlements });
      const answer = await askNotifications(context);
      if (answer) await pipe(answer);
    } catch (error) {
      if (!res.headersSent) return void sendError(res, error, requestId, language, options.logger);
      options.logger.error({ err: error, requestId }, 'inbox stream failed');
      res.end();
    }

    /**
     * Notifications' answer once it is an event stream; any other is answered here (undefined). The deadline runs
     * until a refusal's body is read too: a replica stalling in the middle of one would otherwise hold the request
     * and the client's stream slot for good.
     */
    async function askNotifications(context: string): Promise<globalThis.Response | undefined> {
      const answerDue = setTimeout(() => upstream.abort(new DOMException('no answer in time', 'TimeoutError')), options.timeoutMs);
      try {
        const url = new URL(UPSTREAM_PATH, options.notificationsUrl());
        const answer = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': req.get('content-type') ?? 'application/json',
            accept: req.get('accept') ?? 'text/event-stream',
            ...signRequest(options.internalSecret, { method: 'POST', url, context, body }),
          },
          body,
          signal: upstream.signal,
        });
        // A load balancer with nothing behind it, or a draining replica; a plain 500 is notifications' own fault, masked.
        if (noSubgraphBehind(answer.status)) {
          void answer.body?.cancel();
          throw new ServiceUnavailable(`notifications answered HTTP ${answer.status}`);
        }
        if (answer.body && (answer.headers.get('content-type') ?? '').startsWith('text/event-stream')) return answer;
        await passRefusal(res, answer, requestId, language);
      } catch (error) {
        upstreamFailed(error);
      } finally {
        clearTimeout(answerDue);
      }
      return undefined;
    }

    /**
     * Only an outage (refused, reset, timed out, 502/503/504: kit's isUnavailable) is the outage answer /graphql gives
     * while a subgraph is down; anything else (a bad URL, a signing bug) is the gateway's fault, logged and masked.
     * Notifications' circuit breaker (decision 0055) neither counts nor gates a stream: its attempts come at each
     * client's back-off, not with traffic; a refused connection fails at once; and the /graphql reads of the inbox
     * that the same clients make count the outage already. The cost: while notifications hangs, every reconnect
     * waits the whole timeout, holding one of the person's stream slots, where /graphql fails at once once the
     * breaker opens.
     */
    function upstreamFailed(error: unknown): void {
      if (endedBecause) return void sendError(res, endedBecause, requestId, language, options.logger);
      if (isTimeout(upstream.signal.reason)) {
        logTimeout(options.logger, 'notifications', options.timeoutMs, requestId);
        return void sendError(res, serviceUnavailable('notifications'), requestId, language, options.logger);
      }
      // The client left.
      if (upstream.signal.aborted) return;
      if (!isUnavailable(error)) return void sendError(res, error, requestId, language, options.logger);
      options.logger.warn({ err: error, subgraph: 'notifications', requestId }, 'inbox stream: notifications gave no answer');
      sendError(res, serviceUnavailable('notifications', 'unreachable'), requestId, language, options.logger);
    }

    async function pipe(answer: globalThis.Response): Promise<void> {
      res.status(answer.status).set({
        'content-type': answer.headers.get('content-type')!,
        'cache-control': 'no-cache',
        // Proxies in front (nginx) would otherwise hold events back to fill their buffers.
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      const boundary = new EventBoundary();
      const idleMs = options.idleMs ?? STREAM_IDLE_MS;
      const silent = () => upstream.abort(new DOMException('no bytes in time', 'TimeoutError'));
      // Not while the client is slow to take what came: only notifications' silence counts.
      let idle = setTimeout(silent, idleMs);
      try {
        for await (const chunk of answer.body as AsyncIterable<Uint8Array>) {
          clearTimeout(idle);
          boundary.passed(chunk);
          if (!res.write(chunk)) await writable(res);
          idle = setTimeout(silent, idleMs);
        }
      } catch (error) {
        if (isTimeout(upstream.signal.reason)) options.logger.warn({ subgraph: 'notifications', idleMs, requestId }, 'inbox stream: notifications went silent');
        else if (!upstream.signal.aborted) options.logger.warn({ err: error, requestId }, 'inbox stream broke off upstream');
      } finally {
        clearTimeout(idle);
      }
      // Only between two events: text written into the middle of one would garble both. A stream that broke off
      // upstream gets no last event: graphql-sse's client takes an end without `complete` for a lost connection and
      // connects again (with its back-off), then meets SERVICE_UNAVAILABLE if notifications is still gone; an error
      // event with `complete` would end its subscription for good.
      if (endedBecause && boundary.between) res.write(lastEvents(endedBecause, requestId, language));
      res.end();
    }
  });
}

/** Whether the text passed on so far ends between two events (a blank line), where another can be written. */
class EventBoundary {
  private tail = '\n\n';

  passed(chunk: Uint8Array): void {
    this.tail = (this.tail + Buffer.from(chunk).toString('latin1')).slice(-2);
  }

  get between(): boolean {
    return this.tail === '\n\n';
  }
}

/** Resolves once the client takes more, or has gone (the upstream request is then aborted). */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
