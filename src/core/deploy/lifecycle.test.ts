import { describe, expect, test } from 'vitest';
import { ConflictError } from '../errors.js';
import {
  checkApprove,
  checkInstantiate,
  checkTerminate,
  checkUpdate,
  isDeployed,
  NEW_GROUP,
  statesOf,
} from './lifecycle.js';
import type { GroupRecord, GroupState, OperationAction } from './records.js';

type Check = 'approve' | 'instantiate' | 'update' | 'rollback' | 'terminate';

const CHECKS: Record<Check, (record: GroupRecord) => void> = {
  approve: checkApprove,
  instantiate: checkInstantiate,
  update: (record) => checkUpdate(record),
  rollback: (record) => checkUpdate(record, 'rollback'),
  terminate: checkTerminate,
};

/**
 * What each request is allowed in each state, with no operation running and the group
 * approved: nothing deployed → approve and instantiate; something deployed → update,
 * rollback and terminate (a failed terminate only terminate; a failed instantiate may also be
 * instantiated again). Instantiating and
 * Terminating without a running operation only happen if a record is left behind
 * half-written; those rows pin what the code does today.
 */
const ALLOWED: Record<GroupState, { deployed: boolean; allowed: Check[] }> = {
  Created: { deployed: false, allowed: ['approve', 'instantiate'] },
  Approved: { deployed: false, allowed: ['approve', 'instantiate'] },
  Instantiating: { deployed: false, allowed: ['approve', 'instantiate'] },
  Instantiated: { deployed: true, allowed: ['update', 'rollback', 'terminate'] },
  InstantiateFailed: { deployed: true, allowed: ['instantiate', 'update', 'rollback', 'terminate'] },
  Updating: { deployed: true, allowed: ['update', 'rollback', 'terminate'] },
  UpdateFailed: { deployed: true, allowed: ['update', 'rollback', 'terminate'] },
  Terminating: { deployed: true, allowed: ['update', 'rollback', 'terminate'] },
  Terminated: { deployed: false, allowed: ['approve', 'instantiate'] },
  TerminateFailed: { deployed: true, allowed: ['terminate'] },
};

const STATES = Object.keys(ALLOWED) as GroupState[];
const REQUESTS = Object.keys(CHECKS) as Check[];

function recordIn(state: GroupState, options: { approved?: boolean; running?: OperationAction } = {}): GroupRecord {
  return {
    state,
    approved: options.approved ?? true,
    revision: 3,
    latestRevision: 4,
    ...(options.running
      ? { operation: { action: options.running, revision: 4, startedAt: '2024-01-01T00:00:00Z', status: 'running' } }
      : {}),
  };
}

function outcome(check: (record: GroupRecord) => void, record: GroupRecord): 'ok' | ConflictError {
  try {
    check(record);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ConflictError);
    return error as ConflictError;
  }
}

describe('lifecycle checks with no operation running', () => {
  const cases = STATES.flatMap((state) => REQUESTS.map((request) => [state, request] as const));

  test.each(cases)('%s: %s', (state, request) => {
    const result = outcome(CHECKS[request], recordIn(state));
    if (ALLOWED[state].allowed.includes(request)) {
      expect(result).toBe('ok');
    } else {
      expect(result).toBeInstanceOf(ConflictError);
      expect((result as ConflictError).message).toMatch(new RegExp(`^cannot ${request}: `));
      expect((result as ConflictError).message).toContain(state);
    }
  });

  test.each(STATES)('%s: a finished operation does not hold anything up', (state) => {
    for (const status of ['succeeded', 'failed'] as const) {
      const record: GroupRecord = {
        ...recordIn(state),
        operation: { action: 'update', revision: 3, startedAt: 'a', finishedAt: 'b', status },
      };
      for (const request of REQUESTS) {
        const expected = ALLOWED[state].allowed.includes(request);
        expect(outcome(CHECKS[request], record) === 'ok', `${request} after ${status}`).toBe(expected);
      }
    }
  });
});

describe('lifecycle checks while an operation runs', () => {
  const cases = STATES.flatMap((state) => REQUESTS.map((request) => [state, request] as const));

  test.each(cases)('%s: %s is refused', (state, request) => {
    const result = outcome(CHECKS[request], recordIn(state, { running: 'update' }));
    expect(result).toBeInstanceOf(ConflictError);
    expect((result as ConflictError).message).toBe(
      `cannot ${request}: update of revision 4 is still running; wait for it (meshbridge status --wait)`,
    );
  });
});

describe('instantiate needs approval', () => {
  test.each(STATES.filter((state) => !ALLOWED[state].deployed))('%s, not approved: refused', (state) => {
    const result = outcome(checkInstantiate, recordIn(state, { approved: false }));
    expect(result).toBeInstanceOf(ConflictError);
    expect((result as ConflictError).message).toBe('cannot instantiate: the group is not approved; approve it first');
  });

  test('a new group is Created, not approved, at revision 0, and cannot be instantiated', () => {
    expect(NEW_GROUP).toEqual({ state: 'Created', approved: false, revision: 0, latestRevision: 0 });
    expect(() => checkInstantiate(NEW_GROUP)).toThrow(ConflictError);
    expect(() => checkApprove(NEW_GROUP)).not.toThrow();
    expect(() => checkTerminate(NEW_GROUP)).toThrow(ConflictError);
  });

  test('the other requests do not care about approval', () => {
    for (const state of STATES) {
      for (const request of ['approve', 'update', 'rollback', 'terminate'] as const) {
        const approved = outcome(CHECKS[request], recordIn(state)) === 'ok';
        const unapproved = outcome(CHECKS[request], recordIn(state, { approved: false })) === 'ok';
        expect(unapproved, `${state} ${request}`).toBe(approved);
      }
    }
  });
});

describe('isDeployed', () => {
  test.each(STATES)('%s', (state) => {
    expect(isDeployed(recordIn(state))).toBe(ALLOWED[state].deployed);
  });
});

describe('statesOf', () => {
  test.each([
    ['instantiate', 'Instantiating', 'Instantiated', 'InstantiateFailed'],
    ['update', 'Updating', 'Instantiated', 'UpdateFailed'],
    ['rollback', 'Updating', 'Instantiated', 'UpdateFailed'],
    ['terminate', 'Terminating', 'Terminated', 'TerminateFailed'],
  ] as const)('%s: %s, then %s or %s', (action, running, succeeded, failed) => {
    expect(statesOf(action)).toEqual({ running, succeeded, failed });
  });

  test('after success the next step is allowed, after failure a retry is', () => {
    expect(outcome(checkUpdate, recordIn(statesOf('instantiate').succeeded))).toBe('ok');
    expect(outcome(checkUpdate, recordIn(statesOf('update').failed))).toBe('ok');
    expect(outcome(checkTerminate, recordIn(statesOf('terminate').failed))).toBe('ok');
    expect(outcome(checkInstantiate, recordIn(statesOf('terminate').succeeded))).toBe('ok');
    expect(outcome(checkTerminate, recordIn(statesOf('terminate').succeeded))).not.toBe('ok');
  });
});
