import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests run outside Vite's SvelteKit plugin: the domain code
// under src/lib/server uses relative imports and plain process.env on purpose.
export default defineConfig({
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
