import type { SmsConfig } from '../config';
import type { SendOutcome } from '../model';
import { HttpSmsProvider } from './http-sms.provider';

/**
 * An SMS gateway. Which one is a matter of configuration (and of the association's paid add-on); a provider
 * never throws: a failure is an outcome, `retry` when trying again later may work.
 */
export interface SmsProvider {
  send(to: string, text: string): Promise<SendOutcome>;
}

/** The configured provider, or null when none is: SMS is then simply not offered. */
export function createSmsProvider(config: SmsConfig | null): SmsProvider | null {
  if (!config) return null;
  switch (config.provider) {
    case 'http':
      return new HttpSmsProvider(config);
  }
}
