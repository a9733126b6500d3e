import { randomUUID } from 'node:crypto';
import { closeFastStore, DatabaseConnection, generateSecrets, openFastStore, type Viewer } from '@tunet/kit';
import { createMembersSubgraph, type MembersSubgraph } from '@tunet/members';

/**
 * The property manager's full sync of a large association: 50,000 rows of CSV (Norwegian headers, `;`) for a fresh
 * association with 20,000 units, timed from the request to the job's completion as a client polling `importJob`
 * sees it; then the identical import again, which must change nothing; then one without the last tenth of the
 * rows, which moves those people out. Uses PGlite unless DATABASE_URL is set. Bounded: three imports, each given
 * at most two minutes.
 */
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const UNITS = Math.ceil(ROWS / 2.5);
const UNITS_PER_BUILDING = 200;
const POLL_MS = 100;
const TIMEOUT_MS = 120_000;

async function main(): Promise<void> {
  const database = await DatabaseConnection.open({ url: process.env.DATABASE_URL });
  const store = await openFastStore(process.env.REDIS_URL, `bench-${Date.now()}`);
  const members = await createMembersSubgraph({ database, store, jwtPrivateKey: (await generateSecrets()).jwtPrivateKey });
  await members.migrate();
  console.log(`backend: ${database.backend}, node ${process.version}, ${ROWS} rows over ${UNITS} units`);

  const setupStarted = performance.now();
  const board = await freshAssociation(members);
  const csv = csvOf(ROWS);
  console.log(`setup: ${seconds(setupStarted)} (association, buildings and units through the repositories); CSV ${(csv.length / 1e6).toFixed(1)} MB`);

  const runs: [string, string][] = [
    ['first run (creates everyone)', csv],
    ['second run (identical: changes nothing)', csv],
    ['third run (the last tenth of the rows gone: their tenures end, each announced)', csvOf(ROWS * 0.9)],
  ];
  for (const [run, text] of runs) {
    const started = performance.now();
    const { id } = await members.imports.start(board, { mode: 'FULL_SYNC', csv: text });
    const progress: string[] = [];
    let job = await members.imports.job(board, id);
    while (job.status === 'queued' || job.status === 'running') {
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`import still ${job.status} after ${TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      job = await members.imports.job(board, id);
      progress.push(`${seconds(started)} ${job.processedRows}`);
    }
    const counts = { created: job.createdCount, updated: job.updatedCount, unchanged: job.unchangedCount, movedOut: job.movedOutCount };
    console.log(`${run}: ${seconds(started)}, ${job.status}, ${JSON.stringify(counts)}, ${job.rejected.length} rejected`);
    console.log(`  processedRows as polled: ${[...new Set(progress)].join(', ')}`);
  }
  await database.close();
  await closeFastStore(store);
}

/** A new association with its buildings and units, created as the board would (units are never imported). */
async function freshAssociation(members: MembersSubgraph): Promise<Viewer> {
  const { members: associations, housing } = members.repositories;
  const tenant = randomUUID();
  await associations.insertAssociation({ id: tenant, name: 'Benken borettslag', timeZone: 'Europe/Oslo', locale: 'nb' });
  for (let b = 0; b < UNITS / UNITS_PER_BUILDING; b++) {
    const building = await housing.insertBuilding(tenant, { id: randomUUID(), name: `Blokk ${b + 1}` });
    const units = Array.from({ length: UNITS_PER_BUILDING }, (_, u) => b * UNITS_PER_BUILDING + u);
    // Eight at a time: the pool's connections work in parallel on PostgreSQL; PGlite takes them in turn.
    for (let i = 0; i < units.length; i += 8) {
      await Promise.all(
        units
          .slice(i, i + 8)
          .map((n) => housing.insertUnit(tenant, { id: randomUUID(), buildingId: building.id, number: unitNumber(n), shareNumber: String(n + 1) })),
      );
    }
  }
  return { accountId: randomUUID(), associationId: tenant, memberId: randomUUID(), role: 'board', platformAdmin: false, sessionId: null };
}

const RELATIONS = ['eier', 'medeier', 'beboer'];

/**
 * What a property manager's export looks like: two or three people per unit, most with e-mail and phone, a tenth
 * of the units named by building and number instead of share number, dates in both accepted forms.
 */
function csvOf(rows: number): string {
  const lines = ['andelsnummer;bygning;leilighet;navn;e-post;telefon;relasjon;kontraktsnummer;innflytting;utflytting'];
  for (let person = 0, unit = 0; person < rows; unit++) {
    const household = unit % 2 === 0 ? 2 : 3;
    for (let k = 0; k < household && person < rows; k++, person++) {
      const byShare = unit % 10 !== 0;
      const year = 2000 + (unit % 25);
      const moveIn = person % 2 === 0 ? `${year}-0${(unit % 9) + 1}-15` : `15.0${(unit % 9) + 1}.${year}`;
      lines.push(
        [
          byShare ? String(unit + 1) : '',
          byShare ? '' : `Blokk ${Math.floor(unit / UNITS_PER_BUILDING) + 1}`,
          byShare ? '' : unitNumber(unit),
          `"Beboer ${person}, ${['Hansen', 'Olsen', 'Berg'][k]}"`,
          person % 10 === 9 ? '' : `beboer${person}@benken.example`,
          person % 3 === 0 ? '' : `+47 9${String(person).padStart(7, '0')}`,
          RELATIONS[k],
          k === 0 ? `K-${unit + 1}` : '',
          moveIn,
          '',
        ].join(';'),
      );
    }
  }
  return lines.join('\r\n');
}

function unitNumber(n: number): string {
  const perFloor = 10;
  return `H${String(Math.floor((n % UNITS_PER_BUILDING) / perFloor) + 1).padStart(2, '0')}${String((n % perFloor) + 1).padStart(2, '0')}`;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
