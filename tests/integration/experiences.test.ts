import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, experiences, notifications, spaceMembers, spaces, users } from '../../db/schema/index.ts';
import { experienceFields } from '../../server/modules/experiences/experiences.diff.ts';
import { EXPORT_COLUMNS } from '../../server/modules/experiences/experiences.service.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';
import { pdf, png } from '../helpers/files.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

const get = (url: string, user?: TestUser) => t.app.inject({ url, headers: user ? { cookie: user.cookie } : {} });
const send = (method: 'POST' | 'PUT', url: string, user: TestUser | null, payload?: object) =>
	t.app.inject({
		method,
		url,
		headers: { origin: TEST_ORIGIN, ...(user ? { cookie: user.cookie } : {}) },
		...(payload ? { payload } : {})
	});

/** A fiche that passes every rule; `over` changes some fields. */
function fiche(over: Record<string, unknown> = {}) {
	return {
		title: 'Mutuelle de santé de Thiès',
		summary: 'Une mutuelle communautaire qui couvre les soins primaires de trois mille familles, en milieu rural.',
		organisations: ['Union des mutuelles de Thiès'],
		countries: ['SN'],
		area: 'rural',
		startYear: 2015,
		endYear: null,
		mechanism: 'mutuelle_communautaire',
		targets: ['rural_agricole', 'femmes'],
		members: 3000,
		membersYear: 2022,
		contributionAmount: 3500,
		currency: 'XOF',
		contributionFrequency: 'annuelle',
		subsidies: 'Subvention de l’État pour les indigents',
		subsidySource: 'Agence de la couverture maladie universelle',
		benefits: 'Consultations et **médicaments essentiels**.',
		partners: 'District sanitaire',
		results: 'Taux de recouvrement de 85 %.',
		indicators: [{ name: 'Taux de recouvrement', value: 85, unit: '%', year: 2022 }],
		difficulties: 'Recouvrement irrégulier des cotisations en saison sèche.',
		lessons: 'Collecter les cotisations juste après les récoltes améliore nettement le recouvrement.',
		links: [{ label: 'Rapport annuel', url: 'https://example.org/rapport' }],
		...over
	};
}

const moderatorOf = (spaceId: string, user: TestUser) =>
	t.database.db.insert(spaceMembers).values({ spaceId, userId: user.id, role: 'moderator', status: 'active' });

const handleOf = async (user: TestUser) =>
	(await t.database.db.select({ handle: users.handle }).from(users).where(eq(users.id, user.id)))[0]!.handle;

async function createFiche(author: TestUser, slug: string, content: object = fiche()) {
	const res = await send('POST', `/api/v1/spaces/${slug}/experiences`, author, content);
	expect(res.statusCode, res.body).toBe(201);
	return res.json<{ id: string }>().id;
}

/** Created by `author`, submitted, published by `moderator`. */
async function publishedFiche(author: TestUser, moderator: TestUser, slug: string, content: object = fiche()) {
	const id = await createFiche(author, slug, content);
	expect((await send('POST', `/api/v1/experiences/${id}/submit`, author)).statusCode).toBe(200);
	const published = await send('POST', `/api/v1/experiences/${id}/publish`, moderator);
	expect(published.statusCode, published.body).toBe(200);
	return id;
}

