import type DataLoader from 'dataloader';
import { groupLoader, isMember, tenantLoader, type Viewer } from '@tunet/kit';
import type { FileRow, FilesRepository } from './files.repository';

export interface FilesLoaders {
  /** Files of the viewer's own association only; anything else, and any id for non-members, loads as null. */
  fileById: DataLoader<string, FileRow | null>;
  /** Each post's attachments in their order; the post itself was already loaded for the viewer. */
  attachmentsByPost: DataLoader<string, FileRow[]>;
}

/** Per-request loaders, so the attachments of a feed page of 20 or 100 posts cost one query. */
export function createFilesLoaders(repository: FilesRepository, viewer: Viewer | null): FilesLoaders {
  const reader = isMember(viewer) ? viewer : null;
  return {
    fileById: tenantLoader(reader, (tenant, ids) => repository.findFiles(tenant, ids)),
    attachmentsByPost: groupLoader(
      reader,
      (tenant, ids) => repository.findAttachments(tenant, ids),
      (row) => row.postId ?? '',
    ),
  };
}
