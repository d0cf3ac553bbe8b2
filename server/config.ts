import { z } from 'zod';

/**
 * Environment, validated once at boot. Every bad variable is reported in one message,
 * so an operator fixes them all at once instead of one restart per typo.
 */
const booleanFromEnv = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'])
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().min(1).default('localhost'),
	PUBLIC_ORIGIN: z
		.url({ protocol: /^https?$/ })
		.transform((v) => new URL(v).origin)
		.optional(),
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres:// ou postgresql://')
		.optional(),
	DATA_DIR: z.string().min(1).default('./data'),
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'doit commencer par redis:// ou rediss://')
		.optional(),
	COOKIE_SECURE: booleanFromEnv.optional(),
	TRUST_PROXY: z
		.string()
		.regex(/^(true|false|\d{1,2})$/, 'true, false, ou un nombre de proxys (hops)')
		.transform((v) => (v === 'true' ? true : v === 'false' ? false : Number(v)))
		.optional(),
	// Anonymous pages are served from memory this long (0: never). See server/web/page-cache.ts.
	PAGE_CACHE_SECONDS: z.coerce.number().min(0).max(60).default(2),
	// Outgoing e-mail. Unset: e-mails stay in the local outbox admins read at /admin/courriels.
	SMTP_URL: z
		.url({ protocol: /^smtps?$/ })
		.refine((v) => URL.parse(v)?.hostname, 'hôte manquant (smtp://user:pass@host:587)')
		.optional(),
	MAIL_FROM: z
		.string()
		.regex(
			/^([^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/,
			'adresse attendue : Nom <adresse@domaine> ou adresse@domaine'
		)
		.optional(),
	// Background jobs (event reminders, e-mail sender) run this often; 0 = not in this process.
	JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
});

export interface Config {
	port: number;
	host: string;
	/** Scheme + host (+ port) users type; used for Origin checks, cookies and links. */
	publicOrigin: string;
	databaseUrl: string | undefined;
	dataDir: string;
	redisUrl: string | undefined;
	cookieSecure: boolean;
	/** Behind a reverse proxy: trust X-Forwarded-For (true, or that many hops) for client IPs. */
	trustProxy: boolean | number;
	logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
	pageCacheSeconds: number;
	/** `smtp://user:pass@host:587` or `smtps://…`; undefined = e-mails go to the local outbox only. */
	smtpUrl: string | undefined;
	/** The From header of every e-mail. */
	mailFrom: string;
	/** Seconds between two runs of the background jobs; 0 = this process runs none. */
	jobsIntervalSeconds: number;
}

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(
			`Configuration invalide — corrigez ces variables d'environnement (voir .env.example) :\n` +
				problems.map((p) => `  - ${p}`).join('\n')
		);
		this.name = 'ConfigError';
	}
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	// Empty strings mean "unset" (a common shape of `FOO=` lines in .env files).
	const cleaned = Object.fromEntries(
		Object.keys(envSchema.shape).flatMap((key) => {
			const value = env[key];
			return value === undefined || value.trim() === '' ? [] : [[key, value.trim()]];
		})
	);
	const parsed = envSchema.safeParse(cleaned);
	if (!parsed.success) {
		throw new ConfigError(
			parsed.error.issues.map((issue) => {
				const key = String(issue.path[0] ?? '?');
				// A URL's password (SMTP_URL, DATABASE_URL…) must not end up in the boot log.
				const shown = (cleaned[key] ?? '').replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
				return `${key}=${JSON.stringify(shown)} : ${issue.message}`;
			})
		);
	}
	const e = parsed.data;
	const publicOrigin = e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT}`;
	return {
		port: e.PORT,
		host: e.HOST,
		publicOrigin,
		databaseUrl: e.DATABASE_URL,
		dataDir: e.DATA_DIR,
		redisUrl: e.REDIS_URL,
		// Secure cookies whenever the public origin is https, unless told otherwise.
		cookieSecure: e.COOKIE_SECURE ?? publicOrigin.startsWith('https:'),
		trustProxy: e.TRUST_PROXY ?? false,
		logLevel: e.LOG_LEVEL,
		pageCacheSeconds: e.PAGE_CACHE_SECONDS,
		smtpUrl: e.SMTP_URL,
		mailFrom: e.MAIL_FROM ?? `Palabre <no-reply@${new URL(publicOrigin).hostname}>`,
		jobsIntervalSeconds: e.JOBS_INTERVAL_SECONDS
	};
}
