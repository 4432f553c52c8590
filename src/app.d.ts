// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
			/** The request's reference in the server's log (hooks.server.ts), for a teacher to quote. */
			requestId?: string;
		}
		// Locals are filled by hooks.server.ts (who is asking); access is decided per route.
		interface Locals {
			staff: import('$lib/server/auth/session').StaffPrincipal | null;
			pupil: import('$lib/server/auth/session').PupilPrincipal | null;
			/** This request's reference in the server's log (hooks.server.ts). */
			requestId?: string;
		}
		// eslint-disable-next-line @typescript-eslint/no-empty-object-type
		interface PageData {}
		// eslint-disable-next-line @typescript-eslint/no-empty-object-type
		interface PageState {}
		// eslint-disable-next-line @typescript-eslint/no-empty-object-type
		interface Platform {}
	}
}

export {};
