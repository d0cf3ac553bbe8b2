import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { CSV_BOM, csvLine } from '../../lib/csv.ts';
import { issuesToFields } from '../../lib/error-handler.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import { memberUrl } from '../accounts/accounts.service.ts';
import { recordAudit } from '../moderation/audit.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess, type SpaceAccessFacts } from '../spaces/access.ts';
import type { SpaceRow } from '../spaces/spaces.repository.ts';
import { accessFacts, spaceUrl, type SpacesService } from '../spaces/spaces.service.ts';
import { threadUrl, type ThreadsService } from '../threads/threads.service.ts';
import { attachmentUrl } from './attachments.service.ts';
import { experienceContent, experienceDraft, facetsOf, type ExperienceContent } from './content.ts';
import { diffContent, experienceFields } from './experiences.diff.ts';
import {
	FACETS,
	ExperiencesRepository,
	VERSION_FILES_KEY,
	type ExperienceFilters,
	type ExperienceListRow,
	type ExperienceRow,
	type VersionFile
} from './experiences.repository.ts';
import {
	experienceListQuery,
	type CompareOutput,
	type ExperienceFacets,
	type ExperienceListInput,
	type ExperienceListItem,
	type ExperienceListOutput,
	type ExperienceOutput,
	type VersionOutput
} from './experiences.schema.ts';

export const EXPERIENCES_PER_PAGE = 20;
/** Relevance pages are OFFSET-paged (see the repository): no further than this. */
export const MAX_RELEVANCE_OFFSET = 1000;
/** An export larger than this is cut: narrow the filters to get the rest. */
export const EXPORT_MAX_ROWS = 5000;

export const experienceUrl = (id: string) => `/experiences/${id}`;

/** Multi-valued filters of the list query: repeated in a URL (`?pays=SN&pays=ML`). */
const MULTI_KEYS = new Set(['pays', 'mecanisme', 'cible', 'milieu']);

/** A page's URL query as the list query expects it (lists for the multi-valued filters). */
export function listInputFromSearchParams(params: URLSearchParams): ExperienceListInput {
	const input: Record<string, string | string[]> = {};
	for (const key of new Set(params.keys())) input[key] = MULTI_KEYS.has(key) ? params.getAll(key) : params.get(key)!;
	return input as ExperienceListInput;
}

/** Input checked against a content schema; its issues become per-field errors (400). */
function parseContent(schema: typeof experienceDraft | typeof experienceContent, input: unknown): ExperienceContent {
	const result = schema.safeParse(input);
	if (!result.success) throw new ValidationError(issuesToFields(result.error.issues));
	return result.data;
}

/** Content as stored (JSON): filled with today's defaults for any field added since. */
function stored(json: unknown): ExperienceContent {
	const result = experienceDraft.safeParse(json);
	return result.success ? result.data : (json as ExperienceContent);
}

/** A published version's JSON: its content, and the files recorded at its publication (null: not recorded). */
function versionOf(json: unknown): { content: ExperienceContent; files: VersionFile[] | null } {
	const { [VERSION_FILES_KEY]: files, ...content } = (json ?? {}) as Record<string, unknown>;
	return { content: stored(content), files: Array.isArray(files) ? (files as VersionFile[]) : null };
}

/** What a contact handle may look like (with or without its @), before asking the database. */
const HANDLE = /^@?[a-z0-9][a-z0-9-]{0,99}$/i;

interface Context {
	row: ExperienceRow;
	space: SpaceRow;
	facts: SpaceAccessFacts;
	authors: { id: string; displayName: string; handle: string }[];
	author: boolean;
	moderator: boolean;
}

type ExportValue = string | number | null | string[] | ExperienceContent['indicators'] | ExperienceContent['links'];
export type ExperienceExportRow = Record<string, ExportValue>;

/** Export columns: the fiche's identity, then every field in the form's order. */
export const EXPORT_COLUMNS = ['id', 'url', 'version', 'publishedAt', 'space', ...experienceFields, 'contactName'] as const;

