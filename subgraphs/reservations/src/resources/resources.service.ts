import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  decodeCursor,
  definedOnly,
  isUuid,
  notFound,
  pageSize,
  parseInput,
  toPage,
  unauthenticated,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { canManageResources, canReadResources } from './resources.access';
import type { ResourcesLoaders } from './resources.loaders';
import type { ClosedPeriodRow, LocationRow, ResourceRow, ResourcesRepository } from './resources.repository';
import { closedPeriodInput, locationInput, openingHoursInput, quotasInput, resourceInput, updateResourceInput, type ResourceInput } from './resources.rules';

/** A cursor is [name, id]. */
const cursorKey = z.tuple([z.string(), z.guid()]);

const resourceIdInput = z.object({ resourceId: z.string() });
const closedPeriodIdInput = z.object({ closedPeriodId: z.string() });

/** The fields of a row as the board would enter them, so an update is checked as the whole resource. */
function asInput(row: ResourceRow): ResourceInput {
  const { id: _id, associationId: _a, archivedAt: _ar, createdAt: _c, updatedAt: _u, ...fields } = row;
  return fields;
}

/** Setting up the things residents book: resources, their rules, prices, opening hours, closures and quotas. */
export class ResourcesService {
  constructor(private readonly repository: ResourcesRepository) {}

  async listResources(
    viewer: Viewer | null,
    args: { first?: number | null; after?: string | null; locationId?: string | null; includeArchived?: boolean | null },
  ): Promise<Page<ResourceRow>> {
    const reader = admitMember(viewer, canReadResources);
    const size = pageSize(args.first);
    const position = args.after ? decodeCursor(args.after, cursorKey) : null;
    if (args.locationId) await this.assertLocationFound(reader.associationId, args.locationId);
    const rows = await this.repository.listResources(
      reader.associationId,
      { locationId: args.locationId ?? null, includeArchived: args.includeArchived ?? false },
      size + 1,
      position ? { name: position[0], id: position[1] } : null,
    );
    return toPage(rows, size, (row) => [row.name, row.id]);
  }

  async resource(viewer: Viewer | null, loaders: ResourcesLoaders, id: string): Promise<ResourceRow> {
    if (!viewer) throw unauthenticated();
    const resource = await loaders.resourceById.load(id);
    if (!resource) throw notFound('Resource');
    return resource;
  }

  async createResource(viewer: Viewer | null, rawInput: unknown): Promise<ResourceRow> {
    const board = admitMember(viewer, canManageResources);
    const input = parseInput(resourceInput, rawInput);
    await this.assertLocationExists(board.associationId, input.locationId);
    return this.repository.insertResource(board.associationId, { id: randomUUID(), ...input });
  }

  async updateResource(viewer: Viewer | null, loaders: ResourcesLoaders, rawInput: unknown): Promise<ResourceRow> {
    const board = admitMember(viewer, canManageResources);
    const { resourceId, ...changes } = parseInput(updateResourceInput, rawInput);
    if (!isUuid(resourceId)) throw notFound('Resource');
    if (typeof changes.locationId === 'string') await this.assertLocationExists(board.associationId, changes.locationId);
    const row = await this.repository.updateResource(board.associationId, resourceId, (current) =>
      parseInput(resourceInput, { ...asInput(current), ...definedOnly(changes) }),
    );
    if (!row) throw notFound('Resource');
    loaders.resourceById.clear(resourceId).prime(resourceId, row);
    return row;
  }

  async archiveResource(viewer: Viewer | null, loaders: ResourcesLoaders, rawInput: unknown): Promise<ResourceRow> {
    const board = admitMember(viewer, canManageResources);
    const { resourceId } = parseInput(resourceIdInput, rawInput);
    const row = isUuid(resourceId) ? await this.repository.archiveResource(board.associationId, resourceId) : null;
    if (!row) throw notFound('Resource');
    loaders.resourceById.clear(resourceId).prime(resourceId, row);
    return row;
  }

  async setOpeningHours(viewer: Viewer | null, loaders: ResourcesLoaders, rawInput: unknown): Promise<ResourceRow> {
    const board = admitMember(viewer, canManageResources);
    const { resourceId, hours } = parseInput(openingHoursInput, rawInput);
    const row = isUuid(resourceId) ? await this.repository.replaceOpeningHours(board.associationId, resourceId, hours) : null;
    if (!row) throw notFound('Resource');
    loaders.openingHoursByResource.clear(resourceId);
    return row;
  }

  async setQuotas(viewer: Viewer | null, loaders: ResourcesLoaders, rawInput: unknown): Promise<ResourceRow> {
    const board = admitMember(viewer, canManageResources);
    const { resourceId, quotas } = parseInput(quotasInput, rawInput);
    const rows = quotas.map((quota) => ({ id: randomUUID(), ...quota }));
    const row = isUuid(resourceId) ? await this.repository.replaceQuotas(board.associationId, resourceId, rows) : null;
    if (!row) throw notFound('Resource');
    loaders.quotasByResource.clear(resourceId);
    return row;
  }

  async addClosedPeriod(viewer: Viewer | null, loaders: ResourcesLoaders, rawInput: unknown): Promise<ClosedPeriodRow> {
    const board = admitMember(viewer, canManageResources);
    const { resourceId, start, end, reason } = parseInput(closedPeriodInput, rawInput);
    const period = isUuid(resourceId)
      ? await this.repository.insertClosedPeriod(board.associationId, { id: randomUUID(), resourceId, during: { start, end }, reason })
      : null;
    if (!period) throw notFound('Resource');
    loaders.closedPeriodsByResource.clear(resourceId);
    return period;
  }

  /** Resolves to the resource the period belonged to. */
  async removeClosedPeriod(viewer: Viewer | null, loaders: ResourcesLoaders, rawInput: unknown): Promise<ResourceRow> {
    const board = admitMember(viewer, canManageResources);
    const { closedPeriodId } = parseInput(closedPeriodIdInput, rawInput);
    const removed = isUuid(closedPeriodId) ? await this.repository.deleteClosedPeriod(board.associationId, closedPeriodId) : null;
    if (!removed) throw notFound('Closed period');
    loaders.closedPeriodsByResource.clear(removed.resourceId);
    return this.resource(board, loaders, removed.resourceId);
  }

  async createLocation(viewer: Viewer | null, rawInput: unknown): Promise<LocationRow> {
    const board = admitMember(viewer, canManageResources);
    const input = parseInput(locationInput, rawInput);
    return this.repository.insertLocation(board.associationId, { id: randomUUID(), ...input });
  }

  /** A resource may only belong to an office space of its own association. */
  /** Another association's location is not found, as its resources are: never an empty list that confirms nothing. */
  private async assertLocationFound(tenant: string, locationId: string): Promise<void> {
    const found = isUuid(locationId) ? await this.repository.findLocations(tenant, [locationId]) : [];
    if (found.length === 0) throw notFound('Location');
  }

  private async assertLocationExists(tenant: string, locationId: string | null): Promise<void> {
    if (locationId === null) return;
    const found = isUuid(locationId) ? await this.repository.findLocations(tenant, [locationId]) : [];
    if (found.length === 0) throw badUserInput('locationId', 'locationId: no such location in this association.');
  }
}
