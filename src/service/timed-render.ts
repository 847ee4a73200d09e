/**
 * Render durations for the metrics, without the render service knowing of them: the
 * service's public renders are wrapped on the instance. A render that another one calls
 * (a group's render reads the fleet's) is timed once, as the outer one: the scope of a
 * call is that of the first wrapped render on its async path.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { secondsSince, type Metrics } from './metrics.js';
import type { RenderService } from './render-service.js';

const SCOPES = {
  renderFleet: 'fleet',
  renderGroup: 'group',
  renderCluster: 'cluster',
  renderWorld: 'world',
  renderEverything: 'map',
} as const;

type Timed = keyof typeof SCOPES;

export function timeRenders(render: RenderService, metrics: Metrics): RenderService {
  const inside = new AsyncLocalStorage<true>();
  for (const [method, scope] of Object.entries(SCOPES) as [Timed, string][]) {
    const original = render[method].bind(render) as (...args: unknown[]) => Promise<unknown>;
    const timed = (...args: unknown[]): Promise<unknown> => {
      if (inside.getStore()) return original(...args);
      return inside.run(true, async () => {
        const started = performance.now();
        try {
          return await original(...args);
        } finally {
          metrics.rendered(scope, secondsSince(started));
        }
      });
    };
    Object.defineProperty(render, method, { value: timed, configurable: true, writable: true });
  }
  return render;
}
