import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, watchedWords } from '../../db/schema/index.ts';
import { WatchedWordBlockedError } from '../../server/modules/moderation/watched-words.service.ts';
import { parseCsv } from '../../server/modules/moderation/watched-words.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createUser, type TestUser } from '../helpers/factories.ts';

/*
 * The list is site-wide: on a shared PostgreSQL other test files run beside this one, so
 * every phrase here carries a unique tag and assertions look at our own phrases only.
 */
let t: TestApp;
let admin: TestUser;
let member: TestUser;
let siteModerator: TestUser;
const tag = randomUUID().slice(0, 8);
const p = (phrase: string) => `${phrase} ${tag}`;
const BASE = '/api/v1/moderation/watched-words';

beforeAll(async () => {
	t = await createTestApp();
	// One after the other: concurrent sign-ups with the same name race for the same handle.
	admin = await createUser(t, { role: 'admin' });
	member = await createUser(t);
	siteModerator = await createUser(t, { role: 'moderator' });
});
afterAll(async () => {
	const ours = (await t.database.db.select().from(watchedWords)).filter((w) => w.phrase.includes(tag));
	for (const w of ours) await t.database.db.delete(watchedWords).where(eq(watchedWords.id, w.id));
	await t.close();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, cookie?: string, payload?: object) =>
	t.app.inject({
		method,
		url,
		headers: { origin: TEST_ORIGIN, 'accept-language': 'fr', ...(cookie ? { cookie } : {}) },
		...(payload ? { payload } : {})
	});

const auditFor = (targetId: string, action: string) =>
	t.database.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)))
		.orderBy(desc(auditLog.id));

async function add(phrase: string, action = 'review', more: object = {}) {
	const res = await call('POST', BASE, admin.cookie, { phrase, action, ...more });
	expect(res.statusCode, res.body).toBe(201);
	return res.json<{ id: string; phrase: string }>();
}

describe('who may manage the list', () => {
	it('admins only: members and site moderators 403, visitors 401, on every operation', async () => {
		const target = await add(p('cible'));
		const operations: [string, 'GET' | 'POST' | 'PUT' | 'DELETE', string, object | undefined, number][] = [
			['list', 'GET', BASE, undefined, 200],
			['create', 'POST', BASE, { phrase: p('nouveau'), action: 'block' }, 201],
			['update', 'PUT', `${BASE}/${target.id}`, { phrase: p('cible'), action: 'block' }, 200],
			['import', 'POST', `${BASE}/import`, { csv: `phrase,action\n${p('importé')},review\n`, mode: 'merge' }, 200],
			['export', 'GET', `${BASE}/export`, undefined, 200],
			['delete', 'DELETE', `${BASE}/${target.id}`, undefined, 200]
		];
		for (const [name, method, url, payload, adminStatus] of operations) {
			expect((await call(method, url, undefined, payload)).statusCode, `${name} anonymous`).toBe(401);
			expect((await call(method, url, member.cookie, payload)).statusCode, `${name} member`).toBe(403);
			expect((await call(method, url, siteModerator.cookie, payload)).statusCode, `${name} moderator`).toBe(403);
			const res = await call(method, url, admin.cookie, payload);
			expect(res.statusCode, `${name} admin: ${res.body}`).toBe(adminStatus);
		}
	});
});

