/**
 * The fields each kind's schema defines, in the notation of `shape.ts`. The Istio spec shapes
 * are those of the CRDs in `@kubernetes-models/istio` (Istio 1.29.2); `fields.test.ts` derives
 * them again from the package's type declarations and fails when the two drift apart.
 */
import { parseShape, type Shape } from './shape.js';

const labels = 'labels{*}';
const stringMatch = '{exact,prefix,regex}';
const destination = '{host,port{number},subset}';
const percent = '{value}';
const headers = '{request{add{*},remove,set{*}},response{add{*},remove,set{*}}}';

const connectionPool =
  'connectionPool{' +
  'http{h2UpgradePolicy,http1MaxPendingRequests,http2MaxRequests,idleTimeout,maxConcurrentStreams,maxRequestsPerConnection,maxRetries,useClientProtocol},' +
  'tcp{connectTimeout,idleTimeout,maxConnectionDuration,maxConnections,tcpKeepalive{interval,probes,time}}}';
const loadBalancer =
  'loadBalancer{' +
  'consistentHash{httpCookie{attributes{name,value},name,path,ttl},httpHeaderName,httpQueryParameterName,maglev{tableSize},minimumRingSize,ringHash{minimumRingSize},useSourceIp},' +
  'localityLbSetting{distribute{from,to{*}},enabled,failover{from,to},failoverPriority},' +
  'simple,warmup{aggression,duration,minimumPercent},warmupDurationSecs}';
const outlierDetection =
  'outlierDetection{baseEjectionTime,consecutive5xxErrors,consecutiveErrors,consecutiveGatewayErrors,consecutiveLocalOriginFailures,' +
  'interval,maxEjectionPercent,minHealthPercent,splitExternalLocalOriginErrors}';
const clientTls =
  'tls{caCertificates,caCrl,clientCertificate,credentialName,insecureSkipVerify,mode,privateKey,sni,subjectAltNames}';
const portPolicy = `${connectionPool},${loadBalancer},${outlierDetection},${clientTls}`;
const trafficPolicy =
  `trafficPolicy{${portPolicy},portLevelSettings{${portPolicy},port{number}},` +
  'proxyProtocol{version},retryBudget{minRetryConcurrency,percent},tunnel{protocol,targetHost,targetPort}}';

const httpMatch =
  `match{authority${stringMatch},gateways,headers{*${stringMatch}},ignoreUriCase,method${stringMatch},name,port,` +
  `queryParams{*${stringMatch}},scheme${stringMatch},sourceLabels{*},sourceNamespace,statPrefix,` +
  `uri${stringMatch},withoutHeaders{*${stringMatch}}}`;
const httpRoute =
  'http{corsPolicy{allowCredentials,allowHeaders,allowMethods,allowOrigin,' +
  `allowOrigins${stringMatch},exposeHeaders,maxAge,unmatchedPreflights},` +
  'delegate{name,namespace},directResponse{body{bytes,string},status},' +
  `fault{abort{grpcStatus,http2Error,httpStatus,percentage${percent}},delay{exponentialDelay,fixedDelay,percent,percentage${percent}}},` +
  `headers${headers},${httpMatch},mirror${destination},mirrorPercent,mirrorPercentage${percent},mirror_percent,` +
  `mirrors{destination${destination},percentage${percent}},name,redirect{authority,derivePort,port,redirectCode,scheme,uri},` +
  'retries{attempts,backoff,perTryTimeout,retryIgnorePreviousHosts,retryOn,retryRemoteLocalities},' +
  'rewrite{authority,uri,uriRegexRewrite{match,rewrite}},' +
  `route{destination${destination},headers${headers},weight},timeout}`;
const l4Match = 'destinationSubnets,gateways,port,sourceLabels{*},sourceNamespace';
const l4Route = `route{destination${destination},weight}`;

/** Spec shapes, by kind. */
export const specFields: Readonly<Record<string, string>> = {
  ServiceEntry:
    '{addresses,endpoints{address,labels{*},locality,network,ports{*},serviceAccount,weight},exportTo,hosts,location,' +
    'ports{name,number,protocol,targetPort},resolution,subjectAltNames,workloadSelector{labels{*}}}',
  DestinationRule: `{exportTo,host,subsets{${labels},name,${trafficPolicy}},${trafficPolicy},workloadSelector{matchLabels{*}}}`,
  VirtualService: `{exportTo,gateways,hosts,${httpRoute},tcp{match{${l4Match},sourceSubnet},${l4Route}},tls{match{${l4Match},sniHosts},${l4Route}}}`,
  Gateway:
    '{selector{*},servers{bind,defaultEndpoint,hosts,name,port{name,number,protocol,targetPort},' +
    'tls{caCertCredentialName,caCertificates,caCrl,cipherSuites,credentialName,credentialNames,httpsRedirect,maxProtocolVersion,' +
    'minProtocolVersion,mode,privateKey,serverCertificate,subjectAltNames,tlsCertificates{caCertificates,privateKey,serverCertificate},' +
    'verifyCertificateHash,verifyCertificateSpki}}}',
  AuthorizationPolicy:
    '{action,provider{name},rules{from{source{ipBlocks,namespaces,notIpBlocks,notNamespaces,notPrincipals,notRemoteIpBlocks,' +
    'notRequestPrincipals,notServiceAccounts,principals,remoteIpBlocks,requestPrincipals,serviceAccounts}},' +
    'to{operation{hosts,methods,notHosts,notMethods,notPaths,notPorts,paths,ports}},when{key,notValues,values}},' +
    'selector{matchLabels{*}},targetRef{group,kind,name,namespace},targetRefs{group,kind,name,namespace}}',
  PeerAuthentication: '{mtls{mode},portLevelMtls{*{mode}},selector{matchLabels{*}}}',
};

/** ObjectMeta (meta/v1). */
const metadata =
  'metadata{annotations{*},creationTimestamp,deletionGracePeriodSeconds,deletionTimestamp,finalizers,generateName,generation,' +
  'labels{*},managedFields{apiVersion,fieldsType,fieldsV1,manager,operation,subresource,time},name,namespace,' +
  'ownerReferences{apiVersion,blockOwnerDeletion,controller,kind,name,uid},resourceVersion,selfLink,uid}';

/** NetworkPolicySpec (networking.k8s.io/v1); network-policy.test.ts derives it again from @kubernetes/client-node. */
const labelSelector = '{matchExpressions{key,operator,values},matchLabels{*}}';
const peer = `{ipBlock{cidr,except},namespaceSelector${labelSelector},podSelector${labelSelector}}`;
const policyPorts = 'ports{endPort,port,protocol}';
export const networkPolicySpec = `{egress{${policyPorts},to${peer}},ingress{from${peer},${policyPorts}},podSelector${labelSelector},policyTypes}`;

/** Whole-object shapes, by kind. `status` is the cluster's; it is allowed but not walked. */
export const objectShapes: ReadonlyMap<string, Shape> = new Map([
  ...Object.entries(specFields).map(([kind, spec]): [string, Shape] => [
    kind,
    parseShape(`{apiVersion,kind,${metadata},spec${spec},status}`),
  ]),
  ['Secret', parseShape(`{apiVersion,kind,${metadata},data{*},stringData{*},type,immutable}`)],
  ['ConfigMap', parseShape(`{apiVersion,kind,${metadata},data{*},binaryData{*},immutable}`)],
  ['NetworkPolicy', parseShape(`{apiVersion,kind,${metadata},spec${networkPolicySpec},status}`)],
]);
