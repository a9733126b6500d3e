import type { Logger } from '@tunet/kit';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { EmailConfig } from '../config';
import type { Locale, SendOutcome } from '../model';
import type { RenderedEmail } from './email-layout';

/** One e-mail ready for the wire: a notification's or a digest's. */
export interface OutgoingEmail extends RenderedEmail {
  to: string;
  locale: Locale;
  /**
   * The Message-ID's left part, the same on every attempt (a delivery's id), so that the rare resend after a
   * crash between the server's answer and our record of it is recognisably the same message.
   */
  messageKey: string;
  important: boolean;
  /** Null for an address-only recipient. */
  unsubscribeUrl: string | null;
}

/** The smallest part of nodemailer's `sendMail` we use; the log transport answers through the same. */
interface Mailer {
  sendMail(message: SendMailOptions): Promise<{ messageId: string; response?: string; message?: unknown }>;
  close(): void;
}

const MAX_REASON = 500;

/** SMTP connections the transport keeps open: e-mails sent at once beyond these wait in its queue. */
export const SMTP_CONNECTIONS = 3;

/**
 * Sends e-mails over SMTP with a small pool of connections, shared by the e-mail channel and the digest job, and
 * turns the server's answer into a `SendOutcome`. Without an SMTP URL every e-mail is written to the log and
 * counts as sent: that is for development, and it says so once when created.
 */
export class EmailTransport {
  private readonly mailer: Mailer;
  private readonly toLog: boolean;
  private readonly domain: string;

  constructor(
    private readonly config: EmailConfig,
    private readonly logger: Logger,
  ) {
    this.toLog = config.smtpUrl === null;
    this.domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.from)?.[1] ?? 'tunet.localhost';
    if (config.smtpUrl === null) {
      logger.warn('SMTP_URL is not set: e-mails are written to the log instead of sent (development only)');
      this.mailer = nodemailer.createTransport({ jsonTransport: true });
    } else {
      this.mailer = nodemailer.createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections: SMTP_CONNECTIONS,
        // A stalled server must fail the attempt well within the dispatcher's lease, so it is retried, not lost.
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
      });
    }
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    const headers: Record<string, string> = {
      'Auto-Submitted': 'auto-generated',
      // Out-of-office and other automatic replies to a notification reach no one: ask Exchange not to send them.
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': email.locale,
    };
    if (email.unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${email.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    if (email.important) headers.Importance = 'high';
    try {
      const info = await this.mailer.sendMail({
        from: this.config.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${email.messageKey}@${this.domain}>`,
        headers,
      });
      if (this.toLog) {
        this.logger.info({ to: email.to, subject: email.subject, messageId: info.messageId, text: email.text }, 'e-mail written to the log');
        return { status: 'sent', providerMessageId: info.messageId, detail: 'written to the log (no SMTP server configured)' };
      }
      return { status: 'sent', providerMessageId: info.messageId, detail: info.response ?? null };
    } catch (error) {
      return outcomeOfSmtpError(error);
    }
  }

  /** Closes the pooled connections; sends still in flight fail and are retried by their delivery. */
  close(): void {
    this.mailer.close();
  }
}

/**
 * What an SMTP failure means for the delivery. A permanent (5xx) answer to the recipient is a bounce: the address
 * does not exist or refuses mail. Another permanent answer (to the sender or the content) will not change either,
 * so the delivery fails with the server's words. Everything else is worth another try later: 4xx answers
 * (greylisting, a full mailbox), 503 (a confused session), failed logins (fixed by an operator, not by the
 * recipient), refused connections and timeouts.
 */
export function outcomeOfSmtpError(error: unknown): SendOutcome {
  const failure = (error ?? {}) as { code?: string; responseCode?: number; command?: string; response?: string; message?: string };
  const reason = (failure.response ?? failure.message ?? String(error)).slice(0, MAX_REASON);
  const code = failure.responseCode;
  if (failure.code === 'EAUTH' || code === undefined || code < 500 || code === 503) return { status: 'retry', reason };
  if (failure.command === 'RCPT TO') return { status: 'bounced', reason };
  return { status: 'failed', reason };
}
