/** `localityLbSetting` rules of Istio's webhook (`agent.ValidateLocalityLbSetting`). */
import { type Issues, entries, isFilled, list, type Path } from './issues.js';
import type { LocalityLbSetting } from './objects.js';

export function checkLocality(issues: Issues, path: Path, setting: LocalityLbSetting): void {
  const distribute = list(setting.distribute);
  const failover = list(setting.failover);
  if (distribute.length > 0 && failover.length > 0) {
    issues.add(path, 'set either distribute or failover, not both');
  }
  distribute.forEach((entry, i) => {
    const at = [...path, 'distribute', i];
    if (!isFilled(entry.from)) issues.add([...at, 'from'], 'is required');
    let total = 0;
    for (const [locality, weight] of entries(entry.to)) {
      if (weight < 1 || weight > 100) issues.add([...at, 'to', locality], `weight ${weight} must be in 1..100`);
      total += weight;
    }
    if (total !== 100) issues.add([...at, 'to'], `weights total ${total}; they must total 100`);
  });
  failover.forEach((entry, i) => {
    const at = [...path, 'failover', i];
    for (const side of ['from', 'to'] as const) {
      const region = entry[side];
      if (!isFilled(region)) issues.add([...at, side], 'is required');
      else if (region?.includes('/') || region?.includes('*'))
        issues.add([...at, side], 'must be a region (no "/" or "*")');
    }
    if (isFilled(entry.from) && entry.from === entry.to) issues.add([...at, 'to'], 'from and to must differ');
  });
}
