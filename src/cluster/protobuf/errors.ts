/**
 * Why a protobuf request body could not be turned into JSON. Each one is an
 * `ApiError`, so the server answers it with a Status like any other failure.
 */
import { ApiError } from '../errors.ts';

/** The body names a kind our schema subset does not describe: 415, so the client knows to send JSON. */
export class UnsupportedProtobufKind extends ApiError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(415, 'UnsupportedMediaType', `the embedded API server cannot decode protobuf bodies of kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}; send it as application/json`);
  }
}

/**
 * The body carries a field our schema subset leaves out. Refusing it (415)
 * is better than storing an object with that field silently dropped.
 */
export class UnsupportedProtobufField extends ApiError {
  constructor(
    readonly messageType: string,
    readonly fieldNumber: number,
  ) {
    super(415, 'UnsupportedMediaType', `the embedded API server cannot decode field ${fieldNumber} of protobuf message ${messageType}; send the object as application/json`);
  }
}

/** The body is not a well-formed Kubernetes protobuf message: 400, as upstream answers undecodable bodies. */
export class InvalidProtobufBody extends ApiError {
  constructor(detail: string) {
    super(400, 'BadRequest', `unable to decode the protobuf body: ${detail}`);
  }
}
