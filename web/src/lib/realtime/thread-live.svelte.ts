import type { PostEvent, ThreadWatchResult } from '$server/realtime/events';
import { m } from '$lib/paraglide/messages';
import type { PalabreSocket } from './client';
import { Sequencer } from './sequencer';

/** A post as the thread page holds it (see $lib/server/threads.ts, which builds it). */
export interface LivePost {
	id: string;
	number: number;
	author: { id: string; url: string; displayName: string; organisation: string };
	bodyHtml: string | null;
	createdAt: string;
	revisionCount: number;
	usefulCount: number;
	votedUseful: boolean;
	deleted: boolean;
	accepted: boolean;
	seq: number;
	/** Review and hiding: such a post reaches only its author and the space's moderators. */
	status: 'published' | 'pending' | 'rejected';
	hidden: boolean;
	moderationNote: string | null;
	can: { edit: boolean; delete: boolean; vote: boolean; accept: boolean; report: boolean; moderate: boolean };
}

/** What the page's load data says: the starting point of the live view. */
export interface ThreadSeed {
	threadId: string;
	lastSeq: number;
	postCount: number;
	posts: LivePost[];
	/** The page shows the thread's last post: new replies are appended to it. */
	lastPage: boolean;
	acceptedPostId: string | null;
	viewer: { id: string | null; reply: boolean; moderate: boolean; threadAuthor: boolean; question: boolean };
}

/** A post from an event (everyone's view: no `can`, no vote of the reader), a catch-up or a form's answer. */
type IncomingPost = Omit<LivePost, 'can' | 'votedUseful' | 'moderationNote'> &
	Partial<Pick<LivePost, 'can' | 'votedUseful' | 'moderationNote'>> & {
		/** A catch-up's word that the reader may no longer see this post. */
		removed?: boolean;
	};

/**
 * One thread, kept current by socket events. Seeded from the page's load data, it merges
 * every post change by id, applies each change once (a post's `seq` only grows, so an event
 * at or below the known one is a duplicate or stale) and in order (see Sequencer), and tracks
 * the thread's last sequence number, from which each (re)connection catches up: no gap, no
 * duplicate.
 */
export class ThreadLive {
	posts = $state<LivePost[]>([]);
	/** Distinct people reading the thread now (null until the socket says). */
	readers = $state<number | null>(null);
	/** Numbers of new replies beyond this page (when it is not the last one). */
	unseen = $state<number[]>([]);
	/** Polite announcement for screen readers: the latest live change worth saying. */
	announcement = $state('');
	acceptedPostId = $state<string | null>(null);
	/** Posts in the thread, new replies included. */
	postCount = $state(0);

	#seed!: ThreadSeed;
	/** Order of the thread's changes; the highest sequence number applied to each post, shown or not. */
	#seq = new Sequencer(() => this.#watch());
	#firstShown = 1;
	#socket: PalabreSocket | null = null;

	constructor(seed: ThreadSeed) {
		this.seed(seed);
	}

