/**
 * The client of one cluster's API server: client-node's generic object API, with
 * - a deadline on every request (discovery included): a middleware gives each
 *   request an AbortSignal that fires after `requestTimeoutMs`, which node-fetch
 *   honours by closing the connection, so a stalled server is really given up;
 * - responses kept as the plain JSON the server sent (client-node would turn the
 *   objects of kinds it knows into its model classes, renaming and dropping fields);
 * - a way to ask whether the cluster serves a kind, with "no" for an API group the
 *   cluster does not serve at all (a CRD that is not installed).
 */
import {
  ApiException,
  createConfiguration,
  KubernetesObjectApi,
  ServerConfiguration,
  type KubeConfig,
  type KubernetesObject,
  type Middleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/** How a kind is served: its URL segment and whether it lives in namespaces. */
export interface ServedKind {
  name: string;
  namespaced: boolean;
}

function deadline(timeoutMs: number): Middleware {
  return {
    pre: async (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return context;
    },
    post: async (response: ResponseContext) => response,
  };
}

export class ClusterClient extends KubernetesObjectApi {
  static create(config: KubeConfig, timeoutMs: number): ClusterClient {
    const server = config.getCurrentCluster()?.server ?? '';
    const client = new ClusterClient(
      createConfiguration({
        baseServer: new ServerConfiguration(server, {}),
        authMethods: { default: config },
        promiseMiddleware: [deadline(timeoutMs)],
      }),
    );
    client.setDefaultNamespace(config);
    return client;
  }

  /** How the cluster serves `kind` of `apiVersion`, or undefined when it does not (discovery says so, or 404s). */
  async served(apiVersion: string, kind: string): Promise<ServedKind | undefined> {
    try {
      return await this.resource(apiVersion, kind);
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const status = response.httpStatusCode;
    if (status >= 200 && status <= 299) {
      const text = await response.body.text();
      return (text === '' ? {} : JSON.parse(text)) as T;
    }
    throw new ApiException(status, 'Unsuccessful HTTP Request', await response.getBodyAsAny(), response.headers);
  }
}
