import type { SpaceOutput } from '$server/modules/spaces/spaces.schema';

/** What a list of spaces shows of each: the page data stays small (it is sent twice). */
export function spaceSummary(space: SpaceOutput) {
	return {
		slug: space.slug,
		url: space.url,
		name: space.name,
		visibility: space.visibility,
		archived: space.archived,
		threadCount: space.threadCount,
		postCount: space.postCount,
		lastActivityAt: space.lastActivityAt,
		unreadThreads: space.unreadThreads,
		member: space.membership?.status === 'active'
	};
}
