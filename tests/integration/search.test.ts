import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts, threads, users } from '../../db/schema/index.ts';
import { tidyMarkdownRuns } from '../../server/modules/search/snippet.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, reply, type TestUser } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

type Runs = [string, boolean][];
interface Result {
	kind: 'thread' | 'post' | 'experience';
	id: string;
	url: string;
	number: number | null;
	thread: { id: string; title: string; url: string } | null;
	title: Runs;
	space: { slug: string; name: string };
	author: { displayName: string; handle: string };
	createdAt: string;
	snippet: Runs;
}

const search = (params: Record<string, string>, cookie?: string) =>
	t.app.inject({ url: `/api/v1/search?${new URLSearchParams(params)}`, headers: cookie ? { cookie } : {} });

async function found(params: Record<string, string>, cookie?: string): Promise<Result[]> {
	const res = await search(params, cookie);
	expect(res.statusCode, res.body).toBe(200);
	return res.json<{ items: Result[] }>().items;
}

const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, cookie: string, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, cookie }, ...(payload ? { payload } : {}) });

/** A made-up word no other test writes: French stemming leaves it whole, so a test finds only its own rows. */
function uniqueWord(): string {
	const letters = 'bcdfghjklmnpqrstvz';
	let word = 'zorg';
	for (let i = 0; i < 8; i++) word += letters[randomInt(letters.length)];
	return word;
}

const text = (runs: Runs) => runs.map(([s]) => s).join('');
const marked = (runs: Runs) => runs.filter(([, h]) => h).map(([s]) => s);

async function handleOf(user: TestUser) {
	const [row] = await t.database.db.select({ handle: users.handle }).from(users).where(eq(users.id, user.id));
	return row!.handle;
}

