import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { notifications, posts, spaces, threads, users, type NotificationKind } from '../../../db/schema/index.ts';
import type { Auth } from '../../auth/auth.ts';
import { UnauthenticatedError } from '../../lib/errors.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import { spaceAccess } from '../spaces/access.ts';
import type { SpacesRepository } from '../spaces/spaces.repository.ts';
import { accessFacts } from '../spaces/spaces.service.ts';

export interface NewNotification {
	userId: string;
	kind: NotificationKind;
	actorId: string;
	/** Absent for notices about the member's own account (a warning). */
	spaceId?: string;
	threadId?: string;
	postId?: string;
	data?: Record<string, unknown>;
}

/** Where a notice about the member's own account (no space) leads. */
const ACCOUNT_URLS: Partial<Record<NotificationKind, string>> = { warning: '/avertissements' };

/** Kinds about the recipient's own membership: sent even before they can read the space. */
const MEMBERSHIP_KINDS = new Set<NotificationKind>(['invitation', 'join_decision']);

export interface NotificationOutput {
	id: string;
	kind: NotificationKind;
	url: string;
	actor: { displayName: string } | null;
	space: { name: string } | null;
	thread: { title: string } | null;
	postNumber: number | null;
	data: Record<string, unknown>;
	createdAt: string;
	read: boolean;
}

export class NotificationsService {
	private spaces!: SpacesRepository;

	constructor(
		private db: Database,
		private realtime: RealtimePublisher
	) {}

	/** Wired after construction: spaces and notifications need each other. */
	bindSpaces(spaces: SpacesRepository) {
		this.spaces = spaces;
	}

	private async canRead(userId: string, spaceId: string): Promise<boolean> {
		const [user] = await this.db
			.select({ id: users.id, role: users.role, status: users.status })
			.from(users)
			.where(eq(users.id, userId));
		if (!user || user.status !== 'active') return false;
		const row = await this.spaces.findById(spaceId, userId);
		const auth: Auth = {
			user: { id: user.id, role: user.role, email: '', displayName: '', locale: 'fr' },
			session: { id: '', expiresAt: new Date() }
		};
		return !!row && spaceAccess.read(auth, accessFacts(row));
	}

	/**
	 * Records notifications — call after the triggering transaction committed — re-checking
	 * each recipient's read access now (a deferred send must not leak), then pushes the
	 * badge count live.
	 */
	async notify(items: NewNotification[]): Promise<void> {
		const allowed: NewNotification[] = [];
		for (const item of items) {
			if (item.userId === item.actorId) continue;
			if (MEMBERSHIP_KINDS.has(item.kind) || !item.spaceId || (await this.canRead(item.userId, item.spaceId))) {
				allowed.push(item);
			}
		}
		if (allowed.length === 0) return;
		await this.db.insert(notifications).values(allowed.map((n) => ({ ...n, data: n.data ?? {} })));
		for (const userId of new Set(allowed.map((n) => n.userId))) {
			this.realtime.emitToUser(userId, 'notification:count', { unread: await this.unreadCount(userId) });
		}
	}

	unreadCount(userId: string): Promise<number> {
		return this.db
			.select({ n: sql<number>`count(*)::int` })
			.from(notifications)
			.where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
			.then((rows) => rows[0]!.n);
	}

	/** Newest first, 30 a page; entries whose content the user can no longer read are left out. */
	async list(auth: Auth, before?: string): Promise<{ items: NotificationOutput[]; unread: number }> {
		if (!auth) throw new UnauthenticatedError();
		const userId = auth.user.id;
		const rows = await this.db
			.select({
				n: notifications,
				actorName: users.displayName,
				spaceName: spaces.name,
				spaceSlug: spaces.slug,
				threadTitle: threads.title,
				postNumber: posts.number
			})
			.from(notifications)
			.leftJoin(spaces, eq(spaces.id, notifications.spaceId))
			.leftJoin(users, eq(users.id, notifications.actorId))
			.leftJoin(threads, eq(threads.id, notifications.threadId))
			.leftJoin(posts, eq(posts.id, notifications.postId))
			.where(and(eq(notifications.userId, userId), before ? lt(notifications.createdAt, new Date(before)) : undefined))
			.orderBy(desc(notifications.createdAt))
			.limit(30);
		const items: NotificationOutput[] = [];
		for (const row of rows) {
			const n = row.n;
			if (n.spaceId && !MEMBERSHIP_KINDS.has(n.kind) && !(await this.canRead(userId, n.spaceId))) continue;
			const experienceId = (n.data as Record<string, unknown>).experienceId;
			const eventId = (n.data as Record<string, unknown>).eventId;
			const url = !n.spaceId
				? (ACCOUNT_URLS[n.kind] ?? '/notifications')
				: typeof experienceId === 'string'
					? `/experiences/${experienceId}`
					: typeof eventId === 'string'
						? `/evenements/${eventId}`
						: n.threadId
							? `/fils/${n.threadId}${row.postNumber ? `?n=${row.postNumber}#p-${row.postNumber}` : ''}`
							: `/espaces/${row.spaceSlug}`;
			items.push({
				id: n.id,
				kind: n.kind,
				url,
				actor: row.actorName ? { displayName: row.actorName } : null,
				space: row.spaceName ? { name: row.spaceName } : null,
				thread: row.threadTitle ? { title: row.threadTitle } : null,
				postNumber: row.postNumber,
				data: n.data as Record<string, unknown>,
				createdAt: n.createdAt.toISOString(),
				read: n.readAt !== null
			});
		}
		return { items, unread: await this.unreadCount(userId) };
	}

	async markRead(auth: Auth, ids?: string[]): Promise<number> {
		if (!auth) throw new UnauthenticatedError();
		await this.db
			.update(notifications)
			.set({ readAt: new Date() })
			.where(
				and(
					eq(notifications.userId, auth.user.id),
					isNull(notifications.readAt),
					ids ? inArray(notifications.id, ids) : undefined
				)
			);
		const unread = await this.unreadCount(auth.user.id);
		this.realtime.emitToUser(auth.user.id, 'notification:count', { unread });
		return unread;
	}
}
