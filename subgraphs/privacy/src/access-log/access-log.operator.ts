import path from 'node:path';
import type { DatabaseConnection } from '@tunet/kit';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogService, type ChainReport } from './access-log.service';

/** The operator command's walk (`npm run tunet -- verify-access-log`): every association's chain, or one. */
export function verifyAccessLog(database: DatabaseConnection, associationId?: string): Promise<ChainReport[]> {
  const db = database.forSubgraph('privacy', path.resolve(__dirname, '../../migrations'));
  return new AccessLogService(new AccessLogRepository(db)).verify(associationId);
}
