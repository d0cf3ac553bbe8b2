/**
 * `npm run bench:experiences [-- --fiches 50000 --queries 200]`
 *
 * On a fresh embedded PGlite (or on DATABASE_URL when set), writes `--fiches` published
 * fiches d'expérience straight into the database (multi-row INSERTs, the search vector
 * computed in SQL with the service's own expression), then measures the browse query the
 * way the page and `GET /api/v1/experiences` run it: `services.experiences.list(auth,
 * query)` in-process, which returns one page of fiches and the counts of every facet.
 * Queries vary: filters alone (1–3 facets), full text alone (frequent and rare words),
 * both, sorted by date or relevance. The same queries are then run straight on the
 * repository to show where the time goes (the page of 20 vs. the facet counts).
 * `--batch` sets the rows per INSERT (default 1000).
 *
 * Prints a table and ends with one JSON line. A benchmark, not a test: it never fails on a
 * figure.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { inArray, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client.ts';
import { experienceAuthors, experiences, organisations, spaceMembers, spaces, users } from '../db/schema/index.ts';
import type { ExperienceArea, ExperienceMechanism, ExperienceTarget } from '../db/schema/values.ts';
import type { Auth } from '../server/auth/auth.ts';
import type { ExperienceContent } from '../server/modules/experiences/content.ts';
import { searchVectorOf, type ExperienceFilters } from '../server/modules/experiences/experiences.repository.ts';
import { experienceListQuery, type ExperienceListInput } from '../server/modules/experiences/experiences.schema.ts';
import { ExperiencesService } from '../server/modules/experiences/experiences.service.ts';
import { NotificationsService } from '../server/modules/notifications/notifications.service.ts';
import { SpacesService } from '../server/modules/spaces/spaces.service.ts';
import { ThreadsService } from '../server/modules/threads/threads.service.ts';
import { AccountsRepository } from '../server/modules/accounts/accounts.repository.ts';
import { LateBoundPublisher } from '../server/realtime/publisher.ts';

const { values } = parseArgs({
	options: {
		fiches: { type: 'string', default: '50000' },
		queries: { type: 'string', default: '200' },
		batch: { type: 'string', default: '1000' }
	}
});
const ficheCount = Number(values.fiches);
const queryCount = Number(values.queries);
const BATCH = Number(values.batch);

const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'palabre-bench-experiences-'));
const run = randomUUID().slice(0, 8);

/** Deterministic, so every run measures the same data. */
function prng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const random = prng(11);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
/** One value drawn from `[value, weight]` pairs. */
function weighted<T>(table: readonly (readonly [T, number])[]): T {
	const total = table.reduce((n, [, w]) => n + w, 0);
	let r = random() * total;
	for (const [value, w] of table) {
		r -= w;
		if (r <= 0) return value;
	}
	return table.at(-1)![0];
}
/** `n` distinct weighted values. */
function weightedSet<T>(table: readonly (readonly [T, number])[], n: number): T[] {
	const chosen = new Set<T>();
	for (let guard = 0; chosen.size < n && guard < 50; guard++) chosen.add(weighted(table));
	return [...chosen];
}

/* The generated base: the region's countries, mechanisms and vocabulary (DOMAIN.md). */

const COUNTRIES = [
	['SN', 14],
	['BF', 12],
	['ML', 12],
	['BJ', 11],
	['CI', 9],
	['CM', 8],
	['TG', 7],
	['GN', 7],
	['NE', 6],
	['TD', 4],
	['MR', 3],
	['CD', 2.5],
	['CG', 1.5],
	['GA', 1],
	['CF', 1],
	['GH', 1],
	['NG', 1],
	['CV', 0.5],
	['GW', 0.5],
	['AO', 2],
	['AC', 1],
	['FR', 0.5],
	['BE', 0.3]
] as const;

const MECHANISMS: readonly (readonly [ExperienceMechanism, number])[] = [
	['mutuelle_communautaire', 35],
	['mutuelle_professionnelle', 10],
	['micro_assurance', 15],
	['assurance_obligatoire', 8],
	['subvention_demande', 10],
	['subvention_offre', 7],
	['fonds_equite', 10],
	['autre', 5]
];

const TARGETS: readonly (readonly [ExperienceTarget, number])[] = [
	['secteur_informel', 30],
	['rural_agricole', 30],
	['femmes', 20],
	['jeunes', 8],
	['personnes_agees', 5],
	['malades_chroniques', 4],
	['autres', 3]
];

