import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import { memberUrl, uniqueViolation } from '../accounts/accounts.service.ts';
import { recordAudit } from '../moderation/audit.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess, type SpaceAccessFacts } from './access.ts';
import type { CreateSpaceInput, SpaceMemberOutput, SpaceOutput, UpdateSpaceInput } from './spaces.schema.ts';
import { SpacesRepository, type SpaceRow } from './spaces.repository.ts';

export const spaceUrl = (slug: string) => `/espaces/${slug}`;

export function accessFacts(row: SpaceRow): SpaceAccessFacts {
	return {
		visibility: row.space.visibility,
		archivedAt: row.space.archivedAt,
		membership: row.memberRole && row.memberStatus ? { role: row.memberRole, status: row.memberStatus } : null
	};
}

function toSpace(auth: Auth, row: SpaceRow): SpaceOutput {
	const facts = accessFacts(row);
	const s = row.space;
	return {
		id: s.id,
		url: spaceUrl(s.slug),
		slug: s.slug,
		name: s.name,
		description: s.description,
		descriptionHtml: s.descriptionHtml,
		visibility: s.visibility,
		themes: s.themes,
		countries: s.countries,
		archived: s.archivedAt !== null,
		lastActivityAt: s.lastActivityAt.toISOString(),
		threadCount: s.threadCount,
		postCount: s.postCount,
		unreadThreads: auth ? row.unreadThreads : null,
		membership: facts.membership,
		can: {
			post: spaceAccess.post(auth, facts),
			moderate: spaceAccess.moderate(auth, facts),
			manage: spaceAccess.manage(auth, facts)
		},
		moderationSettings: spaceAccess.moderate(auth, facts)
			? { reviewFirstPosts: s.reviewFirstPosts, reportThreshold: s.reportThreshold }
			: null
	};
}

/** The settings an update may change, as they stand: what `space.settings` audit rows compare. */
const settingKeys = ['name', 'description', 'visibility', 'themes', 'countries', 'reviewFirstPosts', 'reportThreshold'] as const;

/** Only what the update changes, before and after; null when it changes nothing. */
function settingsChange(space: SpaceRow['space'], fields: Omit<UpdateSpaceInput, 'archived'>) {
	const before: Record<string, unknown> = {};
	const after: Record<string, unknown> = {};
	for (const key of settingKeys) {
		const next = fields[key];
		if (next === undefined || JSON.stringify(next) === JSON.stringify(space[key])) continue;
		before[key] = space[key];
		after[key] = next;
	}
	return Object.keys(after).length > 0 ? { before, after } : null;
}

export class SpacesService {
	readonly repo: SpacesRepository;

	constructor(
		private db: Database,
		private realtime: RealtimePublisher,
		private notifications: NotificationsService
	) {
		this.repo = new SpacesRepository(db);
	}

	/**
	 * The space as the caller may see it, or NotFoundError — for a private space the caller
	 * cannot read, exactly as for a space that does not exist.
	 */
	async readable(auth: Auth, slug: string): Promise<SpaceRow> {
		const row = await this.repo.findBySlug(slug, auth?.user.id ?? null);
		if (!row || !spaceAccess.read(auth, accessFacts(row))) throw new NotFoundError();
		return row;
	}

	async readableById(auth: Auth, id: string): Promise<SpaceRow> {
		const row = await this.repo.findById(id, auth?.user.id ?? null);
		if (!row || !spaceAccess.read(auth, accessFacts(row))) throw new NotFoundError();
		return row;
	}

	/** Spaces the caller may read, most recently active first; archived ones last. */
	async list(auth: Auth): Promise<SpaceOutput[]> {
		const rows = await this.repo.list(auth?.user.id ?? null);
		return rows
			.filter((row) => spaceAccess.read(auth, accessFacts(row)))
			.map((row) => toSpace(auth, row))
			.sort((a, b) => Number(a.archived) - Number(b.archived));
	}

	async get(auth: Auth, slug: string): Promise<SpaceOutput> {
		return toSpace(auth, await this.readable(auth, slug));
	}

	/** Spaces whose invitation waits for this user (they cannot read them yet). */
	async invitations(auth: Auth): Promise<{ slug: string; name: string; url: string }[]> {
		const { user } = requireUser(auth);
		const rows = await this.repo.list(user.id);
		return rows
			.filter((row) => row.memberStatus === 'invited' && !row.space.archivedAt)
			.map((row) => ({ slug: row.space.slug, name: row.space.name, url: spaceUrl(row.space.slug) }));
	}

