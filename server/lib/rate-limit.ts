import type { RedisClientType } from 'redis';

/**
 * Fixed-window counters. In memory for one process; in Redis when `REDIS_URL` is set so
 * every process shares the same budget.
 */
export interface RateLimitStore {
	/** Counts one hit on `key`; returns the count in the window and ms left in it. */
	hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
	reset(key: string): Promise<void>;
}

export interface RateRule {
	limit: number;
	windowMs: number;
}

export interface RateDecision {
	allowed: boolean;
	retryAfterSeconds: number;
}

export class MemoryRateLimitStore implements RateLimitStore {
	private windows = new Map<string, { count: number; resetAt: number }>();
	private sweeper = setInterval(() => this.sweep(), 60_000).unref();

	async hit(key: string, windowMs: number) {
		const now = Date.now();
		let w = this.windows.get(key);
		if (!w || w.resetAt <= now) {
			w = { count: 0, resetAt: now + windowMs };
			this.windows.set(key, w);
		}
		w.count++;
		return { count: w.count, resetMs: w.resetAt - now };
	}

	async reset(key: string) {
		this.windows.delete(key);
	}

	private sweep() {
		const now = Date.now();
		for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
	}

	close() {
		clearInterval(this.sweeper);
	}
}

export class RedisRateLimitStore implements RateLimitStore {
	constructor(
		private redis: RedisClientType,
		private prefix = 'palabre:rl:'
	) {}

	async hit(key: string, windowMs: number) {
		const k = this.prefix + key;
		// INCR then set the expiry only if none is set (Redis ≥ 7): one round trip, atomic.
		const [count, , ttl] = (await this.redis.multi().incr(k).pExpire(k, windowMs, 'NX').pTTL(k).exec()) as unknown as [
			number,
			number,
			number
		];
		return { count, resetMs: ttl > 0 ? ttl : windowMs };
	}

	async reset(key: string) {
		await this.redis.del(this.prefix + key);
	}
}

export class RateLimiter {
	constructor(private store: RateLimitStore) {}

	async consume(key: string, rule: RateRule): Promise<RateDecision> {
		const { count, resetMs } = await this.store.hit(key, rule.windowMs);
		return { allowed: count <= rule.limit, retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)) };
	}

	reset(key: string) {
		return this.store.reset(key);
	}
}