const AREAS: readonly (readonly [ExperienceArea | null, number])[] = [
	['rural', 50],
	['urban', 25],
	['mixed', 20],
	[null, 5]
];

const MECHANISM_WORDS: Record<ExperienceMechanism, string[]> = {
	mutuelle_communautaire: [
		'Mutuelle de santé communautaire',
		'Union de mutuelles',
		'Mutuelle villageoise',
		'Réseau de mutuelles'
	],
	mutuelle_professionnelle: [
		'Mutuelle professionnelle',
		'Mutuelle d’entreprise',
		'Mutuelle des enseignants',
		'Mutuelle des transporteurs'
	],
	micro_assurance: ['Micro-assurance santé', 'Assurance santé liée au microcrédit', 'Micro-assurance des commerçantes'],
	assurance_obligatoire: [
		'Régime d’assurance maladie obligatoire',
		'Assurance maladie universelle',
		'Régime national de couverture'
	],
	subvention_demande: ['Subvention de la demande', 'Subvention des cotisations', 'Prise en charge des primes'],
	subvention_offre: ['Subvention de l’offre de soins', 'Gratuité des soins', 'Appui aux formations sanitaires'],
	fonds_equite: ['Fonds d’équité', 'Fonds de solidarité pour les indigents', 'Caisse de solidarité communale'],
	autre: ['Caisse de prévoyance', 'Tontine santé', 'Épargne santé']
};

const PLACES = [
	'Thiès',
	'Kaolack',
	'Ziguinchor',
	'Ségou',
	'Sikasso',
	'Mopti',
	'Parakou',
	'Abomey',
	'Bobo-Dioulasso',
	'Kaya',
	'Koudougou',
	'Bouaké',
	'Korhogo',
	'Kara',
	'Sokodé',
	'Bafoussam',
	'Garoua',
	'N’Zérékoré',
	'Kankan',
	'Maradi',
	'Zinder',
	'Moundou',
	'Kaédi',
	'Dakar',
	'Bamako',
	'Cotonou',
	'Ouagadougou',
	'Lomé',
	'Douala',
	'Niamey'
];

const FOCUS = [
	'adhésion par les groupements de femmes',
	'cotisation calée sur la récolte',
	'paiement mobile des cotisations',
	'tiers payant avec le centre de santé',
	'négociation du paquet minimum',
	'réassurance entre mutuelles',
	'ciblage des indigents',
	'précompte sur salaire',
	'informatisation du registre des adhérents',
	'contrôle médical et lutte contre la fraude',
	'médicaments génériques',
	'prise en charge de la maternité',
	'extension aux travailleurs informels',
	'viabilité financière après la fin de la subvention',
	'gestion démocratique et assemblées générales',
	'formation des gérants par un partenaire relais',
	'articulation avec la couverture maladie universelle',
	'convention avec l’hôpital régional'
];

const SUMMARY_SENTENCES = [
	'La cotisation annuelle est fixée en assemblée générale après un débat sur le paquet minimum.',
	'Les adhérents paient plus volontiers après la récolte : l’échéancier suit les saisons.',
	'Le centre de santé applique le tiers payant pour les membres à jour de leur cotisation.',
	'La subvention de la demande a fait passer le taux d’adhésion de 12 % à 31 % en deux ans.',
	'Le ticket modérateur limite les abus mais décourage les ménages les plus pauvres.',
	'La campagne de sensibilisation à la radio communautaire a touché une vingtaine de villages.',
	'Le délai de carence protège la mutuelle contre l’adhésion au moment du besoin.',
	'La convention avec l’hôpital régional prévoit une facturation mensuelle et un contrôle des actes.',
	'Les femmes des groupements d’épargne adhèrent en groupe, ce qui réduit les frais de gestion.',
	'Un partenaire relais a formé les trésoriers à la tenue du registre des adhérents.',
	'La gratuité des soins pour les enfants de moins de cinq ans a changé le calcul du paquet minimum.',
	'Des médicaments génériques ont été négociés avec la pharmacie du district.',
	'Le fonds d’équité paie la cotisation des indigents identifiés par les comités villageois.',
	'L’adhésion automatique par le crédit a donné d’emblée un grand nombre d’assurés.',
	'La réassurance entre mutuelles d’une même union a absorbé le choc d’une épidémie.',
	'Le précompte sur salaire assure la régularité des ressources de la mutuelle.',
	'La collectivité locale inscrit chaque année une ligne budgétaire pour la solidarité en santé.',
	'Le paiement mobile aide les membres partis en ville à cotiser pour leur famille.'
];

