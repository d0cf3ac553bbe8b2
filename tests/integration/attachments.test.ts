import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, experienceAttachments, experienceAuthors, experiences, spaceMembers } from '../../db/schema/index.ts';
import { MAX_ATTACHMENT_BYTES } from '../../server/modules/experiences/attachments.schema.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';
import { exe, html, pdf, png, svg } from '../helpers/files.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

/**
 * A fiche written straight into the database (the experiences service has its own tests):
 * a draft by `author`, or a published one.
 */
async function createFiche(
	spaceId: string,
	author: TestUser,
	options: { status?: 'draft' | 'submitted' | 'published' } = {}
): Promise<string> {
	const status = options.status ?? 'draft';
	const content = { title: 'Mutuelle de santé de Thiès' };
	const published = status === 'published';
	const [row] = await t.database.db
		.insert(experiences)
		.values({
			spaceId,
			status,
			draft: content,
			createdBy: author.id,
			...(published
				? { published: content, publishedVersion: 1, publishedAt: new Date(), title: content.title }
				: status === 'submitted'
					? { submittedAt: new Date() }
					: {})
		})
		.returning({ id: experiences.id });
	await t.database.db.insert(experienceAuthors).values({ experienceId: row!.id, userId: author.id });
	return row!.id;
}

async function makeSpaceModerator(spaceId: string, user: TestUser) {
	await t.database.db.insert(spaceMembers).values({ spaceId, userId: user.id, role: 'moderator', status: 'active' });
}

function upload(
	experienceId: string,
	cookie: string | undefined,
	filename: string,
	bytes: Buffer,
	how: 'query' | 'header' = 'query'
) {
	const encoded = encodeURIComponent(filename);
	return t.app.inject({
		method: 'POST',
		url: `/api/v1/experiences/${experienceId}/attachments${how === 'query' ? `?nom=${encoded}` : ''}`,
		headers: {
			origin: TEST_ORIGIN,
			'content-type': 'application/octet-stream',
			...(how === 'header' ? { 'x-filename': encoded } : {}),
			...(cookie ? { cookie } : {})
		},
		payload: bytes
	});
}

const download = (id: string, cookie?: string) =>
	t.app.inject({ url: `/api/v1/attachments/${id}`, headers: cookie ? { cookie } : {} });

