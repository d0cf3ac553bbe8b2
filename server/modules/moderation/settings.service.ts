import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { ForbiddenError } from '../../lib/errors.ts';
import { recordAudit } from './audit.ts';
import { SettingsRepository, type Executor } from './settings.repository.ts';
import {
	REVIEW_FIRST_POSTS_DEFAULT,
	reviewFirstPostsValue,
	type SiteSettingsInput,
	type SiteSettingsOutput
} from './settings.schema.ts';

const REVIEW_FIRST_POSTS = 'review_first_posts';

/** Site-wide moderation settings, changed by admins; each change audited with before/after. */
export class SettingsService {
	private repo: SettingsRepository;

	constructor(private db: Database) {
		this.repo = new SettingsRepository(db);
	}

	/** The site default of posts reviewed before publication for a new member (spaces may override). */
	async reviewFirstPosts(tx?: Executor): Promise<number> {
		const parsed = reviewFirstPostsValue.safeParse(await this.repo.value(REVIEW_FIRST_POSTS, tx));
		return parsed.success ? parsed.data : REVIEW_FIRST_POSTS_DEFAULT;
	}

	private requireAdmin(auth: Auth) {
		const caller = requireUser(auth);
		if (caller.user.role !== 'admin') throw new ForbiddenError();
		return caller;
	}

	async get(auth: Auth): Promise<SiteSettingsOutput> {
		this.requireAdmin(auth);
		return { reviewFirstPosts: await this.reviewFirstPosts() };
	}

	async update(auth: Auth, input: SiteSettingsInput): Promise<SiteSettingsOutput> {
		const caller = this.requireAdmin(auth);
		await this.db.transaction(async (tx) => {
			const before = await this.reviewFirstPosts(tx);
			if (before === input.reviewFirstPosts) return;
			await this.repo.put(tx, REVIEW_FIRST_POSTS, input.reviewFirstPosts, caller.user.id);
			await recordAudit(tx, caller, {
				action: 'setting.update',
				targetType: 'setting',
				targetId: REVIEW_FIRST_POSTS,
				targetLabel: REVIEW_FIRST_POSTS,
				before: { reviewFirstPosts: before },
				after: { reviewFirstPosts: input.reviewFirstPosts }
			});
		});
		return { reviewFirstPosts: await this.reviewFirstPosts() };
	}
}