	/** (Re)starts from load data: on first render and after each navigation or form action. */
	seed(seed: ThreadSeed) {
		this.#seed = seed;
		this.posts = seed.posts.map((p) => ({ ...p, author: { ...p.author }, can: { ...p.can } }));
		this.#seq.answered(seed.lastSeq, true, () => {
			for (const p of seed.posts) this.#seq.fresh(p.id, p.seq);
		});
		this.postCount = seed.postCount;
		this.#firstShown = seed.posts[0]?.number ?? 1;
		this.acceptedPostId = seed.acceptedPostId;
		this.unseen = [];
		// Load data may be older than what the socket already said: ask for the difference.
		if (this.#socket?.connected) this.#watch();
	}

	get threadId() {
		return this.#seed.threadId;
	}

	/** What the reader may do with a post the server sent to everyone (events carry no `can`). */
	#capabilities(post: IncomingPost): LivePost['can'] {
		const v = this.#seed.viewer;
		const moderate = v.moderate && !post.deleted;
		const report = !post.deleted && !!v.id && post.author.id !== v.id;
		if (post.deleted || !v.id || !v.reply) return { edit: false, delete: false, vote: false, accept: false, report, moderate };
		const own = post.author.id === v.id;
		const published = post.status === 'published' && !post.hidden;
		return {
			edit: own || v.moderate,
			delete: own || v.moderate,
			vote: !own && published,
			accept: published && v.question && post.number > 1 && (v.threadAuthor || v.moderate),
			report,
			moderate
		};
	}

	/** Whether this reader may see the post: hidden and unpublished ones are for their author and moderators. */
	#visible(post: IncomingPost): boolean {
		if (post.removed) return false;
		const v = this.#seed.viewer;
		if (v.moderate || (v.id !== null && post.author.id === v.id)) return true;
		return post.status === 'published' && !post.hidden;
	}

	/** Applies one change of a post; returns whether it was new to this page. */
	apply(post: IncomingPost, seq: number): boolean {
		if (!this.#seq.fresh(post.id, seq)) return false;
		const index = this.posts.findIndex((p) => p.id === post.id);
		if (!this.#visible(post)) {
			// Hidden or sent back to review since: it leaves the page.
			if (index >= 0) this.posts.splice(index, 1);
			return false;
		}
		if (index >= 0) {
			const old = this.posts[index]!;
			this.posts[index] = this.#toLive(post, old);
			return false;
		}
		if (post.number <= this.postCount) {
			// Shown again (restored, approved) within this page's range: back in its place.
			const last = this.posts.at(-1)?.number ?? 0;
			if (post.number >= this.#firstShown && (this.#seed.lastPage || post.number < last)) {
				const at = this.posts.findIndex((p) => p.number > post.number);
				if (at < 0) this.posts.push(this.#toLive(post));
				else this.posts.splice(at, 0, this.#toLive(post));
			}
			return false;
		}
		// A new reply.
		this.postCount = post.number;
		if (this.#seed.lastPage) {
			const at = this.posts.findIndex((p) => p.number > post.number);
			const live = this.#toLive(post);
			if (at < 0) this.posts.push(live);
			else this.posts.splice(at, 0, live);
		} else if (post.number >= this.#firstShown) {
			this.unseen = [...this.unseen, post.number];
		}
		if (post.author.id !== this.#seed.viewer.id) {
			this.announcement = m.thread_live_new_reply({ name: post.author.displayName });
		}
		return true;
	}

	/** A reply the reader just sent (the form's answer), shown at once without waiting for its event. */
	replied(post: LivePost) {
		this.apply(post, post.seq);
	}

	#toLive(post: IncomingPost, old?: LivePost): LivePost {
		return {
			id: post.id,
			number: post.number,
			author: { ...post.author },
			// Events carry the plain reader's view: a moderator keeps the text of a deleted post.
			bodyHtml: post.deleted && post.bodyHtml === null && this.#seed.viewer.moderate ? (old?.bodyHtml ?? null) : post.bodyHtml,
			createdAt: post.createdAt,
			revisionCount: post.revisionCount,
			usefulCount: post.usefulCount,
			votedUseful: post.votedUseful ?? old?.votedUseful ?? false,
			deleted: post.deleted,
			accepted: post.accepted,
			seq: post.seq,
			status: post.status,
			hidden: post.hidden,
			moderationNote: post.moderationNote ?? old?.moderationNote ?? null,
			can: post.can ? { ...post.can } : this.#capabilities(post)
		};
	}

	#accepted = (payload: { threadId: string; postId: string | null }) => {
		if (payload.threadId !== this.threadId) return;
		this.acceptedPostId = payload.postId;
		for (const post of this.posts) post.accepted = post.id === payload.postId;
	};

	#event = (payload: PostEvent) => {
		if (payload.threadId === this.threadId) this.#seq.push(payload.seq, () => this.apply(payload.post, payload.seq));
	};

	/** A moderator's change to the thread takes a number too (ThreadModerationNotices shows it). */
	#moderated = (payload: { threadId: string; seq: number }) => {
		if (payload.threadId === this.threadId) this.#seq.push(payload.seq);
	};

	#presence = (payload: { threadId: string; readers: number }) => {
		if (payload.threadId === this.threadId) this.readers = payload.readers;
	};

	/** Joins the thread's room and applies what changed since the last known sequence number. */
	#watch = () => {
		const socket = this.#socket;
		if (!socket) return;
		const threadId = this.threadId;
		socket.emit('thread:watch', { threadId, since: this.#seq.since }, (answer) => {
			if (threadId !== this.threadId) return;
			// A refusal still ends this catch-up: a gap still open asks again after its grace period.
			if (!answer.ok) return this.#seq.answered();
			const result: ThreadWatchResult = answer.data;
			this.#seq.answered(result.lastSeq, false, () => {
				for (const post of result.posts) this.apply(post, post.seq);
			});
			this.readers = result.readers;
		});
	};

	/** Listens on the page's socket; every (re)connection watches again from the last sequence number held. */
	connect(socket: PalabreSocket): () => void {
		this.#socket = socket;
		const events = ['post:created', 'post:updated', 'post:deleted', 'post:voted'] as const;
		socket.on('connect', this.#watch);
		for (const event of events) socket.on(event, this.#event);
		socket.on('thread:accepted', this.#accepted);
		socket.on('thread:moderated', this.#moderated);
		socket.on('presence:count', this.#presence);
		if (socket.connected) this.#watch();
		const threadId = this.threadId;
		return () => {
			socket.off('connect', this.#watch);
			for (const event of events) socket.off(event, this.#event);
			socket.off('thread:accepted', this.#accepted);
			socket.off('thread:moderated', this.#moderated);
			socket.off('presence:count', this.#presence);
			if (socket.connected) socket.emit('thread:unwatch', { threadId });
			if (this.#socket === socket) this.#socket = null;
		};
	}
}
