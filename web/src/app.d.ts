import type { Auth } from '$server/auth/auth';
import type { Locale } from '$db/schema/accounts';
import type { Services } from '$server/services';

declare global {
	namespace App {
		interface Locals {
			services: Services;
			auth: Auth;
			locale: Locale;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
