/**
 * A deploy target loaded on its first session. The Kubernetes client and simple-git are
 * large: loaded eagerly they cost every server start (and so every offline `render -f`,
 * which starts a throwaway one) a good part of its start-up, for deploys it never makes.
 */
import type { DeployTarget } from '../../service/deploy/target.js';

/** `atomic` must be said here, as the target will say it, since it is read before any session. */
export function lazyTarget(name: string, load: () => Promise<DeployTarget>, atomic = false): DeployTarget {
  let loaded: Promise<DeployTarget> | undefined;
  const target = () =>
    (loaded ??= load().then((target) => {
      if (target.name !== name || (target.atomic ?? false) !== atomic)
        throw new Error(`the ${name} target loaded as ${target.name} (atomic: ${String(target.atomic ?? false)})`);
      return target;
    }));
  return {
    name,
    ...(atomic ? { atomic } : {}),
    async session(cluster, context, work) {
      return (await target()).session(cluster, context, work);
    },
    async read(cluster, kinds, labels) {
      return (await target()).read(cluster, kinds, labels);
    },
  };
}
