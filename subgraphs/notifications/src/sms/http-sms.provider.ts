import type { SmsConfig } from '../config';
import type { SendOutcome } from '../model';
import { excerpt } from '../push/push.provider';
import type { SmsProvider } from './sms.provider';

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Posts `{to, from, text}` as JSON with a bearer token: a thin adapter in front of any Norwegian SMS gateway,
 * which answers 2xx with an optional `id` when it accepted the message.
 */
export class HttpSmsProvider implements SmsProvider {
  constructor(private readonly config: SmsConfig) {}

  async send(to: string, text: string): Promise<SendOutcome> {
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ to, from: this.config.from, text }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return { status: 'retry', reason: `SMS gateway unreachable: ${(error as Error).message}` };
    }
    const answer = await response.text().catch(() => '');
    if (response.ok) return { status: 'sent', providerMessageId: messageId(answer) };
    const reason = `SMS gateway answered ${response.status}${answer ? `: ${excerpt(answer)}` : ''}`;
    // 429 is the gateway's rate limit, which passes like an outage does.
    if (response.status === 429 || response.status >= 500) return { status: 'retry', reason };
    return { status: 'failed', reason };
  }
}

function messageId(answer: string): string | null {
  try {
    const id = (JSON.parse(answer) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}
