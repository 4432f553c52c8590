import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Unit and integration tests run outside Vite's SvelteKit plugin: the domain code
// under src/lib/server uses relative imports and plain process.env on purpose.
// The plain Svelte plugin (not SvelteKit's) only compiles .svelte files, so component tests can
// render them with svelte/server's render().
export default defineConfig({
	plugins: [svelte()],
	resolve: {
		alias: {
			$lib: path.resolve('src/lib'),
			$components: path.resolve('src/lib/components')
		}
	},
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		pool: 'forks',
		testTimeout: 20_000
	}
});
