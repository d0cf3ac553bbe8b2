/**
 * `npm run bench:thread [-- --duration 10 --connections 20 --posts 100000 --queries 200]`
 *
 * Against the built app, started as a real process on a fresh embedded PGlite (or on
 * DATABASE_URL when set), measures:
 *   1. server-rendered thread pages per second and p99, `/fils/<id>?n=1` (20 posts a page)
 *      of a 200-post thread, asked with `accept-encoding: br`;
 *   2. the compressed first load of that page: HTML + every /_app/ script, module preload
 *      and stylesheet it names, each fetched with `accept-encoding: br` as a browser would;
 *   3. search latency p50/p95 over `--posts` posts spread over ~1000 threads.
 * The data is written straight into the database before the server starts (PGlite has one
 * owner at a time). Prints a table and ends with one JSON line. A benchmark, not a test: it
 * never fails on a figure.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { inArray, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client.ts';
import { organisations, posts, spaceMembers, spaces, threads, users } from '../db/schema/index.ts';
import { renderMarkdown } from '../server/lib/markdown.ts';

const { values } = parseArgs({
	options: {
		duration: { type: 'string', default: '10' },
		connections: { type: 'string', default: '20' },
		posts: { type: 'string', default: '100000' },
		threads: { type: 'string', default: '1000' },
		queries: { type: 'string', default: '200' }
	}
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const searchPosts = Number(values.posts);
const searchThreads = Number(values.threads);
const queryCount = Number(values.queries);

/** NodeBB renders 58 topic pages a second on this kind of machine; the goal is 10×. */
const NODEBB_PAGES_PER_SECOND = 58;
const GOAL_PAGES_PER_SECOND = NODEBB_PAGES_PER_SECOND * 10;
const FIRST_LOAD_BUDGET_BYTES = 60 * 1024;
const THREAD_POSTS = 200;

if (!existsSync('build/handler.js')) {
	console.error('Run `npm run build` first (bench:thread measures the built app).');
	process.exit(1);
}

const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'palabre-bench-thread-'));
const run = randomUUID().slice(0, 8);

/* Seed data: the network's own vocabulary (DOMAIN.md), so French stemming has real work. */

const WORDS = (
	'mutuelle mutuelles santé cotisation cotisations adhérent adhérents adhésion prestataire prestataires soins ' +
	'paquet minimum micro-assurance subvention demande offre capitalisation partenaire relais équité efficacité ' +
	'solidarité responsabilité gestion démocratique viabilité financière protection sociale exclusion pauvreté ' +
	'informel informels travailleurs rural rurale femmes jeunes union fédération assemblée générale bureau ' +
	'conseil administration trésorier trésorerie comptabilité budget réserve fonds garantie convention centre ' +
	'hôpital district médecin infirmier pharmacie médicaments génériques consultation hospitalisation maternité ' +
	'accouchement vaccination prévention tiers payant ticket modérateur remboursement facture contrôle fraude ' +
	'carte membre bénéficiaires famille ménage village commune collectivité ministère politique publique état ' +
	'formation animateur animation sensibilisation campagne radio réunion atelier séminaire rapport synthèse ' +
	'expérience leçons résultats contexte mécanisme évaluation suivi indicateurs taux recouvrement période ' +
	'récolte échéancier calendrier mensuel annuel trimestriel montant FCFA frais gratuité réassurance risque ' +
	'sinistralité plafond délai carence statuts règlement intérieur agrément enregistrement registre logiciel ' +
	'téléphone mobile paiement épargne crédit coopérative association ONG bailleur donateur coopération ' +
	'Sénégal Mali Bénin Burkina Niger Togo Cameroun Guinée Tchad Mauritanie Dakar Bamako Cotonou Ouagadougou ' +
	'Kaolack Thiès Ségou Parakou Bobo-Dioulasso Lomé Douala Niamey sécurité qualité accès confiance transparence ' +
	'le la les des du de un une et ou pour avec dans sur par chez notre nos votre vos leur leurs très plus moins ' +
	'comment pourquoi quand combien depuis après avant pendant entre selon aussi encore déjà toujours jamais'
).split(' ');