/** One export cell as CSV text: lists joined with "; ", indicator and link rows spelled out. */
function csvCell(value: ExportValue): string {
	if (value === null || value === undefined) return '';
	if (!Array.isArray(value)) return String(value);
	return value
		.map((item) => {
			if (typeof item === 'string') return item;
			if ('url' in item) return item.label ? `${item.label} <${item.url}>` : item.url;
			return `${item.name}: ${item.value}${item.unit ? ` ${item.unit}` : ''}${item.year ? ` (${item.year})` : ''}`;
		})
		.join('; ');
}

/** The export as CSV text: BOM, header, one line per fiche, CRLF (RFC 4180), formulas defused. */
export function experiencesCsv(rows: ExperienceExportRow[]): string {
	const lines = [EXPORT_COLUMNS.join(','), ...rows.map((row) => csvLine(EXPORT_COLUMNS.map((c) => csvCell(row[c] ?? null))))];
	return CSV_BOM + lines.join('\r\n') + '\r\n';
}

function encodeCursor(value: string): string {
	return Buffer.from(value).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

function decodeCursor(cursor: string): { kind: 'd'; key: string; id: string } | { kind: 'r'; offset: number } {
	const [kind, a, b] = Buffer.from(cursor, 'base64url').toString().split('|');
	if (kind === 'd' && KEY.test(a ?? '') && UUID.test(b ?? '')) return { kind, key: a!, id: b! };
	const offset = Number(a);
	if (kind === 'r' && Number.isSafeInteger(offset) && offset > 0 && offset <= MAX_RELEVANCE_OFFSET) return { kind, offset };
	throw new ValidationError({ apres: 'exp_error_cursor' });
}

/**
 * Fiches d'expérience: a draft its authors write (only they see it), submitted to the
 * space's moderators, who publish it (a new version, kept whole) or return it with comments.
 * Readers see the latest published version; each fiche has its discussion thread, opened at
 * its first publication. Every step is audited.
 */
export class ExperiencesService {
	readonly repo: ExperiencesRepository;

	constructor(
		private db: Database,
		private spaces: SpacesService,
		private threads: ThreadsService,
		private notifications: NotificationsService,
		/** For the absolute links of exports. */
		private publicOrigin: string
	) {
		this.repo = new ExperiencesRepository(db);
	}

	/**
	 * The fiche and what the caller is to it, if they may read it; else NotFoundError.
	 * Drafts: authors (and admins). Submitted or returned, never published: also the space's
	 * moderators. Published: whoever reads the space.
	 */
	private async context(auth: Auth, id: string): Promise<Context> {
		const row = await this.repo.find(id);
		if (!row) throw new NotFoundError();
		const space = await this.spaces.readableById(auth, row.spaceId);
		const facts = accessFacts(space);
		const authors = await this.repo.authors(id);
		const author = auth !== null && authors.some((a) => a.id === auth.user.id);
		const moderator = spaceAccess.moderate(auth, facts);
		const visible = row.published !== null || author || auth?.user.role === 'admin' || (row.status !== 'draft' && moderator);
		if (!visible) throw new NotFoundError();
		return { row, space, facts, authors, author, moderator };
	}

	private can(auth: Auth, ctx: Context): ExperienceOutput['can'] {
		const { row, author, moderator } = ctx;
		const write = author && spaceAccess.post(auth, ctx.facts);
		return {
			edit: write,
			submit: write && (row.status === 'draft' || row.status === 'returned'),
			publish: moderator && row.status === 'submitted',
			return: moderator && row.status === 'submitted',
			addAuthor: write || moderator,
			attach: moderator || write
		};
	}

	private async toOutput(auth: Auth, ctx: Context): Promise<ExperienceOutput> {
		const { row, space, authors, author, moderator } = ctx;
		const published = row.published === null ? null : stored(row.published);
		// The working copy for its authors, and for moderators while it waits for them.
		const working = author || auth?.user.role === 'admin' || (moderator && row.status !== 'draft') || !published;
		const content = working ? stored(row.draft) : published!;
		const attachments = await this.repo.attachments(row.id);
		// Those who edit the fiche see a contact who has since left (to change them); readers do not.
		const contactRow = content.contactUserId ? await this.repo.userById(content.contactUserId) : undefined;
		const contact =
			contactRow && (contactRow.status === 'active' || (working && author))
				? { id: contactRow.id, handle: contactRow.handle, displayName: contactRow.displayName, url: memberUrl(contactRow.id) }
				: null;
		return {
			id: row.id,
			url: experienceUrl(row.id),
			status: row.status,
			space: { slug: space.space.slug, name: space.space.name, url: spaceUrl(space.space.slug) },
			content,
			contact,
			published,
			publishedVersion: row.publishedVersion,
			publishedAt: row.publishedAt?.toISOString() ?? null,
			returnComment: author || moderator ? row.returnComment : null,
			authors: authors.map((a) => ({ id: a.id, displayName: a.displayName, handle: a.handle, url: memberUrl(a.id) })),
			attachments: attachments.map((a) => ({ ...a, url: attachmentUrl(a.id) })),
			thread: row.threadId ? { id: row.threadId, url: threadUrl(row.threadId) } : null,
			can: this.can(auth, ctx)
		};
	}

	async get(auth: Auth, id: string): Promise<ExperienceOutput> {
		return this.toOutput(auth, await this.context(auth, id));
	}

	/* Writing */

	/** A new draft in a space; its creator is its first author. */
	async create(auth: Auth, input: { spaceSlug: string; content: unknown }): Promise<ExperienceOutput> {
		const { user } = requireUser(auth);
		const space = await this.spaces.readable(auth, input.spaceSlug);
		if (!spaceAccess.post(auth, accessFacts(space))) throw new ForbiddenError();
		const draft = await this.draftContent(input.content ?? {}, null);
		const id = await this.db.transaction(async (tx) => {
			const id = await this.repo.insert(tx, { spaceId: space.space.id, draft, createdBy: user.id });
			await recordAudit(tx, auth, {
				action: 'experience.create',
				spaceId: space.space.id,
				targetType: 'experience',
				targetId: id,
				targetLabel: draft.title
			});
			return id;
		});
		return this.get(auth, id);
	}

	/** The authors' check before changing the working copy: 404 if unreadable, 403 if not theirs. */
	private async authorContext(auth: Auth, id: string): Promise<Context> {
		requireUser(auth);
		const ctx = await this.context(auth, id);
		if (!ctx.author || !spaceAccess.post(auth, ctx.facts)) throw new ForbiddenError();
		return ctx;
	}

	/**
	 * Saves the working copy as it is (lenient: a half-filled fiche is kept). Editing a
	 * submitted or published fiche makes it a draft again (withdrawn from review; readers keep
	 * seeing the published version until the next one); a returned fiche stays returned, with
	 * the moderator's comments, until it is submitted again.
	 */
	async update(auth: Auth, id: string, content: unknown): Promise<ExperienceOutput> {
		const ctx = await this.authorContext(auth, id);
		const draft = await this.draftContent(content, stored(ctx.row.draft).contactUserId);
		const status = ctx.row.status === 'returned' ? 'returned' : 'draft';
		await this.repo.update(this.db, id, { draft, status });
		return this.get(auth, id);
	}

	/**
	 * The content as sent (API body or form), checked with the draft rules, its contact person
	 * resolved: named by `contactHandle` ("@handle", the form's way; empty: nobody), or else by
	 * `contactUserId`. A new contact must be an active member; the one already on the fiche may
	 * stay whatever became of them, so that an unrelated edit is never blocked. Every field
	 * error at once (the contact's with the others).
	 */
	private async draftContent(input: unknown, current: string | null): Promise<ExperienceContent> {
		const { contactHandle, ...rest } = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
		const parsed = experienceDraft.safeParse(rest);
		const fields = parsed.success ? {} : issuesToFields(parsed.error.issues);
		let contact: string | null | undefined;
		if (typeof contactHandle === 'string' && !contactHandle.trim()) contact = null;
		else if (typeof contactHandle === 'string') {
			const handle = contactHandle.trim();
			const user = HANDLE.test(handle) ? await this.repo.userByHandle(handle.replace(/^@/, '')) : undefined;
			if (user && (user.status === 'active' || user.id === current)) contact = user.id;
			else fields.contactHandle = 'exp_error_contact_unknown';
		} else if (contactHandle !== undefined) fields.contactHandle = 'exp_error_contact_unknown';
		else if (parsed.success && parsed.data.contactUserId && parsed.data.contactUserId !== current) {
			const user = await this.repo.userById(parsed.data.contactUserId);
			if (user?.status !== 'active') fields.contactUserId = 'exp_error_contact_unknown';
		}
		if (!parsed.success || Object.keys(fields).length > 0) throw new ValidationError(fields);
		return contact === undefined ? parsed.data : { ...parsed.data, contactUserId: contact };
	}

	/** Sends the working copy to the space's moderators; it must pass the full rules. */
	async submit(auth: Auth, id: string): Promise<ExperienceOutput> {
		const ctx = await this.authorContext(auth, id);
		if (ctx.row.status === 'submitted') throw new ConflictError('exp_error_already_submitted');
		if (ctx.row.status === 'published') throw new ConflictError('exp_error_not_submitted');
		const content = parseContent(experienceContent, ctx.row.draft);
		await this.db.transaction(async (tx) => {
			const row = await this.repo.findForUpdate(tx, id);
			if (row?.status !== 'draft' && row?.status !== 'returned') throw new ConflictError('exp_error_already_submitted');
			await this.repo.update(tx, id, { draft: content, status: 'submitted', submittedAt: new Date() });
			await recordAudit(tx, auth, {
				action: 'experience.submit',
				spaceId: ctx.row.spaceId,
				targetType: 'experience',
				targetId: id,
				targetLabel: content.title,
				after: { version: row.publishedVersion + 1 }
			});
		});
		return this.get(auth, id);
	}

	/** The moderators' check: 404 if unreadable, 403 if not a moderator of the space, 409 if not waiting. */
	private async reviewContext(auth: Auth, id: string): Promise<Context> {
		requireUser(auth);
		const ctx = await this.context(auth, id);
		if (!ctx.moderator) throw new ForbiddenError();
		if (ctx.row.status !== 'submitted') throw new ConflictError('exp_error_not_submitted');
		return ctx;
	}

	/**
	 * Publishes the submitted working copy as the next version: kept whole with who
	 * submitted and who approved it; its facets and search vector go onto the fiche. The first
	 * publication opens the fiche's discussion thread.
	 */
	async publish(auth: Auth, id: string): Promise<ExperienceOutput> {
		const moderator = requireUser(auth);
		const ctx = await this.reviewContext(auth, id);
		const { version, content } = await this.db.transaction(async (tx) => {
			const row = await this.repo.findForUpdate(tx, id);
			if (row?.status !== 'submitted') throw new ConflictError('exp_error_not_submitted');
			const content = parseContent(experienceContent, row.draft);
			const version = row.publishedVersion + 1;
			await this.repo.publish(tx, id, {
				content,
				facets: facetsOf(content),
				version,
				submittedBy: await this.repo.lastSubmitter(tx, id),
				approvedBy: moderator.user.id,
				at: new Date(),
				first: row.publishedVersion === 0
			});
			await recordAudit(tx, auth, {
				action: 'experience.publish',
				spaceId: row.spaceId,
				targetType: 'experience',
				targetId: id,
				targetLabel: content.title,
				after: { version }
			});
			return { version, content };
		});
		await this.openThread(id);
		await this.notifyAuthors(ctx, moderator.user.id, {
			action: 'experience.publish',
			comment: null,
			version,
			title: content.title
		});
		return this.get(auth, id);
	}

	/** Sends the submitted working copy back to its authors with the moderator's comments. */
	async returnToAuthors(auth: Auth, id: string, comment: string): Promise<ExperienceOutput> {
		const moderator = requireUser(auth);
		const ctx = await this.reviewContext(auth, id);
		comment = comment.trim();
		if (comment.length < 3) throw new ValidationError({ comment: 'exp_error_return_comment' });
		const title = stored(ctx.row.draft).title;
		await this.db.transaction(async (tx) => {
			const row = await this.repo.findForUpdate(tx, id);
			if (row?.status !== 'submitted') throw new ConflictError('exp_error_not_submitted');
			await this.repo.update(tx, id, { status: 'returned', returnComment: comment });
			await recordAudit(tx, auth, {
				action: 'experience.return',
				spaceId: row.spaceId,
				targetType: 'experience',
				targetId: id,
				targetLabel: title,
				reason: comment
			});
		});
		await this.notifyAuthors(ctx, moderator.user.id, { action: 'experience.return', comment, title });
		return this.get(auth, id);
	}

	/** Adds a co-author (by an author or a moderator of the space). */
	async addAuthor(auth: Auth, id: string, handle: string): Promise<ExperienceOutput> {
		const { user } = requireUser(auth);
		const ctx = await this.context(auth, id);
		if (!this.can(auth, ctx).addAuthor) throw new ForbiddenError();
		const added = await this.repo.userByHandle(handle.trim().replace(/^@/, ''));
		if (!added) throw new ValidationError({ handle: 'exp_error_author_unknown' });
		await this.db.transaction(async (tx) => {
			if (!(await this.repo.addAuthor(tx, id, added.id, user.id))) throw new ConflictError('exp_error_author_already');
			await recordAudit(tx, auth, {
				action: 'experience.author_add',
				spaceId: ctx.row.spaceId,
				targetType: 'experience',
				targetId: id,
				targetLabel: stored(ctx.row.published ?? ctx.row.draft).title,
				after: { userId: added.id, displayName: added.displayName }
			});
		});
		return this.get(auth, id);
	}

	private async notifyAuthors(
		ctx: Context,
		actorId: string,
		data: { action: 'experience.publish' | 'experience.return'; comment: string | null; title: string; version?: number }
	) {
		await this.notifications.notify(
			ctx.authors.map((a) => ({
				userId: a.id,
				kind: 'moderation' as const,
				actorId,
				spaceId: ctx.row.spaceId,
				data: { ...data, experienceId: ctx.row.id }
			}))
		);
	}

	/**
	 * Opens the fiche's discussion thread in its space, in its creator's name: the title,
	 * the summary and a link to the fiche. Idempotent (the fiche's id is the post's client
	 * key, and the thread is set once). A thread that cannot be opened now (the creator
	 * suspended or no longer allowed to post there, a slow mode) does not undo the
	 * publication: the next publication tries again.
	 */
	private async openThread(id: string): Promise<void> {
		const row = await this.repo.find(id);
		if (!row || row.threadId || row.published === null) return;
		const creator = await this.repo.userForAuth(row.createdBy);
		if (!creator || creator.status !== 'active') return;
		const { status: _status, ...user } = creator;
		const auth: Auth = { user, session: { id: '', expiresAt: new Date(Date.now() + 60_000) } };
		const content = stored(row.published);
		const title = content.title.length > 150 ? `${content.title.slice(0, 149)}…` : content.title;
		const body = `${content.summary}\n\n[${translate('exp_thread_link', user.locale)}](${experienceUrl(id)})`;
		try {
			const space = await this.spaces.readableById(auth, row.spaceId);
			const page = await this.threads.createThread(auth, space.space.slug, {
				title,
				kind: 'discussion',
				body,
				clientKey: id
			});
			await this.repo.setThread(id, page.thread.id);
		} catch {
			// Left without a thread for now (see above).
		}
	}

	/* Reading */

	/**
	 * Each published version, oldest first, with what changed from the one before: its
	 * fields, and the files it was published with (files belong to the fiche, each version
	 * records which it had; a file since removed from the fiche is named without a link).
	 */
	async versions(auth: Auth, id: string): Promise<VersionOutput[]> {
		await this.context(auth, id);
		const [rows, current] = await Promise.all([this.repo.versions(id), this.repo.attachments(id)]);
		const kept = new Set(current.map((a) => a.id));
		const person = (id: string | null, name: string | null) => (id ? { id, displayName: name ?? '', url: memberUrl(id) } : null);
		const file = (f: VersionFile) => ({ id: f.id, filename: f.filename, url: kept.has(f.id) ? attachmentUrl(f.id) : null });
		const versions = rows.map((v) => versionOf(v.content));
		return rows.map((v, i) => {
			const { content, files } = versions[i]!;
			const before = i === 0 ? null : versions[i - 1]!;
			const previous = before?.files ?? null;
			const had = new Set(previous?.map((f) => f.id));
			const has = new Set(files?.map((f) => f.id));
			// Compared only when both versions recorded their files.
			const compared = files !== null && previous !== null;
			return {
				number: v.number,
				publishedAt: v.publishedAt.toISOString(),
				submittedBy: person(v.submittedBy, v.submittedByName),
				approvedBy: person(v.approvedBy, v.approvedByName),
				changes: before ? diffContent(before.content, content) : [],
				attachments: files?.map(file) ?? null,
				attachmentChanges: compared
					? {
							added: files.filter((f) => !had.has(f.id)).map(file),
							removed: previous.filter((f) => !has.has(f.id)).map(file)
						}
					: null
			};
		});
	}

	/** Two to four published fiches side by side, field by field. */
	async compare(auth: Auth, ids: string[]): Promise<CompareOutput> {
		const unique = [...new Set(ids)];
		if (unique.length < 2 || unique.length > 4) throw new ValidationError({ ids: 'exp_error_compare_count' });
		const fiches = [];
		for (const id of unique) {
			const ctx = await this.context(auth, id);
			if (ctx.row.published === null) throw new NotFoundError();
			fiches.push(ctx);
		}
		const contents = fiches.map((f) => stored(f.row.published));
		return {
			items: fiches.map(({ row, space }, i) => ({
				id: row.id,
				url: experienceUrl(row.id),
				title: contents[i]!.title,
				space: { slug: space.space.slug, name: space.space.name, url: spaceUrl(space.space.slug) },
				publishedVersion: row.publishedVersion,
				publishedAt: row.publishedAt?.toISOString() ?? null
			})),
			fields: experienceFields.map((field) => ({ field, values: contents.map((c) => c[field] ?? null) }))
		};
	}

	/** The list query's filters for the caller: null when no readable space is left. */
	private async filters(auth: Auth, input: ExperienceListInput) {
		const parsed = experienceListQuery.safeParse(input);
		if (!parsed.success) throw new ValidationError(issuesToFields(parsed.error.issues));
		const q = parsed.data;
		const rows = await this.repo.spacesWithMembership(auth?.user.id ?? null);
		const readable = rows.filter(
			(s) =>
				spaceAccess.read(auth, {
					visibility: s.visibility,
					archivedAt: s.archivedAt,
					membership: s.memberRole && s.memberStatus ? { role: s.memberRole, status: s.memberStatus } : null
				}) &&
				(!q.espace || s.slug === q.espace)
		);
		const filters: ExperienceFilters = {
			spaceIds: readable.map((s) => s.id),
			countries: q.pays,
			mechanisms: q.mecanisme,
			targets: q.cible,
			areas: q.milieu,
			from: q.de,
			to: q.a,
			hasResults: q.resultats === undefined ? undefined : q.resultats === '1',
			text: q.q || undefined
		};
		return { query: q, filters: filters.spaceIds.length > 0 ? filters : null };
	}

	/**
	 * Published fiches the caller may read, filtered, a page at a time (newest first, or by
	 * relevance to `q`), with the count of each facet value (each facet counted with every
	 * other filter applied) and the total.
	 */
	async list(auth: Auth, input: ExperienceListInput): Promise<ExperienceListOutput> {
		const { query, filters } = await this.filters(auth, input);
		const facets: ExperienceFacets = { countries: [], mechanism: [], targets: [], area: [], hasResults: [] };
		if (!filters) return { items: [], facets, total: 0, next: null };
		const cursor = query.apres ? decodeCursor(query.apres) : null;
		const byRelevance = query.tri === 'pertinence' && !!filters.text;
		let rows: ExperienceListRow[];
		let next: string | null = null;
		if (byRelevance) {
			const offset = cursor?.kind === 'r' ? cursor.offset : 0;
			rows = await this.repo.pageByRelevance({ ...filters, text: filters.text! }, offset, EXPERIENCES_PER_PAGE + 1);
			const nextOffset = offset + EXPERIENCES_PER_PAGE;
			if (rows.length > EXPERIENCES_PER_PAGE && nextOffset <= MAX_RELEVANCE_OFFSET) next = encodeCursor(`r|${nextOffset}`);
		} else {
			const after = cursor?.kind === 'd' ? { key: cursor.key, id: cursor.id } : null;
			rows = await this.repo.pageByDate(filters, after, EXPERIENCES_PER_PAGE + 1);
			const last = rows[EXPERIENCES_PER_PAGE - 1];
			if (rows.length > EXPERIENCES_PER_PAGE && last) next = encodeCursor(`d|${last.key}|${last.id}`);
		}
		let total = 0;
		for (const f of await this.repo.facets(filters)) {
			if (f.facet === 'total') total = f.count;
			else facets[f.facet].push({ value: f.value, count: f.count });
		}
		for (const facet of FACETS) facets[facet].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
		return { items: rows.slice(0, EXPERIENCES_PER_PAGE).map(toListItem), facets, total, next };
	}

	/**
	 * Every field of every matching published fiche (up to EXPORT_MAX_ROWS), one row per
	 * fiche, newest first: lists stay lists (JSON); `experiencesCsv` spells them out.
	 */
	async exportRows(auth: Auth, input: ExperienceListInput): Promise<ExperienceExportRow[]> {
		const { filters } = await this.filters(auth, input);
		if (!filters) return [];
		const rows = await this.repo.exportRows(filters, EXPORT_MAX_ROWS);
		const contents = rows.map((r) => stored(r.published));
		const contactIds = [...new Set(contents.map((c) => c.contactUserId).filter((id): id is string => !!id))];
		const names = new Map((await this.repo.userNames(contactIds)).map((u) => [u.id, u.displayName]));
		return rows.map((r, i) => {
			const content = contents[i]!;
			return {
				id: r.id,
				url: this.publicOrigin + experienceUrl(r.id),
				version: r.publishedVersion,
				publishedAt: r.publishedAt?.toISOString() ?? null,
				space: r.spaceSlug,
				...Object.fromEntries(experienceFields.map((f) => [f, content[f] ?? null])),
				contactName: content.contactUserId ? (names.get(content.contactUserId) ?? null) : null
			} as ExperienceExportRow;
		});
	}

	/** Submitted fiches of the spaces the caller moderates, oldest submission first. */
	async submitted(auth: Auth) {
		const { user } = requireUser(auth);
		const spaces = await this.repo.spacesWithMembership(user.id);
		const moderated = spaces.filter((s) =>
			spaceAccess.moderate(auth, {
				visibility: s.visibility,
				archivedAt: s.archivedAt,
				membership: s.memberRole && s.memberStatus ? { role: s.memberRole, status: s.memberStatus } : null
			})
		);
		const rows = await this.repo.submitted(moderated.map((s) => s.id));
		const authors = await this.repo.authorsOf(rows.map((r) => r.experience.id));
		return {
			items: rows.map(({ experience: e, spaceSlug, spaceName }) => ({
				id: e.id,
				url: experienceUrl(e.id),
				title: stored(e.draft).title,
				space: { slug: spaceSlug, name: spaceName, url: spaceUrl(spaceSlug) },
				submittedAt: e.submittedAt?.toISOString() ?? null,
				publishedVersion: e.publishedVersion,
				authors: authors
					.filter((a) => a.experienceId === e.id)
					.map((a) => ({ id: a.id, displayName: a.displayName, url: memberUrl(a.id) }))
			}))
		};
	}
}

function toListItem(r: ExperienceListRow): ExperienceListItem {
	return {
		id: r.id,
		url: experienceUrl(r.id),
		title: r.title ?? '',
		summary: r.summary ?? '',
		countries: r.countries,
		mechanism: r.mechanism,
		targets: r.targets,
		area: r.area,
		startYear: r.startYear,
		endYear: r.endYear,
		hasResults: r.hasResults,
		publishedAt: r.publishedAt!.toISOString(),
		space: { slug: r.spaceSlug, name: r.spaceName, url: spaceUrl(r.spaceSlug) }
	};
}