describe('uploading attachments', () => {
	it('lets an author attach a PDF, detected from its bytes and stored under its sha256', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const res = await upload(fiche, author.cookie, 'Rapport annuel.pdf', pdf());
		expect(res.statusCode).toBe(201);
		const body = res.json();
		expect(body).toMatchObject({ filename: 'Rapport annuel.pdf', mimeType: 'application/pdf', size: pdf().length });
		expect(body.url).toBe(`/api/v1/attachments/${body.id}`);
		const [row] = await t.database.db.select().from(experienceAttachments).where(eq(experienceAttachments.id, body.id));
		expect(row!.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(row!.storageKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/);
		expect(await t.services.attachments.storage.exists(row!.storageKey)).toBe(true);
		const audit = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, fiche), eq(auditLog.action, 'experience.attach')));
		expect(audit).toHaveLength(1);
		expect(audit[0]!).toMatchObject({ actorId: author.id, spaceId, targetType: 'experience' });
		expect(audit[0]!.after).toMatchObject({ attachmentId: body.id, filename: 'Rapport annuel.pdf', sha256: row!.sha256 });
		expect(await t.services.attachments.list(await authOf(author), fiche)).toHaveLength(1);
	});

	it('takes the name from the X-Filename header, percent-encoded UTF-8, and cleans it', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const res = await upload(fiche, author.cookie, '../../Graphique été\u202E.png', png(), 'header');
		expect(res.statusCode).toBe(201);
		expect(res.json().filename).toBe('Graphique été.png');
	});

	it('refuses anonymous callers (401), other members (403) and outsiders of a draft (404)', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const other = await createUser(t);
		const draft = await createFiche(spaceId, author);
		const published = await createFiche(spaceId, author, { status: 'published' });
		expect((await upload(published, undefined, 'a.pdf', pdf())).statusCode).toBe(401);
		expect((await upload(published, other.cookie, 'a.pdf', pdf())).statusCode).toBe(403);
		expect((await upload(draft, other.cookie, 'a.pdf', pdf())).statusCode).toBe(404);
		// A moderator of another space is nobody here.
		const elsewhere = await createSpace(t);
		const foreignModerator = await createUser(t);
		await makeSpaceModerator(elsewhere.id, foreignModerator);
		expect((await upload(published, foreignModerator.cookie, 'a.pdf', pdf())).statusCode).toBe(403);
		// The space's own moderators may attach to a published fiche.
		const moderator = await createUser(t);
		await makeSpaceModerator(spaceId, moderator);
		expect((await upload(published, moderator.cookie, 'a.pdf', pdf())).statusCode).toBe(201);
		// …but never see a draft, which only its authors see.
		expect((await upload(draft, moderator.cookie, 'a.pdf', pdf())).statusCode).toBe(404);
		expect((await upload('00000000-0000-4000-8000-000000000000', author.cookie, 'a.pdf', pdf())).statusCode).toBe(404);
	});

	it('refuses an HTML file named .pdf with a clear message', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const res = await upload(fiche, author.cookie, 'rapport.pdf', html());
		expect(res.statusCode).toBe(400);
		expect(res.json().error.message).toBe(
			'Le fichier « rapport.pdf » n’est pas un PDF : son contenu ne correspond pas à son extension.'
		);
		expect((await upload(fiche, author.cookie, 'image.png', svg())).json().error.message).toBe(
			'Le fichier « image.png » n’est pas une image PNG : son contenu ne correspond pas à son extension.'
		);
		expect((await upload(fiche, author.cookie, 'graphique.pdf', png())).statusCode).toBe(400);
		expect((await upload(fiche, author.cookie, 'setup.pdf', exe())).statusCode).toBe(400);
		const svgRes = await upload(fiche, author.cookie, 'dessin.svg', svg());
		expect(svgRes.statusCode).toBe(400);
		expect(svgRes.json().error.message).toMatch(/^Le fichier « dessin\.svg » n’est pas accepté/);
		expect((await upload(fiche, author.cookie, 'vide.pdf', Buffer.alloc(0))).statusCode).toBe(400);
		expect(await t.database.db.select().from(experienceAttachments).where(eq(experienceAttachments.experienceId, fiche))).toEqual(
			[]
		);
	});

	it('refuses files over 10 MB with 413 and a clear message, through the API and the service', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const big = Buffer.concat([pdf(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
		const res = await upload(fiche, author.cookie, 'gros.pdf', big);
		expect(res.statusCode).toBe(413);
		expect(res.json().error).toMatchObject({
			code: 'payload_too_large',
			message: 'Ce fichier dépasse la taille maximale de 10 Mo par pièce jointe.'
		});
		// What the web form calls, with a File SvelteKit parsed.
		await expect(
			t.services.attachments.upload(await authOf(author), fiche, { filename: 'gros.pdf', bytes: big })
		).rejects.toMatchObject({ status: 413, messageKey: 'att_error_too_large' });
		// Exactly 10 MB passes.
		const fits = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_ATTACHMENT_BYTES - 16), Buffer.from('\n%%EOF\n')]);
		expect(fits.length).toBe(MAX_ATTACHMENT_BYTES);
		expect((await upload(fiche, author.cookie, 'juste.pdf', fits)).statusCode).toBe(201);
	});

	it('keeps at most 20 files per fiche (409)', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const auth = await authOf(author);
		for (let i = 0; i < 20; i++) await t.services.attachments.upload(auth, fiche, { filename: `p${i}.png`, bytes: png() });
		const res = await upload(fiche, author.cookie, 'de-trop.png', png());
		expect(res.statusCode).toBe(409);
		expect(res.json().error.message).toMatch(/plus de 20 pièces jointes/);
	});

	it('needs a name', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const res = await t.app.inject({
			method: 'POST',
			url: `/api/v1/experiences/${fiche}/attachments`,
			headers: { origin: TEST_ORIGIN, cookie: author.cookie, 'content-type': 'application/octet-stream' },
			payload: pdf()
		});
		expect(res.statusCode).toBe(400);
		expect(res.json().error.fields).toHaveProperty('nom');
	});
});