describe('changing the list', () => {
	it('adds an entry, audited with what it became', async () => {
		const phrase = p('Sécurité');
		const created = await add(phrase, 'replace', { replacement: 'protection', wholeWord: false });
		expect(created).toMatchObject({ phrase, action: 'replace', replacement: 'protection', wholeWord: false });
		const list = (await call('GET', BASE, admin.cookie)).json<{ items: { id: string }[] }>().items;
		expect(list.map((w) => w.id)).toContain(created.id);

		const [row] = await auditFor(created.id, 'watched_word.create');
		expect(row).toMatchObject({
			actorId: admin.id,
			targetType: 'watched_word',
			targetLabel: phrase,
			before: null,
			after: { phrase, action: 'replace', replacement: 'protection', wholeWord: false }
		});
	});

	it('refuses the same phrase twice, accents and case aside (409 on the phrase)', async () => {
		await add(p('délai'));
		const again = await call('POST', BASE, admin.cookie, { phrase: p('DELAI'), action: 'block' });
		expect(again.statusCode).toBe(409);
		expect(again.json().error.fields.phrase).toMatch(/déjà dans la liste/);
	});

	it('checks the input: an action, and a replacement for replace', async () => {
		const res = await call('POST', BASE, admin.cookie, { phrase: p('sans'), action: 'replace' });
		expect(res.statusCode).toBe(400);
		expect(Object.keys(res.json().error.fields)).toEqual(['replacement']);
		const bad = await call('POST', BASE, admin.cookie, { phrase: ' ', action: 'supprimer' });
		expect(bad.statusCode).toBe(400);
		expect(Object.keys(bad.json().error.fields).sort()).toEqual(['action', 'phrase']);
	});

	it('updates an entry, audited before and after; 404 for an unknown one', async () => {
		const created = await add(p('virement'), 'review');
		const res = await call('PUT', `${BASE}/${created.id}`, admin.cookie, {
			phrase: p('virement urgent'),
			action: 'block',
			replacement: 'ignoré',
			wholeWord: true
		});
		expect(res.statusCode).toBe(200);
		expect(res.json()).toMatchObject({ phrase: p('virement urgent'), action: 'block', replacement: null });
		const [row] = await auditFor(created.id, 'watched_word.update');
		expect(row).toMatchObject({
			actorId: admin.id,
			before: { phrase: p('virement'), action: 'review', replacement: null, wholeWord: true },
			after: { phrase: p('virement urgent'), action: 'block', replacement: null, wholeWord: true }
		});
		const missing = await call('PUT', `${BASE}/${randomUUID()}`, admin.cookie, { phrase: p('x'), action: 'block' });
		expect(missing.statusCode).toBe(404);
	});

	it('deletes an entry, audited with what it was', async () => {
		const created = await add(p('retirer'), 'block');
		expect((await call('DELETE', `${BASE}/${created.id}`, admin.cookie)).statusCode).toBe(200);
		expect((await call('DELETE', `${BASE}/${created.id}`, admin.cookie)).statusCode).toBe(404);
		const [row] = await auditFor(created.id, 'watched_word.delete');
		expect(row).toMatchObject({ actorId: admin.id, before: { phrase: p('retirer'), action: 'block' }, after: null });
	});
});

describe('check', () => {
	it('gives the verdict against the list as it is now, changes included at once', async () => {
		const word = `escroquerie${tag}`;
		const body = `Attention : ESCROQUERIE${tag.toUpperCase()} en vue`;
		await t.services.watchedWords.check(body); // fills the cache
		const created = await add(word, 'block');
		expect(await t.services.watchedWords.check(body)).toEqual({
			action: 'block',
			phrase: word,
			match: `ESCROQUERIE${tag.toUpperCase()}`
		});
		await call('PUT', `${BASE}/${created.id}`, admin.cookie, { phrase: word, action: 'replace', replacement: '[…]' });
		expect(await t.services.watchedWords.check(body)).toEqual({ action: 'allow', body: 'Attention : […] en vue' });
		await call('DELETE', `${BASE}/${created.id}`, admin.cookie);
		expect(await t.services.watchedWords.check(body)).toEqual({ action: 'allow', body });
	});

	it('refuses a blocked post with 422 watched_word_blocked, naming the word on the body field', () => {
		const fr = new WatchedWordBlockedError('arnaque', 'fr');
		expect(fr).toMatchObject({ status: 422, code: 'watched_word_blocked' });
		expect(fr.messageKey).toContain('« arnaque »');
		expect(fr.fields?.body).toBe(fr.messageKey);
		expect(new WatchedWordBlockedError('arnaque', 'en').messageKey).toContain('“arnaque”');
	});
});