const LESSON_SENTENCES = [
	'Passer par les organisations existantes coûte moins cher que le porte-à-porte et installe la confiance.',
	'Une réserve de trésorerie de trois mois est indispensable quand la subvention arrive en retard.',
	'La gestion démocratique reste la meilleure protection contre la fraude.',
	'Il faut prévoir dès le départ la sortie de la subvention et constituer des réserves.',
	'Une convention écrite avec des tarifs forfaitaires vaut mieux que le remboursement sur facture.',
	'Le ciblage communautaire doit être revu chaque année pour rester légitime.',
	'L’appropriation par les membres demande des réunions d’information régulières.',
	'La viabilité financière dépend d’abord du taux de recouvrement des cotisations.',
	'Les indicateurs de suivi doivent être simples pour que les gérants bénévoles les tiennent.',
	'L’équité exige que chacun contribue selon ses moyens à sa propre protection.',
	'La solidarité entre générations passe par l’adhésion familiale plutôt qu’individuelle.',
	'Le dialogue avec les prestataires améliore la qualité des soins plus que les sanctions.',
	'La capitalisation des expériences évite à chaque mutuelle de réinventer ses outils.',
	'L’informatisation n’aide que si la formation des gérants la précède.'
];

const RESULT_SENTENCES = [
	'Le taux de recouvrement des cotisations dépasse désormais 80 %.',
	'Le nombre d’adhérents a doublé en trois ans.',
	'Les réserves couvrent six mois de prestations.',
	'La fréquentation du centre de santé par les membres a augmenté de moitié.',
	'Le ratio de sinistralité est revenu sous 75 %.',
	'Les hospitalisations ne sont plus la première cause d’impayés.'
];

const INDICATORS = [
	['Taux de pénétration', '%'],
	['Taux de recouvrement des cotisations', '%'],
	['Ratio de sinistralité', '%'],
	['Prises en charge dans l’année', 'actes'],
	['Réserves en mois de prestations', 'mois']
] as const;

const CURRENCY: Record<string, ExperienceContent['currency']> = {
	GN: 'GNF',
	CM: 'XAF',
	TD: 'XAF',
	CF: 'XAF',
	CG: 'XAF',
	GA: 'XAF',
	CD: 'CDF',
	MR: 'MRU',
	CV: 'CVE',
	GH: 'GHS',
	NG: 'NGN',
	FR: 'EUR',
	BE: 'EUR'
};

function sentences(bank: readonly string[], n: number): string {
	const chosen = new Set<string>();
	while (chosen.size < n) chosen.add(pick(bank));
	return [...chosen].join(' ');
}

