import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { notifications, spaceMembers, warnings } from '../../../db/schema/index.ts';
import type { Role } from '../../../db/schema/values.ts';

export interface HeaderBadges {
	/** The header's badge; kept current by 'notification:count' once the socket is up. */
	unreadNotifications: number;
	/** The banner on every page until the member has acknowledged a moderators' warning. */
	unacknowledgedWarnings: number;
	/** The header's « Modération » link: admins, site moderators and space moderators. */
	moderates: boolean;
}

/**
 * What every signed-in page's header needs, in one query: a page load is the hottest path
 * a member takes, and three round trips cost more than three sub-selects.
 */
export async function headerBadges(db: Database, user: { id: string; role: Role } | null | undefined): Promise<HeaderBadges> {
	if (!user) return { unreadNotifications: 0, unacknowledgedWarnings: 0, moderates: false };
	const { id, role } = user;
	const [row] = await db
		.select({
			unread:
				sql<number>`(select count(*) from ${notifications} where ${notifications.userId} = ${id} and ${notifications.readAt} is null)`.mapWith(
					Number
				),
			warnings:
				sql<number>`(select count(*) from ${warnings} where ${warnings.userId} = ${id} and ${warnings.acknowledgedAt} is null)`.mapWith(
					Number
				),
			moderatesSpace: sql<boolean>`exists (select 1 from ${spaceMembers} where ${spaceMembers.userId} = ${id} and ${spaceMembers.role} = 'moderator' and ${spaceMembers.status} = 'active')`
		})
		.from(sql`(select 1) as one`);
	return {
		unreadNotifications: row!.unread,
		unacknowledgedWarnings: row!.warnings,
		moderates: role === 'admin' || role === 'moderator' || Boolean(row!.moderatesSpace)
	};
}
