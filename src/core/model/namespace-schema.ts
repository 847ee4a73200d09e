/** The schema of a field that names a Kubernetes namespace, with the message every such field gives. */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_PATTERN } from './formats.js';

export const NamespaceName = () =>
  Type.String({
    pattern: DNS_LABEL_PATTERN,
    maxLength: 63,
    'x-pattern-message': 'must be a Kubernetes namespace name (lower case letters, digits and "-")',
  });
