import { unauthenticated, type Viewer } from '@tunet/kit';
import { canReadCatalogue } from './catalogue.access';
import type { CatalogueRepository, FeatureRow } from './catalogue.repository';

export class CatalogueService {
  constructor(private readonly repository: CatalogueRepository) {}

  async features(viewer: Viewer | null): Promise<FeatureRow[]> {
    if (!canReadCatalogue(viewer)) throw unauthenticated();
    return this.repository.listFeatures();
  }
}
