import DataLoader from 'dataloader';
import { alignToKeys, groupLoader, isMember, isUuid, tenantLoader, type Viewer } from '@tunet/kit';
import { viewerAudiences, type GroupMembershipSource, type ViewerAudiences } from '../audiences/audiences';
import { canReadDocuments, canSeeDocument } from './documents.access';
import type { DocumentRow, DocumentsRepository, DocumentVersionRow, FolderRow } from './documents.repository';

export interface DocumentsLoaders {
  /**
   * Documents the viewer may see: of their own association, not deleted, in an audience they are in. Anything
   * else loads as null, so a version's file is only ever linked for a document the viewer sees.
   */
  documentById: DataLoader<string, DocumentRow | null>;
  folderById: DataLoader<string, FolderRow | null>;
  /** Each document's versions, newest first. */
  versionsByDocument: DataLoader<string, DocumentVersionRow[]>;
  /** The viewer's audiences, group memberships included, fetched once per request; null for non-members. */
  audiences: () => Promise<ViewerAudiences | null>;
}

/** Per-request loaders, so a page of documents with their versions costs one query per field. */
export function createDocumentsLoaders(repository: DocumentsRepository, viewer: Viewer | null, groupMemberships: GroupMembershipSource): DocumentsLoaders {
  const reader = isMember(viewer) && canReadDocuments(viewer, viewer.associationId) ? viewer : null;
  let audiences: Promise<ViewerAudiences | null> | undefined;
  const audiencesOnce = () => (audiences ??= reader ? groupMemberships.groupIdsOf(reader).then((ids) => viewerAudiences(reader, ids)) : Promise.resolve(null));
  return {
    documentById: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!reader || wellFormed.length === 0) return ids.map(() => null);
      const rows = await repository.findDocuments(reader.associationId, wellFormed);
      const seer = rows.length > 0 ? await audiencesOnce() : null;
      return alignToKeys(
        ids,
        rows.filter((row) => canSeeDocument(seer, row)),
        (row) => row.id,
      );
    }),
    folderById: tenantLoader(reader, (tenant, ids) => repository.findFolders(tenant, ids)),
    versionsByDocument: groupLoader(
      reader,
      (tenant, ids) => repository.findVersions(tenant, ids),
      (row) => row.documentId,
    ),
    audiences: audiencesOnce,
  };
}