const SENTENCES = [
	'La cotisation annuelle est fixée en assemblée générale, après un débat sur le paquet minimum.',
	'Nos adhérents paient plus volontiers après la récolte : nous avons calé l’échéancier sur les saisons.',
	'Le centre de santé de district applique le tiers payant pour les membres à jour de leur cotisation.',
	'La subvention de la demande a fait passer le taux d’adhésion de 12 % à 31 % en deux ans.',
	'Avez-vous une expérience de réassurance entre mutuelles d’une même union ?',
	'Le ticket modérateur limite les abus, mais il décourage les ménages les plus pauvres.',
	'Nous tenons la comptabilité sur un cahier, puis sur un tableur au bureau de l’union.',
	'La campagne de sensibilisation à la radio communautaire a touché une vingtaine de villages.',
	'Le délai de carence de trois mois protège la mutuelle contre l’adhésion au moment du besoin.',
	'La convention avec l’hôpital régional prévoit une facturation mensuelle et un contrôle des actes.',
	'Les femmes des groupements d’épargne adhèrent en groupe, ce qui réduit les frais de gestion.',
	'Quels indicateurs de viabilité financière suivez-vous chaque trimestre ?',
	'Le partenaire relais a formé les trésoriers des mutuelles à la tenue du registre des adhérents.',
	'La gratuité des soins pour les enfants de moins de cinq ans change le calcul du paquet minimum.',
	'Nous avons négocié des médicaments génériques avec la pharmacie du district.',
	'La sécurité des données des bénéficiaires nous inquiète depuis le passage au paiement mobile.'
];

/** Deterministic, so every run measures the same data. */
function prng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

interface Seeded {
	threadId: string;
	userIds: string[];
	spaceIds: string[];
	threadIds: string[];
	orgId: string;
	searchSpaceSlugs: string[];
	timings: { threadMs: number; postsMs: number; indexMs: number };
}

