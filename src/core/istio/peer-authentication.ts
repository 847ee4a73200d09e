/** PeerAuthentication rules of Istio's webhook and the CRD's CEL rules. */
import { checkSelectorLabels } from './common.js';
import { entries, type Issues } from './issues.js';
import type { PeerAuthentication } from './objects.js';

export function checkPeerAuthentication(issues: Issues, object: PeerAuthentication): void {
  const spec = object.spec;
  checkSelectorLabels(issues, ['spec', 'selector', 'matchLabels'], spec.selector?.matchLabels);
  const ports = entries(spec.portLevelMtls);
  if (ports.length > 0 && entries(spec.selector?.matchLabels).length === 0) {
    issues.add(['spec', 'portLevelMtls'], 'portLevelMtls requires a selector with matchLabels');
  }
  for (const [port] of ports) {
    const number = /^[0-9]+$/.test(port) ? Number(port) : NaN;
    if (!(number >= 1 && number <= 65535)) {
      issues.add(['spec', 'portLevelMtls', port], `"${port}" is not a port number in 1..65535`);
    }
  }
}