describe('fields', () => {
	it('refuses each bad value with a message on its field', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const cases: [Record<string, unknown>, string, string][] = [
			[{ currency: 'ABC' }, 'currency', 'devise'],
			[{ startYear: 2020, endYear: 2018 }, 'endYear', 'précéder'],
			[{ members: -5 }, 'members', 'négatif'],
			[{ countries: ['ZZ'] }, 'countries.0', 'pays'],
			[{ links: [{ label: 'x', url: 'javascript:alert(1)' }] }, 'links.0.url', 'https://'],
			[{ links: [{ label: 'x', url: 'pas une adresse' }] }, 'links.0.url', 'https://'],
			[{ summary: 'a'.repeat(601) }, 'summary', 'trop long'],
			[{ mechanism: 'autre', mechanismOther: '' }, 'mechanismOther', 'autre'],
			[{ contributionAmount: 1000, currency: null }, 'currency', 'devise'],
			[{ mechanism: 'inconnu' }, 'mechanism', 'mécanisme'],
			[{ area: 'lunaire' }, 'area', 'milieu'],
			[{ targets: ['tout le monde'] }, 'targets.0', 'populations'],
			[{ startYear: 1800 }, 'startYear', '1950']
		];
		for (const [over, field, words] of cases) {
			const res = await send('POST', `/api/v1/spaces/${slug}/experiences`, author, fiche(over));
			expect(res.statusCode, JSON.stringify(over)).toBe(400);
			const fields = res.json().error.fields as Record<string, string>;
			expect(fields[field], `${JSON.stringify(over)} → ${JSON.stringify(fields)}`).toContain(words);
		}
		// 600 characters is the limit, not over it.
		expect(
			(await send('POST', `/api/v1/spaces/${slug}/experiences`, author, fiche({ summary: 'a'.repeat(600) }))).statusCode
		).toBe(201);
	});

	it('saves a half-filled draft, and submitting asks for every required field', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const id = await createFiche(author, slug, { title: 'Bro', members: 12 });
		const draft = (await get(`/api/v1/experiences/${id}`, author)).json();
		expect(draft).toMatchObject({ status: 'draft', content: { title: 'Bro', members: 12, countries: [] } });
		const refused = await send('POST', `/api/v1/experiences/${id}/submit`, author);
		expect(refused.statusCode).toBe(400);
		expect(Object.keys(refused.json().error.fields).sort()).toEqual(
			['countries', 'lessons', 'mechanism', 'startYear', 'summary', 'targets', 'title'].sort()
		);
		expect((await get(`/api/v1/experiences/${id}`, author)).json().status).toBe('draft');
	});
});

describe('contact person', () => {
	it('names any active member by @handle, refusing unknown and suspended ones on the field', async () => {
		const { slug, admin } = await createSpace(t);
		const author = await createUser(t);
		const contact = await createUser(t);
		const suspended = await createUser(t);
		await t.database.db.update(users).set({ status: 'suspended' }).where(eq(users.id, suspended.id));
		const refused: [Record<string, unknown>, string][] = [
			[{ contactHandle: '@personne-inconnue-xyz' }, 'contactHandle'],
			[{ contactHandle: 'pas un identifiant' }, 'contactHandle'],
			[{ contactHandle: `@${await handleOf(suspended)}` }, 'contactHandle'],
			[{ contactUserId: suspended.id }, 'contactUserId'],
			[{ contactUserId: '00000000-0000-4000-8000-000000000000' }, 'contactUserId']
		];
		for (const [over, field] of refused) {
			const res = await send('POST', `/api/v1/spaces/${slug}/experiences`, author, fiche(over));
			expect(res.statusCode, JSON.stringify(over)).toBe(400);
			expect(res.json().error.fields).toEqual({ [field]: expect.stringContaining('identifiant') });
		}

		// Not an author: any member may be the contact, named with or without the @, in any case.
		const handle = await handleOf(contact);
		const id = await createFiche(author, slug, fiche({ contactHandle: `@${handle.toUpperCase()}` }));
		const url = `/api/v1/experiences/${id}`;
		const expected = { id: contact.id, handle, url: `/membres/${contact.id}` };
		expect((await get(url, author)).json()).toMatchObject({ content: { contactUserId: contact.id }, contact: expected });
		expect((await send('POST', `${url}/submit`, author)).statusCode).toBe(200);
		expect((await send('POST', `${url}/publish`, admin)).statusCode).toBe(200);
		expect((await get(url)).json()).toMatchObject({ content: { contactUserId: contact.id }, contact: expected });

		// A contact suspended since: readers no longer see them; the authors' other edits still go through.
		await t.database.db.update(users).set({ status: 'suspended' }).where(eq(users.id, contact.id));
		expect((await get(url)).json().contact).toBeNull();
		const kept = await send('PUT', url, author, fiche({ contactHandle: `@${handle}`, members: 3100 }));
		expect(kept.statusCode, kept.body).toBe(200);
		expect(kept.json()).toMatchObject({ content: { contactUserId: contact.id, members: 3100 }, contact: { id: contact.id } });
		// An empty handle: nobody.
		const cleared = await send('PUT', url, author, fiche({ contactHandle: '' }));
		expect(cleared.json()).toMatchObject({ content: { contactUserId: null }, contact: null });
	});
});