	async create(auth: Auth, input: CreateSpaceInput): Promise<SpaceOutput> {
		const { user } = requireUser(auth);
		if (user.role !== 'admin') throw new ForbiddenError();
		if (await this.repo.slugTaken(input.slug)) throw new ConflictError('error_slug_taken', { slug: 'error_slug_taken' });
		try {
			await this.db.transaction(async (tx) => {
				const id = await this.repo.insert(tx, {
					...input,
					descriptionHtml: renderMarkdown(input.description),
					createdBy: user.id
				});
				// The creator moderates the space they open.
				await this.repo.upsertMember(tx, {
					spaceId: id,
					userId: user.id,
					role: 'moderator',
					status: 'active',
					decidedBy: user.id
				});
				await recordAudit(tx, auth, {
					action: 'space.create',
					spaceId: id,
					targetType: 'space',
					targetId: id,
					targetLabel: input.name,
					after: { name: input.name, slug: input.slug, visibility: input.visibility }
				});
			});
		} catch (error) {
			if (uniqueViolation(error) === 'spaces_slug_key') throw new ConflictError('error_slug_taken', { slug: 'error_slug_taken' });
			throw error;
		}
		return this.get(auth, input.slug);
	}

	async update(auth: Auth, slug: string, input: UpdateSpaceInput): Promise<SpaceOutput> {
		const row = await this.readable(auth, slug);
		const facts = accessFacts(row);
		if (!spaceAccess.manage(auth, facts)) throw new ForbiddenError();
		if (input.archived !== undefined && auth!.user.role !== 'admin') throw new ForbiddenError();
		const { archived, ...fields } = input;
		await this.db.transaction(async (tx) => {
			await this.repo.update(tx, row.space.id, {
				...fields,
				...(fields.description !== undefined ? { descriptionHtml: renderMarkdown(fields.description) } : {}),
				...(archived !== undefined ? { archivedAt: archived ? (row.space.archivedAt ?? new Date()) : null } : {})
			});
			const space = { spaceId: row.space.id, targetType: 'space' as const, targetId: row.space.id, targetLabel: row.space.name };
			const change = settingsChange(row.space, fields);
			if (change) await recordAudit(tx, auth, { action: 'space.settings', ...space, ...change });
			const wasArchived = row.space.archivedAt !== null;
			if (archived !== undefined && archived !== wasArchived) {
				await recordAudit(tx, auth, {
					action: archived ? 'space.archive' : 'space.unarchive',
					...space,
					before: { archived: wasArchived },
					after: { archived }
				});
			}
		});
		// A narrower visibility applies to live sockets at once, not at their next page load.
		if (fields.visibility === 'members' && row.space.visibility === 'public') {
			await this.realtime.evictFromSpaceUnless(row.space.id, (userId) => userId !== null);
		} else if (fields.visibility === 'private' && row.space.visibility !== 'private') {
			const allowed = new Set(await this.repo.readerIdsOfPrivate(row.space.id));
			await this.realtime.evictFromSpaceUnless(row.space.id, (userId) => userId !== null && allowed.has(userId));
		}
		return this.get(auth, slug);
	}

	/**
	 * Join: a public or members space at once; a private space on invitation (accepting it)
	 * or by a request its moderators decide.
	 */
	async join(auth: Auth, slug: string, message = ''): Promise<SpaceOutput['membership']> {
		const { user } = requireUser(auth);
		const row = await this.repo.findBySlug(slug, user.id);
		if (!row || row.space.archivedAt) throw new NotFoundError();
		const facts = accessFacts(row);
		if (facts.membership?.status === 'active') return facts.membership;
		const spaceId = row.space.id;
		if (row.space.visibility !== 'private' || facts.membership?.status === 'invited') {
			await this.repo.upsertMember(this.db, { spaceId, userId: user.id, status: 'active' });
		} else {
			await this.repo.upsertMember(this.db, { spaceId, userId: user.id, status: 'requested', message });
			const moderators = await this.repo.moderatorIds(spaceId);
			await this.notifications.notify(
				moderators.map((id) => ({
					userId: id,
					kind: 'join_decision' as const,
					actorId: user.id,
					spaceId,
					data: { request: true }
				}))
			);
		}
		return accessFacts((await this.repo.findBySlug(slug, user.id))!).membership;
	}

	/** Leaving takes effect at once, live sockets included. */
	async leave(auth: Auth, slug: string): Promise<void> {
		const { user } = requireUser(auth);
		const row = await this.repo.findBySlug(slug, user.id);
		if (!row || !row.memberStatus) throw new NotFoundError();
		await this.repo.removeMember(this.db, row.space.id, user.id);
		if (row.space.visibility === 'private') await this.realtime.evictFromSpace(user.id, row.space.id);
	}

	private async managed(auth: Auth, slug: string) {
		const row = await this.readable(auth, slug);
		if (!spaceAccess.manage(auth, accessFacts(row))) throw new ForbiddenError();
		return row;
	}

