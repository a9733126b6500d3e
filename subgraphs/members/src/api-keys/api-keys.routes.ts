import { API_KEY_VERIFY_ROUTE, apiKeyVerifyRequestSchema, associationClosed, InternalRouteError, type InternalRoute } from '@tunet/kit';
import type { ApiKeysService } from './api-keys.service';

/**
 * The gateway authenticates API keys through this route, so it never reads members' tables (decision 0002).
 * Unknown and revoked keys answer alike, with HTTP 404; a key of a blocked or terminated association with 403 and which.
 */
export function apiKeysInternalRoutes(service: ApiKeysService): Record<string, InternalRoute> {
  return {
    [API_KEY_VERIFY_ROUTE]: async (body) => {
      const request = apiKeyVerifyRequestSchema.safeParse(body);
      if (!request.success) throw new InternalRouteError(400, 'Expected { key }.');
      const verified = await service.verify(request.data.key);
      if (!verified) throw new InternalRouteError(404, 'Unknown or revoked API key.');
      if ('closed' in verified) {
        const refusal = associationClosed(verified.closed);
        throw new InternalRouteError(403, refusal.message, { status: verified.closed, reason: refusal.extensions.reason });
      }
      return verified;
    },
  };
}