describe('life cycle', () => {
	it('goes draft → submitted → returned → submitted → published, each step by the right people', async () => {
		const { slug, id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const member = await createUser(t);
		const moderator = await createUser(t);
		await moderatorOf(spaceId, moderator);
		const other = await createSpace(t);
		const otherModerator = await createUser(t);
		await moderatorOf(other.id, otherModerator);

		expect((await send('POST', `/api/v1/spaces/${slug}/experiences`, null, fiche())).statusCode).toBe(401);
		const id = await createFiche(author, slug);
		const url = `/api/v1/experiences/${id}`;

		// A draft: its authors only.
		expect((await get(url, author)).json()).toMatchObject({
			status: 'draft',
			url: `/experiences/${id}`,
			authors: [{ id: author.id }],
			can: { edit: true, submit: true, publish: false }
		});
		for (const who of [undefined, member, moderator, otherModerator]) expect((await get(url, who)).statusCode).toBe(404);
		expect((await send('PUT', url, member, fiche({ title: 'Piraté' }))).statusCode).toBe(404);
		expect((await send('POST', `${url}/submit`, member)).statusCode).toBe(404);
		expect((await send('POST', `${url}/publish`, moderator)).statusCode).toBe(404);

		// Submitted: the space's moderators see it and decide; authors and members may not.
		expect((await send('POST', `${url}/submit`, author)).json().status).toBe('submitted');
		expect((await send('POST', `${url}/submit`, author)).statusCode).toBe(409);
		expect((await get(url, moderator)).json().can).toMatchObject({ publish: true, return: true, edit: false });
		expect((await get(url, member)).statusCode).toBe(404);
		expect((await get(url, otherModerator)).statusCode).toBe(404);
		expect((await send('POST', `${url}/publish`, author)).statusCode).toBe(403);
		expect((await send('POST', `${url}/return`, author, { comment: 'Moi-même' })).statusCode).toBe(403);
		expect((await send('POST', `${url}/publish`, otherModerator)).statusCode).toBe(404);
		expect((await send('PUT', url, moderator, fiche())).statusCode).toBe(403);
		const queue = (await get('/api/v1/experiences/submitted', moderator)).json().items;
		expect(queue.map((i: { id: string }) => i.id)).toContain(id);
		expect((await get('/api/v1/experiences/submitted', member)).json().items).toEqual([]);

		// Returned with a comment (required).
		expect((await send('POST', `${url}/return`, moderator, { comment: '' })).statusCode).toBe(400);
		const returned = await send('POST', `${url}/return`, moderator, { comment: 'Précisez les résultats chiffrés.' });
		expect(returned.statusCode).toBe(200);
		expect(returned.json()).toMatchObject({ status: 'returned', returnComment: 'Précisez les résultats chiffrés.' });
		expect((await send('POST', `${url}/publish`, moderator)).statusCode).toBe(409);
		const edited = await send('PUT', url, author, fiche({ results: 'Taux de recouvrement de 87 % en 2023.' }));
		expect(edited.json()).toMatchObject({ status: 'returned', content: { results: 'Taux de recouvrement de 87 % en 2023.' } });
		expect((await send('POST', `${url}/submit`, author)).json().status).toBe('submitted');

		// Published: version 1, its facets, its thread; readers see it.
		const published = await send('POST', `${url}/publish`, moderator);
		expect(published.statusCode, published.body).toBe(200);
		const out = published.json();
		expect(out).toMatchObject({ status: 'published', publishedVersion: 1, returnComment: null });
		expect(out.published.results).toBe('Taux de recouvrement de 87 % en 2023.');
		expect(out.thread).toMatchObject({ id: expect.any(String), url: `/fils/${out.thread.id}` });
		const thread = (await get(`/api/v1/threads/${out.thread.id}?n=1`)).json();
		expect(thread.thread).toMatchObject({ title: 'Mutuelle de santé de Thiès', author: { id: author.id } });
		expect(thread.thread.space.slug).toBe(slug);
		expect(thread.posts[0].body ?? thread.posts[0].bodyHtml).toContain(`/experiences/${id}`);
		const anonymous = (await get(url)).json();
		expect(anonymous).toMatchObject({
			status: 'published',
			content: { title: 'Mutuelle de santé de Thiès' },
			returnComment: null
		});
		expect(anonymous.can).toEqual({ edit: false, submit: false, publish: false, return: false, addAuthor: false, attach: false });
		const versions = (await get(`${url}/versions`)).json().items;
		expect(versions).toHaveLength(1);
		expect(versions[0]).toMatchObject({
			number: 1,
			submittedBy: { id: author.id },
			approvedBy: { id: moderator.id },
			changes: []
		});
		const listed = (await get(`/api/v1/experiences?espace=${slug}`)).json();
		expect(listed.items).toEqual([
			expect.objectContaining({ id, countries: ['SN'], mechanism: 'mutuelle_communautaire', area: 'rural', hasResults: true })
		]);

		// Audit: every step, in order, by whom.
		const rows = await t.database.db
			.select()
			.from(auditLog)
			.where(eq(auditLog.targetId, id))
			.orderBy(asc(auditLog.at), asc(auditLog.id));
		expect(rows.map((r) => [r.action, r.actorId, r.targetType, r.spaceId])).toEqual([
			['experience.create', author.id, 'experience', spaceId],
			['experience.submit', author.id, 'experience', spaceId],
			['experience.return', moderator.id, 'experience', spaceId],
			['experience.submit', author.id, 'experience', spaceId],
			['experience.publish', moderator.id, 'experience', spaceId]
		]);
		expect(rows[2]!.reason).toBe('Précisez les résultats chiffrés.');

		// The author heard of both decisions.
		const notes = await t.database.db
			.select()
			.from(notifications)
			.where(and(eq(notifications.userId, author.id), eq(notifications.kind, 'moderation')))
			.orderBy(asc(notifications.createdAt));
		expect(notes.map((n) => n.data)).toEqual([
			expect.objectContaining({ action: 'experience.return', comment: 'Précisez les résultats chiffrés.', experienceId: id }),
			expect.objectContaining({ action: 'experience.publish', comment: null, experienceId: id })
		]);
		const page = (await get('/api/v1/notifications', author)).json();
		expect(page.items[0].url).toBe(`/experiences/${id}`);
	});

	it('is created only by those who may post in the space', async () => {
		const { slug, id: spaceId } = await createSpace(t);
		const priv = await createSpace(t, { visibility: 'private' });
		const member = await createUser(t);
		expect((await send('POST', `/api/v1/spaces/${priv.slug}/experiences`, member, fiche())).statusCode).toBe(404);
		await t.database.db.update(spaces).set({ archivedAt: new Date() }).where(eq(spaces.id, spaceId));
		expect((await send('POST', `/api/v1/spaces/${slug}/experiences`, member, fiche())).statusCode).toBe(403);
	});

	it('adds co-authors, and a revision becomes version 2 with its changes listed', async () => {
		const { slug, id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const coauthor = await createUser(t);
		const member = await createUser(t);
		const moderator = await createUser(t);
		await moderatorOf(spaceId, moderator);
		const id = await publishedFiche(author, moderator, slug);
		const url = `/api/v1/experiences/${id}`;
		const threadId = (await get(url)).json().thread.id;

		const handle = await handleOf(coauthor);
		expect((await send('POST', `${url}/authors`, member, { handle })).statusCode).toBe(403);
		expect((await send('POST', `${url}/authors`, author, { handle: 'personne-inconnue-xyz' })).statusCode).toBe(400);
		const added = await send('POST', `${url}/authors`, author, { handle: `@${handle}` });
		expect(added.statusCode).toBe(200);
		expect(added.json().authors.map((a: { id: string }) => a.id)).toEqual([author.id, coauthor.id]);
		expect((await send('POST', `${url}/authors`, author, { handle })).statusCode).toBe(409);

		// The co-author revises: readers keep the published version meanwhile.
		const revised = fiche({
			summary: 'Une mutuelle communautaire qui couvre les soins primaires de cinq mille familles, en milieu rural.',
			members: 5000
		});
		expect((await send('PUT', url, coauthor, revised)).json()).toMatchObject({ status: 'draft', content: { members: 5000 } });
		expect((await get(url, member)).json()).toMatchObject({ status: 'draft', content: { members: 3000 }, publishedVersion: 1 });
		expect((await send('PUT', url, member, revised)).statusCode).toBe(403);
		expect((await send('POST', `${url}/submit`, member)).statusCode).toBe(403);
		expect((await send('POST', `${url}/publish`, member)).statusCode).toBe(403);
		expect((await send('POST', `${url}/submit`, coauthor)).statusCode).toBe(200);
		expect((await send('POST', `${url}/publish`, author)).statusCode).toBe(403);
		expect((await send('POST', `${url}/publish`, member)).statusCode).toBe(403);
		const v2 = await send('POST', `${url}/publish`, moderator);
		expect(v2.json()).toMatchObject({ publishedVersion: 2, content: { members: 5000 }, thread: { id: threadId } });

		const versions = (await get(`${url}/versions`)).json().items;
		expect(versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
		expect(versions[1].submittedBy.id).toBe(coauthor.id);
		expect(versions[1].approvedBy.id).toBe(moderator.id);
		const changes = versions[1].changes as { field: string; before: unknown; after: unknown; words?: [number, string][] }[];
		expect(changes.map((c) => c.field)).toEqual(['summary', 'members']);
		expect(changes[1]).toMatchObject({ before: 3000, after: 5000 });
		expect(changes[0]!.words).toContainEqual([-1, 'trois']);
		expect(changes[0]!.words).toContainEqual([1, 'cinq']);
		const published = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'experience.publish')));
		expect(published.map((r) => r.after)).toEqual([{ version: 1 }, { version: 2 }]);
		const authorAdd = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'experience.author_add')));
		expect(authorAdd).toHaveLength(1);
	});

	it('records the files each version was published with, and which were added or removed', async () => {
		const { slug, admin } = await createSpace(t);
		const author = await createUser(t);
		const upload = async (id: string, name: string, bytes: Buffer) => {
			const res = await t.app.inject({
				method: 'POST',
				url: `/api/v1/experiences/${id}/attachments?nom=${encodeURIComponent(name)}`,
				headers: { origin: TEST_ORIGIN, cookie: author.cookie, 'content-type': 'application/octet-stream' },
				payload: bytes
			});
			expect(res.statusCode, res.body).toBe(201);
			return res.json<{ id: string }>().id;
		};
		const id = await createFiche(author, slug);
		const url = `/api/v1/experiences/${id}`;
		const report = await upload(id, 'Rapport 2023.pdf', pdf());
		expect((await send('POST', `${url}/submit`, author)).statusCode).toBe(200);
		expect((await send('POST', `${url}/publish`, admin)).statusCode).toBe(200);

		// Between the versions: a chart added, the report removed; and a third version without change.
		const chart = await upload(id, 'Graphique.png', png());
		const removed = await t.app.inject({
			method: 'DELETE',
			url: `/api/v1/attachments/${report}`,
			headers: { origin: TEST_ORIGIN, cookie: author.cookie }
		});
		expect(removed.statusCode).toBeLessThan(300);
		for (const members of [3200, 3300]) {
			expect((await send('PUT', url, author, fiche({ members }))).statusCode).toBe(200);
			expect((await send('POST', `${url}/submit`, author)).statusCode).toBe(200);
			expect((await send('POST', `${url}/publish`, admin)).statusCode).toBe(200);
		}

		const versions = (await get(`${url}/versions`)).json().items;
		const reportFile = { id: report, filename: 'Rapport 2023.pdf', url: null };
		const chartFile = { id: chart, filename: 'Graphique.png', url: `/api/v1/attachments/${chart}` };
		expect(versions[0]).toMatchObject({ attachments: [reportFile], attachmentChanges: null });
		expect(versions[1]).toMatchObject({
			attachments: [chartFile],
			attachmentChanges: { added: [chartFile], removed: [reportFile] },
			changes: [{ field: 'members' }]
		});
		expect(versions[2]).toMatchObject({ attachments: [chartFile], attachmentChanges: { added: [], removed: [] } });
		// The file list is not a field of the content: readers and exports see the same content as before.
		expect(Object.keys((await get(url)).json().published)).toEqual([...experienceFields]);
	});
});