function generateFiche(i: number): ExperienceContent {
	const countries = weightedSet(COUNTRIES, random() < 0.1 ? 2 + Math.floor(random() * 2) : 1);
	const mechanism = weighted(MECHANISMS);
	const targets = weightedSet(TARGETS, 1 + Math.floor(random() * 3));
	// Recent experiences are more numerous: start years skewed towards 2026.
	const startYear = 1995 + Math.floor(31 * Math.sqrt(random()));
	const endYear = random() < 0.4 ? null : Math.min(2026, startYear + 1 + Math.floor(random() * 10));
	const withResults = i % 2 === 0;
	const members = Math.round(Math.exp(Math.log(50) + random() * (Math.log(200_000) - Math.log(50))));
	const place = pick(PLACES);
	const currency = CURRENCY[countries[0]!] ?? 'XOF';
	const amount = currency === 'GNF' ? 10_000 * (2 + Math.floor(random() * 10)) : 500 * (1 + Math.floor(random() * 20));
	return {
		title: `${pick(MECHANISM_WORDS[mechanism])} de ${place} : ${pick(FOCUS)}`,
		summary: sentences(SUMMARY_SENTENCES, 2 + Math.floor(random() * 2)).slice(0, 600),
		organisations: [`${pick(MECHANISM_WORDS[mechanism])} de ${place}`],
		contactUserId: null,
		countries,
		area: weighted(AREAS),
		startYear,
		endYear,
		mechanism,
		mechanismOther: mechanism === 'autre' ? 'Caisse de prévoyance villageoise' : '',
		targets,
		targetsOther: targets.includes('autres') ? 'Artisans et transporteurs' : '',
		members,
		membersYear: endYear ?? 2025,
		beneficiaries: Math.round(members * (2 + random() * 3)),
		beneficiariesYear: endYear ?? 2025,
		contributionAmount: amount,
		currency,
		contributionFrequency: pick(['mensuelle', 'trimestrielle', 'annuelle', 'annuelle'] as const),
		subsidies: random() < 0.4 ? 'Prise en charge de la moitié de la cotisation des indigents.' : '',
		subsidySource: random() < 0.4 ? pick(['État', 'Collectivité locale', 'Coopération bilatérale', 'ONG partenaire']) : '',
		benefits: '- Soins de santé primaires\n- Médicaments génériques\n- Accouchement\n- Hospitalisation de district',
		partners: 'Centre de santé du district, union des mutuelles, partenaire relais.',
		results: withResults ? sentences(RESULT_SENTENCES, 2) : '',
		indicators:
			withResults && random() < 0.6
				? INDICATORS.slice(0, 1 + Math.floor(random() * 3)).map(([name, unit]) => ({
						name,
						value: unit === 'actes' ? Math.round(members * 1.5) : Math.round(random() * 100),
						unit,
						year: endYear ?? 2025
					}))
				: [],
		difficulties: sentences(SUMMARY_SENTENCES, 1),
		lessons: sentences(LESSON_SENTENCES, 2 + Math.floor(random() * 3)),
		links: []
	};
}

/* Seeding */

interface Seeded {
	userIds: string[];
	spaceIds: string[];
	orgId: string;
	reader: NonNullable<Auth>;
	spaceSlugs: string[];
	timings: { generateMs: number; insertMs: number; analyzeMs: number };
}

async function seed(db: Database): Promise<Seeded> {
	const [org] = await db
		.insert(organisations)
		.values({ name: `Union de banc d’essai ${run}`, type: 'federation_mutuelles', country: 'SN' })
		.returning({ id: organisations.id });
	const people = ['Awa Ndiaye', 'Ibrahima Sarr', 'Mariam Traoré', 'Koffi Mensah', 'Fatou Keïta', 'Jean Hounkpè'];
	const userRows = await db
		.insert(users)
		.values(
			Array.from({ length: 40 }, (_, i) => ({
				email: `bench-exp-${run}-${i}@bench.example`,
				displayName: `${people[i % people.length]} ${i + 1}`,
				handle: `bench-exp-${run}-${i}`,
				// Nobody logs in: any string stands in for a hash.
				passwordHash: 'bench',
				organisationId: org!.id,
				country: 'SN'
			}))
		)
		.returning({ id: users.id, email: users.email, displayName: users.displayName });
	const userIds = userRows.map((u) => u.id);

	// Mostly public spaces, one for members, one private the reader is not in: the access
	// filter has work too.
	const spaceDefs = [
		{ name: 'Gestion des mutuelles', visibility: 'public' as const, share: 30 },
		{ name: 'Micro-assurance santé', visibility: 'members' as const, share: 20 },
		{ name: 'Subventions et politiques publiques', visibility: 'public' as const, share: 20 },
		{ name: 'Sénégal', visibility: 'public' as const, share: 15 },
		{ name: 'Burkina Faso', visibility: 'public' as const, share: 10 },
		{ name: 'Bureau de la Concertation', visibility: 'private' as const, share: 5 }
	];
	const spaceRows = await db
		.insert(spaces)
		.values(
			spaceDefs.map((s, i) => ({
				slug: `banc-exp-${run}-${i}`,
				name: s.name,
				visibility: s.visibility,
				description: `Espace de mesure ${run}.`,
				descriptionHtml: `<p>Espace de mesure ${run}.</p>`
			}))
		)
		.returning({ id: spaces.id, slug: spaces.slug });
	const spaceIds = spaceRows.map((s) => s.id);
	await db.insert(spaceMembers).values(userIds.slice(1, 6).map((userId) => ({ spaceId: spaceIds[5]!, userId })));
	const spaceTable = spaceDefs.map((s, i) => [spaceIds[i]!, s.share] as const);

	let generateMs = 0;
	let started = performance.now();
	const now = Date.now();
	const day = 86_400_000;
	await db.transaction(async (tx) => {
		for (let from = 0; from < ficheCount; from += BATCH) {
			const t0 = performance.now();
			const rows = Array.from({ length: Math.min(BATCH, ficheCount - from) }, (_, k) => {
				const i = from + k;
				const content = generateFiche(i);
				const author = userIds[i % userIds.length]!;
				// Published over the last eight years, older experiences written up earlier.
				const publishedAt = new Date(now - Math.floor((2026 - content.startYear! + random() * 3) * 0.25 * 365 * day));
				return {
					id: randomUUID(),
					spaceId: weighted(spaceTable),
					status: 'published' as const,
					draft: content,
					createdBy: author,
					createdAt: publishedAt,
					updatedAt: publishedAt,
					submittedAt: publishedAt,
					published: content,
					publishedVersion: 1,
					publishedAt,
					firstPublishedAt: publishedAt,
					title: content.title,
					summary: content.summary,
					countries: content.countries,
					mechanism: content.mechanism,
					targets: content.targets,
					area: content.area,
					startYear: content.startYear,
					endYear: content.endYear,
					hasResults: content.results.length > 0 || content.indicators.length > 0,
					members: content.members,
					search: searchVectorOf(content)
				};
			});
			generateMs += performance.now() - t0;
			await tx.insert(experiences).values(rows);
			await tx
				.insert(experienceAuthors)
				.values(rows.map((r) => ({ experienceId: r.id, userId: r.createdBy, createdAt: r.createdAt })));
		}
	});
	const insertMs = performance.now() - started - generateMs;

	started = performance.now();
	// Fresh statistics, as autovacuum would give a real server some time after the load.
	await db.execute(sql`analyze`);
	const analyzeMs = performance.now() - started;

	// The reader: a signed-in member, in none of the private spaces.
	const reader: NonNullable<Auth> = {
		user: { id: userIds[0]!, email: userRows[0]!.email, displayName: userRows[0]!.displayName, role: 'member', locale: 'fr' },
		session: { id: 'bench', expiresAt: new Date(now + day) }
	};
	return {
		userIds,
		spaceIds,
		orgId: org!.id,
		reader,
		spaceSlugs: spaceRows.map((s) => s.slug),
		timings: { generateMs, insertMs, analyzeMs }
	};
}