async function seed(db: Database): Promise<Seeded> {
	const random = prng(7);
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

	const [org] = await db
		.insert(organisations)
		.values({ name: `Union de banc d’essai ${run}`, type: 'federation_mutuelles', country: 'SN' })
		.returning({ id: organisations.id });
	const people = ['Awa Ndiaye', 'Ibrahima Sarr', 'Mariam Traoré', 'Koffi Mensah', 'Fatou Keïta', 'Jean Hounkpè'];
	const userRows = await db
		.insert(users)
		.values(
			Array.from({ length: 24 }, (_, i) => ({
				email: `bench-${run}-${i}@bench.example`,
				displayName: `${people[i % people.length]} ${i + 1}`,
				handle: `bench-${run}-${i}`,
				// Nobody logs in: any string stands in for a hash.
				passwordHash: 'bench',
				organisationId: org!.id,
				country: 'SN'
			}))
		)
		.returning({ id: users.id });
	const userIds = userRows.map((u) => u.id);

	const spaceDefs = [
		{ name: 'Gestion des mutuelles', visibility: 'public' as const },
		{ name: 'Micro-assurance santé', visibility: 'public' as const },
		{ name: 'Subventions et politiques publiques', visibility: 'public' as const },
		{ name: 'Sénégal', visibility: 'members' as const },
		{ name: 'Bureau de la Concertation', visibility: 'private' as const }
	];
	const spaceRows = await db
		.insert(spaces)
		.values(
			spaceDefs.map((s, i) => ({
				slug: `banc-${run}-${i}`,
				name: s.name,
				visibility: s.visibility,
				description: `Espace de mesure ${run}.`,
				descriptionHtml: `<p>Espace de mesure ${run}.</p>`
			}))
		)
		.returning({ id: spaces.id, slug: spaces.slug });
	const spaceIds = spaceRows.map((s) => s.id);
	await db.insert(spaceMembers).values(userIds.slice(0, 6).map((userId) => ({ spaceId: spaceIds[4]!, userId })));

	// 1. The thread whose pages are measured: 200 posts of one to three paragraphs of Markdown.
	let started = performance.now();
	const [thread] = await db
		.insert(threads)
		.values({
			spaceId: spaceIds[0]!,
			authorId: userIds[0]!,
			title: 'Comment fixer le montant de la cotisation dans une mutuelle rurale ?',
			createdAt: minutesAgo(THREAD_POSTS * 30),
			lastActivityAt: minutesAgo(0),
			postCount: THREAD_POSTS,
			lastSeq: THREAD_POSTS,
			lastPostAuthorId: userIds[(THREAD_POSTS - 1) % userIds.length]!
		})
		.returning({ id: threads.id });
	const threadPosts = Array.from({ length: THREAD_POSTS }, (_, i) => {
		const paragraphs = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
			Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SENTENCES)).join(' ')
		);
		if (random() < 0.2) paragraphs.push(`- ${pick(WORDS)}\n- **${pick(WORDS)}** ${pick(WORDS)}\n- ${pick(WORDS)}`);
		const body = paragraphs.join('\n\n');
		return {
			threadId: thread!.id,
			authorId: userIds[i % userIds.length]!,
			number: i + 1,
			seq: i + 1,
			body,
			bodyHtml: renderMarkdown(body),
			createdAt: minutesAgo((THREAD_POSTS - i) * 30)
		};
	});
	await db.insert(posts).values(threadPosts);
	const threadMs = performance.now() - started;

	// 2. The search corpus: `searchThreads` threads over the first four spaces, then
	// `searchPosts` posts generated inside the database in batches of multi-row INSERT …
	// SELECT, all in one transaction (PGlite computes each generated tsvector in WASM).
	started = performance.now();
	const threadIds: string[] = [];
	for (let start = 0; start < searchThreads; start += 500) {
		const batch = Array.from({ length: Math.min(500, searchThreads - start) }, (_, k) => {
			const i = start + k;
			return {
				spaceId: spaceIds[i % 4]!,
				authorId: userIds[i % userIds.length]!,
				title: `${pick(['Question sur', 'Retour d’expérience :', 'Débat :', 'Aide pour', 'Synthèse —'])} ${pick(WORDS)} ${pick(['et', 'de la', 'pour les', 'dans la'])} ${pick(WORDS)} ${pick(['à', 'au', 'en'])} ${pick(WORDS)}`,
				createdAt: minutesAgo(60 * 24 * 400 - i * 60),
				lastActivityAt: minutesAgo(i)
			};
		});
		const rows = await db.insert(threads).values(batch).returning({ id: threads.id });
		threadIds.push(...rows.map((r) => r.id));
	}
	const words = sql`array[${sql.join(
		WORDS.map((w) => sql`${w}`),
		sql`, `
	)}]::text[]`;
	const ids = sql`array[${sql.join(
		threadIds.map((id) => sql`${id}::uuid`),
		sql`, `
	)}]`;
	const authors = sql`array[${sql.join(
		userIds.map((id) => sql`${id}::uuid`),
		sql`, `
	)}]`;
	const BATCH = 10_000;
	await db.transaction(async (tx) => {
		for (let from = 0; from < searchPosts; from += BATCH) {
			const to = Math.min(searchPosts, from + BATCH) - 1;
			// Post g goes to thread g mod T as number g div T + 1. Words are drawn with a skew
			// (u^2.2) so a few are everywhere and most are rare, as in real text.
			await tx.execute(sql`
				insert into posts (thread_id, author_id, number, seq, body, body_html, created_at)
				select (${ids})[1 + g % ${threadIds.length}],
					(${authors})[1 + (g * 7) % ${userIds.length}],
					g / ${threadIds.length} + 1, g / ${threadIds.length} + 1,
					b.body, '<p>' || b.body || '</p>',
					now() - make_interval(mins => (${searchPosts} - g) * 5)
				from generate_series(${from}::int, ${to}::int) g
				cross join lateral (
					select string_agg(
						(${words})[1 + floor(power((hashint8(g::bigint * 64 + i) & 2147483647)::float8 / 2147483648, 2.2) * ${WORDS.length})::int],
						' ') || '.' as body
					from generate_series(1, 15 + g % 46) i
				) b`);
		}
	});
	const postsMs = performance.now() - started;

	started = performance.now();
	await db.execute(sql`
		update threads t set post_count = c.n, last_seq = c.n
		from (select thread_id, count(*)::int as n from posts where thread_id = any(${ids}) group by thread_id) c
		where c.thread_id = t.id`);
	await db.execute(sql`
		update spaces s set thread_count = c.threads, post_count = c.posts
		from (select space_id, count(*)::int as threads, sum(post_count)::int as posts from threads group by space_id) c
		where c.space_id = s.id and s.id = any(array[${sql.join(
			spaceIds.map((id) => sql`${id}::uuid`),
			sql`, `
		)}])`);
	// Fresh statistics, as autovacuum would give a real server some time after the load.
	await db.execute(sql`analyze`);
	const indexMs = performance.now() - started;

	return {
		threadId: thread!.id,
		userIds,
		spaceIds,
		threadIds: [thread!.id, ...threadIds],
		orgId: org!.id,
		searchSpaceSlugs: spaceRows.slice(0, 4).map((s) => s.slug),
		timings: { threadMs, postsMs, indexMs }
	};
}