describe('finding, comparing and exporting', () => {
	let slug: string;
	const ids: string[] = [];
	/** Six fiches with known facets (see each line). */
	const data = [
		fiche({
			title: 'Mutuelle des récoltes de Kaolack',
			countries: ['SN', 'ML'],
			mechanism: 'mutuelle_communautaire',
			targets: ['rural_agricole', 'femmes'],
			area: 'rural',
			startYear: 2015,
			endYear: null
		}),
		fiche({
			title: 'Mutuelle des commerçants de Dakar',
			countries: ['SN'],
			mechanism: 'mutuelle_communautaire',
			targets: ['secteur_informel'],
			area: 'urban',
			startYear: 2018,
			endYear: 2020,
			results: '',
			indicators: [],
			lessons: 'Les commerçants cotisent mieux quand la collecte se fait au marché, chaque semaine.'
		}),
		fiche({
			title: 'Micro-assurance des femmes de Ségou',
			countries: ['ML'],
			mechanism: 'micro_assurance',
			targets: ['femmes'],
			area: 'rural',
			startYear: 2010,
			endYear: 2014,
			lessons: 'Adosser la micro-assurance aux groupements d’épargne, après les récoltes de coton.'
		}),
		fiche({
			title: '=HYPERLINK("x") fonds d’équité de Bouaké',
			countries: ['CI'],
			mechanism: 'fonds_equite',
			targets: ['malades_chroniques'],
			area: 'urban',
			startYear: 2019,
			endYear: null,
			results: '',
			indicators: [],
			lessons: 'Identifier les indigents avec les chefs de quartier évite la plupart des contestations.'
		}),
		fiche({
			title: 'Subvention de la demande à Bobo-Dioulasso',
			countries: ['BF', 'SN'],
			mechanism: 'subvention_demande',
			targets: ['femmes', 'jeunes'],
			area: 'mixed',
			startYear: 2021,
			endYear: 2023,
			lessons: 'Des bons de soins nominatifs limitent les fraudes, à condition de les contrôler.'
		}),
		fiche({
			title: 'Micro-assurance des artisans de Saint-Louis',
			countries: ['SN'],
			mechanism: 'micro_assurance',
			targets: ['secteur_informel', 'femmes'],
			area: null,
			startYear: 2012,
			endYear: 2016,
			results: '',
			indicators: [],
			lessons: 'Un agent de collecte par quartier a doublé le nombre de cotisants réguliers.'
		})
	];

	beforeAll(async () => {
		const space = await createSpace(t);
		slug = space.slug;
		const author = await createUser(t);
		for (const content of data) ids.push(await publishedFiche(author, space.admin, slug, content));
		// A draft in the same space is never listed.
		await createFiche(author, slug, fiche({ title: 'Brouillon non publié' }));
	});

	const list = async (query: string) => {
		const res = await get(`/api/v1/experiences?espace=${slug}${query ? `&${query}` : ''}`);
		expect(res.statusCode, res.body).toBe(200);
		return res.json();
	};
	const counts = (facet: { value: string; count: number }[]) => Object.fromEntries(facet.map((f) => [f.value, f.count]));

	it('counts each facet value, each facet with the other filters applied', async () => {
		const all = await list('');
		expect(all.total).toBe(6);
		expect(all.items.map((i: { id: string }) => i.id)).toEqual([...ids].reverse());
		expect(counts(all.facets.countries)).toEqual({ SN: 4, ML: 2, CI: 1, BF: 1 });
		expect(counts(all.facets.mechanism)).toEqual({
			mutuelle_communautaire: 2,
			micro_assurance: 2,
			fonds_equite: 1,
			subvention_demande: 1
		});
		expect(counts(all.facets.targets)).toEqual({
			femmes: 4,
			secteur_informel: 2,
			rural_agricole: 1,
			malades_chroniques: 1,
			jeunes: 1
		});
		expect(counts(all.facets.area)).toEqual({ rural: 2, urban: 2, mixed: 1 });
		expect(counts(all.facets.hasResults)).toEqual({ true: 3, false: 3 });
		expect(all.facets.countries[0]).toEqual({ value: 'SN', count: 4 });

		const senegal = await list('pays=SN');
		expect(senegal.total).toBe(4);
		expect(counts(senegal.facets.countries)).toEqual({ SN: 4, ML: 2, CI: 1, BF: 1 });
		expect(counts(senegal.facets.mechanism)).toEqual({ mutuelle_communautaire: 2, subvention_demande: 1, micro_assurance: 1 });
		expect(counts(senegal.facets.targets)).toEqual({ femmes: 3, secteur_informel: 2, rural_agricole: 1, jeunes: 1 });
		expect(counts(senegal.facets.area)).toEqual({ rural: 1, urban: 1, mixed: 1 });
		expect(counts(senegal.facets.hasResults)).toEqual({ true: 2, false: 2 });

		const both = await list('pays=SN&mecanisme=micro_assurance');
		expect(both.items.map((i: { id: string }) => i.id)).toEqual([ids[5]]);
		expect(counts(both.facets.countries)).toEqual({ ML: 1, SN: 1 });
		expect(counts(both.facets.mechanism)).toEqual({ mutuelle_communautaire: 2, subvention_demande: 1, micro_assurance: 1 });

		// Multi-valued filters: repeated or comma-separated, "any of".
		expect((await list('pays=CI&pays=BF')).total).toBe(2);
		expect((await list('pays=CI,BF')).total).toBe(2);
		expect((await list('cible=jeunes,malades_chroniques')).total).toBe(2);
		expect((await list('milieu=urban')).total).toBe(2);
		expect((await list('resultats=1')).total).toBe(3);
		expect(counts((await list('resultats=1')).facets.hasResults)).toEqual({ true: 3, false: 3 });
		expect((await list('resultats=0&pays=SN')).total).toBe(2);
		// Period: years overlapping 2015–2016 (Kaolack from 2015, ongoing; Saint-Louis 2012–2016).
		const period = await list('de=2015&a=2016');
		expect(period.items.map((i: { id: string }) => i.id).sort()).toEqual([ids[0], ids[5]].sort());
		expect((await get(`/api/v1/experiences?pays=ZZ`)).statusCode).toBe(400);
	});

	it('searches in French, by date or by relevance', async () => {
		// "recoltes" finds "récoltes": in a title (weight A) and in lessons learned (weight C).
		const byDate = await list('q=recoltes');
		expect(byDate.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[0]]);
		const byRelevance = await list('q=recoltes&tri=pertinence');
		expect(byRelevance.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[2]]);
		expect(byRelevance.total).toBe(2);
		expect(counts(byRelevance.facets.countries)).toEqual({ SN: 1, ML: 2 });
		expect((await list('q=commerçants')).items.map((i: { id: string }) => i.id)).toEqual([ids[1]]);
	});

	it('compares two to four readable published fiches, field by field', async () => {
		const res = await get(`/api/v1/experiences/compare?ids=${ids[0]},${ids[2]}`);
		expect(res.statusCode, res.body).toBe(200);
		const body = res.json();
		expect(body.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[2]]);
		expect(body.fields.map((f: { field: string }) => f.field)).toEqual(experienceFields);
		expect(body.fields.find((f: { field: string }) => f.field === 'mechanism').values).toEqual([
			'mutuelle_communautaire',
			'micro_assurance'
		]);
		expect((await get(`/api/v1/experiences/compare?ids=${ids[0]}`)).statusCode).toBe(400);
		expect((await get(`/api/v1/experiences/compare?ids=${ids.slice(0, 5).join(',')}`)).statusCode).toBe(400);
		const author = await createUser(t);
		const draft = await createFiche(author, slug);
		expect((await get(`/api/v1/experiences/compare?ids=${ids[0]},${draft}`)).statusCode).toBe(404);
	});

	it('exports every field of every fiche, as JSON and as CSV', async () => {
		const json = await get(`/api/v1/experiences/export?format=json&espace=${slug}`);
		expect(json.statusCode, json.body).toBe(200);
		expect(json.headers['content-type']).toContain('application/json');
		const rows = json.json() as Record<string, unknown>[];
		expect(rows).toHaveLength(6);
		for (const [i, content] of data.entries()) {
			const row = rows.find((r) => r.id === ids[i])!;
			expect(Object.keys(row).sort()).toEqual([...EXPORT_COLUMNS].sort());
			expect(row).toMatchObject({ url: `${TEST_ORIGIN}/experiences/${ids[i]}`, version: 1, space: slug });
			for (const field of experienceFields) {
				const expected = (content as Record<string, unknown>)[field];
				expect(row[field], field).toEqual(expected ?? (field === 'mechanismOther' || field === 'targetsOther' ? '' : null));
			}
		}

		const csv = await get(`/api/v1/experiences/export?format=csv&espace=${slug}&pays=SN`);
		expect(csv.statusCode).toBe(200);
		expect(csv.headers['content-type']).toContain('text/csv');
		expect(csv.body.startsWith('\uFEFF')).toBe(true);
		const [header, ...lines] = parseCsv(csv.body.slice(1));
		expect(header).toEqual([...EXPORT_COLUMNS]);
		expect(lines).toHaveLength(4);
		const first = Object.fromEntries(header!.map((h, i) => [h, lines.find((l) => l[0] === ids[0])![i]]));
		expect(first).toMatchObject({
			title: 'Mutuelle des récoltes de Kaolack',
			summary: data[0]!.summary,
			countries: 'SN; ML',
			targets: 'rural_agricole; femmes',
			endYear: '',
			members: '3000',
			currency: 'XOF',
			indicators: 'Taux de recouvrement: 85 % (2022)',
			links: 'Rapport annuel <https://example.org/rapport>',
			organisations: 'Union des mutuelles de Thiès',
			version: '1'
		});
		// A cell that would run as a formula is defused.
		const all = parseCsv((await get(`/api/v1/experiences/export?espace=${slug}&pays=CI`)).body.slice(1));
		expect(all[1]![EXPORT_COLUMNS.indexOf('title')]).toBe('\'=HYPERLINK("x") fonds d’équité de Bouaké');
	});

	it('lists only what the caller may read', async () => {
		const priv = await createSpace(t, { visibility: 'private' });
		const author = await createUser(t);
		await t.database.db.insert(spaceMembers).values({ spaceId: priv.id, userId: author.id, role: 'member', status: 'active' });
		const id = await publishedFiche(author, priv.admin, priv.slug);
		const outsider = await createUser(t);
		expect((await get(`/api/v1/experiences/${id}`, outsider)).statusCode).toBe(404);
		expect((await get(`/api/v1/experiences?espace=${priv.slug}`, outsider)).json()).toMatchObject({ items: [], total: 0 });
		expect((await get(`/api/v1/experiences?espace=${priv.slug}`, author)).json().total).toBe(1);
		expect((await get(`/api/v1/experiences/compare?ids=${id},${ids[0]}`, outsider)).statusCode).toBe(404);
	});
});