/** Removes what the bench wrote to a real server (an embedded one is simply deleted). */
async function unseed(db: Database, seeded: Seeded) {
	await db.transaction(async (tx) => {
		await tx.delete(experiences).where(inArray(experiences.spaceId, seeded.spaceIds));
		await tx.delete(spaces).where(inArray(spaces.id, seeded.spaceIds));
		await tx.delete(users).where(inArray(users.id, seeded.userIds));
		await tx.delete(organisations).where(inArray(organisations.id, [seeded.orgId]));
	});
}

/* Queries */

/** Frequent words, rare words, phrases, accents or not, a place name, a word no fiche has. */
const TEXTS = [
	'mutuelle',
	'cotisation',
	'santé',
	'paquet minimum',
	'subvention demande',
	'tiers payant',
	'"fonds d’équité"',
	'reassurance',
	'réassurance épidémie',
	'précompte salaire',
	'indigents comités villageois',
	'Kaolack',
	'Bobo-Dioulasso',
	'N’Zérékoré',
	'groupements femmes',
	'paiement mobile',
	'medicaments generiques',
	'viabilité financière',
	'gestion démocratique fraude',
	'informatisation registre',
	'hôpital régional convention',
	'maternité',
	'tontine',
	'gratuité enfants',
	'capitalisation',
	'sinistralité',
	'mutuelle -microcrédit',
	'trésorerie OR réserves',
	'hydroélectricité'
];

