/**
 * A deploy target loaded on its first session. The Kubernetes client and simple-git are
 * large: loaded eagerly they cost every server start (and so every offline `render -f`,
 * which starts a throwaway one) a good part of its start-up, for deploys it never makes.
 */
import type { DeployTarget } from '../../service/deploy/target.js';

/** What a target says of itself, read before any session: said here as the target will say it. */
export interface TargetTraits {
  atomic?: boolean;
  exactMatch?: boolean;
}

const traitsText = (traits: TargetTraits) =>
  `atomic: ${String(traits.atomic ?? false)}, exactMatch: ${String(traits.exactMatch ?? false)}`;

export function lazyTarget(name: string, load: () => Promise<DeployTarget>, traits: TargetTraits = {}): DeployTarget {
  let loaded: Promise<DeployTarget> | undefined;
  // A failed import is not kept: the next session tries again. A target other than the one said stays refused.
  const target = () =>
    (loaded ??= load().then(
      (target) => {
        if (target.name !== name || traitsText(target) !== traitsText(traits))
          throw new Error(
            `the ${name} target loaded as ${target.name} (${traitsText(target)}), not (${traitsText(traits)})`,
          );
        return target;
      },
      (error: unknown) => {
        loaded = undefined;
        throw error;
      },
    ));
  return {
    name,
    ...(traits.atomic ? { atomic: true } : {}),
    ...(traits.exactMatch ? { exactMatch: true } : {}),
    async session(cluster, context, work) {
      return (await target()).session(cluster, context, work);
    },
    async read(cluster, kinds, labels) {
      return (await target()).read(cluster, kinds, labels);
    },
  };
}