describe('search: matching', () => {
	it('stems French words: "cotisations" finds "cotisation", marked in the snippet', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId, firstPostId } = await createThread(t, author, slug, {
			title: 'Réunion du bureau de mars',
			body: 'Le bureau a voté : la cotisation annuelle passe à 1 000 FCFA par adhérent.'
		});
		const items = await found({ q: 'cotisations', space: slug });
		expect(items).toHaveLength(1);
		const [hit] = items;
		expect(hit).toMatchObject({
			kind: 'post',
			id: firstPostId,
			number: 1,
			url: `/fils/${threadId}?n=1#p-1`,
			thread: { id: threadId, title: 'Réunion du bureau de mars', url: `/fils/${threadId}` },
			space: { slug }
		});
		expect(marked(hit!.snippet)).toEqual(['cotisation']);
		expect(text(hit!.snippet)).toContain('la cotisation annuelle passe à 1 000 FCFA');
	});

	it('ignores accents both ways, and marks the words as written', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug, { title: 'Protection des données', body: 'Premier message.' });
		const accented = (await reply(t, author, threadId, { body: 'La sécurité des données des adhérents, mise en œuvre.' })).json();
		const plain = (await reply(t, author, threadId, { body: 'Une securite renforcee pour les caisses.' })).json();

		const fromPlain = await found({ q: 'securite', space: slug });
		expect(fromPlain.map((r) => r.id).sort()).toEqual([accented.id, plain.id].sort());
		const accentedHit = fromPlain.find((r) => r.id === accented.id)!;
		expect(marked(accentedHit.snippet)).toEqual(['sécurité']);
		// The original text, œ and all, even though the headline was computed on unaccented text.
		expect(text(accentedHit.snippet)).toBe('La sécurité des données des adhérents, mise en œuvre.');

		const fromAccented = await found({ q: 'Sécurité', space: slug });
		expect(fromAccented.map((r) => r.id).sort()).toEqual([accented.id, plain.id].sort());
		expect(marked(fromAccented.find((r) => r.id === plain.id)!.snippet)).toEqual(['securite']);

		const title = await found({ q: 'donnees', space: slug });
		const thread = title.find((r) => r.kind === 'thread')!;
		expect(thread.title).toEqual([
			['Protection des ', false],
			['données', true]
		]);
	});

	it('tolerates a typo in a title: "mutuele" finds "mutuelle", "cotisaton" finds "cotisations"', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug, {
			title: 'Quelle mutuelle pour les artisans ?',
			body: 'Nous cherchons une offre adaptée.'
		});
		const items = await found({ q: 'mutuele', space: slug });
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ kind: 'thread', id: threadId, url: `/fils/${threadId}`, number: null });
		// A thread's result shows the start of its first post.
		expect(text(items[0]!.snippet)).toBe('Nous cherchons une offre adaptée.');

		// French stemming already folds "mutuele" into "mutuel"; this one only trigrams catch.
		const calendar = await createThread(t, author, slug, { title: 'Calendrier des cotisations', body: 'Échéances.' });
		expect((await found({ q: 'cotisaton', space: slug })).map((r) => r.id)).toEqual([calendar.threadId]);
		expect(await found({ q: 'calendrer', space: slug })).toHaveLength(1);
		// Too short for trigrams to mean anything: full text only.
		expect(await found({ q: 'cal', space: slug })).toEqual([]);
	});

	it('returns what authors typed as text, never as markup', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug, {
			title: 'Cotisation <img src=x onerror=alert(1)> annuelle',
			body: 'Premier message.'
		});
		const body = 'Voir <script>alert("x")</script> avant de payer la cotisation\u0002 <b>vite</b>';
		const post = (await reply(t, author, threadId, { body })).json();
		const items = await found({ q: 'cotisation', space: slug });
		const hit = items.find((r) => r.id === post.id)!;
		// ts_headline would have dropped the tags; we keep them, as inert text.
		expect(text(hit.snippet)).toBe('Voir <script>alert("x")</script> avant de payer la cotisation\u0002 <b>vite</b>');
		expect(marked(hit.snippet)).toEqual(['cotisation']);
		const thread = items.find((r) => r.kind === 'thread')!;
		expect(thread.title).toEqual([
			['Cotisation', true],
			[' <img src=x onerror=alert(1)> annuelle', false]
		]);
	});

	it('cuts a long post down to short fragments around the matches', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const filler = (n: number) => Array.from({ length: n }, (_, i) => `phrase ${i} sans rapport.`).join(' ');
		const body = `${filler(30)} Pour la mise en œuvre, la sécurité des caisses <b>prime</b>. ${filler(30)}`;
		const { firstPostId } = await createThread(t, author, slug, { title: 'Un long message', body });
		const hit = (await found({ q: 'securite', space: slug })).find((r) => r.id === firstPostId)!;
		const snippet = text(hit.snippet);
		expect(snippet.length).toBeLessThan(250);
		expect(snippet).toMatch(/^… .*mise en œuvre, la sécurité des caisses <b>prime<\/b>\. .* …$/);
		expect(marked(hit.snippet)).toEqual(['sécurité']);
	});

	it('gives back the XSS corpora (shared/testdata/xss) as the very text that was written', async () => {
		const corpus = ['xss-quick-payloadsallthethings.txt', 'xss-polyglots-payloadsallthethings.txt', 'xss-rsnake-seclists.txt']
			.flatMap((file) =>
				readFileSync(new URL(`../../../shared/testdata/xss/${file}`, import.meta.url), 'utf8')
					.split('\n')
					.slice(1)
			)
			.map((line) => line.trim())
			.filter((line) => line.length >= 2);
		expect(corpus.length).toBeGreaterThan(100);
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const bodyWord = uniqueWord();
		const titleWord = uniqueWord();
		const { threadId } = await createThread(t, author, slug, { title: 'Recueil de charges', body: 'Premier message.' });
		const bodies = new Map<string, string>();
		const titles = new Map<string, string>();
		for (const payload of corpus) {
			const body = `${bodyWord} ${payload}`.slice(0, 280).trim();
			const res = await reply(t, author, threadId, { body });
			expect(res.statusCode, payload).toBe(201);
			bodies.set(res.json<{ id: string }>().id, body);
			const title = `${titleWord} ${payload}`.slice(0, 150).trim();
			titles.set((await createThread(t, author, slug, { title, body: 'Texte.' })).threadId, title);
		}
		const all = async (q: string) => {
			const items: Result[] = [];
			let after: string | null = null;
			do {
				const page: { items: Result[]; next: string | null } = (
					await search({ q, space: slug, sort: 'date', ...(after ? { after } : {}) })
				).json();
				items.push(...page.items);
				after = page.next;
			} while (after);
			return items;
		};
		const bodyHits = await all(bodyWord);
		expect(bodyHits).toHaveLength(bodies.size);
		for (const hit of bodyHits) {
			const body = bodies.get(hit.id)!;
			expect(text(hit.snippet), body).toBe(text(tidyMarkdownRuns([[body, false]])));
			expect(marked(hit.snippet), body).toEqual([bodyWord]);
		}
		const titleHits = await all(titleWord);
		expect(titleHits).toHaveLength(titles.size);
		for (const hit of titleHits) {
			const title = titles.get(hit.id)!;
			expect(text(hit.title), title).toBe(title);
			expect(marked(hit.title), title).toEqual([titleWord]);
		}
	}, 60_000);

	it('keeps Markdown syntax out of snippets', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug, {
			title: 'Paquet minimum de soins',
			body: '## Constat\n\nLe **paquet minimum** couvre les soins [de base](https://example.org/pm).\n\n| soin | part |\n| --- | --- |\n| consultation | 80 % |'
		});
		// One result: the thread found by its title stands for its opening post, whose snippet it shows.
		const items = await found({ q: 'paquet', space: slug });
		expect(items.map((r) => [r.kind, r.id])).toEqual([['thread', threadId]]);
		expect(text(items[0]!.snippet)).toBe('Constat Le paquet minimum couvre les soins de base. soin part consultation 80 %');
		expect(marked(items[0]!.snippet)).toEqual(['paquet']);
	});
});

