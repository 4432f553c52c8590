// In the browser: an unexpected failure (most often the network dropping while a page's
// data loads) is given plain words, never a stack trace or "Internal Error".
import type { HandleClientError } from '@sveltejs/kit';

export const handleError: HandleClientError = ({ error, status }) => {
	if (status >= 500) console.warn('[think-safe] a page could not load', error);
	return {
		message:
			status === 404
				? 'We could not find that page.'
				: "We can't reach Think Safe just now. Please try again in a moment."
	};
};
