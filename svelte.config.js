import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// BUILD_DIR lets several checkouts' test runs build side by side without clobbering.
		// precompress: the build writes each script, style and SVG once more as .br and .gz,
		// which adapter-node serves to browsers that accept them; pages and data are
		// compressed as they go out (scripts/compress.ts).
		adapter: adapter({ out: process.env.BUILD_DIR || 'build', precompress: true }),
		outDir: process.env.BUILD_DIR ? `${process.env.BUILD_DIR}-kit` : '.svelte-kit',
		// Kit hashes its own inline bootstrap script, so 'self' plus hashes is enough:
		// no page may load anything from another origin (ICO Children's Code, no CDN or analytics).
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		alias: {
			$components: 'src/lib/components'
		}
	}
};

export default config;
