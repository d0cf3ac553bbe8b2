import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { CSV_BOM, csvField, inert } from '../../lib/csv.ts';
import { ForbiddenError, ValidationError } from '../../lib/errors.ts';
import { memberUrl } from '../accounts/accounts.service.ts';
import { spaceUrl } from '../spaces/spaces.service.ts';
import { postUrl, threadUrl } from '../threads/threads.service.ts';
import { AuditRepository, type AuditPageRow, type AuditQuery } from './audit.repository.ts';
import type { AuditEntryOutput, AuditFilter, AuditPageOutput } from './audit.schema.ts';

export const AUDIT_PAGE_SIZE = 50;
/** An export larger than this is cut: narrow the filter (dates) to get the rest. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;
const EXPORT_BATCH = 1000;

export const AUDIT_CSV_HEADER = [
	'at',
	'actor',
	'action',
	'space',
	'target_type',
	'target_id',
	'target',
	'reason',
	'before',
	'after'
];

/** Who may read which part of the log: every row (null) or the rows of these spaces. */
interface AuditScope {
	spaceIds: string[] | null;
	spaces: { id: string; slug: string; name: string }[];
}

function encodeCursor(row: AuditPageRow): string {
	return Buffer.from(JSON.stringify([row.atKey, row.entry.id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: number } {
	try {
		const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
		if (typeof at === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(at) && Number.isSafeInteger(id)) {
			return { at, id: id as number };
		}
	} catch {
		/* falls through */
	}
	throw new ValidationError({ cursor: 'audit_error_cursor' });
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 3600 * 1000);

const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value));

/**
 * The audit log as moderators and admins read it. Rows are written by the actions
 * themselves (`recordAudit`); nothing here changes one — the database refuses it anyway.
 */
export class AuditService {
	readonly repo: AuditRepository;

	constructor(db: Database) {
		this.repo = new AuditRepository(db);
	}

	/**
	 * Admins read everything; site moderators the spaces they can read; space moderators the
	 * spaces they moderate. Anyone else: 403 (401 when not signed in).
	 */
	async scope(auth: Auth): Promise<AuditScope> {
		const { user } = requireUser(auth);
		if (user.role === 'admin') return { spaceIds: null, spaces: await this.repo.allSpaces() };
		const spaces =
			user.role === 'moderator' ? await this.repo.spacesReadableBy(user.id) : await this.repo.spacesModeratedBy(user.id);
		if (user.role !== 'moderator' && spaces.length === 0) throw new ForbiddenError();
		return { spaceIds: spaces.map((s) => s.id), spaces };
	}

	/** The caller's scope narrowed by the filter; null when the filter names nothing that exists. */
	private async query(scope: AuditScope, filter: AuditFilter): Promise<AuditQuery | null> {
		const query: AuditQuery = { spaceIds: scope.spaceIds, targetType: filter.targetType, targetId: filter.targetId };
		if (filter.action) {
			if (filter.action.endsWith('.')) query.actionPrefix = filter.action;
			else query.action = filter.action;
		}
		if (filter.actor) {
			const actorId = await this.repo.userIdOf(filter.actor);
			if (!actorId) return null;
			query.actorId = actorId;
		}
		if (filter.space) {
			const spaceId = await this.repo.spaceIdOf(filter.space);
			if (!spaceId) return null;
			query.spaceId = spaceId;
		}
		if (filter.from) query.from = new Date(`${filter.from}T00:00:00Z`);
		if (filter.to) query.until = nextDay(filter.to);
		if (filter.cursor) query.after = decodeCursor(filter.cursor);
		return query;
	}

	async list(auth: Auth, filter: AuditFilter): Promise<AuditPageOutput> {
		const scope = await this.scope(auth);
		const query = await this.query(scope, filter);
		if (!query) return { items: [], next: null };
		const rows = await this.repo.page(query, AUDIT_PAGE_SIZE + 1);
		const page = rows.slice(0, AUDIT_PAGE_SIZE);
		return {
			items: await this.present(page),
			next: rows.length > AUDIT_PAGE_SIZE ? encodeCursor(page.at(-1)!) : null
		};
	}

	/**
	 * Every matching row (up to AUDIT_EXPORT_MAX_ROWS) as CSV text in chunks: a BOM so that
	 * spreadsheet programs read UTF-8 (accents), the header, then one line per row, CRLF.
	 * Access is checked before the first chunk, so errors still get a proper status.
	 */
	async exportCsv(auth: Auth, filter: Omit<AuditFilter, 'cursor'>): Promise<AsyncIterable<string>> {
		const scope = await this.scope(auth);
		const query = await this.query(scope, { ...filter, cursor: undefined });
		const repo = this.repo;
		return (async function* () {
			yield CSV_BOM + AUDIT_CSV_HEADER.join(',') + '\r\n';
			if (!query) return;
			let written = 0;
			while (written < AUDIT_EXPORT_MAX_ROWS) {
				const rows = await repo.page(query, Math.min(EXPORT_BATCH, AUDIT_EXPORT_MAX_ROWS - written));
				if (rows.length === 0) return;
				yield rows
					.map(({ entry, spaceSlug, spaceName }) =>
						[
							entry.at.toISOString(),
							inert(entry.actorName),
							entry.action,
							inert(spaceName ?? spaceSlug ?? entry.spaceId ?? ''),
							entry.targetType,
							entry.targetId,
							inert(entry.targetLabel),
							inert(entry.reason ?? ''),
							json(entry.before),
							json(entry.after)
						]
							.map(csvField)
							.join(',')
					)
					.join('\r\n')
					.concat('\r\n');
				written += rows.length;
				const last = rows.at(-1)!;
				query.after = { at: last.atKey, id: last.entry.id };
			}
		})();
	}

	private async present(rows: AuditPageRow[]): Promise<AuditEntryOutput[]> {
		const postIds = rows.filter((r) => r.entry.targetType === 'post').map((r) => r.entry.targetId);
		const spaceIds = rows.filter((r) => r.entry.targetType === 'space').map((r) => r.entry.targetId);
		const [postsFound, spacesFound] = await Promise.all([this.repo.postLocations(postIds), this.repo.spaceSlugs(spaceIds)]);
		const postLinks = new Map(postsFound.map((p) => [p.id, postUrl(p.threadId, p.number)]));
		const spaceLinks = new Map(spacesFound.map((s) => [s.id, spaceUrl(s.slug)]));
		const targetUrl = (type: string, id: string): string | null => {
			if (type === 'post') return postLinks.get(id) ?? null;
			if (type === 'thread') return threadUrl(id);
			if (type === 'user') return memberUrl(id);
			if (type === 'experience') return `/experiences/${id}`;
			if (type === 'space') return spaceLinks.get(id) ?? null;
			return null;
		};
		return rows.map(({ entry, spaceSlug, spaceName }) => ({
			id: entry.id,
			at: entry.at.toISOString(),
			actor: { id: entry.actorId, name: entry.actorName, url: entry.actorId ? memberUrl(entry.actorId) : null },
			action: entry.action,
			space: entry.spaceId
				? { id: entry.spaceId, slug: spaceSlug, name: spaceName, url: spaceSlug ? spaceUrl(spaceSlug) : null }
				: null,
			target: {
				type: entry.targetType,
				id: entry.targetId,
				label: entry.targetLabel,
				url: targetUrl(entry.targetType, entry.targetId)
			},
			reason: entry.reason,
			before: entry.before,
			after: entry.after
		}));
	}
}