	async invite(auth: Auth, slug: string, handle: string): Promise<SpaceMemberOutput> {
		const row = await this.managed(auth, slug);
		const invitee = await this.repo.findUserByHandle(handle);
		if (!invitee) throw new ValidationError({ handle: 'error_handle_unknown' });
		const current = await this.repo.membership(row.space.id, invitee.id);
		if (current?.status === 'active') throw new ConflictError('error_already_member', { handle: 'error_already_member' });
		// Inviting someone who asked to join is approving them.
		const status = current?.status === 'requested' ? 'active' : 'invited';
		await this.db.transaction(async (tx) => {
			await this.repo.upsertMember(tx, { spaceId: row.space.id, userId: invitee.id, status, decidedBy: auth!.user.id });
			await recordAudit(tx, auth, {
				action: status === 'active' ? 'space.join_decision' : 'space.invite',
				spaceId: row.space.id,
				targetType: 'user',
				targetId: invitee.id,
				targetLabel: invitee.displayName,
				before: current ? { status: current.status } : null,
				after: status === 'active' ? { decision: 'approve', status } : { status }
			});
		});
		await this.notifications.notify([
			{
				userId: invitee.id,
				kind: status === 'active' ? 'join_decision' : 'invitation',
				actorId: auth!.user.id,
				spaceId: row.space.id,
				data: { approved: true }
			}
		]);
		return (await this.members(auth, slug)).find((m) => m.userId === invitee.id)!;
	}

	async decideJoin(auth: Auth, slug: string, userId: string, decision: 'approve' | 'refuse'): Promise<void> {
		const row = await this.managed(auth, slug);
		const request = await this.repo.membership(row.space.id, userId);
		if (!request || request.status !== 'requested') throw new NotFoundError();
		await this.db.transaction(async (tx) => {
			if (decision === 'approve') {
				await this.repo.upsertMember(tx, { spaceId: row.space.id, userId, status: 'active', decidedBy: auth!.user.id });
			} else {
				await this.repo.removeMember(tx, row.space.id, userId);
			}
			await recordAudit(tx, auth, {
				action: 'space.join_decision',
				spaceId: row.space.id,
				targetType: 'user',
				targetId: userId,
				targetLabel: await this.repo.displayName(userId, tx),
				before: { status: 'requested' },
				after: { decision, status: decision === 'approve' ? 'active' : null }
			});
		});
		await this.notifications.notify([
			{ userId, kind: 'join_decision', actorId: auth!.user.id, spaceId: row.space.id, data: { approved: decision === 'approve' } }
		]);
	}

	/** Admins name space moderators; space moderators manage members. */
	async setMemberRole(auth: Auth, slug: string, userId: string, role: 'member' | 'moderator'): Promise<void> {
		const row = await this.managed(auth, slug);
		if (role === 'moderator' && auth!.user.role !== 'admin') throw new ForbiddenError();
		const member = await this.repo.membership(row.space.id, userId);
		if (!member || member.status !== 'active') throw new NotFoundError();
		await this.db.transaction(async (tx) => {
			await this.repo.upsertMember(tx, { spaceId: row.space.id, userId, role, status: 'active', decidedBy: auth!.user.id });
			if (member.role === role) return;
			await recordAudit(tx, auth, {
				action: 'space.role',
				spaceId: row.space.id,
				targetType: 'user',
				targetId: userId,
				targetLabel: await this.repo.displayName(userId, tx),
				before: { role: member.role },
				after: { role }
			});
		});
	}

	async removeMember(auth: Auth, slug: string, userId: string): Promise<void> {
		const row = await this.managed(auth, slug);
		const member = await this.repo.membership(row.space.id, userId);
		if (!member) throw new NotFoundError();
		await this.db.transaction(async (tx) => {
			await this.repo.removeMember(tx, row.space.id, userId);
			await recordAudit(tx, auth, {
				action: 'space.member_remove',
				spaceId: row.space.id,
				targetType: 'user',
				targetId: userId,
				targetLabel: await this.repo.displayName(userId, tx),
				before: { role: member.role, status: member.status },
				after: null
			});
		});
		await this.realtime.evictFromSpace(userId, row.space.id);
	}

	/** Readers see active members; managers also see invitations and requests. */
	async members(auth: Auth, slug: string): Promise<SpaceMemberOutput[]> {
		const row = await this.readable(auth, slug);
		const manager = spaceAccess.manage(auth, accessFacts(row));
		const rows = await this.repo.members(row.space.id, { activeOnly: !manager });
		return rows.map((m) => ({
			userId: m.userId,
			url: memberUrl(m.userId),
			displayName: m.displayName,
			handle: m.handle,
			role: m.role,
			status: m.status,
			message: manager ? m.message : '',
			createdAt: m.createdAt.toISOString()
		}));
	}
}