describe('search: filters and pages', () => {
	it('filters by space, author and dates', async () => {
		const word = uniqueWord();
		const a = await createSpace(t);
		const b = await createSpace(t);
		const awa = await createUser(t);
		const ibrahim = await createUser(t);
		const first = await createThread(t, awa, a.slug, { title: 'Rapport annuel', body: `Bilan ${word} de la mutuelle.` });
		const second = await createThread(t, ibrahim, b.slug, { title: 'Rapport financier', body: `Comptes ${word} certifiés.` });
		const old = (await reply(t, ibrahim, second.threadId, { body: `Ancien ${word} de janvier.` })).json();
		await t.database.db
			.update(posts)
			.set({ createdAt: new Date('2020-01-15T10:00:00Z') })
			.where(eq(posts.id, old.id));

		const ids = async (params: Record<string, string>) => (await found({ q: word, ...params })).map((r) => r.id).sort();
		expect(await ids({})).toEqual([first.firstPostId, second.firstPostId, old.id].sort());
		expect(await ids({ space: a.slug })).toEqual([first.firstPostId]);
		expect(await ids({ author: await handleOf(awa) })).toEqual([first.firstPostId]);
		expect(await ids({ author: `@${(await handleOf(ibrahim)).toUpperCase()}` })).toEqual([second.firstPostId, old.id].sort());
		expect(await ids({ from: '2020-01-15', to: '2020-01-15' })).toEqual([old.id]);
		expect(await ids({ to: '2020-01-14' })).toEqual([]);
		expect(await ids({ from: '2020-01-16' })).toEqual([first.firstPostId, second.firstPostId].sort());
		expect(await ids({ author: 'personne-inconnue' })).toEqual([]);
		expect(await ids({ space: 'espace-inexistant' })).toEqual([]);
	});

	it('pages by rank or by date with a keyset cursor: no duplicates, nothing missed', async () => {
		const word = uniqueWord();
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		// The opening post matches too, but the thread's result stands for it.
		const { threadId } = await createThread(t, author, slug, { title: `Fil ${word}`, body: `Début ${word}.` });
		const expected = [threadId];
		for (let i = 0; i < 23; i++) {
			// Varying repetition gives varying ranks, and equal ones too (ties broken by id).
			const res = await reply(t, author, threadId, { body: `${`${word} `.repeat(1 + (i % 3))}numéro ${i}` });
			expected.push(res.json<{ id: string }>().id);
		}
		for (const sort of ['relevance', 'date']) {
			const seen: string[] = [];
			let after: string | null = null;
			let pages = 0;
			do {
				const res = await search({ q: word, sort, ...(after ? { after } : {}) });
				expect(res.statusCode).toBe(200);
				const page = res.json<{ items: Result[]; next: string | null }>();
				seen.push(...page.items.map((r) => r.id));
				after = page.next;
				pages++;
			} while (after && pages < 10);
			expect(pages).toBe(2);
			expect(new Set(seen).size).toBe(seen.length);
			expect(seen.sort()).toEqual([...expected].sort());
		}
		const byDate = await found({ q: word, sort: 'date' });
		const dates = byDate.map((r) => r.createdAt);
		expect(dates).toEqual([...dates].sort().reverse());
		const byRank = await found({ q: word });
		expect(byRank[0]).toMatchObject({ kind: 'thread', id: threadId });
	});

	it('refuses malformed queries with 400', async () => {
		const first = await search({ q: 'mutuelle' });
		const next = first.json<{ next: string | null }>().next;
		const malformed: Record<string, string>[] = [
			{},
			{ q: 'a' },
			{ q: 'x'.repeat(201) },
			{ q: 'mutuelle', page: '2' },
			{ q: 'mutuelle', from: '15/01/2020' },
			{ q: 'mutuelle', from: '2020-02-01', to: '2020-01-01' },
			{ q: 'mutuelle', sort: 'popularity' },
			{ q: 'mutuelle', author: 'a b' },
			{ q: 'mutuelle', after: 'not-a-cursor' },
			...(next ? [{ q: 'mutuelle', sort: 'date', after: next }] : [])
		];
		for (const params of malformed) {
			const res = await search(params);
			expect(res.statusCode, JSON.stringify(params)).toBe(400);
			expect(res.json().error.code).toBe('validation_failed');
		}
	});
});

