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

/** One render of the fleet and what it was made from; views of it are memoized in `views`. */
export interface Rendered {
  changes: Changes;
  snapshot: Snapshot;
  plan: RenderPlan;
  /** Every address the plan's claims hold. */
  addresses: ReadonlyMap<string, string>;
  result: RenderResult;
  /** Derived views (a cluster's, a group's, the data-plane world) by name, made at most once per render. */
  views: Map<string, unknown>;
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
      // A slower render of older numbers never replaces a newer one.
      if (!this.kept || !newer(this.kept.changes, fresh.changes)) this.kept = fresh;
      return fresh;
    });
    this.pending = { changes, rendered };
    try {
      return await rendered;
    } finally {
      if (this.pending?.rendered === rendered) this.pending = undefined;
    }
  }

  /** The plan of the model at the store's current numbers: the kept one when the resources have not changed. */
  async plan(): Promise<RenderPlan> {
    const changes = await this.store.changes();
    if (this.kept && this.kept.changes.resources === changes.resources) return this.kept.plan;
    return planRender(await readSnapshot(this.store));
  }

  /** Syncs the ledger with `plan`'s claims, the held ones and `extra`; returns every address. */
  async sync(plan: RenderPlan, extra: readonly AddressClaim[] = []): Promise<Map<string, string>> {
    return this.ledger.sync([...plan.claims, ...(await this.heldClaims()), ...extra]);
  }

  private async render(changes: Changes, kept: Rendered | undefined): Promise<Rendered> {
    // Only the ledger changed (another render allocated or released addresses): the model is the kept one.
    if (kept && kept.changes.resources === changes.resources) {
      const addresses = await this.sync(kept.plan);
      if (sameAddresses(kept.plan, kept.addresses, addresses)) return { ...kept, changes, views: kept.views };
      return this.rendered(changes, kept.snapshot, kept.plan, addresses);
    }
    const snapshot = await readSnapshot(this.store);
    const plan = planRender(snapshot);
    return this.rendered(changes, snapshot, plan, await this.sync(plan));
  }

  private rendered(
    changes: Changes,
    snapshot: Snapshot,
    plan: RenderPlan,
    addresses: ReadonlyMap<string, string>,
  ): Rendered {
    const result = this.renderer.render(snapshot, addresses, plan);
    return { changes, snapshot, plan, addresses, result, views: new Map() };
  }
}

/** True when every claim of the plan has the same address in both. */
function sameAddresses(plan: RenderPlan, a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return plan.claims.every((claim) => {
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
