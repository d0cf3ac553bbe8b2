import type { PostOutput, ThreadOutput } from '$server/modules/threads/threads.schema';

/**
 * A post as the thread page needs it. SvelteKit serializes load data into the page for
 * hydration, so every byte here is sent twice: no Markdown source (only the edit form
 * needs it, and loads it on its own), no handle, no thread id.
 */
export function threadPagePost(post: PostOutput) {
	return {
		id: post.id,
		number: post.number,
		author: {
			id: post.author.id,
			url: post.author.url,
			displayName: post.author.displayName,
			organisation: post.author.organisation
		},
		bodyHtml: post.bodyHtml,
		createdAt: post.createdAt,
		revisionCount: post.revisionCount,
		usefulCount: post.usefulCount,
		votedUseful: post.votedUseful,
		deleted: post.deleted,
		accepted: post.accepted,
		seq: post.seq,
		// Review and hiding (the server sends such a post only to its author and moderators).
		status: post.status,
		hidden: post.hidden,
		moderationNote: post.moderationNote,
		can: post.can
	};
}

export function threadPageThread(thread: ThreadOutput) {
	return {
		id: thread.id,
		url: thread.url,
		title: thread.title,
		kind: thread.kind,
		space: thread.space,
		authorId: thread.author.id,
		postCount: thread.postCount,
		lastSeq: thread.lastSeq,
		acceptedPostId: thread.acceptedPostId,
		can: thread.can
	};
}

/** The thread page's own address (its position among the posts), without one-off parameters. */
export function threadPageUrl(url: URL): string {
	const kept = new URLSearchParams();
	for (const key of ['n', 'avant']) {
		const value = url.searchParams.get(key);
		if (value) kept.set(key, value);
	}
	const query = kept.toString();
	return url.pathname + (query ? `?${query}` : '');
}