function facetFilters(i: number): Partial<ExperienceListInput> {
	const filters: Partial<ExperienceListInput> = {};
	const n = 1 + (i % 3);
	const kinds = ['pays', 'mecanisme', 'cible', 'milieu', 'periode', 'resultats'] as const;
	for (let k = 0; k < n; k++) {
		const kind = kinds[(i * 5 + k * 7) % kinds.length]!;
		if (kind === 'pays') filters.pays = i % 4 === 0 ? [pick(COUNTRIES)[0], pick(COUNTRIES)[0]] : [weighted(COUNTRIES)];
		if (kind === 'mecanisme') filters.mecanisme = [weighted(MECHANISMS)];
		if (kind === 'cible') filters.cible = i % 5 === 0 ? [weighted(TARGETS), weighted(TARGETS)] : [weighted(TARGETS)];
		if (kind === 'milieu') filters.milieu = [pick(['rural', 'urban', 'mixed'] as const)];
		if (kind === 'periode') {
			const from = 2000 + Math.floor(random() * 20);
			filters.de = from;
			filters.a = from + 1 + Math.floor(random() * 8);
		}
		if (kind === 'resultats') filters.resultats = pick(['0', '1'] as const);
	}
	return filters;
}

/** A third filters only, a third text only, a third both; some sorted by relevance, some in one space. */
function browseQueries(slugs: string[]): ExperienceListInput[] {
	return Array.from({ length: queryCount }, (_, i) => {
		const kind = i % 3;
		const query: ExperienceListInput = { pays: [], mecanisme: [], cible: [], milieu: [] };
		if (kind !== 1) Object.assign(query, facetFilters(i));
		if (kind !== 0) query.q = TEXTS[i % TEXTS.length]!;
		if (query.q && i % 2 === 0) query.tri = 'pertinence';
		if (i % 13 === 7) query.espace = slugs[i % 5]!;
		return query;
	});
}

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number) => Math.round(n * 10) / 10;

/** The service the browse page and the API call, built as server/services.ts builds it (no sockets). */
function buildService(db: Database): ExperiencesService {
	const realtime = new LateBoundPublisher();
	const notifications = new NotificationsService(db, realtime);
	const spaceService = new SpacesService(db, realtime, notifications);
	notifications.bindSpaces(spaceService.repo);
	const threadService = new ThreadsService(db, spaceService, new AccountsRepository(db), notifications, realtime);
	return new ExperiencesService(db, spaceService, threadService, notifications, 'http://localhost');
}
const VIA = 'ExperiencesService.list (in-process: one page of 20 + facet counts + total)';

async function measure(lister: ExperiencesService, seeded: Seeded) {
	const queries = browseQueries(seeded.spaceSlugs);
	for (const query of queries.slice(0, 10)) await lister.list(seeded.reader, query); // warm-up
	const times: number[] = [];
	const byKind: Record<'filters' | 'text' | 'both', number[]> = { filters: [], text: [], both: [] };
	let slowest = { ms: 0, query: '' };
	let totals = 0;
	let empty = 0;
	let failures = 0;
	let firstError = '';
	for (const query of queries) {
		const started = performance.now();
		try {
			const result = await lister.list(seeded.reader, query);
			totals += result.total;
			if (result.total === 0) empty++;
		} catch (error) {
			failures++;
			firstError ||= (error as Error).message;
		}
		const ms = performance.now() - started;
		times.push(ms);
		const hasFilters = Object.entries(query).some(
			([k, v]) => k !== 'q' && k !== 'tri' && v !== undefined && !(Array.isArray(v) && v.length === 0)
		);
		byKind[query.q ? (hasFilters ? 'both' : 'text') : 'filters'].push(ms);
		if (ms > slowest.ms) slowest = { ms, query: describe(query) };
	}
	const stats = (list: number[]) => {
		const sorted = [...list].sort((a, b) => a - b);
		return sorted.length === 0
			? { n: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 }
			: {
					n: sorted.length,
					p50Ms: round(percentile(sorted, 50)),
					p95Ms: round(percentile(sorted, 95)),
					maxMs: round(sorted.at(-1)!)
				};
	};
	return {
		queries: queries.length,
		...stats(times),
		filters: stats(byKind.filters),
		text: stats(byKind.text),
		both: stats(byKind.both),
		slowest: slowest.query,
		slowestMs: round(slowest.ms),
		averageTotal: Math.round(totals / queries.length),
		emptyResults: empty,
		failures,
		firstError
	};
}

const describe = (query: ExperienceListInput) =>
	new URLSearchParams(
		Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]))
	).toString();

/**
 * Where the time goes: the same queries again, straight on the repository, timing the page
 * (by date or relevance) and the facet counts apart. The filters are built here as the
 * service builds them (the reader reads every bench space but the private one).
 */