describe('search: access', () => {
	it('never shows a private space to outsiders, nor a members space to visitors', async () => {
		const word = uniqueWord();
		const priv = await createSpace(t, { visibility: 'private' });
		const members = await createSpace(t, { visibility: 'members' });
		const insider = await createUser(t);
		const leaver = await createUser(t);
		const outsider = await createUser(t);
		const otherAdmin = await createUser(t, { role: 'admin' });
		for (const user of [insider, leaver]) {
			const invited = await send('POST', `/api/v1/spaces/${priv.slug}/invitations`, priv.admin.cookie, {
				handle: await handleOf(user)
			});
			expect(invited.statusCode).toBe(201);
			expect((await send('POST', `/api/v1/spaces/${priv.slug}/membership`, user.cookie)).statusCode).toBe(200);
		}
		const secret = await createThread(t, insider, priv.slug, {
			title: `Budget confidentiel ${word}`,
			body: `Chiffres ${word} internes.`
		});
		const secretReply = (await reply(t, insider, secret.threadId, { body: `Réponse ${word} interne.` })).json<{ id: string }>();
		const reserved = await createThread(t, insider, members.slug, { title: `Note ${word}`, body: `Réservé ${word}.` });
		const reservedReply = (await reply(t, insider, reserved.threadId, { body: `Suite ${word}.` })).json<{ id: string }>();
		expect((await send('DELETE', `/api/v1/spaces/${priv.slug}/members/${leaver.id}`, priv.admin.cookie)).statusCode).toBe(200);

		const ids = async (cookie?: string, params: Record<string, string> = {}) =>
			(await found({ q: word, ...params }, cookie)).map((r) => r.id).sort();
		const privateIds = [secret.threadId, secretReply.id];
		const membersIds = [reserved.threadId, reservedReply.id];
		expect(await ids(insider.cookie)).toEqual([...privateIds, ...membersIds].sort());
		expect(await ids(otherAdmin.cookie)).toEqual([...privateIds, ...membersIds].sort());
		expect(await ids(outsider.cookie)).toEqual([...membersIds].sort());
		expect(await ids(leaver.cookie)).toEqual([...membersIds].sort());
		expect(await ids()).toEqual([]);
		// Naming the space, or going through the typo-tolerant title match, changes nothing.
		for (const cookie of [undefined, outsider.cookie, leaver.cookie]) {
			expect(await ids(cookie, { space: priv.slug })).toEqual([]);
			expect(await found({ q: `confidentiel ${word.slice(0, -1)}` }, cookie)).toEqual([]);
		}
		expect(await ids(undefined, { space: members.slug })).toEqual([]);
		expect((await found({ q: `confidentiel ${word.slice(0, -1)}` }, insider.cookie)).map((r) => r.id)).toEqual([secret.threadId]);
	});

	it('never finds deleted posts or threads, not even for moderators', async () => {
		const word = uniqueWord();
		const { slug, admin } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug, { title: 'Un fil ordinaire', body: 'Bonjour.' });
		const post = (await reply(t, author, threadId, { body: `Message ${word} à retirer` })).json();
		expect((await found({ q: word }, admin.cookie)).map((r) => r.id)).toEqual([post.id]);
		expect((await send('DELETE', `/api/v1/posts/${post.id}`, author.cookie)).statusCode).toBe(200);
		expect(await found({ q: word }, admin.cookie)).toEqual([]);
		expect(await found({ q: word })).toEqual([]);

		const gone = await createThread(t, author, slug, { title: `Fil ${word} supprimé`, body: `Texte ${word}.` });
		expect((await found({ q: word }, admin.cookie)).map((r) => r.id)).toEqual([gone.threadId]);
		await t.database.db.update(threads).set({ deletedAt: new Date() }).where(eq(threads.id, gone.threadId));
		expect(await found({ q: word }, admin.cookie)).toEqual([]);
	});
});

