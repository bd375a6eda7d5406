/**
 * kopf-ts: a Kubernetes operator framework for TypeScript. Register handlers with `kopf.on.*`, run them
 * with `kopf run` or `kopf.operator()`; the embedded cluster and the testing kit are in `kopf-ts/testing`.
 */
export { version } from './core/version.ts';

// The client: `connect()` gives the `api` that handlers get, usable on its own (docs/client.md).
export {
  connect,
  Api,
  type ConnectOptions,
  type KindArgument,
  type Resolved,
  type ObjectList,
  type ApiWatchEvent,
  type ApiWatchOptions,
  type GetOptions,
  type ListOptions,
  type WriteOptions,
  type ReplaceOptions,
  type PatchOptions,
  type PatchType,
  type ApplyOptions,
  type DeleteOptions,
} from './client/api.ts';
export type { BuiltinKinds, BuiltinKindReference, KindReference, KubeObject, ObjectHead, ObjectOfKind } from './client/builtin-kinds.ts';
export { loadConnection, type ConnectionInfo, type ConnectionOptions, type Credentials } from './client/config.ts';
export {
  ApiError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  AlreadyExistsError,
  ConflictError,
  GoneError,
  InvalidError,
  TooManyRequestsError,
  ServerError,
  ConnectionError,
  isTerminal,
  type Status,
  type StatusCause,
  type StatusDetails,
} from './client/errors.ts';
export type { EventOptions } from './client/events.ts';
export type { TransportSettings, RetryNotice } from './client/transport.ts';
export type { Resource } from './core/resource-selector.ts';

// Registration: `kopf.on.*`, sub-handlers, filters, handler errors, settings (docs/handlers.md, filters.md, errors.md).
import type { Api as ClientApi } from './client/api.ts';
declare module './registry/context.ts' {
  /** Handlers' `api` is the client's API (the registry layer cannot import the client, so it is merged in here). */
  interface HandlerApi extends ClientApi {}
}
export { on, getDefaultRegistry, setDefaultRegistry } from './registry/default-registry.ts';
export { Registry } from './registry/registry.ts';
export { RegistrationError } from './registry/handler-ids.ts';
export { subhandler, register, execute, SubRegistry, type ExecuteOptions } from './registry/subhandlers.ts';
export { EVERYTHING } from './core/resource-selector.ts';

// Running operators: embedding, logging, Kubernetes Events (docs/walkthrough.md, docs/events.md).
export { operator, run, type OperatorOptions } from './engine/operator.ts';
export { configure, type LoggingOptions, type LogFormat, type LogLevel } from './engine/logging.ts';
// Admission webhooks: the built-in server for `settings.admission.server` (docs/admission.md).
export { WebhookServer, type WebhookServerOptions } from './engine/webhook-server.ts';
export { WebhookRequestError, type AdmissionReviewResponse } from './engine/admission.ts';
export { loginWithKubeconfig, loginWithServiceAccount, LoginError, type LoginCredentials } from './engine/login.ts';
export {
  event,
  info,
  warn,
  exception,
  type EventObjects,
  type EventArguments,
  type LevelEventArguments,
  type ExceptionEventArguments,
} from './engine/event-functions.ts';
export { LIFECYCLES as lifecycles, type Lifecycle } from './core/lifecycles.ts';
export {
  PRESENT,
  ABSENT,
  not,
  all,
  any,
  none,
  type MetaFilter,
  type MetaCallback,
  type ValueFilter,
  type ValueCallback,
  type WhenFilter,
} from './core/filters.ts';
export {
  TemporaryError,
  PermanentError,
  HandlerTimeoutError,
  HandlerRetriesError,
  AdmissionError,
  type ErrorsMode,
} from './core/handler-errors.ts';
export {
  Settings,
  type OperatorSettings,
  type SettingsOverrides,
  type ProcessSettings,
  type PostingSettings,
  type PostingLevel,
  type PeeringSettings,
  type WatchingSettings,
  type QueueingSettings,
  type ScanningSettings,
  type AdmissionSettings,
  type ExecutionSettings,
  type BackgroundSettings,
  type NetworkingSettings,
  type PersistenceSettings,
  type ResourceSelectorKey,
  type WebhookClientConfig,
  type AdmissionRequestFn,
} from './registry/settings.ts';
export {
  SmartProgressStorage,
  AnnotationsProgressStorage,
  StatusProgressStorage,
  MultiProgressStorage,
  type ProgressStorage,
  type ProgressRecord,
} from './core/progress-storage.ts';
export {
  AnnotationsDiffBaseStorage,
  StatusDiffBaseStorage,
  MultiDiffBaseStorage,
  type DiffBaseStorage,
} from './core/diff-base.ts';
export type {
  ActivityContext,
  LoginContext,
  ChangingContext,
  EventContext,
  IndexContext,
  DaemonContext,
  TimerContext,
  WebhookContext,
  FilterContext,
  HandlerApi,
  Memo,
  Indexes,
  Index,
  Store,
  DaemonStopped,
  DaemonStoppingReason,
  Patch,
  Reason,
  Activity,
  Operation,
  WatchEventType,
} from './registry/context.ts';
export type {
  ResumeHandlerOptions,
  CreateHandlerOptions,
  UpdateHandlerOptions,
  DeleteHandlerOptions,
  FieldHandlerOptions,
  EventHandlerOptions,
  IndexHandlerOptions,
  DaemonHandlerOptions,
  TimerHandlerOptions,
  WebhookHandlerOptions,
  ActivityHandlerOptions,
  SubhandlerOptions,
  RegisterOptions,
  FieldOption,
} from './registry/options.ts';
export type { HandlerFn, HandlerKind } from './registry/kinds.ts';
export type { On } from './registry/on.ts';
export type { AnyObject, Body, KubernetesObject } from './registry/objects.ts';
export type {
  Handler,
  ActivityHandler,
  ChangingHandler,
  WatchingHandler,
  IndexingHandler,
  DaemonHandler,
  TimerHandler,
  WebhookHandler,
} from './registry/handlers.ts';

// Hierarchies: children owned by, named after, placed and labelled like their parent (docs/hierarchies.md).
export {
  adopt,
  appendOwnerReference,
  removeOwnerReference,
  label,
  harmonizeNaming,
  adjustNamespace,
  buildObjectReference,
  buildOwnerReference,
  type HierarchyObjects,
  type OwnerBody,
  type OwnerReferenceOptions,
  type LabelOptions,
  type NamingOptions,
  type NamespaceOptions,
  type AdoptOptions,
} from './kits/hierarchies.ts';