describe('paging', () => {
	it('walks every fiche once, 20 a page, even when they share a publication instant', async () => {
		const { slug, id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const at = new Date('2024-03-01T10:00:00.123Z');
		const content = fiche();
		await t.database.db.insert(experiences).values(
			Array.from({ length: 23 }, (_, i) => ({
				spaceId,
				createdBy: author.id,
				status: 'published' as const,
				draft: content,
				published: content,
				publishedVersion: 1,
				// Three share each instant: the id breaks the tie.
				publishedAt: new Date(at.getTime() + Math.floor(i / 3)),
				title: `Fiche ${i}`,
				summary: content.summary,
				countries: content.countries,
				mechanism: content.mechanism,
				startYear: content.startYear
			}))
		);
		const seen: string[] = [];
		let next: string | null = null;
		let pages = 0;
		do {
			const res = await get(`/api/v1/experiences?espace=${slug}${next ? `&apres=${next}` : ''}`);
			expect(res.statusCode, res.body).toBe(200);
			const page = res.json();
			expect(page.total).toBe(23);
			seen.push(...page.items.map((i: { id: string }) => i.id));
			next = page.next;
			pages++;
		} while (next && pages < 5);
		expect(pages).toBe(2);
		expect(new Set(seen).size).toBe(23);
		expect((await get(`/api/v1/experiences?apres=nimporte-quoi`)).statusCode).toBe(400);
	});
});

describe('API', () => {
	it('documents every operation', async () => {
		const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
		const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) =>
			Object.values(ops).map((op) => op.operationId)
		);
		expect(ids).toEqual(
			expect.arrayContaining(
				['list', 'get', 'create', 'update', 'submit', 'publish', 'return', 'versions', 'compare', 'export', 'addAuthor'].map(
					(verb) => `experiences.${verb}`
				)
			)
		);
	});
});

/** RFC 4180, enough for the test: quoted fields with doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\r' && text[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else field += c;
	}
	if (field || row.length) rows.push([...row, field]);
	return rows;
}
