import type { SpaceMemberRole, SpaceMemberStatus, SpaceVisibility } from '../../../db/schema/values.ts';
import type { Auth } from '../../auth/auth.ts';

/** What access decisions need to know about a space and the caller's membership of it. */
export interface SpaceAccessFacts {
	visibility: SpaceVisibility;
	archivedAt: Date | null;
	membership: { role: SpaceMemberRole; status: SpaceMemberStatus } | null;
}

const activeMember = (space: SpaceAccessFacts) => space.membership?.status === 'active';

/**
 * The permission table of a space, in one place. Services ask it before any read or write;
 * a denied read is answered as "not found" by the caller.
 */
export const spaceAccess = {
	read(auth: Auth, space: SpaceAccessFacts): boolean {
		if (space.visibility === 'public') return true;
		if (!auth) return false;
		if (space.visibility === 'members') return true;
		return auth.user.role === 'admin' || activeMember(space);
	},

	/** Start threads and reply. Archived spaces are read-only. */
	post(auth: Auth, space: SpaceAccessFacts): boolean {
		if (!auth || space.archivedAt) return false;
		if (space.visibility === 'private') return activeMember(space) || auth.user.role === 'admin';
		return true;
	},

	/**
	 * Moderate: admins everywhere; site moderators and the space's own moderators where they
	 * can read. A moderator of space A is nobody in private space B.
	 */
	moderate(auth: Auth, space: SpaceAccessFacts): boolean {
		if (!auth || !spaceAccess.read(auth, space)) return false;
		if (auth.user.role === 'admin' || auth.user.role === 'moderator') return true;
		return activeMember(space) && space.membership?.role === 'moderator';
	},

	/** Change the space's settings and members. */
	manage(auth: Auth, space: SpaceAccessFacts): boolean {
		if (!auth) return false;
		if (auth.user.role === 'admin') return true;
		return activeMember(space) && space.membership?.role === 'moderator';
	}
};