/** Removes what the bench wrote to a real server (an embedded one is simply deleted). */
async function unseed(db: Database, seeded: Seeded) {
	await db.transaction(async (tx) => {
		await tx.execute(sql`delete from notifications where thread_id = any(${sqlUuids(seeded.threadIds)})`);
		await tx.execute(sql`delete from thread_reads where thread_id = any(${sqlUuids(seeded.threadIds)})`);
		await tx.delete(posts).where(inArray(posts.threadId, seeded.threadIds));
		await tx.delete(threads).where(inArray(threads.id, seeded.threadIds));
		await tx.delete(spaces).where(inArray(spaces.id, seeded.spaceIds));
		await tx.execute(sql`delete from sessions where user_id = any(${sqlUuids(seeded.userIds)})`);
		await tx.delete(users).where(inArray(users.id, seeded.userIds));
		await tx.delete(organisations).where(inArray(organisations.id, [seeded.orgId]));
	});
}

const sqlUuids = (list: string[]) =>
	sql`array[${sql.join(
		list.map((id) => sql`${id}::uuid`),
		sql`, `
	)}]`;

/* The server */

const port = await new Promise<number>((resolve) => {
	const probe = createServer().listen(0, '127.0.0.1', () => {
		const { port } = probe.address() as { port: number };
		probe.close(() => resolve(port));
	});
});
const origin = `http://127.0.0.1:${port}`;

async function waitForHealth() {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(`${origin}/api/health`)).ok) return;
		} catch {
			/* not yet listening */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('server did not become healthy');
}

/** One GET as a browser makes it: brotli accepted; returns the bytes on the wire and the decoded body. */
function fetchCompressed(
	url: string
): Promise<{ status: number; encoding: string; link: string; wireBytes: number; body: Buffer }> {
	return new Promise((resolve, reject) => {
		httpGet(url, { headers: { 'accept-encoding': 'br', 'accept-language': 'fr' } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				const encoding = String(res.headers['content-encoding'] ?? 'identity');
				const body = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
				resolve({ status: res.statusCode ?? 0, encoding, link: String(res.headers.link ?? ''), wireBytes: raw.length, body });
			});
			res.on('error', reject);
		}).on('error', reject);
	});
}

/**
 * What a first visit downloads: the page, then every /_app/ script, module preload and
 * stylesheet it names. adapter-node announces the preloads in the `Link` response header
 * rather than in <head>; a browser follows both, so do we.
 */
