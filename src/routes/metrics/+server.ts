// Figures for the council's monitoring (Prometheus). Not a person's page: who may read it
// is decided by the address asking (METRICS_ALLOW, loopback only by default), in access.ts.
import { canReadMetrics } from '$lib/server/access';
import { metricsClientAddress, metricsResponse } from '$lib/server/platform';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	if (!canReadMetrics(metricsClientAddress(event))) {
		return new Response(
			'Monitoring figures are not served to this address. The council lists the addresses that may read them in METRICS_ALLOW (see docs/deploy.md).\n',
			{ status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }
		);
	}
	const { body, contentType } = await metricsResponse();
	return new Response(body, {
		headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' }
	});
};
