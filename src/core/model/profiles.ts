/**
 * Composite profiles and their app profiles (EMCO's orchestrator, `src/orchestrator/pkg/module/composite_profile.go`
 * and `app_profile.go`, emco-base f12558f). An app profile carries a file (EMCO: a tar.gz of Helm values overrides),
 * uploaded as multipart exactly like an app's chart and kept as it came. meshbridge stores them for EMCO files; the
 * renderer does not read them.
 */
import { Type } from '@sinclair/typebox';
import { Metadata, Name, Obj } from '../validation/schema.js';
import { byMetadataName, specOf, type ResourceKind } from './kind.js';

export const compositeProfileKind: ResourceKind = {
  kind: 'compositeProfile',
  label: 'composite profile',
  parent: 'compositeApp',
  segment: 'composite-profiles',
  params: ['compositeProfile'],
  schema: Obj({ metadata: Metadata(), spec: Type.Optional(Obj({})) }),
  itemSegments: byMetadataName,
};

export const appProfileKind: ResourceKind = {
  kind: 'appProfile',
  label: 'app profile',
  parent: 'compositeProfile',
  segment: 'profiles',
  params: ['appProfile'],
  // EMCO's AppProfileSpec: `{"app": name}`.
  schema: Obj({ metadata: Metadata(), spec: Obj({ app: Name() }) }),
  itemSegments: byMetadataName,
  // EMCO's CreateAppProfile: "App already has an AppProfile" (one profile per app in a composite profile). EMCO
  // leaves unchecked that the app exists, and so does meshbridge: a profile may be written before its app.
  unique: {
    scope: ({ parentKey }) => `${parentKey}/profiles/`,
    identity: (body) => String(specOf(body).app),
    field: 'spec.app',
    describe: (body) => `app "${String(specOf(body).app)}"`,
  },
};