async function firstLoad(path: string) {
	const page = await fetchCompressed(origin + path);
	const html = page.body.toString('utf8');
	const assets = new Set<string>();
	const named = [
		// Kit writes relative URLs (../_app/…) in src/href attributes and in its inline import()s.
		...[...html.matchAll(/(?:src|href)="([^"]*\/_app\/[^"]+)"|import\("([^"]*\/_app\/[^"]+)"\)/g)].map((m) => m[1] ?? m[2]!),
		...[...page.link.matchAll(/<([^>]*\/_app\/[^>]+)>\s*;[^,]*rel="?(?:modulepreload|preload|stylesheet)/g)].map((m) => m[1]!)
	];
	for (const href of named) {
		const url = new URL(href, origin + path);
		if (/\.(?:js|css)$/.test(url.pathname)) assets.add(url.href);
	}
	const files = await Promise.all([...assets].map(async (url) => ({ url, ...(await fetchCompressed(url)) })));
	const sum = (kind: RegExp) => files.filter((f) => kind.test(f.url)).reduce((n, f) => n + f.wireBytes, 0);
	return {
		status: page.status,
		htmlEncoding: page.encoding,
		html: page.wireBytes,
		css: sum(/\.css$/),
		js: sum(/\.js$/),
		files: files.length,
		uncompressedAssets: files.filter((f) => f.encoding !== 'br').map((f) => f.url),
		total: page.wireBytes + files.reduce((n, f) => n + f.wireBytes, 0)
	};
}

/**
 * `rendered`: every request asks a URL nobody asked before (an extra `&v=` parameter the
 * page ignores), so each one is rendered from the database: what a signed-in member, who
 * never gets the anonymous page cache, costs. Otherwise the same URL again and again, as
 * anonymous readers of a popular thread ask it.
 */
async function measurePages(path: string, rendered: boolean) {
	const headers = { 'accept-encoding': 'br', 'accept-language': 'fr' };
	let counter = 0;
	const requests: autocannon.Request[] | undefined = rendered
		? [{ setupRequest: (request) => ({ ...request, path: `${path}&v=${++counter}` }) }]
		: undefined;
	await autocannon({ url: origin + path, connections, duration: 2, headers, requests }); // warm-up
	const result = await autocannon({ url: origin + path, connections, duration, headers, requests });
	return {
		rps: Math.round(result.requests.average),
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		bytesPerPage: Math.round(result.throughput.average / Math.max(1, result.requests.average)),
		non2xx: result.non2xx,
		errors: result.errors
	};
}

/** Varied searches: frequent and rare words, plurals, no accents, typos, phrases, filters. */
function searchQueries(slugs: string[]): Record<string, string>[] {
	const terms = [
		'mutuelle',
		'cotisations',
		'securite',
		'paquet minimum',
		'"tiers payant"',
		'reassurance',
		'subvention demande',
		'equite solidarite',
		'viabilité financière',
		'hospitalisation maternité',
		'médicaments génériques',
		'ticket moderateur',
		'délai de carence',
		'Kaolack',
		'Ségou pharmacie',
		'paiement mobile épargne',
		'mutuele',
		'cotisaton',
		'retour experience',
		'registre adherents',
		'campagne radio -village',
		'fraude OR abus',
		'indicateurs recouvrement',
		'assemblée générale statuts',
		'enregistrement agrément',
		'femmes jeunes informels',
		'calendrier récolte',
		'bailleur coopération',
		'Bobo-Dioulasso',
		'trésorerie réserve fonds garantie'
	];
	const queries: Record<string, string>[] = [];
	for (let i = 0; i < queryCount; i++) {
		const query: Record<string, string> = { q: terms[i % terms.length]! };
		if (i % 5 === 3) query.sort = 'date';
		if (i % 7 === 5) query.space = slugs[i % slugs.length]!;
		if (i % 11 === 9) query.from = '2025-01-01';
		queries.push(query);
	}
	return queries;
}

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measureSearch(slugs: string[]) {
	const queries = searchQueries(slugs);
	for (const query of queries.slice(0, 10)) await fetch(`${origin}/api/v1/search?${new URLSearchParams(query)}`); // warm-up
	const times: number[] = [];
	let slowest = { ms: 0, query: '' };
	let results = 0;
	let failures = 0;
	for (const query of queries) {
		const started = performance.now();
		const res = await fetch(`${origin}/api/v1/search?${new URLSearchParams(query)}`);
		const body = (await res.json()) as { items?: unknown[] };
		const ms = performance.now() - started;
		times.push(ms);
		if (ms > slowest.ms) slowest = { ms, query: new URLSearchParams(query).toString() };
		if (!res.ok) failures++;
		results += body.items?.length ?? 0;
	}
	times.sort((a, b) => a - b);
	const round = (n: number) => Math.round(n * 10) / 10;
	return {
		queries: queries.length,
		p50Ms: round(percentile(times, 50)),
		p95Ms: round(percentile(times, 95)),
		maxMs: round(times.at(-1)!),
		slowest: slowest.query,
		averageResults: round(results / queries.length),
		failures
	};
}

/* Run */

const seedStarted = performance.now();
let handle = await openDatabase({ databaseUrl, dataDir });
const seeded = await seed(handle.db);
await handle.close();
const seedSeconds = (performance.now() - seedStarted) / 1000;

const env: NodeJS.ProcessEnv = {
	...process.env,
	PORT: String(port),
	HOST: '127.0.0.1',
	PUBLIC_ORIGIN: origin,
	LOG_LEVEL: 'warn'
};
if (dataDir) env.DATA_DIR = dataDir;
delete env.REDIS_URL;
// BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const server = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
	env,
	stdio: ['ignore', 'ignore', 'inherit']
});

