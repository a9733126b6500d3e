import type { Category } from '../model';
import type { PushDeviceRow } from '../devices/devices.repository';

/** Which provider a device is reached through: a browser's Web Push subscription, an Android or an iOS app. */
export type PushKind = PushDeviceRow['kind'];

/** What every push provider shows and hands to the app; kept small enough for the 4 kB limits of all three. */
export interface PushMessage {
  title: string;
  body: string;
  /** Absolute URL the notification opens. */
  url: string;
  notificationId: string;
  category: Category;
  important: boolean;
}

/**
 * One device's answer. `invalid`: the provider says the subscription or token is gone, so the device is forgotten;
 * `transient`: worth another try later (5xx, 429, network); `refused`: the provider will not take this request.
 */
export type DeviceResult =
  | { kind: 'ok'; providerMessageId: string | null }
  | { kind: 'invalid'; reason: string }
  | { kind: 'transient'; reason: string }
  | { kind: 'refused'; reason: string };

/** One push service (Web Push, FCM, APNs) as the push channel uses it. Never throws: failures are results. */
export interface PushProvider {
  /** Named in delivery errors, e.g. `FCM`. */
  readonly label: string;
  send(device: PushDeviceRow, message: PushMessage): Promise<DeviceResult>;
  /** Lets go of open connections (APNs keeps one HTTP/2 session). */
  close?(): Promise<void>;
}

/** How long a push service keeps trying to reach an offline device: after a day the message is stale. */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;

/** How long one request to a provider may take before it counts as a network failure. */
export const PUSH_REQUEST_TIMEOUT_MS = 15_000;

/** A request that never got an answer: always worth another try. */
export function networkFailure(error: unknown): DeviceResult {
  const message = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
  return { kind: 'transient', reason: `network error: ${message}` };
}

/** The first part of a provider's error body, enough to say why without filling the delivery's error column. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
