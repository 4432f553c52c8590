import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	server: { host: '127.0.0.1' },
	// A timings report on a slow shared machine is noise in `npm start`'s output.
	build: { rolldownOptions: { checks: { bundlerTimings: false } } }
});