describe('CSV import and export', () => {
	const tricky = () => [
		{ phrase: p('a, b'), action: 'block', replacement: null, wholeWord: true },
		{ phrase: p('il a dit "non"'), action: 'review', replacement: null, wholeWord: false },
		{ phrase: p('point;virgule'), action: 'replace', replacement: 'deux\nlignes', wholeWord: true },
		{ phrase: p('échéance'), action: 'replace', replacement: '« date »', wholeWord: true }
	];
	const csvOf = (rows: ReturnType<typeof tricky>) =>
		'\uFEFFphrase;action;replacement;whole_word\r\n' +
		rows
			.map((r) =>
				[r.phrase, r.action, r.replacement ?? '', r.wholeWord ? 'vrai' : 'faux']
					.map((f) => `"${f.replace(/"/g, '""')}"`)
					.join(';')
			)
			.join('\r\n');

	it('exports as an attachment, text/csv in UTF-8, with a BOM', async () => {
		await add(p('exporté'));
		const res = await call('GET', `${BASE}/export`, admin.cookie);
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
		expect(res.headers['content-disposition']).toBe('attachment; filename="mots-surveilles.csv"');
		expect(res.body.startsWith('\uFEFFphrase,action,replacement,whole_word\r\n')).toBe(true);
		expect(res.body).toContain(`${p('exporté')},review,,true\r\n`);
	});

	it('imports (merge), exports the same entries back, and audits the import once', async () => {
		const rows = tricky();
		const existing = await add(p('échéance'), 'review');
		const res = await call('POST', `${BASE}/import`, admin.cookie, { csv: csvOf(rows), mode: 'merge' });
		expect(res.statusCode, res.body).toBe(200);
		expect(res.json()).toEqual({ mode: 'merge', added: 3, updated: 1, unchanged: 0, removed: 0 });

		const exported = (await call('GET', `${BASE}/export`, admin.cookie)).body;
		const parsed = parseCsv(exported);
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
		const ours = parsed.entries.filter((e) => e.phrase.includes(tag) && rows.some((r) => r.phrase === e.phrase));
		expect(ours.sort((a, b) => a.phrase.localeCompare(b.phrase))).toEqual(
			[...rows].sort((a, b) => a.phrase.localeCompare(b.phrase))
		);

		const [audit] = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'watched_word.import'), eq(auditLog.actorId, admin.id)))
			.orderBy(desc(auditLog.id))
			.limit(1);
		expect(audit).toMatchObject({ targetType: 'watched_word', targetId: 'import' });
		expect((audit!.before as { entries: unknown[] }).entries).toEqual([
			{ phrase: existing.phrase, action: 'review', replacement: null, wholeWord: true }
		]);
		expect(audit!.after).toMatchObject({ mode: 'merge', added: 3, updated: 1 });

		// The same file again changes nothing.
		const again = await call('POST', `${BASE}/import`, admin.cookie, { csv: csvOf(rows), mode: 'merge' });
		expect(again.json()).toEqual({ mode: 'merge', added: 0, updated: 0, unchanged: 4, removed: 0 });
	});

	it('imports nothing when a line is bad, and names every bad line', async () => {
		const csv = `phrase,action,replacement,whole_word\n${p('valable')},block,,\n${p('x')},supprimer,,\n,block,,\n${p('y')},replace,,\n`;
		const res = await call('POST', `${BASE}/import`, admin.cookie, { csv, mode: 'merge' });
		expect(res.statusCode).toBe(400);
		const error = res.json().error;
		expect(error.code).toBe('validation_failed');
		expect(error.message).toMatch(/Rien n’a été importé/);
		expect(Object.keys(error.fields)).toEqual(['csv.3', 'csv.4', 'csv.5']);
		expect(error.fields['csv.3']).toMatch(/action inconnue/);
		const list = (await call('GET', BASE, admin.cookie)).json<{ items: { phrase: string }[] }>().items;
		expect(list.some((w) => w.phrase === p('valable'))).toBe(false);
	});

	// `replace` empties the whole site's list: only on this file's own database.
	it.skipIf(Boolean(process.env.DATABASE_URL))('replace mode makes the file the whole list', async () => {
		await add(p('ancien'));
		const rows = tricky().slice(0, 2);
		await call('POST', `${BASE}/import`, admin.cookie, { csv: csvOf(rows), mode: 'merge' });
		const res = await call('POST', `${BASE}/import`, admin.cookie, { csv: csvOf(rows), mode: 'replace' });
		expect(res.statusCode, res.body).toBe(200);
		const list = (await call('GET', BASE, admin.cookie)).json<{ items: { phrase: string }[] }>().items;
		expect(list.map((w) => w.phrase).sort()).toEqual(rows.map((r) => r.phrase).sort());
		expect(res.json()).toMatchObject({ mode: 'replace', added: 0, unchanged: 2 });
		expect(res.json().removed).toBeGreaterThan(0);
	});
});

describe('OpenAPI', () => {
	it('documents every operation', async () => {
		const doc = (await call('GET', '/api/openapi.json')).json<{
			paths: Record<string, Record<string, { operationId: string }>>;
		}>();
		const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
		for (const id of [
			'moderation.watchedWords',
			'moderation.addWatchedWord',
			'moderation.updateWatchedWord',
			'moderation.deleteWatchedWord',
			'moderation.importWatchedWords',
			'moderation.exportWatchedWords'
		])
			expect(ids).toContain(id);
	});
});