describe('search: fiches d’expérience', () => {
	/** A fiche that passes the submission rules, `lessons` being where the test's word goes. */
	const content = (title: string, lessons: string) => ({
		title,
		summary: 'Une mutuelle communautaire qui couvre les soins primaires de familles rurales.',
		countries: ['SN'],
		startYear: 2018,
		mechanism: 'mutuelle_communautaire',
		targets: ['rural_agricole'],
		lessons
	});

	async function draftFiche(author: TestUser, slug: string, title: string, lessons: string) {
		const res = await send('POST', `/api/v1/spaces/${slug}/experiences`, author.cookie, content(title, lessons));
		expect(res.statusCode, res.body).toBe(201);
		return res.json<{ id: string }>().id;
	}

	async function publish(id: string, author: TestUser, moderator: TestUser) {
		expect((await send('POST', `/api/v1/experiences/${id}/submit`, author.cookie)).statusCode).toBe(200);
		expect((await send('POST', `/api/v1/experiences/${id}/publish`, moderator.cookie)).statusCode).toBe(200);
	}

	async function publishedFiche(author: TestUser, moderator: TestUser, slug: string, title: string, lessons: string) {
		const id = await draftFiche(author, slug, title, lessons);
		await publish(id, author, moderator);
		return id;
	}

	it('finds a published fiche by a word of its lessons learned, never a draft nor an unpublished revision', async () => {
		const word = uniqueWord();
		const { slug, admin } = await createSpace(t);
		const author = await createUser(t);
		const title = 'Mutuelle de Fandène : cotiser après la récolte';
		const id = await publishedFiche(author, admin, slug, title, `Caler la cotisation sur la récolte du ${word} paie.`);

		const [hit, ...others] = await found({ q: word });
		expect(others).toEqual([]);
		expect(hit).toMatchObject({
			kind: 'experience',
			id,
			url: `/experiences/${id}`,
			number: null,
			thread: null,
			space: { slug },
			author: { id: author.id, handle: await handleOf(author) }
		});
		expect(text(hit!.title)).toBe(title);
		expect(marked(hit!.snippet)).toEqual([word]);
		expect(text(hit!.snippet)).toContain(`Caler la cotisation sur la récolte du ${word} paie.`);
		// A word of its title is marked there, and French stemming applies as for threads.
		const byTitle = (await found({ q: `récoltes ${word}` })).find((r) => r.id === id)!;
		expect(marked(byTitle.title)).toEqual(['récolte']);
		// Filters: any of its authors, its publication date, its space.
		expect((await found({ q: word, author: await handleOf(author) })).map((r) => r.id)).toEqual([id]);
		expect(await found({ q: word, author: await handleOf(admin) })).toEqual([]);
		expect(await found({ q: word, to: '2020-01-01' })).toEqual([]);
		expect((await found({ q: word, sort: 'date', space: slug })).map((r) => r.id)).toEqual([id]);

		// Drafts and submitted fiches: found by nobody, not even their author or a moderator.
		const draftWord = uniqueWord();
		const draft = await draftFiche(author, slug, 'Brouillon de fiche', `Une leçon ${draftWord} pas encore publiée.`);
		expect(await found({ q: draftWord }, author.cookie)).toEqual([]);
		expect((await send('POST', `/api/v1/experiences/${draft}/submit`, author.cookie)).statusCode).toBe(200);
		expect(await found({ q: draftWord }, admin.cookie)).toEqual([]);

		// A revision is found once published, not before; the published text until then.
		const revisedWord = uniqueWord();
		const revised = await send(
			'PUT',
			`/api/v1/experiences/${id}`,
			author.cookie,
			content(title, `Leçon révisée ${revisedWord}.`)
		);
		expect(revised.statusCode, revised.body).toBe(200);
		expect(await found({ q: revisedWord }, author.cookie)).toEqual([]);
		expect((await found({ q: word })).map((r) => r.id)).toEqual([id]);
		await publish(id, author, admin);
		expect((await found({ q: revisedWord })).map((r) => r.id)).toEqual([id]);
		expect(await found({ q: word })).toEqual([]);
	});

	it('keeps private fiches from outsiders', async () => {
		const word = uniqueWord();
		const priv = await createSpace(t, { visibility: 'private' });
		const members = await createSpace(t, { visibility: 'members' });
		const insider = await createUser(t);
		const outsider = await createUser(t);
		const invited = await send('POST', `/api/v1/spaces/${priv.slug}/invitations`, priv.admin.cookie, {
			handle: await handleOf(insider)
		});
		expect(invited.statusCode).toBe(201);
		expect((await send('POST', `/api/v1/spaces/${priv.slug}/membership`, insider.cookie)).statusCode).toBe(200);
		const secret = await publishedFiche(insider, priv.admin, priv.slug, 'Fiche interne', `Leçon ${word} confidentielle.`);
		const reserved = await publishedFiche(insider, members.admin, members.slug, 'Fiche du réseau', `Leçon ${word} réservée.`);

		const ids = async (cookie?: string, params: Record<string, string> = {}) =>
			(await found({ q: word, ...params }, cookie)).map((r) => r.id).sort();
		expect(await ids(insider.cookie)).toEqual([secret, reserved].sort());
		expect(await ids(outsider.cookie)).toEqual([reserved]);
		expect(await ids(outsider.cookie, { space: priv.slug })).toEqual([]);
		expect(await ids()).toEqual([]);
	});

	it('pages through posts and fiches together, by rank or by date', async () => {
		const word = uniqueWord();
		const { slug, admin } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug, { title: 'Un fil', body: 'Sans le mot.' });
		const expected: string[] = [];
		for (let i = 0; i < 18; i++) {
			const res = await reply(t, author, threadId, { body: `${`${word} `.repeat(1 + (i % 3))}numéro ${i}` });
			expected.push(res.json<{ id: string }>().id);
		}
		for (let i = 0; i < 3; i++) {
			expected.push(await publishedFiche(author, admin, slug, `Fiche numéro ${i}`, `Leçon ${`${word} `.repeat(1 + i)}apprise.`));
		}
		for (const sort of ['relevance', 'date']) {
			const seen: Result[] = [];
			let after: string | null = null;
			let pages = 0;
			do {
				const res = await search({ q: word, sort, ...(after ? { after } : {}) });
				expect(res.statusCode).toBe(200);
				const page = res.json<{ items: Result[]; next: string | null }>();
				seen.push(...page.items);
				after = page.next;
				pages++;
			} while (after && pages < 10);
			expect(pages).toBe(2);
			const ids = seen.map((r) => r.id);
			expect(new Set(ids).size).toBe(ids.length);
			expect(ids.sort()).toEqual([...expected].sort());
			expect(seen.filter((r) => r.kind === 'experience')).toHaveLength(3);
			if (sort === 'date') {
				const dates = seen.map((r) => r.createdAt);
				expect(dates).toEqual([...dates].sort().reverse());
			}
		}
	});
});
