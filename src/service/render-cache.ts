/**
 * The fleet's render, kept in memory while the database has not changed. Every use asks the
 * store for its change sequences (one query, `Store.changes`): the same numbers as the kept
 * render's serve it as it is; new ones render again, through the renderer's own unit caches,
 * so a change re-renders only the units it touches. Another replica's write bumps the same
 * numbers in the same database, so the next use on any replica sees it.
 *
 * The numbers are read before the model, so a render is never newer-keyed than its data: at
 * worst a write that commits during a render is rendered again by the next use.
 */
import { planRender, type Renderer, type RenderPlan, type RenderResult } from '../core/render/render.js';
import type { Snapshot } from '../core/render/snapshot.js';
import type { AddressClaim, AddressLedger } from './address-ledger.js';
import { addressKey } from './address-ledger.js';
import { readSnapshot } from './snapshot.js';
import type { Changes, Store } from './store.js';

/**
 * One render of the fleet; views of it are memoized in `views`. Neither the snapshot nor the plan it
 * was made from is kept (together they cost about half as much memory as the rendered objects): only
 * the plan's claims and their addresses, to tell whether another render's addresses change this one.
 */
export interface Rendered {
  changes: Changes;
  /** The virtual addresses the model claims (`RenderPlan.claims`). */
  claims: readonly AddressClaim[];
  /** Every address the claims hold. */
  addresses: ReadonlyMap<string, string>;
  result: RenderResult;
  /** Derived views (a cluster's, a group's) by name, made at most once per render. */
  views: Map<string, unknown>;
}

/** A render with what it was made from, for the uses that need the model too (the data-plane world). */
export interface RenderedModel extends Rendered {
  snapshot: Snapshot;
  plan: RenderPlan;
}

const sameChanges = (a: Changes, b: Changes) => a.resources === b.resources && a.addresses === b.addresses;
const newer = (a: Changes, b: Changes) =>
  a.resources > b.resources || (a.resources === b.resources && a.addresses > b.addresses);

export class RenderCache {
  private kept: Rendered | undefined;
  /** The render under way, which uses at the same numbers wait for instead of starting their own. */
  private pending: { changes: Changes; rendered: Promise<Rendered> } | undefined;

  constructor(
    private readonly store: Store,
    private readonly ledger: AddressLedger,
    private readonly renderer: Renderer,
    private readonly heldClaims: () => Promise<AddressClaim[]>,
  ) {}

  /** The fleet as the database holds it now. */
  async current(): Promise<Rendered> {
    const changes = await this.store.changes();
    if (this.kept && sameChanges(this.kept.changes, changes)) return this.kept;
    if (this.pending && sameChanges(this.pending.changes, changes)) return this.pending.rendered;
    const rendered = this.render(changes, this.kept).then((fresh) => {
      this.keep(fresh);
      return fresh;
    });
    this.pending = { changes, rendered };
    try {
      return await rendered;
    } finally {
      if (this.pending?.rendered === rendered) this.pending = undefined;
    }
  }

  /** The model's claims at the store's current numbers: the kept ones when the resources have not changed. */
  async claims(): Promise<readonly AddressClaim[]> {
    const changes = await this.store.changes();
    if (this.kept && this.kept.changes.resources === changes.resources) return this.kept.claims;
    return planRender(await readSnapshot(this.store)).claims;
  }

  /** Syncs the ledger with `claims`, the held ones and `extra`; returns every address. */
  async sync(claims: readonly AddressClaim[], extra: readonly AddressClaim[] = []): Promise<Map<string, string>> {
    return this.ledger.sync([...claims, ...(await this.heldClaims()), ...extra]);
  }

  /** A render from the model as the store holds it now, which is kept unless a newer one is. */
  async withModel(): Promise<RenderedModel> {
    const rendered = await this.full(await this.store.changes());
    this.keep(rendered);
    return rendered;
  }

  private keep(fresh: Rendered): void {
    // A slower render of older numbers never replaces a newer one.
    if (!this.kept || !newer(this.kept.changes, fresh.changes))
      this.kept = {
        changes: fresh.changes,
        claims: fresh.claims,
        addresses: fresh.addresses,
        result: fresh.result,
        views: fresh.views,
      };
  }

  private async render(changes: Changes, kept: Rendered | undefined): Promise<Rendered> {
    // Only the ledger changed (another render allocated or released addresses): re-read it, keep the render if ours are the same.
    if (kept && kept.changes.resources === changes.resources) {
      const addresses = await this.sync(kept.claims);
      if (sameAddresses(kept.claims, kept.addresses, addresses)) return { ...kept, changes };
    }
    return this.full(changes);
  }

  private async full(changes: Changes): Promise<RenderedModel> {
    const snapshot = await readSnapshot(this.store);
    const plan = planRender(snapshot);
    const addresses = await this.sync(plan.claims);
    const result = this.renderer.render(snapshot, addresses, plan);
    return { changes, snapshot, plan, claims: plan.claims, addresses, result, views: new Map() };
  }
}

/** True when every claim has the same address in both. */
function sameAddresses(
  claims: readonly AddressClaim[],
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): boolean {
  return claims.every((claim) => {
    const key = addressKey(claim.cluster, claim.host);
    return a.get(key) === b.get(key);
  });
}

/** The view `name` of `rendered`, made by `make` the first time it is asked for. */
export function viewOf<T>(rendered: Rendered, name: string, make: () => T): T {
  if (rendered.views.has(name)) return rendered.views.get(name) as T;
  const view = make();
  rendered.views.set(name, view);
  return view;
}