async function breakdown(service: ExperiencesService, seeded: Seeded) {
	const readable = seeded.spaceIds.slice(0, 5);
	const page: number[] = [];
	const facets: number[] = [];
	for (const input of browseQueries(seeded.spaceSlugs)) {
		const q = experienceListQuery.parse(input);
		const filters: ExperienceFilters = {
			spaceIds: q.espace ? readable.filter((_, i) => seeded.spaceSlugs[i] === q.espace) : readable,
			countries: q.pays,
			mechanisms: q.mecanisme,
			targets: q.cible,
			areas: q.milieu,
			from: q.de,
			to: q.a,
			hasResults: q.resultats === undefined ? undefined : q.resultats === '1',
			text: q.q || undefined
		};
		let started = performance.now();
		if (q.tri === 'pertinence' && filters.text) await service.repo.pageByRelevance({ ...filters, text: filters.text }, 0, 21);
		else await service.repo.pageByDate(filters, null, 21);
		page.push(performance.now() - started);
		started = performance.now();
		await service.repo.facets(filters);
		facets.push(performance.now() - started);
	}
	const stats = (list: number[]) => {
		const sorted = [...list].sort((a, b) => a - b);
		return { p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), maxMs: round(sorted.at(-1)!) };
	};
	return { page: stats(page), facets: stats(facets) };
}

/* Run */

const handle = await openDatabase({ databaseUrl, dataDir });
let seeded: Seeded | undefined;
try {
	const seedStarted = performance.now();
	seeded = await seed(handle.db);
	const seedSeconds = (performance.now() - seedStarted) / 1000;
	const lister = buildService(handle.db);
	const result = await measure(lister, seeded);
	const parts = await breakdown(lister, seeded);

	const driver = databaseUrl ? 'PostgreSQL' : 'PGlite';
	const row = (label: string, value: string, note: string) => console.log(`${label.padEnd(34)} ${value.padStart(24)}   ${note}`);
	console.log(`\nPalabre fiches d’expérience benchmark — ${driver}, ${ficheCount.toLocaleString('en')} published fiches\n`);
	console.log(
		`Seeded in ${seedSeconds.toFixed(1)}s: generate ${(seeded.timings.generateMs / 1000).toFixed(1)}s, ` +
			`insert ${(seeded.timings.insertMs / 1000).toFixed(1)}s ` +
			`(${Math.round(ficheCount / (seeded.timings.insertMs / 1000)).toLocaleString('en')} fiches/s, batches of ${BATCH}), ` +
			`analyze ${(seeded.timings.analyzeMs / 1000).toFixed(1)}s`
	);
	console.log(`Measured through: ${VIA}\n`);
	console.log(`${'measure'.padEnd(34)} ${'p50 / p95 / max'.padStart(24)}   note`);
	const triple = (s: { p50Ms: number; p95Ms: number; maxMs: number }) => `${s.p50Ms} / ${s.p95Ms} / ${s.maxMs} ms`;
	row(
		`list + facets, all (${result.queries})`,
		triple(result),
		`average total ${result.averageTotal}, empty ${result.emptyResults}`
	);
	row(`  filters only (${result.filters.n})`, triple(result.filters), '1–3 facets');
	row(`  full text only (${result.text.n})`, triple(result.text), 'frequent and rare words');
	row(`  text + filters (${result.both.n})`, triple(result.both), '');
	row('  of which: page of 20', triple(parts.page), 'repository, by date or relevance');
	row('  of which: facet counts + total', triple(parts.facets), 'repository, one UNION ALL statement');
	row('slowest query', `${result.slowestMs} ms`, result.slowest);
	if (result.failures > 0) console.log(`\nNote: ${result.failures} queries failed; first error: ${result.firstError}`);
	console.log('');
	console.log(
		JSON.stringify({
			bench: 'experiences',
			driver: databaseUrl ? 'postgres' : 'pglite',
			via: VIA,
			seed: {
				seconds: round(seedSeconds),
				fiches: ficheCount,
				batch: BATCH,
				insertSeconds: round(seeded.timings.insertMs / 1000),
				analyzeSeconds: round(seeded.timings.analyzeMs / 1000)
			},
			list: result,
			breakdown: parts
		})
	);
} finally {
	if (dataDir) {
		await handle.close();
		rmSync(dataDir, { recursive: true, force: true });
	} else {
		if (seeded) await unseed(handle.db, seeded);
		await handle.close();
	}
}