describe('downloading attachments', () => {
	it('serves a draft’s files to its authors only (404 for everyone else), never cached', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author);
		const id = (await upload(fiche, author.cookie, 'Bilan d’activité « 2024 ».pdf', pdf())).json().id as string;
		const moderator = await createUser(t);
		await makeSpaceModerator(spaceId, moderator);
		expect((await download(id)).statusCode).toBe(404);
		expect((await download(id, (await createUser(t)).cookie)).statusCode).toBe(404);
		expect((await download(id, moderator.cookie)).statusCode).toBe(404);
		const res = await download(id, author.cookie);
		expect(res.statusCode).toBe(200);
		expect(res.rawPayload.equals(pdf())).toBe(true);
		expect(res.headers['content-type']).toBe('application/pdf');
		expect(res.headers['content-length']).toBe(String(pdf().length));
		expect(res.headers['content-disposition']).toBe(
			`attachment; filename="Bilan d_activite _ 2024 _.pdf"; filename*=UTF-8''Bilan%20d%E2%80%99activit%C3%A9%20%C2%AB%202024%20%C2%BB.pdf`
		);
		expect(res.headers['x-content-type-options']).toBe('nosniff');
		expect(res.headers['cache-control']).toBe('private, no-store');
		// Submitted: the space's moderators review it, files included.
		await t.database.db.update(experiences).set({ status: 'submitted' }).where(eq(experiences.id, fiche));
		expect((await download(id, moderator.cookie)).statusCode).toBe(200);
		expect((await download(id)).statusCode).toBe(404);
	});

	it('serves a published fiche’s files to whoever reads its space', async () => {
		const open = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(open.id, author, { status: 'published' });
		const id = (await upload(fiche, author.cookie, 'graphique.png', png())).json().id as string;
		const res = await download(id);
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('image/png');
		expect(res.headers['content-disposition']).toMatch(/^attachment; /);
		expect(res.headers['cache-control']).toBe('private, max-age=3600');

		const closed = await createSpace(t, { visibility: 'private' });
		const insider = await createUser(t);
		await t.database.db.insert(spaceMembers).values({ spaceId: closed.id, userId: insider.id });
		const privateFiche = await createFiche(closed.id, insider, { status: 'published' });
		const privateId = (await upload(privateFiche, insider.cookie, 'note.pdf', pdf())).json().id as string;
		expect((await download(privateId)).statusCode).toBe(404);
		expect((await download(privateId, (await createUser(t)).cookie)).statusCode).toBe(404);
		const reader = await createUser(t);
		await t.database.db.insert(spaceMembers).values({ spaceId: closed.id, userId: reader.id });
		expect((await download(privateId, reader.cookie)).statusCode).toBe(200);
		expect((await download('00000000-0000-4000-8000-000000000000', author.cookie)).statusCode).toBe(404);
	});
});

describe('removing attachments', () => {
	it('is for authors and the space’s moderators, audited, and deletes the bytes', async () => {
		const { id: spaceId } = await createSpace(t);
		const author = await createUser(t);
		const fiche = await createFiche(spaceId, author, { status: 'published' });
		const id = (await upload(fiche, author.cookie, 'rapport.pdf', pdf())).json().id as string;
		const [row] = await t.database.db.select().from(experienceAttachments).where(eq(experienceAttachments.id, id));
		const remove = (cookie: string | undefined) =>
			t.app.inject({
				method: 'DELETE',
				url: `/api/v1/attachments/${id}`,
				headers: { origin: TEST_ORIGIN, ...(cookie ? { cookie } : {}) }
			});
		expect((await remove(undefined)).statusCode).toBe(401);
		expect((await remove((await createUser(t)).cookie)).statusCode).toBe(403);
		const moderator = await createUser(t);
		await makeSpaceModerator(spaceId, moderator);
		expect((await remove(moderator.cookie)).statusCode).toBe(204);
		expect((await download(id, author.cookie)).statusCode).toBe(404);
		expect(await t.services.attachments.storage.exists(row!.storageKey)).toBe(false);
		const audit = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, fiche), eq(auditLog.action, 'experience.detach')));
		expect(audit).toHaveLength(1);
		expect(audit[0]!).toMatchObject({ actorId: moderator.id, spaceId, targetType: 'experience' });
		expect(audit[0]!.before).toMatchObject({ attachmentId: id, filename: 'rapport.pdf' });
		expect((await remove(author.cookie)).statusCode).toBe(404);
	});
});

/** The `auth` a service call needs, from the user's session. */
async function authOf(user: TestUser) {
	const validated = await t.services.sessions.validate(user.cookie.split('=')[1]!);
	return validated!.auth;
}