try {
	await waitForHealth();
	const pagePath = `/fils/${seeded.threadId}?n=1`;
	const load = await firstLoad(pagePath);
	const pages = await measurePages(pagePath, false);
	const rendered = await measurePages(pagePath, true);
	const search = await measureSearch(seeded.searchSpaceSlugs);

	const driver = databaseUrl ? 'PostgreSQL' : 'PGlite';
	const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
	const row = (label: string, value: string, reference: string) =>
		console.log(`${label.padEnd(38)} ${value.padStart(14)}   ${reference}`);
	console.log(`\nPalabre thread & search benchmark — ${driver}, ${duration}s, ${connections} connections\n`);
	console.log(
		`Seeded in ${seedSeconds.toFixed(1)}s: ${THREAD_POSTS}-post thread ${(seeded.timings.threadMs / 1000).toFixed(1)}s, ` +
			`${searchPosts.toLocaleString('en')} posts in ${searchThreads} threads ${(seeded.timings.postsMs / 1000).toFixed(1)}s ` +
			`(${Math.round(searchPosts / (seeded.timings.postsMs / 1000)).toLocaleString('en')} posts/s), counts + analyze ${(seeded.timings.indexMs / 1000).toFixed(1)}s\n`
	);
	console.log(`${'measure'.padEnd(38)} ${'value'.padStart(14)}   reference`);
	const goal = (rps: number) =>
		`goal ≥ ${GOAL_PAGES_PER_SECOND} (NodeBB ${NODEBB_PAGES_PER_SECOND}) → ×${(rps / GOAL_PAGES_PER_SECOND).toFixed(2)} of goal`;
	row('thread page, anonymous (page cache)', `${pages.rps} pages/s`, goal(pages.rps));
	row('  latency p50 / p99', `${pages.p50Ms} / ${pages.p99Ms} ms`, `non-2xx ${pages.non2xx}, errors ${pages.errors}`);
	row('thread page, rendered every time', `${rendered.rps} pages/s`, goal(rendered.rps));
	row('  latency p50 / p99', `${rendered.p50Ms} / ${rendered.p99Ms} ms`, `non-2xx ${rendered.non2xx}, errors ${rendered.errors}`);
	row('  bytes per page on the wire', kb(pages.bytesPerPage), 'headers + brotli HTML');
	row(
		'first load (HTML + CSS + JS, br)',
		kb(load.total),
		`budget ≤ ${kb(FIRST_LOAD_BUDGET_BYTES)} → ${load.total <= FIRST_LOAD_BUDGET_BYTES ? 'within' : 'over'}`
	);
	row('  HTML / CSS / JS', `${kb(load.html)} / ${kb(load.css)} / ${kb(load.js)}`, `${load.files} asset files`);
	row(
		`search p50 / p95 (${search.queries} queries)`,
		`${search.p50Ms} / ${search.p95Ms} ms`,
		`max ${search.maxMs} ms: ${search.slowest}`
	);
	row('  results per query (page of 20)', String(search.averageResults), `failures ${search.failures}`);
	if (load.status !== 200) console.log(`\nNote: the thread page answered ${load.status}.`);
	if (load.uncompressedAssets.length > 0) console.log(`\nNote: not brotli-compressed: ${load.uncompressedAssets.join(', ')}`);
	console.log('');
	console.log(
		JSON.stringify({
			bench: 'thread',
			driver: databaseUrl ? 'postgres' : 'pglite',
			durationSeconds: duration,
			connections,
			seed: {
				seconds: Math.round(seedSeconds * 10) / 10,
				threadPosts: THREAD_POSTS,
				searchPosts,
				searchThreads,
				postsInsertSeconds: Math.round(seeded.timings.postsMs / 100) / 10
			},
			threadPage: { rps: pages.rps, p50Ms: pages.p50Ms, p99Ms: pages.p99Ms, bytes: pages.bytesPerPage, non2xx: pages.non2xx },
			threadPageRendered: { rps: rendered.rps, p50Ms: rendered.p50Ms, p99Ms: rendered.p99Ms, non2xx: rendered.non2xx },
			firstLoad: {
				status: load.status,
				totalBytes: load.total,
				htmlBytes: load.html,
				cssBytes: load.css,
				jsBytes: load.js,
				files: load.files
			},
			search,
			reference: {
				nodebbPagesPerSecond: NODEBB_PAGES_PER_SECOND,
				goalPagesPerSecond: GOAL_PAGES_PER_SECOND,
				firstLoadBudgetBytes: FIRST_LOAD_BUDGET_BYTES
			}
		})
	);
} finally {
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	else {
		handle = await openDatabase({ databaseUrl, dataDir: null });
		await unseed(handle.db, seeded);
		await handle.close();
	}
}
